"""PPMI + SVD ("LSA") word vectors on the course corpus: how good, how sure, how fast.

    python benchmarks/lsa_quality.py                          # the full corpus (7.7M tokens)
    python benchmarks/lsa_quality.py --corpus course-corpus-slice --max-vocab 10000 \\
        --solvers propack arpack randomized --bootstrap 2000 --splits 5   # notebook 02's setting

The setting (defaults): vocabulary = words seen >= 5 times (``--min-count``), harmonic
window of 5 (``--window``), PPMI with context smoothing alpha = 0.75, truncated SVD with
``dim`` = 100, vectors U_k S_k^{1/2} (``embedlab.cooccurrence``). Rows of the table:

* raw counts and PPMI as they are (one sparse V-dimensional row per word; word
  similarity only), the first two rows of notebook 02's results table;
* raw counts + SVD (same SVD, no reweighting), unless ``--skip-counts-svd``;
* PPMI + SVD with each solver of ``--solvers``: ``propack`` (embedlab's default),
  ``arpack`` (both exact, through ``scipy.sparse.linalg.svds``) and ``randomized``
  (scikit-learn's ``TruncatedSVD``, n_iter=5, rescaled to U_k S_k^{1/2}).

Scores by ``embedlab.evaluate`` (the same numbers as gensim's ``evaluate_word_analogies`` /
``evaluate_word_pairs``): analogy accuracy on Google's questions (restrict_vocab=30000),
Spearman on WordSim-353 and SimLex-999. "SVD s" is the SVD alone (not the scoring).

How sure (a gap smaller than its spread is a tie):

* ``--bootstrap N``: the test pairs resampled with replacement N times, every row scored on
  the same resample, so each gap between two rows gets its own spread (a paired bootstrap:
  how much the ranking depends on which word pairs happen to be in the test set);
* ``--splits N``: N random splits of the documents into two halves; the vectors are built
  on each half (the full corpus's vocabulary) and scored, so each score and each gap gets
  its spread over 2N half corpora (how much it depends on the text it was counted on).

Prints markdown tables and the machine; ``--json PATH`` writes the numbers too. The
measured tables are in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import cpu_model  # noqa: E402  (benchmarks/machine.py)
from embedlab import corpus, evaluate  # noqa: E402
from embedlab.cooccurrence import cooccurrence_matrix, lsa_vectors, ppmi  # noqa: E402
from embedlab.word2vec import build_vocab  # noqa: E402

TESTS = ("wordsim353", "simlex999")


def svd_vectors(weights, dim: int, solver: str) -> np.ndarray:
    """U_k S_k^{1/2} by one of the three solvers."""
    if solver == "randomized":
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=dim, algorithm="randomized", n_iter=5, random_state=0).fit(weights)
        return svd.transform(weights) / np.sqrt(svd.singular_values_)
    return lsa_vectors(weights, dim=dim, solver=solver)


class PairTest:
    """The word pairs of one similarity test that the vocabulary covers, for paired resampling."""

    def __init__(self, name: str, key_to_index: dict[str, int]):
        self.name = name
        kept = [(key_to_index[a.lower()], key_to_index[b.lower()], s) for a, b, s in corpus.load_word_pairs(name)
                if a.lower() in key_to_index and b.lower() in key_to_index]
        self.first = np.array([a for a, _, _ in kept])
        self.second = np.array([b for _, b, _ in kept])
        self.gold = np.array([s for _, _, s in kept])

    def cosines(self, matrix) -> np.ndarray:
        """The cosine of each pair's two rows of ``matrix`` (dense or sparse); 0 for a zero row."""
        rows = np.unique(np.concatenate([self.first, self.second]))
        dense = matrix[rows]
        dense = np.asarray(dense.toarray() if hasattr(dense, "toarray") else dense, dtype=np.float64)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        unit = dense / np.where(norms == 0, 1.0, norms)
        where = {r: i for i, r in enumerate(rows)}
        a = unit[[where[r] for r in self.first]]
        b = unit[[where[r] for r in self.second]]
        return (a * b).sum(axis=1)


def spearman(gold: np.ndarray, model: np.ndarray) -> float:
    from scipy import stats

    return float(stats.spearmanr(gold, model)[0])


def similarity_scores(matrix, tests: list[PairTest], words) -> dict[str, float]:
    """WordSim-353 and SimLex-999 of the rows of ``matrix``; checked against embedlab.evaluate."""
    out = {}
    for t in tests:
        out[t.name] = spearman(t.gold, t.cosines(matrix))
        if not hasattr(matrix, "toarray"):          # dense vectors: the course's own scorer agrees
            official = evaluate.word_similarity(matrix, words, pairs=t.name).spearman
            assert abs(official - out[t.name]) < 1e-9, (t.name, official, out[t.name])
    return out


def analogy_hits(vectors, words) -> np.ndarray:
    """For each analogy question the vocabulary covers, whether the vectors answer it right."""
    wv = evaluate.prepare(vectors, words)
    known = set(words[:30000])
    questions = [q for q in corpus.load_analogies() if all(w.lower() in known for w in q[1:])]
    hits = np.array([evaluate.analogy_accuracy(wv, questions=[q]).correct == 1 for q in questions])
    assert hits.sum() == evaluate.analogy_accuracy(wv).correct     # the same questions, the same answers
    return hits


def bootstrap(rows: dict[str, object], tests: list[PairTest], words, n: int, seed: int = 0) -> dict:
    """Each row's score on n resamples of the test pairs (the same resamples for every row).

    Rows of dense vectors get an analogy score too, on resamples of the questions.
    """
    rng = np.random.default_rng(seed)
    out = {}
    for t in tests:
        cos = {name: t.cosines(m) for name, m in rows.items()}
        draws = rng.integers(0, len(t.gold), size=(n, len(t.gold)))
        out[t.name] = {name: np.array([spearman(t.gold[d], c[d]) for d in draws]) for name, c in cos.items()}
    hits = {name: analogy_hits(m, words) for name, m in rows.items() if not hasattr(m, "toarray")}
    if hits:
        n_q = len(next(iter(hits.values())))
        draws = rng.integers(0, n_q, size=(n, n_q))
        out["analogy"] = {name: h[draws].mean(axis=1) for name, h in hits.items()}
    return out


def half_corpus_scores(docs, key_to_index, words, tests, args, splits: int) -> list[dict[str, dict[str, float]]]:
    """Scores of raw counts, PPMI and PPMI + SVD on both halves of ``splits`` random splits."""
    results = []
    for split in range(splits):
        order = np.random.default_rng(split).permutation(len(docs))
        for half in (order[: len(docs) // 2], order[len(docs) // 2:]):
            counts = cooccurrence_matrix([docs[i] for i in half], key_to_index, window=args.window,
                                         device=args.device)
            weights = ppmi(counts, alpha=args.alpha)
            vectors = lsa_vectors(weights, dim=args.dim)
            row = {"raw counts": similarity_scores(counts, tests, words),
                   "PPMI": similarity_scores(weights, tests, words),
                   "PPMI + SVD": similarity_scores(vectors, tests, words)}
            row["PPMI + SVD"]["analogy"] = evaluate.analogy_accuracy(vectors, words).accuracy
            results.append(row)
            print(f"split {split}, half of {len(half):,} documents: {row}", flush=True)
    return results


def pm(x: np.ndarray) -> str:
    return f"{np.mean(x):.3f} ± {np.std(x):.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="course-corpus", help="course-corpus (full) or course-corpus-slice")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--max-vocab", type=int, default=None, help="keep only the most frequent words")
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--alpha", type=float, default=0.75)
    ap.add_argument("--device", default="cpu", help="where the counting runs (cpu, cuda)")
    ap.add_argument("--solvers", nargs="+", default=["propack", "randomized"],
                    choices=["propack", "arpack", "randomized"])
    ap.add_argument("--skip-counts-svd", action="store_true")
    ap.add_argument("--bootstrap", type=int, default=0, help="resamples of the test pairs (0: none)")
    ap.add_argument("--splits", type=int, default=0, help="random halvings of the corpus (0: none)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    docs = list(corpus.iter_documents(args.corpus))
    words, _ = build_vocab(docs, min_count=args.min_count)
    if args.max_vocab:
        words = words[: args.max_vocab]
    key_to_index = {w: i for i, w in enumerate(words)}
    n_tokens = sum(map(len, docs))
    tests = [PairTest(name, key_to_index) for name in TESTS]
    print(f"{args.corpus}: {len(docs):,} documents, {n_tokens:,} tokens, {len(words):,} words "
          f"(read in {time.perf_counter() - t:.0f} s)", flush=True)

    t = time.perf_counter()
    counts = cooccurrence_matrix(docs, key_to_index, window=args.window, device=args.device)
    count_s = time.perf_counter() - t
    t = time.perf_counter()
    weights = ppmi(counts, alpha=args.alpha)
    ppmi_s = time.perf_counter() - t
    print(f"co-occurrence: {counts.nnz:,} cells in {count_s:.1f} s; PPMI: {weights.nnz:,} cells in {ppmi_s:.1f} s",
          flush=True)

    # name -> (matrix or vectors, SVD seconds or None); the sparse rows have no analogy score
    rows: dict[str, tuple[object, float | None]] = {f"raw counts ({len(words):,} dims)": (counts, None),
                                                   f"PPMI ({len(words):,} dims)": (weights, None)}
    if not args.skip_counts_svd:
        t = time.perf_counter()
        rows[f"raw counts + SVD (dim {args.dim})"] = (lsa_vectors(counts, dim=args.dim), time.perf_counter() - t)
    for solver in args.solvers:
        t = time.perf_counter()
        rows[f"PPMI + SVD (dim {args.dim}, {solver})"] = (svd_vectors(weights, args.dim, solver),
                                                          time.perf_counter() - t)
    table = []
    for name, (m, secs) in rows.items():
        s = similarity_scores(m, tests, words)
        if secs is not None:
            s["analogy"] = evaluate.analogy_accuracy(m, words).accuracy
        table.append((name, s, secs))
        print(table[-1], flush=True)

    boot = (bootstrap({name: m for name, (m, _) in rows.items()}, tests, words, args.bootstrap)
            if args.bootstrap else None)
    halves = half_corpus_scores(docs, key_to_index, words, tests, args, args.splits) if args.splits else None

    cpu = cpu_model()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nCorpus {args.corpus} ({n_tokens:,} tokens), vocabulary {len(words):,} (min_count {args.min_count}), "
          f"window {args.window} (harmonic), PPMI alpha {args.alpha}; counting {count_s:.1f} s on {args.device}, "
          f"PPMI {ppmi_s:.1f} s. Machine: {cpu}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads, "
          f"load average {load:.1f} at the end.\n")
    names = list(rows)
    raw, pp, svd = names[0], names[1], next(n for n in names if n.startswith("PPMI + SVD"))
    comparisons = [(raw, pp), (pp, svd)] + [(svd, n) for n in names if n.startswith("PPMI + SVD") and n != svd]
    if not args.skip_counts_svd:
        comparisons.insert(1, (raw, names[2]))

    def cell(name, test, s):
        if test not in s:
            return ""
        return f"{s[test]:.3f}" + (f" ± {np.std(boot[test][name]):.3f}" if boot and name in boot.get(test, {}) else "")

    print(f"| vectors | WordSim-353 ρ ({len(tests[0].gold)} pairs) | SimLex-999 ρ ({len(tests[1].gold)} pairs) "
          "| analogy | SVD s |")
    print("|---|---:|---:|---:|---:|")
    for name, s, secs in table:
        sv = f"{secs:.1f}" if secs is not None else ""
        print(f"| {name} | {cell(name, 'wordsim353', s)} | {cell(name, 'simlex999', s)} | "
              f"{cell(name, 'analogy', s)} | {sv} |")
    if boot:
        print(f"\n(± sd over {args.bootstrap} bootstrap resamples of the test pairs, and of the analogy "
              "questions.) Gaps, paired: each row's score minus the other's on the same resamples; "
              "mean ± sd [95 % interval].\n")
        print("| from -> to | WordSim-353 ρ gap | SimLex-999 ρ gap | analogy gap |")
        print("|---|---|---|---|")
        for a, b in comparisons:
            cells = []
            for test in (*TESTS, "analogy"):
                if a not in boot.get(test, {}) or b not in boot.get(test, {}):
                    cells.append("")
                    continue
                d = boot[test][b] - boot[test][a]
                lo, hi = np.percentile(d, [2.5, 97.5])
                cells.append(f"{pm(d)} [{lo:+.3f}, {hi:+.3f}]")
            print(f"| {a} -> {b} | " + " | ".join(cells) + " |")
    if halves:
        keys = ["raw counts", "PPMI", "PPMI + SVD"]
        print(f"\nThe same on {len(halves)} half corpora ({args.splits} random splits of the documents in two): "
              "mean ± sd over the halves; gaps paired (same half), with their smallest and largest value.\n")
        print("| vectors | WordSim-353 ρ | gap to the row above | SimLex-999 ρ | gap to the row above | analogy |")
        print("|---|---|---|---|---|---|")
        for i, key in enumerate(keys):
            cells = []
            for test in TESTS:
                x = np.array([h[key][test] for h in halves])
                cells.append(pm(x))
                if i == 0:
                    cells.append("")
                else:
                    d = x - np.array([h[keys[i - 1]][test] for h in halves])
                    cells.append(f"{pm(d)} [{d.min():+.3f}, {d.max():+.3f}]")
            an = np.array([h[key].get("analogy", np.nan) for h in halves])
            cells.append("" if np.isnan(an).all() else pm(an))
            print(f"| {key} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps({
            "args": {k: str(v) for k, v in vars(args).items()}, "count_seconds": count_s, "ppmi_seconds": ppmi_s,
            "rows": [{"name": n, **s, "seconds": secs} for n, s, secs in table],
            "bootstrap_sd": {test: {n: float(np.std(b)) for n, b in boot[test].items()} for test in boot}
            if boot else None,
            "bootstrap_gaps": {test: {f"{a} -> {b}": [float(np.mean(boot[test][b] - boot[test][a])),
                                                      float(np.std(boot[test][b] - boot[test][a]))]
                                      for a, b in comparisons if a in boot[test] and b in boot[test]}
                               for test in boot} if boot else None,
            "halves": halves}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
