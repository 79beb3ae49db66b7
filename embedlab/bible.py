"""Bible verses in three versions, and Nave's topics: retrieval data for lessons 08-10.

The same verse in modern English (World English Bible), archaic English (King James Version)
and Spanish (Reina-Valera 1909) gives sentence pairs whose relevance is exact: the WEB text of
John 3:16 should find the KJV text of John 3:16. Nave's Topical Bible gives queries with many
relevant verses ("ANGER" cites 230) for MRR and nDCG. Where the data comes from, how it was
cleaned and why the split is what it is: ``data/bible/README.md``, ``tools/build_bible.py``.

Example::

    from embedlab import bible
    verses = bible.load_verses()            # 31,095 Verse rows, canonical order
    verses[0].web                           # 'In the beginning, God created the heavens and the earth.'
    test = bible.split("test")              # Ruth, Job, Hosea, Acts, Romans, 1 Peter: 2,891 verses
    topics = bible.load_topics()            # 3,363 Topic rows
    [verses[i].ref for i in topics[0].verses][:3]   # verses are row numbers of load_verses()

Everything is read through :func:`embedlab.data.path`, so a missing or damaged file raises
:class:`embedlab.data.AssetError` with one sentence on how to restore it.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

from . import data

__all__ = ["SPLITS", "VERSIONS", "Topic", "Verse", "load_topics", "load_verses", "minilm_vectors", "split",
           "verse_index"]

SPLITS = ("train", "dev", "test")
VERSIONS = ("web", "kjv", "rv1909")
_COLUMNS = ("book", "book_number", "chapter", "verse", "testament", "split", "web", "kjv", "rv1909")


@dataclass(frozen=True)
class Verse:
    """One verse: where it is, its split, and its text in each version (``rv1909`` may be ``""``)."""

    book: str          # OSIS id: "Gen", "Ps", "John", ...
    book_number: int   # 1 (Genesis) ... 66 (Revelation)
    chapter: int
    verse: int
    testament: str     # "OT" or "NT"
    split: str         # "train", "dev" or "test" (whole books)
    web: str           # World English Bible
    kjv: str           # King James Version
    rv1909: str        # Reina-Valera 1909; "" for the 243 verses it numbers differently

    @property
    def ref(self) -> str:
        """``"John.3.16"``: the reference Nave's topics use."""
        return f"{self.book}.{self.chapter}.{self.verse}"


@dataclass(frozen=True)
class Topic:
    """One of Nave's topics. Verses are row numbers of :func:`load_verses` (ints, canonical order)."""

    name: str                                       # "ANGER"
    verses: tuple[int, ...]                         # every verse the topic cites
    entries: tuple[tuple[str, tuple[int, ...]], ...]  # sub-topics: ("INSTANCES OF: Of Cain slaying Abel", (rows))
    chapters: tuple[str, ...]                       # whole chapters it cites, not in verses: ("1Chr.24",)
    see: tuple[str, ...]                            # other topics it refers to: ("HATRED", ...)


def load_verses() -> list[Verse]:
    """All 31,095 verses (a list of :class:`Verse`, canonical order: Genesis 1:1 first).

    Row ``i`` of this list is the row number that :class:`Topic` uses. About 0.2 s.
    """
    with gzip.open(data.path("bible-verses"), "rt", encoding="utf-8") as lines:
        header = next(lines).rstrip("\n").split("\t")
        if tuple(header) != _COLUMNS:
            raise data.AssetError(f"bible-verses has columns {header}, expected {list(_COLUMNS)}; "
                                  "restore it with `git checkout data/bible/`.")
        rows = []
        for line in lines:
            book, number, chapter, verse, testament, split_name, web, kjv, rv1909 = line.rstrip("\n").split("\t")
            rows.append(Verse(book, int(number), int(chapter), int(verse), testament, split_name, web, kjv, rv1909))
    return rows


def split(name: str) -> list[Verse]:
    """The verses of split ``name`` (``"train"``, ``"dev"`` or ``"test"``), in canonical order.

    The split is by book: dev = Judges, Ecclesiastes, Zechariah, Hebrews, James (1,462 verses);
    test = Ruth, Job, Hosea, Acts, Romans, 1 Peter (2,891); train = the other 55 books (26,742).
    """
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}; choose one of {SPLITS}")
    return [v for v in load_verses() if v.split == name]


def verse_index(verses: list[Verse] | None = None) -> dict[str, int]:
    """``{"Gen.1.1": 0, "Gen.1.2": 1, ...}``: reference -> row number in ``verses`` (default :func:`load_verses`)."""
    return {v.ref: i for i, v in enumerate(load_verses() if verses is None else verses)}


def load_topics(min_verses: int = 2) -> list[Topic]:
    """Nave's topics that cite at least ``min_verses`` verses (3,363 at the default of 2), in Nave's order.

    To use only the verses of one split (say, test queries against test verses)::

        verses = load_verses()
        test_rows = {i for i, v in enumerate(verses) if v.split == "test"}
        relevant = {t.name: [i for i in t.verses if i in test_rows] for t in load_topics()}
    """
    index = verse_index()
    topics = []
    with gzip.open(data.path("nave-topics"), "rt", encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            if len(raw["verses"]) < min_verses:
                continue
            topics.append(Topic(
                name=raw["topic"],
                verses=tuple(index[r] for r in raw["verses"]),
                entries=tuple((e["text"], tuple(index[r] for r in e["verses"])) for e in raw["entries"]),
                chapters=tuple(raw["chapters"]),
                see=tuple(raw["see"]),
            ))
    return topics


def minilm_vectors(version: str = "web", *, path=None):
    """all-MiniLM-L6-v2 vectors of the verses, made by ``tools/embed_bible.py`` (no encoding here).

    version: "web" (every verse), "kjv" (the dev and test books) or "rv1909" (the test
    books' verses that have Spanish text). path: another file of the same format (the
    tool's --check uses it). Returns (rows, vectors): (n,) int64 rows of
    :func:`load_verses`, and (n, 384) float32 unit vectors, equal to
    ``embedlab.sentence_encoder.encode`` of those verses' texts to about 1e-3 per entry
    (stored as int8 with one scale per row; cosines agree to about 1e-5).
    """
    import numpy as np

    if version not in VERSIONS:
        from .validate import InputError

        raise InputError(f"version must be one of {', '.join(VERSIONS)}, not {version!r}.")
    with np.load(data.path("bible-minilm-vectors") if path is None else path) as f:
        rows = f[f"{version}_rows"].astype(np.int64)
        vectors = f[f"{version}_codes"].astype(np.float32) * f[f"{version}_scale"][:, None]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return rows, vectors
