"""Tests for the Bible retrieval data (data/bible/, embedlab.bible) and its build script's parsers.

Fast and offline: the shipped files are read as they are; tools/build_bible.py's parsing
functions are tested on small inline samples of the modules' markup (the full rebuild needs
apt-get and pysword: `python tools/build_bible.py --pylib DIR --check`).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import struct
import zlib

import pytest

import build_bible  # tools/, on sys.path via conftest.py
from embedlab import bible, data


@pytest.fixture(scope="module")
def verses():
    return bible.load_verses()


@pytest.fixture(scope="module")
def topics():
    return bible.load_topics()


# ---------------------------------------------------------------------------
# The verse table
# ---------------------------------------------------------------------------
def test_counts_and_order(verses):
    assert 31_000 <= len(verses) <= 31_102
    assert len({v.book for v in verses}) == 66
    keys = [(v.book_number, v.chapter, v.verse) for v in verses]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # canonical order, no repeats
    assert len({v.ref for v in verses}) == len(verses)
    assert verses[0].ref == "Gen.1.1" and verses[-1].ref == "Rev.22.21"
    assert {v.testament for v in verses if v.book_number <= 39} == {"OT"}
    assert {v.testament for v in verses if v.book_number >= 40} == {"NT"}
    assert all(v.web and v.kjv for v in verses)
    with_spanish = sum(1 for v in verses if v.rv1909)
    assert 30_500 <= with_spanish < len(verses)


def test_split_is_by_book(verses):
    split_of_book: dict[str, set[str]] = {}
    for v in verses:
        split_of_book.setdefault(v.book, set()).add(v.split)
    assert all(len(s) == 1 for s in split_of_book.values())  # every book in exactly one split
    by_split = {name: {b for b, s in split_of_book.items() if s == {name}} for name in bible.SPLITS}
    assert by_split["test"] == set(build_bible.TEST_BOOKS) and by_split["dev"] == set(build_bible.DEV_BOOKS)
    assert not by_split["test"] & by_split["train"] and not by_split["dev"] & by_split["train"]
    test = bible.split("test")
    assert 2_000 <= len(test) <= 4_000 and {v.testament for v in test} == {"OT", "NT"}
    assert not {v.book for v in test} & {v.book for v in bible.split("train")}
    assert 1_000 <= len(bible.split("dev")) <= 2_000
    assert sum(len(bible.split(s)) for s in bible.SPLITS) == len(verses)
    with pytest.raises(ValueError, match="test"):
        bible.split("validation")


def test_john_3_16(verses):
    v = verses[bible.verse_index(verses)["John.3.16"]]
    assert v.split == "train" and v.testament == "NT" and v.book_number == 43
    assert "God so loved the world" in v.web and "his only born Son, that whoever believes in him" in v.web
    assert "God so loved the world" in v.kjv and "only begotten Son" in v.kjv and "everlasting life" in v.kjv
    assert "amó Dios al mundo" in v.rv1909 and "unigénito" in v.rv1909
    assert verses[0].kjv == "In the beginning God created the heaven and the earth."
    assert verses[0].web == "In the beginning, God created the heavens and the earth."


def test_no_joined_words_or_markup(verses):
    for version in bible.VERSIONS:
        texts = [getattr(v, version) for v in verses]
        joins = [m.group(0) for t in texts for m in re.finditer(r"\w*[a-zà-ÿ][A-ZÀ-Þ]\w*", t)]
        assert joins == [], (version, joins[:10])
        assert not any(re.search(r"[<>\0¶]|&[a-z]+;|  |^\s|\s$|[a-z][,;:!?][A-Za-z]", t) for t in texts), version


def test_alignment_fixes(verses):
    index = bible.verse_index(verses)
    # WEB numbers these two the other way round; the build swaps them back.
    assert "devour widows’ houses" in verses[index["Matt.23.14"]].web
    assert "shut up the Kingdom of Heaven" in verses[index["Matt.23.13"]].web
    # The doxology the module appends to Romans 14:23 is cut off; verses WEB lacks are not rows.
    assert verses[index["Rom.14.23"]].web.endswith("whatever is not of faith is sin.")
    assert "Rom.16.25" not in index and "Acts.8.37" not in index
    # Glossary after Revelation 22:21, headings of Psalm 119, psalm titles kept in verse 1.
    assert verses[index["Rev.22.21"]].web == "The grace of the Lord Jesus Christ be with all the saints. Amen."
    assert verses[index["Ps.119.1"]].web.startswith("Blessed are")
    assert verses[index["Ps.119.1"]].rv1909.startswith("BIENAVENTURADOS")
    assert verses[index["Ps.3.1"]].kjv.startswith("A Psalm of David, when he fled from Absalom his son. LORD,")
    # RV1909 numbers Numbers 13 as the Hebrew does: left empty rather than paired with the wrong verse.
    assert verses[index["Num.13.1"]].rv1909 == "" and verses[index["Num.14.1"]].rv1909


# ---------------------------------------------------------------------------
# Nave's topics
# ---------------------------------------------------------------------------
def test_topics_resolve(verses, topics):
    assert 3_000 <= len(topics) <= 4_000
    assert len({t.name for t in topics}) == len(topics)
    for t in topics:
        assert len(t.verses) >= 2 and list(t.verses) == sorted(set(t.verses))
        assert all(0 <= i < len(verses) for i in t.verses)
        for text, rows in t.entries:
            assert text and rows and set(rows) <= set(t.verses)
        assert set(t.verses) == {i for _, rows in t.entries for i in rows}
    texts = [t.name for t in topics] + [text for t in topics for text, _ in t.entries]
    assert not [x for x in texts if re.search(r"[a-z][A-Z]|[A-Z]{2}[A-Z][a-z]|\w' s\b|<|>", x)]
    assert {"SIN", "SIN (2)", "REVERENCE", "REVERENCE (2)"} <= {t.name for t in topics}
    anger = next(t for t in topics if t.name == "ANGER")
    cain = dict(anger.entries)["INSTANCES OF: Of Cain slaying Abel"]
    assert [verses[i].ref for i in cain] == ["Gen.4.5", "Gen.4.6", "Gen.4.7", "Gen.4.8"]
    assert "HATRED" in anger.see
    assert len(bible.load_topics(min_verses=50)) < len(topics)


# ---------------------------------------------------------------------------
# The files and the manifest
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", [build_bible.VERSES_ASSET, build_bible.TOPICS_ASSET])
def test_manifest_entries(name):
    entry = next(e for e in json.loads((data._repo_data_dir() / "manifest.json").read_text())["assets"] if e["name"] == name)
    blob = (data._repo_data_dir() / entry["file"]).read_bytes()
    assert entry["kind"] == "shipped" and entry["file"].startswith("bible/")
    assert entry["sha256"] == hashlib.sha256(blob).hexdigest() and entry["bytes"] == len(blob)
    assert blob[4:8] == b"\0\0\0\0"  # gzip mtime 0: rebuilds give the same bytes
    assert "Public domain" in entry["licence"] and "sword-" in entry["source"]
    assert data.path(name) == data._repo_data_dir() / entry["file"]


def test_total_size_is_small():
    folder = data._repo_data_dir() / "bible"
    texts = [p for p in folder.iterdir() if p.name != "minilm_vectors.npz"]
    assert sum(p.stat().st_size for p in texts) < 8_000_000
    assert (folder / "minilm_vectors.npz").stat().st_size < 15_000_000       # 37,000 x 384 int8


def test_corrupt_file_gives_embedlab_message(monkeypatch, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data._repo_data_dir() / "bible", copy / "bible")
    target = copy / "bible" / build_bible.VERSES_NAME
    blob = bytearray(target.read_bytes())
    blob[1000] ^= 0xFF
    target.write_bytes(bytes(blob))
    monkeypatch.setenv("EMBEDLAB_DATA", str(copy))
    with pytest.raises(data.AssetError, match="git checkout"):
        bible.load_verses()
    target.unlink()
    with pytest.raises(data.AssetError, match="incomplete"):
        bible.split("test")


# ---------------------------------------------------------------------------
# The build script's parsers, on samples of the modules' markup
# ---------------------------------------------------------------------------
def test_clean_osis_separates_words_where_a_note_was():
    web = ('<w lemma="strong:G3439">only</w> born</q><note placement="foot"><reference type="annotateRef">3:16 '
           '</reference>The phrase “only born” is from the Greek word “μονογενη”.</note><q marker="" who="Jesus">'
           '<w lemma="strong:G5207">Son</w>, <w lemma="strong:G2443">that</w>')
    assert build_bible.clean_osis(web) == "only born Son, that"
    gen = ('<w lemma="strong:H0430">God</w><note placement="foot"><reference type="annotateRef">1:1 </reference>'
           'The Hebrew word rendered “God” is “אֱלֹהִ֑ים” (Elohim).</note><w lemma="strong:H1254">created</w>')
    assert build_bible.clean_osis(gen) == "God created"
    luke = ('two assaria coins</q> <note placement="foot"><reference type="annotateRef">12:6 </reference>An assarion'
            '</note> <q marker="" who="Jesus">? Not one')
    assert build_bible.clean_osis(luke) == "two assaria coins? Not one"


def test_clean_osis_keeps_words_split_by_inline_tags():
    kjv = ('<w lemma="strong:H0430">God</w> <divineName><w lemma="strong:H3068">LORD</w></divineName>: '
           '<transChange type="added">it was</transChange> <w lemma="strong:G1325">give</w>n¶ and '
           '<note placement="foot"><reference type="annotateRef">1.4 </reference>Heb. between</note> thus.')
    assert build_bible.clean_osis(kjv) == "God LORD: it was given and thus."


def test_clean_osis_drops_headings_keeps_psalm_titles_and_lines():
    psalm = ('<div type="x-milestone" subType="x-preverse" sID="pv1"/><title canonical="true" type="psalm">A Psalm by '
             'David.</title> <lg sID="g1"/> <l level="1" sID="g2"/>Yahweh, how<l eID="g2" level="1"/><l level="2" '
             'sID="g3"/>many<l eID="g3"/>')
    assert build_bible.clean_osis(psalm) == "A Psalm by David. Yahweh, how many"
    heading = '<title><foreign>ב BETH.</foreign></title> <speaker>Beloved</speaker> Wherewithal &amp; more'
    assert build_bible.clean_osis(heading) == "Wherewithal & more"


def test_clean_osis_rv1909_transchange():
    joined = ('<w lemma="strong:H0517">de su madre</w><transChange type="added">fué</transChange>'
              '<w lemma="strong:H0021">Abi</w> <w>hija</w>')
    assert build_bible.clean_osis(joined) == "de su madre fué Abi hija"
    enclitic = ('<w lemma="strong:H0559">y díjo</w><transChange type="added">le</transChange>'
                '<w lemma="strong:H0430">Dios</w>: Pide')
    assert build_bible.clean_osis(enclitic) == "y díjole Dios: Pide"
    bare = 'y preguntándo<transChange type="added">le</transChange>, pues'
    assert build_bible.clean_osis(bare) == "y preguntándole, pues"
    not_a_verb = '<w>no</w><transChange type="added">lo</transChange><w>hizo</w> saber'
    assert build_bible.clean_osis(not_a_verb) == "no lo hizo saber"


def test_own_verse_cuts_what_the_module_appended():
    rom = ('sin. <div eID="g1" type="x-p"/> <div type="x-milestone" subType="x-preverse" sID="pv2"/><div sID="g2" '
           'type="x-p"/><div type="x-milestone" subType="x-preverse" eID="pv2"/>Now to him who is able')
    assert build_bible.own_verse(rom) == ('sin. <div eID="g1" type="x-p"/> ', "Now to him who is able")
    start = '<div type="x-milestone" subType="x-preverse" sID="pv1"/>Grace. <chapter eID="Rev.22"/>'
    rev = start + '<div canonical="true" eID="g9" osisID="Rev" type="book"/> <title type="main">Glossary</title> Abba'
    assert build_bible.own_verse(rev) == (start, "Abba")  # the glossary's heading is a non-canonical title
    assert build_bible.own_verse(start) == (start, "")


def test_strip_acrostic():
    assert build_bible.strip_acrostic(("Ps", 119, 1), "ALEPH. BIENAVENTURADOS los") == "BIENAVENTURADOS los"
    assert build_bible.strip_acrostic(("Ps", 119, 161), "SIN AND SHIN Princes have") == "Princes have"
    assert build_bible.strip_acrostic(("Ps", 119, 2), "ALEPH. x") == "ALEPH. x"
    assert build_bible.strip_acrostic(("Ps", 118, 1), "HE said") == "HE said"


def test_alignment_checks():
    order = [("B", 1, v) for v in range(1, 9)]
    ref = {r: frozenset({f"w{r[2]}a", f"w{r[2]}b"}) for r in order}
    same = dict(ref)
    assert build_bible.misaligned(order, ref, same) == set()
    shifted = {("B", 1, v): ref[("B", 1, v - 1)] if v > 4 else ref[("B", 1, v)] for v in range(1, 9)}
    flagged = build_bible.misaligned(order, ref, shifted)
    assert {("B", 1, v) for v in range(5, 9)} <= flagged and ("B", 1, 1) not in flagged
    swapped = dict(ref)
    swapped[order[2]], swapped[order[3]] = ref[order[3]], ref[order[2]]
    assert build_bible.swapped_pairs(order, ref, swapped) == [(order[2], order[3])]
    assert build_bible.jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)


def test_nave_parsing():
    lengths = {("Exod", 6): 30, ("Gen", 4): 26, ("Gen", 5): 32}
    assert build_bible.expand_osis_ref("Exod.6.16-Exod.6.18", lengths) == (["Exod.6.16", "Exod.6.17", "Exod.6.18"], None)
    assert build_bible.expand_osis_ref("Gen.4.25-Gen.5.2", lengths) == (["Gen.4.25", "Gen.4.26", "Gen.5.1", "Gen.5.2"], None)
    assert build_bible.expand_osis_ref("1Chr.24", lengths) == ([], "1Chr.24")
    entry = ('<entryFree n="ANGER">\n<def>\n<lb/>→ General scriptures concerning <ref osisRef="Gen.4.6">Ge 4:6</ref>; '
             '<ref osisRef="Exod.6.16-Exod.6.18">Ex 6:16-18</ref>\n<lb/>→ See <ref target="Nave:HATRED">HATRED</ref>\n'
             '<lb/>→ INSTANCES OF\n<list>\n<item>Of Cain slaying Abel <ref osisRef="Gen.4.5-Gen.4.8">Ge 4:5-8</ref>'
             '</item>\n</list></def>\n</entryFree>')
    subtopics, see = build_bible.parse_nave_entry(entry)
    assert subtopics == [("General scriptures concerning", ["Gen.4.6", "Exod.6.16-Exod.6.18"]),
                         ("INSTANCES OF: Of Cain slaying Abel", ["Gen.4.5-Gen.4.8"])]
    assert see == ["HATRED"]
    rows = ["Gen.4.5", "Gen.4.6", "Gen.4.7", "Exod.6.16", "Exod.6.17", "Exod.6.18"]  # no Gen.4.8
    order = {r: i for i, r in enumerate(rows)}
    topics, stats = build_bible.build_topics([("ANGER", entry), ("ONE", entry.replace("Gen.4", "Lev.1").replace(
        "Exod.6.16-Exod.6.18", "Gen.4.7"))], set(rows), lengths, order)
    assert [t["topic"] for t in topics] == ["ANGER"]  # ONE cites a single row
    assert topics[0]["verses"] == rows and topics[0]["see"] == ["HATRED"]
    assert stats["unresolved verses"] == 1 + 5 and stats["topics with < 2 verses"] == 1


def test_read_zld(tmp_path):
    """A two-entry zLD dictionary written in the format the reader documents."""
    texts = [b"<entryFree n=\"A\">first</entryFree>\0", b"<entryFree n=\"B\">second</entryFree>\0"]
    table = struct.pack("<I", 2)
    offset = 4 + 8 * 2
    for t in texts:
        table += struct.pack("<II", offset, len(t))
        offset += len(t)
    block = zlib.compress(table + b"".join(texts))
    dat, idx = b"", b""
    for i, key in enumerate([b"A\r", b"B\r"]):
        record = key + b"\n" + struct.pack("<II", 0, i)
        idx += struct.pack("<II", len(dat), len(record))
        dat += record
    base = tmp_path / "nave"
    for ext, blob in (("idx", idx), ("dat", dat), ("zdx", struct.pack("<II", 0, len(block))), ("zdt", block)):
        (tmp_path / f"nave.{ext}").write_bytes(blob)
    assert build_bible.read_zld(base) == [("A", '<entryFree n="A">first</entryFree>'),
                                          ("B", '<entryFree n="B">second</entryFree>')]


def test_deterministic_gzip_and_tsv():
    rows = [dict(zip(build_bible.COLUMNS, ["Gen", 1, 1, 1, "OT", "train", "In", "In", "EN"]))]
    blob = build_bible.deterministic_gzip(build_bible.verses_tsv(rows))
    assert blob == build_bible.deterministic_gzip(build_bible.verses_tsv(rows)) and blob[4:8] == b"\0\0\0\0"
    assert gzip.decompress(blob).decode().splitlines() == ["\t".join(build_bible.COLUMNS), "Gen\t1\t1\t1\tOT\ttrain\tIn\tIn\tEN"]


@pytest.mark.parametrize("version", ["web", "kjv", "rv1909"])
def test_the_shipped_minilm_vectors_are_what_encode_gives(version):
    """The vectors of tools/embed_bible.py stay tied to the code: re-encode a sample, compare."""
    import numpy as np

    from embedlab import bert
    from embedlab.sentence_encoder import encode

    rows, vectors = bible.minilm_vectors(version)
    assert vectors.shape == (len(rows), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    verses = bible.load_verses()
    wanted = {"web": len(verses), "kjv": sum(v.split != "train" for v in verses),
              "rv1909": sum(v.split == "test" and bool(v.rv1909) for v in verses)}
    assert len(rows) == wanted[version]
    pick = np.random.default_rng(1).choice(len(rows), size=16, replace=False)
    model, tokenizer = bert.load_minilm("cpu")
    fresh = encode([getattr(verses[i], version) for i in rows[pick]], model, tokenizer, progress=False).numpy()
    assert (fresh * vectors[pick]).sum(axis=1).min() > 0.9999
    # Not just any unit vectors: another verse's vector is far less similar.
    assert (fresh * np.roll(vectors[pick], 1, axis=0)).sum(axis=1).max() < 0.99


def test_minilm_vectors_of_an_unknown_version_is_one_sentence():
    from embedlab.validate import InputError

    with pytest.raises(InputError, match="version must be one of"):
        bible.minilm_vectors("luther")
