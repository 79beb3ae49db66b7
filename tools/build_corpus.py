"""Build the word-embedding track's course corpus (notebooks 02-06) from offline sources.

Output (one document per line, ``source<TAB>token token token ...``)::

    data/corpus/course_corpus.txt.gz         the full mix (several million tokens)
    data/corpus/course_corpus_slice.txt.gz   a ~1M-token, representative slice for in-notebook training

Tokens come from ``gensim.utils.simple_preprocess`` (lowercase, alphabetic, 2-15 letters), joined
by single spaces, so a line loads with ``line.split("\\t", 1)`` and ``str.split()``.  Both files are
deterministic: fixed source order, gzip level 9, mtime 0 and no file name in the gzip header, so a
rebuild from the same packages gives the same bytes and sha256.

Sources (each has one extractor below; provenance and licences are in data/corpus/README.md):

    tag       Debian package / file                  what becomes one document
    gcide     dict-gcide (gcide.dict.dz)             one dictionary entry (Webster 1913 + WordNet)
    wordnet   wordnet-base (data.noun/verb/adj/adv)  one synset: its lemmas, then its gloss
    kjv       bible-kjv-text (+ bible-kjv reader)    one chapter of the King James Bible
    austen    r-cran-janeaustenr (R data)            one paragraph of a Jane Austen novel
    devil     dict-devil (devil.dict.dz)             one entry of Bierce's Devil's Dictionary
    fortunes  fortunes, fortunes-min                 one fortune cookie (text between '%' lines)
    wiki      gensim test data (enwiki sample)       one Wikipedia article
    lee       gensim test data (lee_background.cor)  one news article (NOT in the default mix:
                                                     its licence is not stated; see the README)

Usage::

    python tools/build_corpus.py                     # apt-get download the .debs into a temp dir
    python tools/build_corpus.py --debs /tmp/debs    # use .deb files already downloaded there
    python tools/build_corpus.py --pylib /tmp/pylib  # where `pip install --target /tmp/pylib rdata` put rdata

Then copy the printed ``bytes`` and ``sha256`` into the ``course-corpus`` and
``course-corpus-slice`` entries of ``data/manifest.json`` (embedlab.data checks them).

Needs: gensim (in the course venv), the ``rdata`` package (only to read the Austen novels; it need
not be in the venv: ``pip install --target /tmp/pylib rdata`` and pass ``--pylib /tmp/pylib``),
``dpkg-deb`` and, without ``--debs``, ``apt-get``.
"""
from __future__ import annotations

import argparse
import bz2  # noqa: F401  (WikiCorpus reads the .bz2 itself; imported to fail early if missing)
import collections
import gzip
import hashlib
import re
import subprocess
import sys
import tempfile
import time
import warnings
import zlib
from pathlib import Path
from typing import Callable, Iterator

from gensim.utils import simple_preprocess

import debian_packages  # tools/debian_packages.py (this folder is on the path when run)

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "data" / "corpus"
FULL_NAME = "course_corpus.txt.gz"
SLICE_NAME = "course_corpus_slice.txt.gz"

# Debian packages we read (bible-kjv holds the program that decompresses bible-kjv-text's data).
PACKAGES = ["dict-gcide", "wordnet-base", "bible-kjv-text", "bible-kjv", "r-cran-janeaustenr",
            "dict-devil", "fortunes", "fortunes-min"]

DEFAULT_SOURCES = ["gcide", "wordnet", "kjv", "austen", "devil", "fortunes", "wiki"]
ALL_SOURCES = DEFAULT_SOURCES + ["lee"]

SLICE_TOKENS = 1_000_000  # target size of the slice (see data/corpus/README.md for why)


def tokens(text: str) -> list[str]:
    """The one tokenizer of the course corpus: gensim's simple_preprocess (lowercase, 2-15 letters)."""
    return simple_preprocess(text, deacc=False, min_len=2, max_len=15)


# ---------------------------------------------------------------------------
# Getting the packages
# ---------------------------------------------------------------------------
def fetch_debs(target: Path) -> None:
    """``apt-get download`` every package we need into ``target`` (the current Debian candidate version)."""
    debian_packages.fetch_debs(PACKAGES, target)


def unpack_debs(debs: Path, root: Path) -> dict[str, str]:
    """``dpkg-deb -x`` each package into ``root/<package>``; return {package: version}."""
    return debian_packages.unpack_debs(PACKAGES, debs, root)


# ---------------------------------------------------------------------------
# dictd files (GCIDE, Devil's Dictionary): an index of headword -> (offset, length) in base64
# ---------------------------------------------------------------------------
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64_number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def dictd_entries(index_file: Path, dict_file: Path) -> Iterator[str]:
    """Each entry of a dictd dictionary once, in file order, without the ``00-database-*`` headers.

    The ``.dict.dz`` is an ordinary gzip file (dictzip only adds a seek table). Several headwords
    can point at the same entry, so we keep each (offset, length) once.
    """
    data = gzip.open(dict_file, "rb").read()
    spans = set()
    for line in index_file.read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        if not headword.startswith("00-database") and not headword.startswith("00database"):
            spans.add((_b64_number(offset), _b64_number(length)))
    for offset, length in sorted(spans):
        yield data[offset:offset + length].decode("utf-8", errors="replace")


# GCIDE writes accented letters and symbols as bracketed codes: [a^], ['e], [=o], [ae], [imac], ...
_GCIDE_NAMED = {"ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE", "eth": "th", "thorn": "th",
                "th": "th", "ng": "ng", "yogh": "y", "udd": "u", "aum": "a", "eum": "e", "oum": "o",
                "uum": "u", "ium": "i", "imac": "i", "alpha": "alpha", "beta": "beta", "gamma": "gamma",
                "delta": "delta", "Delta": "delta", "pi": "pi", "phi": "phi", "omega": "omega", "mu": "mu"}
_GCIDE_ENTITY = re.compile(r"\[([^\[\]\s]{1,6})\]")
_DIACRITIC_LETTER = re.compile(r"""^[\^'`"=~.,*\-]*([a-zA-Z]{1,2})[\^'`"=~.,*\-]*$""")


def _gcide_entity(match: re.Match) -> str:
    code = match.group(1)
    if code in _GCIDE_NAMED:
        return _GCIDE_NAMED[code]
    letter = _DIACRITIC_LETTER.match(code)
    if letter and letter.group(1) != code:  # a letter with a diacritic mark, e.g. [a^] ['e] [=oo]
        return letter.group(1)
    return match.group(0)  # not a character code ([Obs.], [R.], [PJC], ...): left for the next step


def clean_gcide(entry: str) -> str:
    """Plain English text of one GCIDE entry.

    * ``\\Ap"ple\\ ([a^]p"p'l)``: the syllabified headword and its pronunciation are dropped;
    * ``[a^]``, ``['e]``, ``[ae]`` ...: character codes become plain letters;
    * ``[OE. appel ...]``, ``[1913 Webster]``, ``[Obs.]``: etymologies and source/usage labels
      (everything left in square brackets) are dropped;
    * ``--Shak.``, ``--Milton. Par. Lost ...``: quotation attributions are dropped;
    * ``{...}`` cross-reference braces and other punctuation are left to the tokenizer.
    """
    text = re.sub(r"\\[^\\\n]*\\(,?\s*\([^)\n]*\))?", " ", entry)  # \Ap"ple\ ([a^]p"p'l)
    text = _GCIDE_ENTITY.sub(_gcide_entity, text)
    previous = None
    while previous != text:  # innermost first, so nested brackets go too
        previous, text = text, re.sub(r"\[[^\[\]]*\]", " ", text)
    text = re.sub(r"--\s?[A-Z][^\n]*", " ", text)
    return text


def extract_gcide(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    base = root / "dict-gcide" / "usr/share/dictd"
    for entry in dictd_entries(base / "gcide.index", base / "gcide.dict.dz"):
        yield tokens(clean_gcide(entry))


def extract_devil(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One Devil's Dictionary entry per document; the trailing initials of verse authors go with the tokenizer."""
    base = root / "dict-devil" / "usr/share/dictd"
    for entry in dictd_entries(base / "devil.index", base / "devil.dict.dz"):
        yield tokens(re.sub(r"[{}]", " ", entry))


# ---------------------------------------------------------------------------
# WordNet 3.0: data.* lines are  offset lex_filenum ss_type w_cnt word lex_id ... | gloss
# ---------------------------------------------------------------------------
def extract_wordnet(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One synset per document: its lemmas (``physical_entity`` -> ``physical entity``), then its gloss.

    The gloss (after ``|``) is a definition plus examples in quotes; the licence header lines of
    each data file start with two spaces and are skipped.
    """
    base = root / "wordnet-base" / "usr/share/wordnet"
    for part in ("noun", "verb", "adj", "adv"):
        for line in (base / f"data.{part}").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            fields, gloss = line.split("|", 1)
            fields = fields.split()
            count = int(fields[3], 16)
            lemmas = [re.sub(r"\(.*\)$", "", w).replace("_", " ") for w in fields[4:4 + 2 * count:2]]
            yield tokens(" ".join(lemmas) + " " + gloss)


# ---------------------------------------------------------------------------
# King James Bible: bible-kjv-text ships compressed data that only its `bible` program reads
# ---------------------------------------------------------------------------
def extract_kjv(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One chapter per document, read with ``bible -l9999 gen1:1-rev22:21`` (one verse a line).

    Output: a line ``Book N`` heads each chapter, verses are ``  N text``; we drop the verse numbers.
    """
    program = root / "bible-kjv" / "usr/bin/bible"
    data = root / "bible-kjv-text" / "usr/lib"
    text = subprocess.run([str(program), "-l9999", "-p", str(data), "gen1:1-rev22:21"],
                          check=True, capture_output=True, text=True).stdout
    chapter: list[str] = []
    for line in text.splitlines():
        verse = re.match(r"^\s+\d+\s+(.*)$", line)
        if verse:
            chapter.append(verse.group(1))
        elif line.strip():  # a chapter heading such as "Genesis 1"
            if chapter:
                yield tokens(" ".join(chapter))
            chapter = []
    if chapter:
        yield tokens(" ".join(chapter))


# ---------------------------------------------------------------------------
# Jane Austen's six novels: character vectors (one printed line each) in R's lazy-load database
# ---------------------------------------------------------------------------
AUSTEN_NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]


def extract_austen(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One paragraph (lines between blank lines) per document, novels in publication order.

    ``data/Rdata.rdx`` (gzip, R serialization) maps each data set to (offset, length) in
    ``Rdata.rdb``; each chunk there is a 4-byte length plus zlib-compressed R serialization.
    Chapter headings ("CHAPTER 1") stay: they are a handful of tokens.
    """
    import rdata  # noqa: PLC0415  (only this extractor needs it)

    warnings.filterwarnings("ignore", message="Unknown file type", module="rdata")  # the .rdx/.rdb chunks have no RDS header

    base = root / "r-cran-janeaustenr" / "usr/lib/R/site-library/janeaustenr/data"
    index = rdata.conversion.convert(rdata.parser.parse_data(gzip.open(base / "Rdata.rdx").read()))
    database = (base / "Rdata.rdb").read_bytes()
    for novel in AUSTEN_NOVELS:
        offset, length = (int(x) for x in index["variables"][novel])
        chunk = zlib.decompress(database[offset + 4:offset + length])
        lines = rdata.conversion.convert(rdata.parser.parse_data(chunk))
        paragraph: list[str] = []
        for line in list(lines) + [""]:
            line = "" if line is None else str(line)
            if line.strip():
                paragraph.append(line)
            elif paragraph:
                yield tokens(" ".join(paragraph))
                paragraph = []


# ---------------------------------------------------------------------------
# fortune(6) cookie files: fortunes separated by lines holding a single '%'
# ---------------------------------------------------------------------------
FORTUNE_SKIP = {"ascii-art", "translate-me"}  # pictures made of characters; phrases in many languages


def extract_fortunes(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One fortune per document, files in name order (fortunes-min first); ``.dat``/``.u8`` files skipped."""
    for package in ("fortunes-min", "fortunes"):
        folder = root / package / "usr/share/games/fortunes"
        for file in sorted(folder.iterdir()):
            if file.suffix in (".dat", ".u8") or file.is_symlink() or file.name in FORTUNE_SKIP:
                continue
            raw = file.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            for fortune in re.split(r"^%\s*$", text, flags=re.MULTILINE):
                yield tokens(fortune)


# ---------------------------------------------------------------------------
# gensim's test data: a Wikipedia dump sample and the Lee news corpus
# ---------------------------------------------------------------------------
WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def _wiki_tokenizer(content: str, token_min_len: int, token_max_len: int, lower: bool) -> list[str]:
    return tokens(content)


def extract_wiki(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One article per document: gensim's WikiCorpus strips the wiki markup (main namespace, >= 50 tokens)."""
    from gensim.corpora.wikicorpus import WikiCorpus  # noqa: PLC0415

    wiki = WikiCorpus(str(gensim_data / WIKI_FILE), processes=1, dictionary={}, tokenizer_func=_wiki_tokenizer)
    yield from wiki.get_texts()


def extract_lee(root: Path, gensim_data: Path) -> Iterator[list[str]]:
    """One news article per line of ``lee_background.cor``."""
    for line in (gensim_data / "lee_background.cor").read_text(encoding="utf-8", errors="replace").splitlines():
        yield tokens(line)


EXTRACTORS: dict[str, Callable[[Path, Path], Iterator[list[str]]]] = {
    "gcide": extract_gcide, "wordnet": extract_wordnet, "kjv": extract_kjv, "austen": extract_austen,
    "devil": extract_devil, "fortunes": extract_fortunes, "wiki": extract_wiki, "lee": extract_lee,
}


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def in_slice(source: str, number: int, fraction: float) -> bool:
    """Deterministic, order-independent sampling: keep a document when a hash of (source, number) is small.

    Every source keeps about the same share of its documents, so the slice has the mix of the full corpus.
    """
    digest = hashlib.sha256(f"{source}:{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < fraction * 2**64


def deterministic_gzip(path: Path) -> gzip.GzipFile:
    """A gzip writer whose bytes depend on the content only (no mtime, no file name)."""
    return gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), compresslevel=9, mtime=0)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def vocabulary_size(path: Path, min_count: int = 5) -> int:
    counts: collections.Counter = collections.Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            counts.update(line.rstrip("\n").split("\t", 1)[1].split())
    return sum(1 for c in counts.values() if c >= min_count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--debs", type=Path, help="folder with the .deb files (default: apt-get download into a temp dir)")
    parser.add_argument("--pylib", type=Path, help="extra folder to import rdata from (appended to sys.path)")
    parser.add_argument("--sources", default=",".join(DEFAULT_SOURCES),
                        help=f"comma-separated source tags, in output order (default: %(default)s; all: {','.join(ALL_SOURCES)})")
    parser.add_argument("--slice-tokens", type=int, default=SLICE_TOKENS, help="target token count of the slice")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: data/corpus)")
    args = parser.parse_args(argv)

    if args.pylib:
        sys.path.append(str(args.pylib))
    chosen = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in EXTRACTORS]
    if unknown:
        parser.error(f"unknown source(s) {unknown}; choose from {ALL_SOURCES}")

    from gensim.test.utils import datapath  # noqa: PLC0415

    gensim_data = Path(datapath("lee_background.cor")).parent
    args.out.mkdir(parents=True, exist_ok=True)
    full_path, slice_path = args.out / FULL_NAME, args.out / SLICE_NAME

    with tempfile.TemporaryDirectory(prefix="embedlab-corpus-") as tmp:
        tmp = Path(tmp)
        debs = args.debs
        if debs is None:
            debs = tmp / "debs"
            fetch_debs(debs)
        versions = unpack_debs(debs, tmp / "root")
        print("Debian packages:", ", ".join(f"{p} {v}" for p, v in versions.items()))

        # Pass 1: write the full corpus, remembering each document's token count for the slice.
        stats: dict[str, list[int]] = {}
        lengths: list[tuple[str, int, int]] = []  # (source, number within source, tokens)
        with deterministic_gzip(full_path) as out:
            for source in chosen:
                start = time.time()
                docs = toks = 0
                for doc in EXTRACTORS[source](tmp / "root", gensim_data):
                    if not doc:
                        continue
                    out.write(f"{source}\t{' '.join(doc)}\n".encode("utf-8"))
                    lengths.append((source, docs, len(doc)))
                    docs += 1
                    toks += len(doc)
                stats[source] = [docs, toks]
                print(f"  {source:9s} {docs:8d} documents {toks:10d} tokens  ({time.time() - start:.1f} s)")

    # Pass 2: the slice, by re-reading the full corpus (same order, a hash-chosen subset of lines).
    total = sum(n for _, _, n in lengths)
    fraction = min(1.0, args.slice_tokens / total)
    keep = {(s, i) for s, i, _ in lengths if in_slice(s, i, fraction)}
    slice_stats: dict[str, list[int]] = {s: [0, 0] for s in chosen}
    numbers: collections.Counter = collections.Counter()
    with gzip.open(full_path, "rt", encoding="utf-8") as src, deterministic_gzip(slice_path) as out:
        for line in src:
            source = line.split("\t", 1)[0]
            number = numbers[source]
            numbers[source] += 1
            if (source, number) in keep:
                out.write(line.encode("utf-8"))
                slice_stats[source][0] += 1
                slice_stats[source][1] += len(line.split("\t", 1)[1].split())

    for title, table, path in (("full corpus", stats, full_path), ("slice", slice_stats, slice_path)):
        docs = sum(d for d, _ in table.values())
        toks = sum(t for _, t in table.values())
        print(f"\n{title}: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        print(f"  {'source':9s} {'documents':>9s} {'tokens':>10s} {'share':>6s}")
        for source, (d, t) in table.items():
            print(f"  {source:9s} {d:9d} {t:10d} {t / toks:6.1%}")
        print(f"  {'total':9s} {docs:9d} {toks:10d}")
        print(f"  vocabulary at min_count 5: {vocabulary_size(path)}")
        print(f"  bytes: {path.stat().st_size}  sha256: {sha256(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
