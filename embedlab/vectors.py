"""Trained vectors looked up by key: the one interface every embedlab trainer returns.

Like gensim's ``KeyedVectors``, a :class:`KeyedVectors` holds a (n, d) matrix whose row i
is the vector of ``index_to_key[i]`` (a word, or a document's number) and answers the
questions asked of embeddings all through the course::

    model = train_word2vec(docs)          # or train_glove, train_swivel, train_fasttext ...
    wv = model.wv                         # the word vectors: a KeyedVectors
    wv["king"]                            # (d,) float32
    "king" in wv, len(wv), wv.vectors     # membership, size, the (n, d) matrix
    wv.most_similar("king", topn=5)       # [(word, cosine), ...], the word itself excluded
    wv.similarity("king", "queen")        # cosine of two keys
    wv.to_gensim()                        # a gensim KeyedVectors, for its evaluations

Every word model also answers these itself (``model["king"]``, ``model.most_similar(...)``),
through :class:`VectorsInterface`, and keeps ``model.vectors`` and ``model.index_to_key``;
a Doc2Vec model has two sets, ``model.wv`` (words) and ``model.dv`` (documents). fastText's
:class:`SubwordVectors` also has a vector for a word it never saw, built from the word's
character n-grams.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

import numpy as np

from . import evaluate

__all__ = ["KeyedVectors", "SubwordVectors", "VectorsInterface"]


class KeyedVectors:
    """Vectors looked up by key. vectors: (n, d) float32; index_to_key: the n keys in row order.

    counts: optional (n,) int64 corpus counts of the keys (kept for ``to_gensim``).
    """

    def __init__(self, vectors: Any, index_to_key: Sequence[Hashable] | None = None,
                 counts: Any = None):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D array, one row per key; got shape {vectors.shape}")
        self.vectors = vectors
        self.index_to_key = list(range(len(vectors))) if index_to_key is None else list(index_to_key)
        if len(self.index_to_key) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors but {len(self.index_to_key)} keys: one key per row")
        self.key_to_index = {k: i for i, k in enumerate(self.index_to_key)}
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self._searchable: evaluate.WordVectors | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} keys, dim={self.vector_size})"

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.key_to_index

    def __getitem__(self, key: Hashable | Sequence[Hashable]) -> np.ndarray:
        """(d,) vector of one key, or (k, d) of a list of keys."""
        if isinstance(key, (list, tuple)):
            return np.stack([self.get_vector(k) for k in key]) if key else np.zeros((0, self.vector_size),
                                                                                     np.float32)
        return self.get_vector(key)

    @property
    def vector_size(self) -> int:
        return self.vectors.shape[1]

    def get_vector(self, key: Hashable) -> np.ndarray:
        """(d,) float32 vector of ``key``; a KeyError that says so (and suggests a spelling) if unknown."""
        i = self.key_to_index.get(key)
        if i is None:
            raise self._unknown(key)
        return self.vectors[i]

    def _unknown(self, key: Hashable) -> KeyError:
        if isinstance(key, str):
            return evaluate.UnknownWordError(evaluate._unknown_message(key, [str(k) for k in self.index_to_key]))
        return evaluate.UnknownWordError(f"{key!r} is not among the {len(self):,} keys of these vectors")

    def similarity(self, a: Hashable, b: Hashable) -> float:
        """Cosine similarity of the vectors of two keys (0.0 when one is all zeros)."""
        va, vb = self.get_vector(a).astype(np.float64), self.get_vector(b).astype(np.float64)
        norms = np.linalg.norm(va) * np.linalg.norm(vb)
        return float(va @ vb / norms) if norms > 0 else 0.0

    def most_similar(self, query: Hashable | np.ndarray, topn: int = 10) -> list[tuple[Hashable, float]]:
        """The ``topn`` keys whose vectors have the highest cosine with ``query``, best first.

        query: a key (itself excluded from the answer, as in gensim) or a (d,) vector. A
        zero vector (fastText's vector of a word without n-grams) has no direction, so
        nothing is similar to it: the answer is empty.
        """
        searchable = self._search_index()
        if not (isinstance(query, np.ndarray) or type(query).__module__.startswith("torch")):
            if query in self.key_to_index:
                row = self.key_to_index[query]
                found = evaluate.nearest_neighbours(searchable, query=searchable.words[row], k=topn)
                rows = searchable.key_to_index
                return [(self.index_to_key[rows[name]], score) for name, score in found]
            query = self._vector_for_unknown(query)
        if not np.any(np.asarray(query)):
            return []
        found = evaluate.nearest_neighbours(searchable, query=query, k=topn)
        rows = searchable.key_to_index
        return [(self.index_to_key[rows[name]], score) for name, score in found]

    def _vector_for_unknown(self, key: Hashable) -> np.ndarray:
        """The vector of a key that has no row: none here (fastText composes one)."""
        raise self._unknown(key)

    def _search_index(self) -> evaluate.WordVectors:
        """The vectors normalised once for cosine searches, the keys as strings."""
        if self._searchable is None:
            self._searchable = evaluate.prepare(self.vectors, [str(k) for k in self.index_to_key])
        return self._searchable

    def to_gensim(self):
        """These vectors as a gensim ``KeyedVectors`` (for its ``evaluate_word_analogies`` & co)."""
        from gensim.models import KeyedVectors as GensimKeyedVectors  # lazy: only needed here

        kv = GensimKeyedVectors(self.vector_size, dtype=np.float32)
        kv.add_vectors(self.index_to_key, self.vectors)
        if self.counts is not None:
            kv.allocate_vecattrs(attrs=["count"], types=[np.int64])
            kv.expandos["count"][:] = self.counts
        return kv


class SubwordVectors(KeyedVectors):
    """fastText's word vectors: a vector for every word, seen in training or not.

    compose: ``compose(words) -> (len(words), d)`` builds vectors from character n-grams;
    known: ``known(word)`` says whether a word has any n-gram (only such words have a vector).
    """

    def __init__(self, vectors: Any, index_to_key: Sequence[str], counts: Any,
                 compose: Callable[[list[str]], np.ndarray], known: Callable[[str], bool]):
        super().__init__(vectors, index_to_key, counts)
        self._compose, self._known = compose, known

    def __contains__(self, key: Hashable) -> bool:
        return key in self.key_to_index or (isinstance(key, str) and self._known(key))

    def get_vector(self, key: Hashable) -> np.ndarray:
        i = self.key_to_index.get(key)
        return self.vectors[i] if i is not None else self._vector_for_unknown(key)

    def _vector_for_unknown(self, key: Hashable) -> np.ndarray:
        if not isinstance(key, str):
            raise TypeError(f"a word must be a string, got {type(key).__name__}")
        return self._compose([key])[0]


class VectorsInterface:
    """What every trained word model answers itself, through its ``wv`` (a :class:`KeyedVectors`).

    The models keep their matrix as ``.vectors`` and its words as ``.index_to_key``, too,
    so that they can be passed wherever vectors are expected (``embedlab.evaluate``).
    """

    wv: KeyedVectors

    def __contains__(self, key: Hashable) -> bool:
        return key in self.wv

    def __getitem__(self, key):
        return self.wv[key]

    def similarity(self, a: Hashable, b: Hashable) -> float:
        """Cosine similarity of two words' vectors."""
        return self.wv.similarity(a, b)

    def most_similar(self, query, topn: int = 10) -> list[tuple[Hashable, float]]:
        """The ``topn`` words closest (cosine) to a word (itself excluded) or a vector."""
        return self.wv.most_similar(query, topn)

    def to_keyed_vectors(self):
        """The word vectors as a gensim ``KeyedVectors``."""
        return self.wv.to_gensim()
