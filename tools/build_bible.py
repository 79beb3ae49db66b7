"""Build the retrieval data of lessons 08-10 (sentence search, contrastive fine-tuning, ColBERT).

Output, in ``data/bible/`` (gzip, deterministic: level 9, mtime 0, no file name in the header)::

    verses.tsv.gz        one row per verse: the World English Bible (WEB), the King James Version
                         (KJV) and the Reina-Valera 1909 (Spanish) side by side, and a fixed split
    nave_topics.jsonl.gz Nave's Topical Bible: topic -> the verses (rows of verses.tsv.gz) it cites

``verses.tsv.gz`` is tab-separated UTF-8 with a header line::

    book  book_number  chapter  verse  testament  split  web  kjv  rv1909
    Gen   1            1        1      OT         train  In the beginning, God created ...  In the beginning God ...  EN el principio ...

``book`` is the OSIS id (Gen ... Rev), ``book_number`` its place in the 66-book canon (1-66),
``testament`` OT or NT. A verse is a row when both WEB and KJV have text for it; ``rv1909`` is
empty where the Spanish text is missing or could not be matched to the KJV verse (see below).
Rows are in canonical order. Read it with ``embedlab.bible.load_verses()``.

``nave_topics.jsonl.gz`` holds one JSON object per line, topics in the book's order::

    {"topic": "ANGER", "verses": ["Gen.4.6", "Gen.4.5", ...], "entries": [{"text": "General scriptures
     concerning", "verses": [...]}, {"text": "INSTANCES OF: Of Cain slaying Abel", "verses": [...]}, ...],
     "chapters": [], "see": ["HATRED", "JEALOUSY", ...]}

``verses`` is every verse the topic cites (canonical order, no repeats), each ``Book.chapter.verse``
and each a row of verses.tsv.gz; ``entries`` are Nave's sub-topics (the lines starting with an
arrow, and the items listed under them, prefixed by their heading) with their own verses;
``chapters`` the references to a whole chapter, kept apart (a chapter of ~25 verses is too coarse
to count as one relevant verse); ``see`` the cross-references to other topics. Only topics with at
least two verses are kept. Read it with ``embedlab.bible.load_topics()``.

The split (by book, so no verse of a held-out book is seen in training)
------------------------------------------------------------------------
    dev:   Judges, Ecclesiastes, Zechariah, Hebrews, James                      (about 1,460 verses)
    test:  Ruth, Job, Hosea, Acts, Romans, 1 Peter                              (about 2,890 verses)
    train: the other 55 books                                                   (about 26,750 verses)

Why these: each held-out split mixes the kinds of text of the whole Bible (narrative: Judges,
Ruth, Acts; poetry and wisdom: Ecclesiastes, Job; prophecy: Zechariah, Hosea; letters: Hebrews,
James, Romans, 1 Peter) and both testaments. Books that repeat other books nearly word for word
stay in train, so that a test query cannot be answered by a memorised parallel passage: Samuel,
Kings and Chronicles; the three synoptic gospels; Ephesians and Colossians; 2 Peter and Jude;
Isaiah 36-39 and Jeremiah 52 (= 2 Kings 18-20, 24-25); Psalms (Ps 18 = 2 Sam 22, Ps 14 = Ps 53,
Ps 108 = parts of Ps 57 and 60); Micah (4:1-3 = Isaiah 2:2-4). The test split has a few thousand
verses, enough for stable recall@k; dev is about half that, for choosing hyperparameters.

Where the text comes from (Debian bookworm packages; SWORD modules read with ``pysword``)
------------------------------------------------------------------------------------------
    sword-text-web    module engWEB2015eb  World English Bible (2020 stable text), NRSVA versification
    sword-text-kjv    module engKJV2006eb  King James Version (1769 text), KJV versification
    sword-text-sparv  module spaRV1909eb   Reina-Valera 1909, KJV versification
    sword-dict-naves  module Nave          Nave's Topical Bible (zLD dictionary, read here directly)

The modules hold OSIS XML per verse. ``clean_osis`` keeps the words and punctuation of the verse
and drops: footnotes and cross-references (``<note>``, with the Hebrew/Greek in them), section
headings (``<title>`` except the canonical psalm titles, which all three versions print as part
of verse 1), Song of Songs speaker labels (``<speaker>``), Strong's numbers (``<w lemma=...>``
keeps its word), red-letter tags (``<q who="Jesus">``), KJV's italics for added words
(``<transChange>``, the word kept), KJV's ``¶`` paragraph signs, and WEB's glossary, which the
module appends to Revelation 22:21. Psalm 119's Hebrew-letter headings (ALEPH, BETH ...; a title
in WEB, plain text in RV1909, a non-canonical title in KJV) are removed from all three.

Joined words. Removing markup can glue words together where the markup was the only separator:
WEB's ``only born</q><note>...</note><q><w>Son</w>`` becomes "only bornSon", and RV1909 writes
``<w>madre</w><transChange>fué</transChange><w>Abi</w>`` with no spaces ("madrefuéAbi", 444
places). So every removed element and every line, paragraph and ``transChange`` boundary leaves a
break mark, and a break (with the spaces around it) becomes one space unless the character
before it opens (“ ‘ ( [ ¿ ¡ —) or the one after it closes (, . ; : ! ? ) ] ” ’ —). Inline tags
(``<w>``, ``<q>``, ``<divineName>`` ...) leave nothing, because KJV splits words with them
("give</w>n" is "given"). One exception: RV1909 also marks added enclitic pronouns as
``<transChange>`` (``díjo</w><transChange>le</transChange>`` = "díjole"); an added me/te/se/le/lo/
la/les/los/las/nos/os (or a run of them) attaches to the word before it unless that word is one
of the few non-verbs (``NOT_VERBS``) before which the module has such a pronoun (all 117 places
checked by hand; 12 follow a non-verb: "no lo", "Dios lo", "y la" ...). ``python tools/build_bible.py`` prints how many ``[a-z][A-Z]`` joins are left
(none) in each version.

Verse alignment. Rows join the three versions by (book, chapter, verse). Checked here:
  * WEB against KJV by content-word overlap: WEB numbers Matthew 23:13 and 23:14 the other way
    round (it follows the Majority Text order), so they are swapped back (``swapped_pairs``). WEB
    has no text for Luke 17:36, Acts 8:37, 15:34, 24:7 (omitted as not in the oldest manuscripts)
    and puts the doxology of Romans 16:25-27 after 14:23: the module appends it to 14:23, after
    the marker of a new verse, and ``own_verse`` cuts it off; those verses are not rows (KJV's
    Rom 16:25-27 then have no WEB text). 3 John 1:15 and Revelation 12:18 exist only in WEB's
    versification and are empty there.
  * RV1909 against KJV by the overlap of their Strong's numbers (both modules tag words with
    them; WEB's tags are offset in chapters where Hebrew and English numbering differ, so WEB is
    checked by its words instead). The Spanish Bible numbers some chapters as the Hebrew does
    (Numbers 13 and 30, 1 Samuel 24, 1 Kings 22, 1 Chronicles 21, 2 Chronicles 33, Job 39-41,
    Hosea 12, Jonah 2 ...), and the module keeps the Spanish text in Spanish slots, so there the
    text at a KJV reference is a neighbouring verse. ``misaligned`` finds these verses (no better
    match than a neighbour, or too little overlap) and their chapter runs; their ``rv1909`` is left
    empty rather than pairing the wrong verse. The build prints how many.

Nave's references. ``Exod.6.16-Exod.6.20`` is expanded into its verses; a reference to a verse
that is not a row (a verse WEB lacks, or a reference outside KJV versification) is dropped and
counted; whole-chapter references (``1Chr.24``) go to ``chapters``. Two slips in the module's
text are fixed (``NAVE_FIXES``), "David' s" is written "David's", and the second of two entries
with the same name is called "SIN (2)", "REVERENCE (2)".

Licences: all four texts are in the public domain (see data/bible/README.md): WEB dedicated to it
by its translators ("World English Bible" is a trademark of eBible.org, for unchanged text: this
keeps every word and drops footnotes and headings); KJV public domain outside the United Kingdom
(Crown letters patent there); Reina-Valera 1909 and Nave's Topical Bible (first published 1896) by age.

Usage::

    pip install --target /tmp/pylib pysword           # tools-only dependency, not in the course venv
    python tools/build_bible.py --pylib /tmp/pylib    # apt-get download the .debs into a temp dir,
                                                      # write data/bible/, update data/manifest.json
    python tools/build_bible.py --pylib /tmp/pylib --debs DIR   # use .deb files already in DIR
    python tools/build_bible.py --pylib /tmp/pylib --check      # rebuild in a temp dir; exit 1 unless
                                                      # both files match the sha256 in the manifest

Needs: ``pysword`` (pure Python; ``--pylib`` is appended to sys.path), ``dpkg-deb`` and, without
``--debs``, ``apt-get``.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import html
import io
import json
import re
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import debian_packages  # tools/debian_packages.py (this folder is on the path when run)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
OUT_DIR = DATA / "bible"
VERSES_NAME = "verses.tsv.gz"
TOPICS_NAME = "nave_topics.jsonl.gz"
VERSES_ASSET = "bible-verses"
TOPICS_ASSET = "nave-topics"

# Debian package -> (SWORD module, versification as pysword names it)
BIBLES = {
    "web": ("sword-text-web", "engWEB2015eb", "nrsva"),
    "kjv": ("sword-text-kjv", "engKJV2006eb", "kjv"),
    "rv1909": ("sword-text-sparv", "spaRV1909eb", "kjv"),
}
NAVE_PACKAGE = "sword-dict-naves"
NAVE_PATH = "usr/share/sword/modules/lexdict/zld/nave/nave"
PACKAGES = [package for package, _, _ in BIBLES.values()] + [NAVE_PACKAGE]

DEV_BOOKS = ("Judg", "Eccl", "Zech", "Heb", "Jas")
TEST_BOOKS = ("Ruth", "Job", "Hos", "Acts", "Rom", "1Pet")
COLUMNS = ("book", "book_number", "chapter", "verse", "testament", "split", "web", "kjv", "rv1909")


def split_of(book: str) -> str:
    """``"train"``, ``"dev"`` or ``"test"`` for an OSIS book id (see the module docstring for why)."""
    return "dev" if book in DEV_BOOKS else "test" if book in TEST_BOOKS else "train"


# ---------------------------------------------------------------------------
# Getting the packages (as tools/build_corpus.py does)
# ---------------------------------------------------------------------------
def fetch_debs(target: Path) -> None:
    """``apt-get download`` every package we need into ``target`` (the current Debian candidate version)."""
    debian_packages.fetch_debs(PACKAGES, target)


def unpack_debs(debs: Path, root: Path) -> dict[str, str]:
    """``dpkg-deb -x`` each package into ``root/<package>``; return {package: version}."""
    return debian_packages.unpack_debs(PACKAGES, debs, root)


# ---------------------------------------------------------------------------
# Reading the SWORD modules
# ---------------------------------------------------------------------------
Ref = tuple[str, int, int]  # (OSIS book, chapter, verse)


def read_bible(root: Path, package: str, module: str, versification: str) -> tuple[dict[Ref, str], list[tuple[str, str, list[int]]]]:
    """Raw OSIS text of every verse slot of a zText module, and its books.

    Returns ``({(book, chapter, verse): osis}, [(book, testament, verses per chapter), ...])``, both
    in canonical order. ``pysword`` reads the module; it decompresses a whole book for each verse,
    so the decompressed blocks are cached.
    """
    from pysword.modules import SwordModules  # noqa: PLC0415  (tools-only dependency, see --pylib)

    modules = SwordModules(str(root / package / "usr/share/sword"))
    conf = modules.parse_modules()[module]
    if conf.get("versification", "kjv").lower() != versification:
        sys.exit(f"{module}: versification {conf.get('versification')}, expected {versification}")
    bible = modules.get_bible_from_module(module)
    bible._decompressed_text = functools.lru_cache(maxsize=4)(bible._decompressed_text)
    verses: dict[Ref, str] = {}
    books = []
    for testament, structures in bible.get_structure().get_books().items():
        for book in structures:
            books.append((book.osis_name, testament.upper(), list(book.chapter_lengths)))
            for chapter, count in enumerate(book.chapter_lengths, 1):
                texts = list(bible.get_iter(books=[book.name], chapters=[chapter], clean=False))
                assert len(texts) == count, (module, book.osis_name, chapter)
                for verse, text in enumerate(texts, 1):
                    verses[(book.osis_name, chapter, verse)] = text
    return verses, books


def read_zld(base: Path) -> list[tuple[str, str]]:
    """Every ``(key, text)`` of a SWORD zLD dictionary (``base`` + .idx/.dat/.zdx/.zdt), in key order.

    ``.idx``: per key, (offset, size) of its record in ``.dat``; a record is the key, a newline and
    (block, entry) numbers; ``.zdx``: per block, (offset, size) in ``.zdt`` of a zlib stream that
    starts with the entry count and (offset, size) of each entry. All numbers little-endian uint32.
    """
    idx, dat, zdx, zdt = (Path(f"{base}.{ext}").read_bytes() for ext in ("idx", "dat", "zdx", "zdt"))
    blocks: dict[int, bytes] = {}
    entries = []
    for i in range(len(idx) // 8):
        offset, size = struct.unpack_from("<II", idx, 8 * i)
        key, _, pointer = dat[offset:offset + size].partition(b"\n")
        number, entry = struct.unpack_from("<II", pointer)
        if number not in blocks:
            start, length = struct.unpack_from("<II", zdx, 8 * number)
            blocks[number] = zlib.decompress(zdt[start:start + length])
        block = blocks[number]
        start, length = struct.unpack_from("<II", block, 4 + 8 * entry)
        entries.append((key.decode("utf-8").strip(), block[start:start + length].decode("utf-8").rstrip("\0")))
    return entries


# ---------------------------------------------------------------------------
# OSIS markup -> plain text
# ---------------------------------------------------------------------------
BREAK = "\0"  # left where markup was removed; becomes a space or nothing (see _resolve_breaks)
_OPENS = set("“‘([¿¡—-")
_CLOSES = set(",.;:!?)]”’—-")
_BOOK_END = re.compile(r'<div\b[^>]*\beID="[^"]*"[^>]*\btype="book"[^>]*/>')
_PREVERSE_START = re.compile(r'<div\b[^>]*subType="x-preverse"[^>]*\bsID="[^"]*"[^>]*/>')
_DROPPED = re.compile(r'<(note|speaker|catchWord|rdg)\b[^>]*>.*?</\1>'
                      r'|<title\b(?![^>]*canonical="true")[^>]*>.*?</title>', re.S)
_BOUNDARY = re.compile(r'</?(?:div|l|lg|lb|chapter|milestone|list|item|p|title|transChange)\b[^>]*>')
_TAG = re.compile(r"<[^>]*>")
# RV1909 marks added enclitic pronouns as <transChange>: "díjo</w><transChange>le</transChange>" = "díjole".
_ENCLITIC = re.compile(r'(\w+)(?:</w>)?<transChange type="added">((?:me|te|se|le|lo|la|les|los|las|nos|os)+)</transChange>')
# The words before such a pronoun in spaRV1909eb that are not verbs: there it is a word of its own.
NOT_VERBS = {"no", "que", "y", "como", "os", "ellos", "cuánto", "gentes", "josué", "jehová", "dios"}
# Psalm 119's headings: ALEPH ... TAV (WEB spellings, RV1909 spellings), at verses 1, 9, 17, ...
_ACROSTIC = re.compile(r"^(?:[\u05d0-\u05ea]\s*)?(?:ALEPH|BETH|GIMEL|DALETH|HE|VAV|VAU|ZAYIN|ZAIN|HETH|CHETH|TETH|"
                       r"YODH|JOD|KAPF|KAPH|CAPH|LAMEDH|LAMED|MEM|NUN|SAMEKH|SAMECH|AYIN|AIN|PE|TZADHE|TZADDI|"
                       r"QOPH|COPH|RESH|SIN AND SHIN|SCHIN|SHIN|SIN|TAV|TAU)\b\.?\s+")


def _attach_enclitic(match: re.Match) -> str:
    word, pronoun = match.group(1), match.group(2)
    if word.lower() in NOT_VERBS:
        return match.group(0)  # the <transChange> tags become word breaks below
    return word + pronoun + BREAK


def _resolve_breaks(text: str) -> str:
    """Each run of break marks, with the spaces around it, becomes one space or nothing.

    Nothing where the character before it opens (“ ‘ ( [ ¿ ¡ —), where the one after it closes
    (, . ; : ! ? ) ] ” ’ —) or at either end of the verse; one space everywhere else, so words that
    only markup separated are separated ("only born" + note + "Son"), and so is punctuation from a
    note that the source had set off by spaces ("coins" + note + " ?" becomes "coins?").
    """
    def replace(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if not before or not after or before in _OPENS or after in _CLOSES else " "
    return re.sub(r"\s*" + BREAK + r"[\s" + BREAK + r"]*", replace, text)


def own_verse(osis: str) -> tuple[str, str]:
    """Split one verse slot's OSIS into (its own verse, text the module appended after it).

    The module appends what does not fit its versification to the last verse that does, after the
    marker that starts a new verse (WEB: Romans 16:25-27 after 14:23) or after the end of the book
    (WEB: the glossary after Revelation 22:21). The appended part is returned as plain text.
    """
    cut = len(osis)
    end = _BOOK_END.search(osis)
    if end:
        cut = end.start()
    for start in _PREVERSE_START.finditer(osis, 0, cut):
        if clean_osis(osis[:start.start()]):  # a new verse starts after this one's text
            cut = start.start()
            break
    return osis[:cut], clean_osis(osis[cut:]) if cut < len(osis) else ""


def clean_osis(osis: str) -> str:
    """Plain text of one verse's OSIS markup: words and punctuation, single spaces, no notes or headings."""
    text = _ENCLITIC.sub(_attach_enclitic, osis)
    text = _DROPPED.sub(BREAK, text)
    text = _BOUNDARY.sub(BREAK, text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("¶", " ")
    text = re.sub(r"\s+", " ", text)
    text = _resolve_breaks(text)
    return re.sub(r"\s+", " ", text).strip()


def strip_acrostic(ref: Ref, text: str) -> str:
    """Psalm 119's Hebrew-letter heading ("ALEPH", "BETH." ...) removed from verses 1, 9, 17, ..., 169."""
    if ref[0] == "Ps" and ref[1] == 119 and ref[2] % 8 == 1:
        return _ACROSTIC.sub("", text, count=1)
    return text


def strongs(osis: str) -> frozenset[str]:
    """The Strong's numbers tagged on a verse's words (not in its notes): {"H0430", "H1254", ...}."""
    return frozenset(re.findall(r"strong:([GH]\d+)", re.sub(r"<note\b.*?</note>", "", osis, flags=re.S)))


def content_words(text: str) -> frozenset[str]:
    """Lowercase words of 3+ letters minus the commonest function words: for comparing two English versions."""
    stop = {"the", "and", "that", "for", "his", "you", "with", "was", "they", "not", "all", "them", "him",
            "shall", "unto", "but", "will", "from", "have", "your", "are", "said", "this", "their", "were",
            "which", "who", "there", "when", "had", "out", "into", "has", "then", "thou", "thy", "thee", "hath"}
    return frozenset(w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in stop)


# ---------------------------------------------------------------------------
# Alignment checks
# ---------------------------------------------------------------------------
def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def swapped_pairs(order: list[Ref], ref_sets: dict[Ref, frozenset], other_sets: dict[Ref, frozenset],
                  margin: float = 0.3) -> list[tuple[Ref, Ref]]:
    """Neighbouring verses whose texts the other version numbers the other way round."""
    pairs = []
    for a, b in zip(order, order[1:]):
        ra, rb, oa, ob = ref_sets[a], ref_sets[b], other_sets.get(a, frozenset()), other_sets.get(b, frozenset())
        if jaccard(ra, ob) > jaccard(ra, oa) + margin and jaccard(rb, oa) > jaccard(rb, ob) + margin:
            pairs.append((a, b))
    return pairs


def misaligned(order: list[Ref], ref_sets: dict[Ref, frozenset], other_sets: dict[Ref, frozenset],
               low: float = 0.25, margin: float = 0.1, reach: int = 3, run: int = 3) -> set[Ref]:
    """Verses whose text in the other version is not (or not only) the reference version's verse.

    A verse is flagged when the other version has no text there, when the two share less than
    ``low`` of their tags (Jaccard), or when a slot up to ``reach`` verses away matches better by
    ``margin``. Where a chapter has ``run`` or more flagged verses, its numbering is out of step:
    everything from the verse before the first flagged one to the verse after the last is flagged
    too (a slot at either end can hold two verses).
    """
    position = {ref: i for i, ref in enumerate(order)}
    flagged = set()
    for i, ref in enumerate(order):
        here = jaccard(ref_sets[ref], other_sets.get(ref, frozenset()))
        near = [jaccard(ref_sets[ref], other_sets.get(order[j], frozenset()))
                for j in range(max(0, i - reach), min(len(order), i + reach + 1)) if j != i]
        if not other_sets.get(ref) or here < low or max(near, default=0.0) > here + margin:
            flagged.add(ref)
    by_chapter: dict[tuple[str, int], list[int]] = {}
    for ref in flagged:
        by_chapter.setdefault(ref[:2], []).append(position[ref])
    for chapter, places in by_chapter.items():
        if len(places) >= run:
            for j in range(max(0, min(places) - 1), min(len(order), max(places) + 2)):
                if order[j][:2] == chapter:
                    flagged.add(order[j])
    return flagged


# ---------------------------------------------------------------------------
# Nave's Topical Bible
# ---------------------------------------------------------------------------
def expand_osis_ref(ref: str, chapter_lengths: dict[tuple[str, int], int]) -> tuple[list[str], str | None]:
    """``"Exod.6.16-Exod.6.20"`` -> (["Exod.6.16", ..., "Exod.6.20"], None); ``"1Chr.24"`` -> ([], "1Chr.24").

    A range's end is clipped to its chapter; a range over chapters runs to the end of the first and
    from the start of the last chapter.
    """
    start, _, end = ref.partition("-")
    parts = start.split(".")
    if len(parts) == 2 and not end:
        return [], start
    book, chapter, verse = parts[0], int(parts[1]), int(parts[2])
    if not end:
        return [f"{book}.{chapter}.{verse}"], None
    end_book, end_chapter, end_verse = end.split(".")[0], int(end.split(".")[1]), int(end.split(".")[2])
    if end_book != book:
        return [f"{book}.{chapter}.{verse}"], None
    out = []
    for c in range(chapter, end_chapter + 1):
        first = verse if c == chapter else 1
        last = end_verse if c == end_chapter else chapter_lengths.get((book, c), 0)
        out += [f"{book}.{c}.{v}" for v in range(first, last + 1)]
    return out, None


# Slips in the Nave module's text, fixed before parsing: an OCR "l" for "I", and a reference
# printed without its link after the topic's name (the second REVERENCE entry).
NAVE_FIXES = {"FlGURATIVE": "FIGURATIVE",
              "<lb/>REVERENCEGe 35:5;": '<lb/>→ <ref osisRef="Gen.35.5">Ge 35:5</ref>;'}


def _plain(fragment: str) -> str:
    """Nave's text without its verse references: '→ General scriptures concerning <ref ...>Ge 4:6</ref>; ...'."""
    text = re.sub(r"<ref\b[^>]*osisRef=[^>]*>.*?</ref>", " ", fragment, flags=re.S)
    text = html.unescape(_TAG.sub("", text)).replace("→", " ")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\s*[;,:])+\s*$", "", text)  # the separators that stood between references
    text = re.sub(r"\s+([;,.:])", r"\1", text)
    text = re.sub(r"(\w)' s\b", r"\1's", text)  # "David' s house"
    return re.sub(r"(^[;,.:\s]+)", "", text).strip()


def parse_nave_entry(entry: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """One topic's ``<entryFree>``: ([(sub-topic text, [osisRef, ...]), ...], [topics it says to see]).

    Lines start with ``<lb/>→``; the ``<item>`` of a ``<list>`` after a line are its sub-items and get
    the line's text as a prefix ("INSTANCES OF: Of Cain slaying Abel").
    """
    body = re.sub(r"^.*?<def>|</def>.*$", "", entry, flags=re.S)
    subtopics: list[tuple[str, list[str]]] = []
    see: list[str] = []
    for line in re.split(r"<lb/>", body):
        head, _, rest = line.partition("<list>")
        heading = _plain(head)
        targets = re.findall(r'<ref\b[^>]*target="Nave:([^"]+)"', head)
        if heading.startswith("See ") and targets:
            see += [t for t in targets if t not in see]
        refs = re.findall(r'osisRef="([^"]+)"', head)
        if refs:
            subtopics.append((heading, refs))
        for item in re.findall(r"<item>(.*?)</item>", rest, flags=re.S):
            refs = re.findall(r'osisRef="([^"]+)"', item)
            if refs:
                text = _plain(item)
                subtopics.append((f"{heading}: {text}" if heading else text, refs))
    return subtopics, see


def build_topics(entries: list[tuple[str, str]], rows: set[str],
                 chapter_lengths: dict[tuple[str, int], int], order: dict[str, int]) -> tuple[list[dict], dict]:
    """Topics with at least two verses that are rows; and counts of what was dropped."""
    stats = {"topics in Nave": len(entries), "references": 0, "verses cited": 0, "unresolved verses": 0,
             "chapter references": 0, "topics with < 2 verses": 0}
    unresolved: dict[str, int] = {}
    topics = []
    seen: dict[str, int] = {}
    for name, entry in entries:
        for wrong, right in NAVE_FIXES.items():
            entry = entry.replace(wrong, right)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # Nave has two SIN (the desert; sin) and two REVERENCE entries
            name = f"{name} ({seen[name]})"
        subtopics, see = parse_nave_entry(entry)
        all_verses: set[str] = set()
        chapters: list[str] = []
        kept = []
        for text, refs in subtopics:
            verses: set[str] = set()
            for ref in refs:
                stats["references"] += 1
                expanded, chapter = expand_osis_ref(ref, chapter_lengths)
                if chapter:
                    stats["chapter references"] += 1
                    if chapter not in chapters:
                        chapters.append(chapter)
                for verse in expanded:
                    stats["verses cited"] += 1
                    if verse in rows:
                        verses.add(verse)
                    else:
                        stats["unresolved verses"] += 1
                        unresolved[verse] = unresolved.get(verse, 0) + 1
            if verses:
                kept.append({"text": text or name, "verses": sorted(verses, key=order.__getitem__)})
                all_verses |= verses
        if len(all_verses) < 2:
            stats["topics with < 2 verses"] += 1
            continue
        topics.append({"topic": name, "verses": sorted(all_verses, key=order.__getitem__), "entries": kept,
                       "chapters": chapters, "see": see})
    stats["topics kept"] = len(topics)
    stats["unresolved (most cited)"] = sorted(unresolved.items(), key=lambda kv: -kv[1])[:12]
    return topics, stats


# ---------------------------------------------------------------------------
# Building the verse table
# ---------------------------------------------------------------------------
def build_verses(root: Path) -> tuple[list[dict], dict, dict[tuple[str, int], int]]:
    """Rows of verses.tsv.gz (dicts with COLUMNS), a report of what was changed, and the KJV chapter lengths."""
    raw: dict[str, dict[Ref, str]] = {}
    books = []
    for name, (package, module, versification) in BIBLES.items():
        raw[name], structure = read_bible(root, package, module, versification)
        if name == "kjv":
            books = structure
    order = [(book, c, v) for book, _, lengths in books for c, n in enumerate(lengths, 1) for v in range(1, n + 1)]
    number = {book: i for i, (book, _, _) in enumerate(books, 1)}
    testament = {book: t for book, t, _ in books}
    chapter_lengths = {(book, c): n for book, _, lengths in books for c, n in enumerate(lengths, 1)}

    report: dict = {"cut (appended by the module)": []}
    text: dict[str, dict[Ref, str]] = {}
    for name in BIBLES:
        text[name] = {}
        for ref, osis in raw[name].items():
            own, appended = own_verse(osis)
            if appended and ref[0] in number:
                report["cut (appended by the module)"].append((name, ".".join(map(str, ref)), appended[:60] + "..."))
            text[name][ref] = strip_acrostic(ref, clean_osis(own))

    words = {name: {ref: content_words(t) for ref, t in text[name].items()} for name in ("web", "kjv")}
    swaps = swapped_pairs(order, words["kjv"], words["web"])
    for a, b in swaps:
        text["web"][a], text["web"][b] = text["web"][b], text["web"][a]
    report["WEB verses swapped"] = [f"{'.'.join(map(str, a))} <-> {'.'.join(map(str, b))}" for a, b in swaps]

    tags = {name: {ref: strongs(osis) for ref, osis in raw[name].items()} for name in ("kjv", "rv1909")}
    off = misaligned(order, tags["kjv"], tags["rv1909"])
    report["RV1909 left empty (missing or out of step)"] = len(off)
    runs: dict[tuple[str, int], int] = {}
    for ref in off:
        runs[ref[:2]] = runs.get(ref[:2], 0) + 1
    report["RV1909 chapters with 3+ such verses"] = sorted(f"{b} {c} ({n})" for (b, c), n in runs.items() if n >= 3)

    rows, missing = [], []
    for ref in order:
        web, kjv = text["web"].get(ref, ""), text["kjv"][ref]
        if not web or not kjv:
            missing.append(".".join(map(str, ref)))
            continue
        book, chapter, verse = ref
        rows.append({"book": book, "book_number": number[book], "chapter": chapter, "verse": verse,
                     "testament": testament[book], "split": split_of(book), "web": web, "kjv": kjv,
                     "rv1909": "" if ref in off else text["rv1909"].get(ref, "")})
    report["KJV verses without WEB text (not rows)"] = missing
    in_order = set(order)
    report["verse slots only in WEB's versification"] = [
        ".".join(map(str, r)) for r in raw["web"] if r[0] in number and r not in in_order]
    for name in BIBLES:
        joins = [(r["book"], r["chapter"], r["verse"], m.group(0)) for r in rows
                 for m in re.finditer(r"\w*[a-z][A-Z]\w*", r[name])]
        report[f"[a-z][A-Z] joins left in {name}"] = joins
    return rows, report, chapter_lengths


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def deterministic_gzip(body: bytes) -> bytes:
    """gzip bytes that depend on the content only (level 9, mtime 0, no file name)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(body)
    return buffer.getvalue()


def verses_tsv(rows: list[dict]) -> bytes:
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        cells = [str(row[c]) for c in COLUMNS]
        assert not any("\t" in c or "\n" in c for c in cells), row
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def topics_jsonl(topics: list[dict]) -> bytes:
    return "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in topics).encode("utf-8")


def manifest_entries(blobs: dict[str, bytes], versions: dict[str, str], counts: dict) -> list[dict]:
    """The two data/manifest.json entries, with sha256 and size of the files just built."""
    from importlib.metadata import version  # noqa: PLC0415

    debs = ", ".join(f"{p} {versions[p]}" for p in PACKAGES)
    common = (f"Built by tools/build_bible.py from Debian bookworm packages {debs} "
              f"(SWORD modules engWEB2015eb, engKJV2006eb, spaRV1909eb and Nave, read with pysword {version('pysword')} and a zLD reader); "
              "markup, footnotes and headings stripped. Details in data/bible/README.md")
    return [
        {
            "name": VERSES_ASSET,
            "kind": "shipped",
            "file": f"bible/{VERSES_NAME}",
            "sha256": hashlib.sha256(blobs[VERSES_NAME]).hexdigest(),
            "bytes": len(blobs[VERSES_NAME]),
            "source": common,
            "licence": ("Public domain: World English Bible (dedicated to the public domain by its translators; "
                        "'World English Bible' is a trademark of eBible.org for the unchanged text, and this keeps every word); "
                        "King James Version (1769 text; public domain outside the United Kingdom, where Crown letters patent apply); "
                        "Reina-Valera 1909 (copyright expired). Each Debian package's copyright file says public domain"),
            "description": (f"The Bible verse by verse in three versions: {counts['rows']:,} verses present in both WEB and KJV, "
                            f"with the Reina-Valera 1909 (Spanish) text for {counts['rv1909']:,} of them, and a fixed split by book "
                            f"(train {counts['train']:,}, dev {counts['dev']:,}, test {counts['test']:,} verses). Tab-separated with "
                            "a header: book, book_number, chapter, verse, testament, split, web, kjv, rv1909. Modern-to-archaic and "
                            "English-Spanish pairs for sentence search (lessons 08-10). Read with embedlab.bible.load_verses()."),
        },
        {
            "name": TOPICS_ASSET,
            "kind": "shipped",
            "file": f"bible/{TOPICS_NAME}",
            "sha256": hashlib.sha256(blobs[TOPICS_NAME]).hexdigest(),
            "bytes": len(blobs[TOPICS_NAME]),
            "source": common,
            "licence": "Public domain (Orville J. Nave, Nave's Topical Bible, first published 1896; copyright expired; the Debian package says public domain)",
            "description": (f"Nave's Topical Bible: {counts['topics']:,} topics, each with the verses of bible-verses it cites "
                            "(at least 2), its sub-topics with their own verses, whole-chapter references and cross-references. "
                            "One JSON object per line {topic, verses, entries, chapters, see}. Topic queries with many relevant "
                            "verses, for MRR and nDCG (lessons 08-10). Read with embedlab.bible.load_topics()."),
        },
    ]


def update_manifest(entries: list[dict], manifest_path: Path) -> None:
    """Replace (or append) these assets' entries in data/manifest.json, keeping the others and their order."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assets = manifest["assets"]
    for entry in entries:
        for i, old in enumerate(assets):
            if old.get("name") == entry["name"]:
                assets[i] = entry
                break
        else:
            assets.append(entry)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build(debs: Path | None, tmp: Path) -> tuple[dict[str, bytes], list[dict], dict]:
    """Build both files in memory: ({file name: gzip bytes}, manifest entries, report)."""
    if debs is None:
        debs = tmp / "debs"
        fetch_debs(debs)
    versions = unpack_debs(debs, tmp / "root")
    rows, report, chapter_lengths = build_verses(tmp / "root")
    refs = {f"{r['book']}.{r['chapter']}.{r['verse']}": i for i, r in enumerate(rows)}
    nave = read_zld(tmp / "root" / NAVE_PACKAGE / NAVE_PATH)
    topics, nave_stats = build_topics(nave, set(refs), chapter_lengths, refs)
    blobs = {VERSES_NAME: deterministic_gzip(verses_tsv(rows)), TOPICS_NAME: deterministic_gzip(topics_jsonl(topics))}
    counts = {"rows": len(rows), "rv1909": sum(1 for r in rows if r["rv1909"]), "topics": len(topics)}
    for name in ("train", "dev", "test"):
        counts[name] = sum(1 for r in rows if r["split"] == name)
    report["Debian packages"] = versions
    report["counts"] = counts
    report["verses per split and testament"] = {
        f"{s} {t}": sum(1 for r in rows if r["split"] == s and r["testament"] == t)
        for s in ("train", "dev", "test") for t in ("OT", "NT")}
    report["Nave"] = nave_stats
    return blobs, manifest_entries(blobs, versions, counts), report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--debs", type=Path, help="folder with the .deb files (default: apt-get download into a temp dir)")
    parser.add_argument("--pylib", type=Path, help="extra folder to import pysword from (appended to sys.path)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: data/bible)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temp dir and compare with the sha256 in data/manifest.json; write nothing")
    args = parser.parse_args(argv)
    if args.pylib:
        sys.path.append(str(args.pylib))

    with tempfile.TemporaryDirectory(prefix="embedlab-bible-") as tmp:
        blobs, entries, report = build(args.debs, Path(tmp))
    for key, value in report.items():
        print(f"{key}: {json.dumps(value, ensure_ascii=False)}")

    if args.check:
        manifest = {a["name"]: a for a in json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))["assets"]}
        same = True
        for entry in entries:
            shipped = manifest.get(entry["name"], {})
            ok = shipped.get("sha256") == entry["sha256"] and shipped.get("bytes") == entry["bytes"]
            same &= ok
            print(f"{entry['file']}: {'identical to' if ok else 'DIFFERS from'} the manifest "
                  f"(rebuilt {entry['bytes']} bytes, sha256 {entry['sha256']})")
        return 0 if same else 1

    args.out.mkdir(parents=True, exist_ok=True)
    for name, blob in blobs.items():
        (args.out / name).write_bytes(blob)
        print(f"{(args.out / name).relative_to(REPO) if (args.out / name).is_relative_to(REPO) else args.out / name}: "
              f"bytes: {len(blob)}  sha256: {hashlib.sha256(blob).hexdigest()}")
    if args.out.resolve() == OUT_DIR.resolve():
        update_manifest(entries, DATA / "manifest.json")
        print("data/manifest.json updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
