"""Lesson 08: approximate nearest-neighbour search, embedlab's IVF and PQ against faiss and usearch.

Corpus: every World English Bible verse (31,095) encoded by all-MiniLM-L6-v2 (mean
pooling, unit length, 384-d). Queries: 1,000 King James verses of the test books,
encoded the same way. Two recalls per method:

- recall@10: the share of the exact top 10 (cosine) that the index returns in its top 10,
  the usual ANN measure;
- verse@10: the share of queries whose own WEB verse is in the top 10 (the task).

Queries/s: all 1,000 queries in one call, 2 threads for everything (torch, faiss' OpenMP,
usearch), median of 3 runs. Bytes/vector: the index's memory for vectors, codes and ids,
divided by the corpus size. The embeddings are cached in embedlab's cache folder after
the first run (about 2 minutes to encode on 2 CPU cores).

    HF_HUB_OFFLINE=1 python benchmarks/ann_vs_faiss.py            # the table for docs/benchmarks.md
    HF_HUB_OFFLINE=1 python benchmarks/ann_vs_faiss.py --plot docs/img/ann_recall_qps.png
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import statistics
import sys
import time

os.environ.setdefault("EMBEDLAB_PROGRESS", "0")
sys.path.insert(0, os.path.dirname(__file__))

import faiss                                          # noqa: E402
import numpy as np                                    # noqa: E402
import torch                                          # noqa: E402
from machine import machine_line                      # noqa: E402

from embedlab import bert, bible, data                # noqa: E402
from embedlab.ivf import IVFIndex                     # noqa: E402
from embedlab.pq import PQIndex                       # noqa: E402
from embedlab.search import ExactIndex                # noqa: E402
from embedlab.sentence_encoder import encode          # noqa: E402

THREADS, K, N_QUERIES, REPEATS = 2, 10, 1000, 3
NLIST, M = 256, 48


def embeddings() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(corpus (N, 384), queries (Q, 384), each query's corpus row), cached by the texts' hash."""
    verses = bible.load_verses()
    corpus_texts = [v.web for v in verses]
    row_of = {v.ref: i for i, v in enumerate(verses)}
    test = [v for v in bible.split("test") if v.kjv][:N_QUERIES]
    query_texts = [v.kjv for v in test]
    key = hashlib.sha256("\n".join(corpus_texts + query_texts).encode()).hexdigest()[:16]
    cache = data.cache_dir() / "benchmarks" / f"ann_minilm_{key}.npz"
    if cache.exists():
        saved = np.load(cache)
        return saved["corpus"], saved["queries"], saved["truth"]
    model, tokenizer = bert.load_minilm("cpu")
    corpus = encode(corpus_texts, model, tokenizer, batch_size=64).numpy()
    queries = encode(query_texts, model, tokenizer, batch_size=64).numpy()
    truth = np.array([row_of[v.ref] for v in test])
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, corpus=corpus, queries=queries, truth=truth)
    return corpus, queries, truth


def timed(search) -> tuple[float, np.ndarray]:
    """Queries/s (median of REPEATS) and the ids the search returned."""
    times, ids = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        ids = search()
        times.append(time.perf_counter() - start)
    return N_QUERIES / statistics.median(times), np.asarray(ids)


def recall_at_k(ids: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(ids, exact)]))


def verse_at_k(ids: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([t in row for t, row in zip(truth, ids)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plot", help="save the recall@10 against queries/s plot here (PNG)")
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    faiss.omp_set_num_threads(THREADS)
    corpus, queries, truth = embeddings()
    N, d = corpus.shape
    exact_index = ExactIndex(d, device="cpu")
    exact_index.add(corpus)
    _, exact = exact_index.search(queries, K)

    rows, curves = [], {}

    def record(library, method, setting, build_s, qps, ids, nbytes):
        rows.append((library, method, setting, build_s, qps, recall_at_k(ids, exact), verse_at_k(ids, truth),
                     nbytes / N))
        curves.setdefault(f"{method} ({library})", []).append((recall_at_k(ids, exact), qps))

    def build(make):
        start = time.perf_counter()
        index = make()
        return index, time.perf_counter() - start

    # Exact search: embedlab's matmul + top-k, and faiss' IndexFlatIP.
    qps, ids = timed(lambda: exact_index.search(queries, K)[1])
    record("embedlab", "exact", "-", 0.0, qps, ids, exact_index.memory_bytes)
    flat, t = build(lambda: _faiss_add(faiss.IndexFlatIP(d), corpus))
    qps, ids = timed(lambda: flat.search(queries, K)[1])
    record("faiss", "exact", "-", t, qps, ids, N * d * 4)

    # IVF-Flat: the same k-means settings (nlist, 20 iterations) in both.
    ours, t = build(lambda: _own_add(IVFIndex(d, NLIST, device="cpu").train(corpus), corpus))
    theirs, tf = build(lambda: _faiss_add(_faiss_trained(
        faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, NLIST, faiss.METRIC_INNER_PRODUCT), corpus), corpus))
    for n_probe in (1, 2, 4, 8, 16, 32):
        qps, ids = timed(lambda: ours.search(queries, K, n_probe=n_probe)[1])
        record("embedlab", "IVF-Flat", f"nlist {NLIST}, n_probe {n_probe}", t, qps, ids, ours.memory_bytes)
        theirs.nprobe = n_probe
        qps, ids = timed(lambda: theirs.search(queries, K)[1])
        record("faiss", "IVF-Flat", f"nlist {NLIST}, n_probe {n_probe}", tf, qps, ids, N * (d * 4 + 8))

    # PQ, flat: 48 one-byte codes per vector.
    ours, t = build(lambda: _own_add(PQIndex(d, M, device="cpu").train(corpus), corpus))
    qps, ids = timed(lambda: ours.search(queries, K)[1])
    record("embedlab", "PQ", f"m {M}, 8 bits", t, qps, ids, ours.memory_bytes)
    theirs, tf = build(lambda: _faiss_add(_faiss_trained(faiss.IndexPQ(d, M, 8, faiss.METRIC_INNER_PRODUCT), corpus),
                                          corpus))
    qps, ids = timed(lambda: theirs.search(queries, K)[1])
    record("faiss", "PQ", f"m {M}, 8 bits", tf, qps, ids, N * M + M * 256 * (d // M) * 4)

    # IVF-PQ: residual codes in the lists.
    ours, t = build(lambda: _own_add(IVFIndex(d, NLIST, m=M, device="cpu").train(corpus), corpus))
    theirs, tf = build(lambda: _faiss_add(_faiss_trained(
        faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, NLIST, M, 8, faiss.METRIC_INNER_PRODUCT), corpus), corpus))
    for n_probe in (1, 4, 16, 32):
        qps, ids = timed(lambda: ours.search(queries, K, n_probe=n_probe)[1])
        record("embedlab", "IVF-PQ", f"nlist {NLIST}, m {M}, n_probe {n_probe}", t, qps, ids, ours.memory_bytes)
        theirs.nprobe = n_probe
        qps, ids = timed(lambda: theirs.search(queries, K)[1])
        record("faiss", "IVF-PQ", f"nlist {NLIST}, m {M}, n_probe {n_probe}", tf, qps, ids,
               N * (M + 8) + NLIST * d * 4 + M * 256 * (d // M) * 4)

    # Graphs: faiss' HNSW and usearch's, 32 neighbours per node, build effort 128.
    hnsw, t = build(lambda: _faiss_hnsw(d, corpus))
    for ef in (16, 32, 64, 128):
        hnsw.hnsw.efSearch = ef
        qps, ids = timed(lambda: hnsw.search(queries, K)[1])
        record("faiss", "HNSW", f"M 32, efSearch {ef}", t, qps, ids, _faiss_bytes(hnsw))
    from usearch.index import Index

    def usearch_index():
        index = Index(ndim=d, metric="ip", dtype="f32", connectivity=32, expansion_add=128)
        index.add(np.arange(N), corpus, threads=THREADS)
        return index

    graph, t = build(usearch_index)
    for ef in (16, 32, 64, 128):
        graph.expansion_search = ef
        qps, ids = timed(lambda: graph.search(queries, K, threads=THREADS).keys)
        record("usearch", "HNSW", f"connectivity 32, expansion {ef}", t, qps, ids, graph.memory_usage)

    print(f"{N:,} WEB verses x {d} (MiniLM, unit length); {N_QUERIES:,} KJV test-book verses as queries; "
          f"top {K}; {THREADS} threads; median of {REPEATS}.\n")
    print("| library | method | setting | build (s) | queries/s | recall@10 | verse@10 | bytes/vector |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for lib, method, setting, build_s, qps, rec, verse, per in rows:
        print(f"| {lib} | {method} | {setting} | {build_s:.1f} | {qps:,.0f} | {rec:.3f} | {verse:.3f} | {per:,.0f} |")
    print(f"\n{machine_line()}, {datetime.date.today().isoformat()}.")
    if args.plot:
        _plot(curves, args.plot)


def _own_add(index, corpus):
    index.add(corpus)
    return index


def _faiss_trained(index, corpus):
    index.train(corpus)
    return index


def _faiss_add(index, corpus):
    index.add(corpus)
    return index


def _faiss_hnsw(d, corpus):
    index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 128
    index.add(corpus)
    return index


def _faiss_bytes(index) -> int:
    """Bytes of a faiss index as serialised (vectors, codes, graph links)."""
    return len(faiss.serialize_index(index))


def _plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, points in curves.items():
        rec, qps = zip(*points)
        ax.plot(rec, qps, marker="o", label=name, linestyle="-" if "embedlab" in name else "--")
    ax.set_xlabel("recall@10 (against exact search)")
    ax.set_ylabel("queries per second (log)")
    ax.set_yscale("log")
    ax.set_title("31,095 verses, MiniLM 384-d, 2 CPU threads")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
