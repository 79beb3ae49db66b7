#!/usr/bin/env python3
"""Rebuild ``data/devils_dictionary.jsonl.gz`` from the Debian package ``dict-devil``.

Usage (from the repository root)::

    python tools/build_data.py                 # rebuild, print the manifest entry, update data/manifest.json
    python tools/build_data.py --deb FILE.deb  # use a .deb you already have
    python tools/build_data.py --check         # rebuild in memory; exit 1 if it differs from the shipped file

Where the text comes from
-------------------------
Debian's ``dict-devil`` package (``apt-get download dict-devil``; any Debian or
Ubuntu machine, no root needed) ships Ambrose Bierce's *The Devil's Dictionary*
(1911, public domain) as a dictd database: ``usr/share/dictd/devil.dict.dz``
(gzip-compatible plain text) and ``devil.index`` (headwords with base64 offsets).

We parse the plain text rather than trust the index: the index is keyed by
dictd-normalised words ("blankverse" for BLANK-VERSE), lists a few entries twice
and points one word ("laurel") at its neighbour's entry. In the text every entry
starts on an unindented line after a blank line with the headword in capitals
("ABASEMENT, n.  A decent ..."); quotations and later paragraphs are indented.
The dictd header entries ("00-database-info" etc.) and Bierce's preface come
before the first entry (ABASEMENT) and are dropped.

The output is one JSON object per line, in the book's order::

    {"word": "abasement", "definition": "n.  A decent and customary mental attitude ..."}

``word`` is the printed headword in lower case ("blank-verse", "r.i.p.");
``definition`` is the rest of the entry with the part of speech and Bierce's
line breaks and verse layout kept (``embedlab.data.load_devils_dictionary()``
normalises whitespace). For the letter entries ("I is the first letter of the
alphabet, ...") the definition is the whole sentence.

The gzip file is written with mtime 0 and no file name, so a rebuild from the
same .deb gives the same bytes and the same sha256.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT_NAME = "devils_dictionary.jsonl.gz"
ASSET_NAME = "devils-dictionary"
DEB_PACKAGE = "dict-devil"
DICT_MEMBER = "usr/share/dictd/devil.dict.dz"

# An entry's first line: a capitalised headword followed by a comma, a full stop,
# a question mark, two spaces, "(", " or " or a lower-case word ("I is ...").
_HEADLINE = re.compile(
    r"^[A-Z][A-Z0-9'\-. ]*?[A-Z.'](,|\.|\?|\s\s|\s+\(|\s+or\s|\s+[a-z])"  # ABASEMENT, n. / LL.D.  / BABE or BABY
    r"|^[A-Z](\s|,)"  # the letters: "I is the first letter ...", "T, the twentieth ..."
)
# Headword (capitals, or "BABE or BABY"), then the part of speech that starts the definition ("n.", "v.t.", ...).
_POS = re.compile(
    r"^(?P<word>(?:[A-Z0-9'\-. ,()]|\bor\b)*?),?\s*(?P<rest>(?:n|v|adj|adv|pp|p\.p|prep|conj|pron?|interj|x|v\.t|v\.i|n\.pl|pl)\.(?:\s|,|$).*)$",
    re.S,
)
# Headwords without a part of speech: "ABRACADABRA.", "CUI BONO?  [Latin] ...", "R.I.P.  A careless ...".
_NO_POS = re.compile(r"^(?P<word>[A-Z][A-Z'\-. ]*?[A-Z])(?P<stop>\.|\?)(?:\s\s|$)(?P<rest>.*)$", re.S)


# ---------------------------------------------------------------------------
# Getting the .deb and the text out of it
# ---------------------------------------------------------------------------
def download_deb(dest: Path) -> Path:
    """``apt-get download dict-devil`` into ``dest`` (needs apt, not root) and return the .deb."""
    subprocess.run(["apt-get", "download", DEB_PACKAGE], cwd=dest, check=True)
    debs = sorted(dest.glob(f"{DEB_PACKAGE}_*.deb"))
    if not debs:
        sys.exit(f"apt-get download {DEB_PACKAGE} produced no .deb in {dest}")
    return debs[-1]


def _ar_members(deb: bytes):
    """Yield (name, bytes) of the members of an ``ar`` archive (a .deb is one); no dpkg needed."""
    if not deb.startswith(b"!<arch>\n"):
        raise ValueError("not a .deb (ar) archive")
    pos = 8
    while pos + 60 <= len(deb):
        header = deb[pos : pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        yield name, deb[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size % 2)


def read_dict_text(deb_path: Path) -> str:
    """The plain text of ``devil.dict.dz`` inside the .deb."""
    for name, blob in _ar_members(deb_path.read_bytes()):
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(blob)) as tar:  # data.tar.xz or .gz
                for member in tar.getmembers():
                    if member.name.lstrip("./") == DICT_MEMBER:
                        raw = tar.extractfile(member).read()
                        return gzip.decompress(raw).decode("utf-8")
    raise SystemExit(f"{deb_path} has no {DICT_MEMBER}")


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------
def split_entry(block: str) -> tuple[str, str]:
    """``"ABASEMENT, n.  A decent ..."`` -> ``("abasement", "n.  A decent ...")``."""
    m = _POS.match(block)
    if m and not m.group("word").endswith((".", "?")):
        return m.group("word").rstrip(",").strip().lower(), m.group("rest").strip()
    m = _NO_POS.match(block)
    if m:
        word = m.group("word")
        if "." in word:  # abbreviations keep their last dot: LL.D. and R.I.P.
            word += "."
        return word.lower(), m.group("rest").strip()
    # The letters of the alphabet: the definition is the whole sentence.
    return block[0].lower(), block.strip()


def parse(text: str) -> list[dict]:
    """Every entry of the dictionary, in the book's order, as ``{"word", "definition"}``."""
    start = text.index("\nABASEMENT, n.") + 1  # drops the dictd header entries and the preface
    lines = text[start:].split("\n")
    blocks: list[list[str]] = []
    for i, line in enumerate(lines):
        starts_entry = (
            line
            and not line[0].isspace()
            and (i == 0 or not lines[i - 1].strip())
            and _HEADLINE.match(line)
        )
        if starts_entry:
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    # The file ends with the dictd alphabet line (" abcdef...xyz"), indented, so it lands in ZOOLOGY.
    last = blocks[-1]
    while last and (not last[-1].strip() or last[-1].strip() == "abcdefghijklmnopqrstuvwxyz"):
        last.pop()

    entries, seen = [], set()
    for block in blocks:
        text_block = "\n".join(line.rstrip() for line in block).strip("\n")
        word, definition = split_entry(text_block)
        if (word, definition) in seen:  # the Debian text repeats PRECEDENT and PRECIPITATE verbatim
            continue
        seen.add((word, definition))
        entries.append({"word": word, "definition": definition})
    return entries


def to_jsonl_gz(entries: list[dict]) -> bytes:
    """Deterministic gzip: mtime 0, no file name, fixed compression level."""
    body = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(body)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Manifest
# ---------------------------------------------------------------------------
def manifest_entry(blob: bytes, deb_name: str) -> dict:
    return {
        "name": ASSET_NAME,
        "kind": "shipped",
        "file": OUT_NAME,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "bytes": len(blob),
        "source": (
            f"Debian package {DEB_PACKAGE} ({deb_name}), usr/share/dictd/devil.dict.dz "
            "(the Internet Wiretap 1993 e-text of the 1911 edition); parsed by tools/build_data.py"
        ),
        "licence": "Public domain (Ambrose Bierce, 1911; copyright expired)",
        "description": (
            "The Devil's Dictionary by Ambrose Bierce: about 1000 satirical definitions, "
            "one JSON object {word, definition} per line. Used for keyword search in notebook 01."
        ),
    }


def update_manifest(entry: dict, manifest_path: Path) -> None:
    """Replace (or add) this asset's entry in data/manifest.json, keeping the others and their order."""
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    else:
        manifest = {"version": 1, "assets": []}
    assets = manifest.setdefault("assets", [])
    for i, old in enumerate(assets):
        if old.get("name") == entry["name"]:
            assets[i] = {**old, **entry}
            break
    else:
        assets.insert(0, entry)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deb", type=Path, help="a dict-devil .deb (default: apt-get download it into a temp dir)")
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write into (default: data/)")
    parser.add_argument("--check", action="store_true", help="only compare a rebuild with the shipped file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        deb = args.deb
        if deb is None:
            found = sorted(glob.glob(f"{DEB_PACKAGE}_*.deb"))
            deb = Path(found[-1]) if found else download_deb(Path(tmp))
        entries = parse(read_dict_text(deb))
        blob = to_jsonl_gz(entries)
        entry = manifest_entry(blob, deb.name)

    print(f"{len(entries)} entries, {len(blob)} bytes, sha256 {entry['sha256']}", file=sys.stderr)
    target = args.out / OUT_NAME
    if args.check:
        same = target.exists() and target.read_bytes() == blob
        print("identical to the shipped file" if same else f"DIFFERS from {target}", file=sys.stderr)
        return 0 if same else 1

    args.out.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blob)
    update_manifest(entry, args.out / "manifest.json")
    print(json.dumps(entry, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
