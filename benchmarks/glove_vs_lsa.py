"""GloVe and SWIVEL (embedlab.glove, embedlab.swivel) against three SVD baselines ("LSA").

    python benchmarks/glove_vs_lsa.py                         # the full corpus, GloVe and the baselines
    python benchmarks/glove_vs_lsa.py --swivel-epochs 10      # ... and SWIVEL
    python benchmarks/glove_vs_lsa.py --corpus course-corpus-slice --min-count 20 --dim 50 \\
        --epochs 8 --lr 0.1 --swivel-epochs 4 --seeds 10 --bootstrap 1000 --eval-every 0
                                                              # notebook 04's setting, ten seeds
    python benchmarks/glove_vs_lsa.py --device cuda

All methods start from the same co-occurrence matrix: vocabulary at ``--min-count``, window
10 with harmonic weighting (a pair at distance d counts 1/d), as GloVe's reference code
builds it. GloVe: AdaGrad as glove.c, vectors W + W~. SWIVEL: blocks of ``--block-size``
words, vectors W + C. Baselines, each a truncated SVD to ``--dim`` dimensions, U * sqrt(S),
of: PPMI (context smoothing 0.75; notebook 02's LSA); log(1 + X) (the GloVe paper's own
count baseline); and the word x document TF-IDF matrix (classic LSA, Deerwester et al.
1990; scikit-learn's TfidfVectorizer, sublinear tf).

Two kinds of spread, so that a comparison can say "tie" when it is one:

* ``--seeds N`` trains GloVe and SWIVEL with seeds 0 .. N-1 (a seed fixes the random start
  and the order of the batches) and prints each score's mean, standard deviation and range,
  and how many seeds diverged (the trainers raise FloatingPointError when the loss turns NaN).
  The SVDs are exact (their seed only fixes the solver's start), so they have no seed spread.
* ``--bootstrap N`` resamples the word pairs of WordSim-353 and SimLex-999 N times (the same
  resampled pairs for every method) and prints the 95 % interval of each difference between
  two methods' Spearman correlations (the models of the first seed that finished): how much
  the choice of test pairs moves a comparison.

Scores by embedlab.evaluate (the same numbers as gensim's evaluation functions): WordSim-353
and SimLex-999 Spearman, analogy accuracy (restrict_vocab=30000). Prints markdown tables and
the machine. Seconds are wall-clock training or SVD times on this machine; the co-occurrence
matrix (shared by all) is timed separately. The measured tables are in docs/benchmarks.md
("Count-based vectors, GloVe and SWIVEL").
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab import corpus  # noqa: E402
from embedlab import evaluate as ev  # noqa: E402
from embedlab.cooccurrence import cooccurrence_matrix, lsa_vectors, ppmi  # noqa: E402
from embedlab.glove import train_glove  # noqa: E402
from embedlab.swivel import train_swivel  # noqa: E402
from embedlab.word2vec import build_vocab  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)

TESTS = ("wordsim353", "simlex999", "analogy")


def scores(vectors, words) -> dict[str, float]:
    r = ev.evaluate_all(vectors, words)
    return {"wordsim353": r["wordsim353"].spearman, "simlex999": r["simlex999"].spearman,
            "analogy": r["analogy"].accuracy}


def word_document_tfidf(docs, key_to_index):
    """(V, n_docs) sparse TF-IDF of every vocabulary word in every document (scikit-learn).

    sublinear tf (1 + log count), smoothed idf, each document's column scaled to unit
    length: scikit-learn's usual document weighting, transposed so that rows are words.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, vocabulary=key_to_index, sublinear_tf=True)
    return vectorizer.fit_transform(docs).T.tocsr()


def bootstrap_differences(models: dict[str, np.ndarray], words, n_resamples: int, seed: int = 0):
    """95 % intervals of the Spearman differences between every two models, over resampled pairs.

    models: {name: (V, dim) vectors}, rows in the order of ``words``. Each resample draws the
    in-vocabulary pairs of a test set with replacement, the same draw for every model (a
    paired bootstrap). Returns {test: {(a, b): (observed a - b, low, high)}}.
    """
    rng = np.random.default_rng(seed)
    known = set(words)
    prepared = {name: ev.prepare(v, words) for name, v in models.items()}
    out = {}
    for test in ("wordsim353", "simlex999"):
        pairs = [p for p in corpus.load_word_pairs(test) if p[0].lower() in known and p[1].lower() in known]
        observed = {n: ev.word_similarity(wv, pairs=pairs).spearman for n, wv in prepared.items()}
        draws = {n: [] for n in prepared}
        for _ in range(n_resamples):
            sample = [pairs[i] for i in rng.integers(0, len(pairs), len(pairs))]
            for n, wv in prepared.items():
                draws[n].append(ev.word_similarity(wv, pairs=sample).spearman)
        names = list(prepared)
        out[test] = {}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                diff = np.array(draws[a]) - np.array(draws[b])
                out[test][(a, b)] = (observed[a] - observed[b], *np.percentile(diff, [2.5, 97.5]))
        out[test]["n_pairs"] = len(pairs)
    return out


def spread(values: list[float]) -> str:
    v = np.asarray(values)
    if v.size == 1:
        return f"{v[0]:.3f}"
    return f"{v.mean():.3f} ± {v.std(ddof=1):.3f} ({v.min():.3f}-{v.max():.3f})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="course-corpus", help="course-corpus (default) or course-corpus-slice")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=10, help="GloVe epochs (0: no GloVe)")
    ap.add_argument("--x-max", type=float, default=10.0,
                    help="GloVe's x_max (the paper's 100 suits billions of tokens; glove.c's demo uses 10 "
                         "for a corpus of this size)")
    ap.add_argument("--lr", type=float, default=0.2,
                    help="GloVe's AdaGrad learning rate (glove.c: 0.05, which learns more slowly here)")
    ap.add_argument("--batch-size", type=int, default=16384)
    ap.add_argument("--swivel-epochs", type=int, default=0, help="SWIVEL epochs (0: no SWIVEL)")
    ap.add_argument("--swivel-lr", type=float, default=0.2)
    ap.add_argument("--block-size", type=int, default=1024)
    ap.add_argument("--seeds", type=int, default=1, help="train GloVe and SWIVEL with seeds 0 .. N-1")
    ap.add_argument("--bootstrap", type=int, default=0,
                    help="resample the test pairs N times: 95%% intervals of the differences (0: none)")
    ap.add_argument("--eval-every", type=int, default=5,
                    help="score GloVe every N epochs, seed 0 only (0: only at the end)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads for training")
    ap.add_argument("--skip-lsa", action="store_true", help="skip the three SVD baselines")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    docs = corpus.load_corpus(args.corpus)
    words, _ = build_vocab(docs, args.min_count)
    key_to_index = {w: i for i, w in enumerate(words)}
    X = cooccurrence_matrix(docs, key_to_index, window=args.window, weighting="harmonic", device=args.device)
    # Classic LSA (Deerwester et al. 1990) describes a word by the DOCUMENTS it occurs in,
    # not by its neighbours: built now, while the documents are loaded.
    word_doc = None if args.skip_lsa else word_document_tfidf(docs, key_to_index)
    del docs
    cooc_s = time.perf_counter() - t
    print(f"{args.corpus}: V={len(words):,} words (min_count {args.min_count}), window {args.window} "
          f"harmonic, {X.nnz:,} non-zero co-occurrences, built in {cooc_s:.0f} s", flush=True)

    # name -> list over seeds of (scores, seconds); the first seed's vectors, for the bootstrap;
    # how many seeds diverged.
    runs: dict[str, list[tuple[dict[str, float], float]]] = {}
    first_vectors: dict[str, np.ndarray] = {}
    diverged: dict[str, int] = {}
    if not args.skip_lsa:
        # PPMI + SVD, the course's LSA; the GloVe paper's own count baseline ("SVD-L"):
        # SVD of log(1 + X), no PPMI; and classic LSA, the SVD of the word x document
        # TF-IDF matrix (built above, with the documents). The two weightings of X are
        # built only when their turn comes.
        for name, weigh in ((f"PPMI + SVD (dim {args.dim})", ppmi),
                            (f"SVD of log(1 + X) (dim {args.dim})", lambda m: m.log1p()),
                            (f"classic LSA: SVD of word x document TF-IDF (dim {args.dim})", lambda m: word_doc)):
            t = time.perf_counter()
            vectors = lsa_vectors(weigh(X), dim=args.dim)
            seconds = time.perf_counter() - t
            runs[name] = [(scores(vectors, words), seconds)]
            first_vectors[name] = vectors
            print(f"{name} done in {seconds:.0f} s: {runs[name][0][0]}", flush=True)

    curve = []

    def on_epoch(epoch, vectors):
        if args.eval_every and epoch % args.eval_every == 0 and epoch != args.epochs:
            s = scores(vectors, words)
            curve.append((epoch, s))
            print(f"  GloVe epoch {epoch}: {s}", flush=True)

    glove_name = f"GloVe (dim {args.dim}, {args.epochs} epochs, x_max {args.x_max:g}, lr {args.lr:g})"
    swivel_name = f"SWIVEL (dim {args.dim}, {args.swivel_epochs} epochs, lr {args.swivel_lr:g})"
    for seed in range(args.seeds):
        if args.epochs:
            try:
                model = train_glove(X, dim=args.dim, epochs=args.epochs, words=words, x_max=args.x_max,
                                    lr=args.lr, batch_size=args.batch_size, device=args.device,
                                    threads=args.threads, seed=seed, callback=on_epoch if seed == 0 else None)
            except FloatingPointError as err:       # a diverged run is a result too
                diverged[glove_name] = diverged.get(glove_name, 0) + 1
                runs.setdefault(glove_name, [])
                print(f"GloVe seed {seed}: {err}", flush=True)
            else:
                # training only, without the evaluations in on_epoch
                runs.setdefault(glove_name, []).append((scores(model.vectors, words), model.train_seconds))
                first_vectors.setdefault(glove_name, model.vectors)
                print(f"GloVe seed {seed} in {model.train_seconds:.0f} s, cost per epoch "
                      f"{', '.join(f'{c:.4f}' for c in model.losses)}: {runs[glove_name][-1][0]}", flush=True)
        if args.swivel_epochs:
            try:
                model = train_swivel(X, dim=args.dim, epochs=args.swivel_epochs, words=words,
                                     block_size=args.block_size, lr=args.swivel_lr, device=args.device,
                                     threads=args.threads, seed=seed)
            except FloatingPointError as err:
                diverged[swivel_name] = diverged.get(swivel_name, 0) + 1
                runs.setdefault(swivel_name, [])
                print(f"SWIVEL seed {seed}: {err}", flush=True)
            else:
                runs.setdefault(swivel_name, []).append((scores(model.vectors, words), model.train_seconds))
                first_vectors.setdefault(swivel_name, model.vectors)
                print(f"SWIVEL seed {seed} in {model.train_seconds:.0f} s: {runs[swivel_name][-1][0]}", flush=True)

    print()
    print("First seed that finished (seed 0 unless it diverged):")
    print()
    print("| method | WordSim-353 | SimLex-999 | analogy | seconds |")
    print("|---|---|---|---|---|")
    for name, results in runs.items():
        if results:
            s, secs = results[0]
            print(f"| {name} | {s['wordsim353']:.3f} | {s['simlex999']:.3f} | {s['analogy']:.3f} | {secs:.0f} |")
    if args.seeds > 1:
        print()
        print(f"Over seeds 0-{args.seeds - 1}: mean ± standard deviation (min-max):")
        print()
        print("| method | WordSim-353 | SimLex-999 | analogy | seconds (mean) | diverged |")
        print("|---|---|---|---|---|---|")
        for name, results in runs.items():
            if not results:
                print(f"| {name} | | | | | {diverged.get(name, 0)} of {args.seeds} |")
                continue
            cells = " | ".join(spread([s[test] for s, _ in results]) for test in TESTS)
            lost = f"{diverged[name]} of {args.seeds}" if name in diverged else ""
            print(f"| {name} | {cells} | {np.mean([secs for _, secs in results]):.0f} | {lost} |")
    if curve:
        print()
        print("GloVe during training (seed 0): " + "; ".join(
            f"epoch {e}: WS {s['wordsim353']:.3f}, SL {s['simlex999']:.3f}, analogy {s['analogy']:.3f}"
            for e, s in curve))
    if args.bootstrap and len(first_vectors) > 1:
        boot = bootstrap_differences(first_vectors, words, args.bootstrap)
        print()
        print(f"Paired bootstrap over the test pairs ({args.bootstrap} resamples, first-seed models): "
              "difference of Spearman correlations, 95 % interval")
        print()
        print(f"| A - B | WordSim-353 ({boot['wordsim353']['n_pairs']} pairs) | "
              f"SimLex-999 ({boot['simlex999']['n_pairs']} pairs) |")
        print("|---|---|---|")
        for pair in (k for k in boot["wordsim353"] if k != "n_pairs"):
            cells = " | ".join(f"{d:+.3f} ({lo:+.3f} to {hi:+.3f})"
                               for d, lo, hi in (boot[test][pair] for test in ("wordsim353", "simlex999")))
            print(f"| {pair[0]} - {pair[1]} | {cells} |")
    print()
    print(machine_line(f"training on {args.threads} torch thread(s)"))
    print(f"Co-occurrence matrix (shared): {cooc_s:.0f} s. Training seconds are training only "
          "(without the intermediate evaluations).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
