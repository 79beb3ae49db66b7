"""embedlab's fastText against gensim's FastText on the full course corpus, and how well
both handle words they never saw.

    python benchmarks/fasttext_oov.py                      # full corpus (7.7M tokens), both libraries
    python benchmarks/fasttext_oov.py --corpus course-corpus-slice --epochs 3 --bucket 200000
    python benchmarks/fasttext_oov.py --device cuda --skip-gensim

Both train skip-gram fastText with gensim's defaults: dim 100, window 5, 5 negatives,
min_count 5, sample 1e-3, 5 epochs, n-grams 3..6, 2,000,000 buckets (gensim with
``--workers`` threads, embedlab with one torch thread: see ``train_fasttext``'s
threads). Before training, ``--held-out`` vocabulary words are deleted from the
corpus: words of 7+ letters, ranked 2,000-30,000 by frequency, that are not in the test
sets and share their first 5 letters with at least one other vocabulary word (a
"stem relative": *kingdoms* for *kingdom*). After training, each held-out word is
out of vocabulary and gets its vector from its n-grams alone. We report

* seconds and effective words/s (after subsampling, as gensim counts them);
* WordSim-353 and SimLex-999 Spearman, analogy accuracy (embedlab.evaluate, the same
  numbers as gensim's evaluation functions);
* stem@10: the fraction of held-out words with a stem relative among the 10 nearest
  vocabulary words of their n-gram-only vector, against what 10 random words would give
  (chance@10);
* median rank of the nearest stem relative among all vocabulary words.

Prints a markdown table and the machine it ran on.

Measured with the defaults (5 epochs; a 2-core AMD EPYC VM, otherwise idle, 2026-11-26):

| implementation | seconds | words/s | WordSim-353 | SimLex-999 | analogy | stem@10 (chance) | median rank of a stem relative |
|---|---:|---:|---:|---:|---:|---:|---:|
| embedlab | 483 | 60,067 | 0.632 | 0.363 | 0.667 | 0.77 (0.002) | 1 |
| gensim (2 workers) | 141 | 271,343 | 0.597 | 0.322 | 0.646 | 0.72 (0.002) | 2 |

(``--epochs 2`` on a busy machine: embedlab 0.485 / 0.57, gensim 0.431 / 0.49.)
Unseen (held-out) words and their nearest vocabulary words (embedlab): *accessory* ->
accessorial, accessories, accessary, access; *achieves* -> achiever, achieve,
achievements; *accessibility* -> feasibility, admissibility, possibility (the suffix wins).
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="course-corpus", help="course-corpus (7.7M tokens) or course-corpus-slice")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--bucket", type=int, default=2_000_000)
    parser.add_argument("--held-out", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="gensim worker threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--skip-embedlab", action="store_true")
    args = parser.parse_args(argv)

    docs = list(corpus.iter_documents(args.corpus))
    held_out = choose_held_out(docs, args.held_out, args.seed)
    removed = set(held_out)
    train_docs = [[w for w in doc if w not in removed] for doc in docs]
    n_tokens = sum(map(len, train_docs))
    print(f"{args.corpus}: {len(docs):,} documents, {n_tokens:,} tokens after removing "
          f"{len(held_out)} held-out words, e.g. {', '.join(held_out[:8])}", flush=True)

    rows = []
    common = dict(dim=args.dim, epochs=args.epochs, bucket=args.bucket)
    if not args.skip_embedlab:
        model = train_fasttext(train_docs, **common, device=args.device, seed=args.seed, progress=False)
        rows.append(("embedlab", model.train_seconds, model.words_per_second, scores(model), oov_scores(model, held_out)))
        print(rows[-1], flush=True)
        example = model
        del model
    if not args.skip_gensim:
        import logging

        from gensim.models import FastText

        logging.getLogger("gensim").setLevel(logging.ERROR)
        g = FastText(vector_size=args.dim, window=5, min_count=5, sg=1, negative=5, sample=1e-3,
                     min_n=3, max_n=6, bucket=args.bucket, workers=args.workers, seed=args.seed)
        g.build_vocab(corpus_iterable=train_docs)
        start = time.perf_counter()
        _, effective = g.train(corpus_iterable=train_docs, total_examples=g.corpus_count, epochs=args.epochs)
        seconds = time.perf_counter() - start
        model = FastTextModel.from_gensim(g)
        rows.append((f"gensim ({args.workers} workers)", seconds, effective / seconds, scores(model),
                     oov_scores(model, held_out)))
        print(rows[-1], flush=True)
        example = model if args.skip_embedlab else example

    print()
    print("| implementation | seconds | words/s | WordSim-353 | SimLex-999 | analogy | stem@10 (chance) | median rank of a stem relative |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, sec, wps, s, o in rows:
        print(f"| {name} | {sec:,.0f} | {wps:,.0f} | {s['wordsim353']:.3f} | {s['simlex999']:.3f} | "
              f"{s['analogy']:.3f} | {o['stem@10']:.2f} ({o['chance@10']:.3f}) | {o['median_rank']:.0f} |")
    print()
    for word in held_out[:6]:
        print(f"{word:>16} (unseen): {', '.join(w for w, _ in example.most_similar(word, 6))}")
    print()
    print(machine_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
