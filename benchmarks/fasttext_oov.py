"""embedlab's fastText against gensim's FastText, over several seeds, and how well both
handle words they never saw.

    python benchmarks/fasttext_oov.py                      # full corpus (7.7M tokens), both libraries
    python benchmarks/fasttext_oov.py --corpus course-corpus-slice --every 3 --dim 50 --epochs 3 \
        --bucket 100000 --held-out 0 --workers 1 --seeds 0 1 2 3 4 5 6 7 8 9   # notebook 05's setting
    python benchmarks/fasttext_oov.py --device cuda --skip-gensim

Both train skip-gram fastText with gensim's defaults unless told otherwise: dim 100,
window 5, 5 negatives, min_count 5, sample 1e-3, 5 epochs, n-grams 3..6, 2,000,000
buckets (gensim with ``--workers`` threads, embedlab with one torch thread: see
``train_fasttext``'s threads). ``--every K`` trains on every K-th document only (notebook
05 trains on a third of the slice). Before training, ``--held-out`` vocabulary words are
deleted from the corpus: words of 7+ letters, ranked 2,000-30,000 by frequency, that are
not in the test sets and share their first 5 letters with at least one other vocabulary
word (a "stem relative": *kingdoms* for *kingdom*); the same words for every seed. After
training, each held-out word is out of vocabulary and gets its vector from its n-grams
alone. For each implementation and seed we report

* seconds and effective words/s (after subsampling, as gensim counts them);
* WordSim-353 and SimLex-999 Spearman, analogy accuracy (embedlab.evaluate, the same
  numbers as gensim's evaluation functions);
* stem@10: the fraction of held-out words with a stem relative among the 10 nearest
  vocabulary words of their n-gram-only vector, against what 10 random words would give
  (chance@10);
* median rank of the nearest stem relative among all vocabulary words;

then, with several seeds, each score's mean, standard deviation and range over the seeds,
and the per-seed difference embedlab - gensim (the same seed for both is not the same
random numbers: the pairing only orders the table). A difference whose range over the
seeds includes 0 is a tie. Prints markdown tables and the machine it ran on; the
measured tables are in docs/benchmarks.md (section "fastText").
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab import corpus, evaluate  # noqa: E402
from embedlab.fasttext import FastTextModel, train_fasttext  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)

STEM = 5


def choose_held_out(docs, n: int, seed: int) -> list[str]:
    counts = Counter(w for doc in docs for w in doc)
    ranked = [w for w, c in counts.most_common() if c >= 5]
    protected = {w for q in corpus.load_analogies() for w in q[1:]}
    for name in ("wordsim353", "simlex999"):
        protected |= {w for a, b, _ in corpus.load_word_pairs(name) for w in (a, b)}
    by_stem = Counter(w[:STEM] for w in ranked)
    candidates = [w for w in ranked[2000:30000]
                  if len(w) >= 7 and w.isalpha() and w not in protected and by_stem[w[:STEM]] >= 2]
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(candidates, size=min(n, len(candidates)), replace=False).tolist())


def oov_scores(model: FastTextModel, held_out: list[str]) -> dict[str, float]:
    vocab = model.index_to_key
    assert not any(w in model.key_to_index for w in held_out), "held-out words leaked into training"
    stems = np.array([w[:STEM] for w in vocab])
    unit = model.vectors / np.maximum(np.linalg.norm(model.vectors, axis=1, keepdims=True), 1e-12)
    queries = model.get_vectors(held_out)
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    sims = queries @ unit.T                                   # (n_held_out, V)
    order = np.argsort(-sims, axis=1, kind="stable")
    hits, ranks, chance = [], [], []
    for i, word in enumerate(held_out):
        related = stems[order[i]] == word[:STEM]
        hits.append(related[:10].any())
        ranks.append(int(np.argmax(related)) + 1)
        p = (stems == word[:STEM]).mean()
        chance.append(1 - (1 - p) ** 10)
    return {"stem@10": float(np.mean(hits)), "chance@10": float(np.mean(chance)),
            "median_rank": float(np.median(ranks))}


def scores(model: FastTextModel) -> dict[str, float]:
    return {"wordsim353": evaluate.word_similarity(model, pairs="wordsim353").spearman,
            "simlex999": evaluate.word_similarity(model, pairs="simlex999").spearman,
            "analogy": evaluate.analogy_accuracy(model).accuracy}


SCORES = [("wordsim353", "WordSim-353"), ("simlex999", "SimLex-999"), ("analogy", "analogy")]
OOV_SCORES = [("stem@10", "stem@10"), ("median_rank", "median rank")]


def train_embedlab(train_docs, args, seed):
    model = train_fasttext(train_docs, dim=args.dim, epochs=args.epochs, bucket=args.bucket,
                           min_count=args.min_count, device=args.device, seed=seed, progress=False)
    return model, model.train_seconds, model.words_per_second


def train_gensim(train_docs, args, seed):
    import logging

    from gensim.models import FastText

    logging.getLogger("gensim").setLevel(logging.ERROR)
    g = FastText(vector_size=args.dim, window=5, min_count=args.min_count, sg=1, negative=5, sample=1e-3,
                 min_n=3, max_n=6, bucket=args.bucket, workers=args.workers, seed=seed)
    g.build_vocab(corpus_iterable=train_docs)
    start = time.perf_counter()
    _, effective = g.train(corpus_iterable=train_docs, total_examples=g.corpus_count, epochs=args.epochs)
    seconds = time.perf_counter() - start
    return FastTextModel.from_gensim(g), seconds, effective / seconds


def spread(values) -> str:
    """mean ± standard deviation (min to max) of one score over the seeds."""
    v = np.asarray(values, dtype=float)
    sd = v.std(ddof=1) if len(v) > 1 else 0.0
    return f"{v.mean():.3f} ± {sd:.3f} ({v.min():.3f} to {v.max():.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="course-corpus", help="course-corpus (7.7M tokens) or course-corpus-slice")
    parser.add_argument("--every", type=int, default=1, help="train on every K-th document")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--bucket", type=int, default=2_000_000)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--held-out", type=int, default=300, help="0: no held-out words")
    parser.add_argument("--workers", type=int, default=2, help="gensim worker threads")
    parser.add_argument("--seed", type=int, default=1, help="chooses the held-out words")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help="training seeds (default: --seed)")
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--skip-embedlab", action="store_true")
    args = parser.parse_args(argv)
    seeds = args.seeds or [args.seed]

    docs = list(corpus.iter_documents(args.corpus))[::args.every]
    held_out = choose_held_out(docs, args.held_out, args.seed) if args.held_out else []
    removed = set(held_out)
    train_docs = [[w for w in doc if w not in removed] for doc in docs] if removed else docs
    n_tokens = sum(map(len, train_docs))
    print(f"{args.corpus} (every {args.every}): {len(docs):,} documents, {n_tokens:,} tokens after removing "
          f"{len(held_out)} held-out words{', e.g. ' + ', '.join(held_out[:8]) if held_out else ''}", flush=True)

    trainers = [("embedlab", train_embedlab)] * (not args.skip_embedlab)
    trainers += [(f"gensim ({args.workers} worker{'s' * (args.workers > 1)})", train_gensim)] * (not args.skip_gensim)
    rows = []                                    # (name, seed, seconds, words/s, scores)
    example = None
    for seed in seeds:
        for name, train in trainers:
            model, seconds, wps = train(train_docs, args, seed)
            result = scores(model)
            if held_out:
                result.update(oov_scores(model, held_out))
            rows.append((name, seed, seconds, wps, result))
            print(rows[-1], flush=True)
            if example is None:
                example = model

    keys = SCORES + (OOV_SCORES if held_out else [])
    print()
    print("| implementation | seed | seconds | words/s | " + " | ".join(label for _, label in keys) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(keys))
    for name, seed, sec, wps, s in rows:
        print(f"| {name} | {seed} | {sec:,.0f} | {wps:,.0f} | " + " | ".join(f"{s[k]:.3f}" for k, _ in keys) + " |")
    if len(seeds) > 1:
        names = [name for name, _ in trainers]
        print()
        print(f"Over {len(seeds)} seeds: mean ± standard deviation (min to max)")
        print()
        print("| | " + " | ".join(label for _, label in keys) + " |")
        print("|---|" + "---|" * len(keys))
        for name in names:
            print(f"| {name} | " + " | ".join(spread([r[4][k] for r in rows if r[0] == name]) for k, _ in keys) + " |")
        if len(names) == 2:
            diffs = {k: [a[4][k] - b[4][k] for a, b in zip([r for r in rows if r[0] == names[0]],
                                                           [r for r in rows if r[0] == names[1]])] for k, _ in keys}
            print(f"| difference {names[0]} - {names[1]} | " + " | ".join(spread(diffs[k]) for k, _ in keys) + " |")

    if held_out:
        print()
        for word in held_out[:6]:
            print(f"{word:>16} (unseen): {', '.join(w for w, _ in example.most_similar(word, 6))}")
    print()
    print(machine_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
