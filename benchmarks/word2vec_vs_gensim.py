"""embedlab's word2vec against gensim's, with the same hyper-parameters, over several seeds.

    python benchmarks/word2vec_vs_gensim.py                          # the full corpus, the issue's setting
    python benchmarks/word2vec_vs_gensim.py --notebook               # notebook 03's setting, 5 seeds, both models
    python benchmarks/word2vec_vs_gensim.py --small-corpus           # the slice, window 10, 15 negatives, sample 1e-4
    python benchmarks/word2vec_vs_gensim.py --corpus slice --epochs 1   # a quick check that all runs
    python benchmarks/word2vec_vs_gensim.py --skip-gensim --devices cuda --cuda-batch-size 2048 8192 16384

The setting (defaults): skip-gram, dim 100, window 5, 5 negatives, min_count 5, sample 1e-3,
5 epochs, alpha 0.025, on the full course corpus ("course-corpus", 7.7M tokens; ``--corpus
slice`` is the 1M-token "course-corpus-slice" the notebooks use). ``--notebook`` is notebook
03's setting instead: the slice, dim 50, 3 epochs, alpha 0.05, seeds 0-4, skip-gram and CBOW.
Rows of the table, for each model (``--models sg cbow``) and each seed (``--seeds``):

* embedlab on the CPU (train_word2vec's default threads: 2 on free cores, else 1;
  ``--threads 2`` matches gensim's two workers whatever the load; skip-gram with each set
  of noise words shared by 8 neighbouring pairs, train_word2vec's default, or
  ``--share-negatives 1`` for one set per pair as in word2vec.c),
* gensim ``Word2Vec`` with ``workers=2`` (``--workers``; its threads make a run vary even
  with the same seed, so its spread over runs is part of what is measured),
* embedlab on CUDA, when ``torch.cuda.is_available()`` (``--devices`` to choose).

With more than one seed, a summary table follows: for each implementation and model the
mean and the range (min to max) of each score over the runs. Two implementations tie on a
score when their ranges overlap; otherwise one is ahead by at least the gap between them.

All are scored by ``embedlab.evaluate`` on the course's shipped test sets
(``embedlab.corpus``): analogy accuracy on Google's questions (restrict_vocab=30000),
Spearman correlation on WordSim-353 and SimLex-999; ``embedlab.evaluate`` gives the same
numbers as gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs``
(tests/test_evaluate.py). "words/s" is effective words (left after subsampling) per
second of training, as gensim reports it; reading the corpus and building the
vocabulary are not timed for either. Prints markdown tables and the machine it ran on;
``--json PATH`` also writes the numbers.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab import corpus, evaluate  # noqa: E402
from embedlab.word2vec import train_word2vec  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)

CORPORA = {"slice": "course-corpus-slice", "full": "course-corpus"}
SCORES = ("analogy", "wordsim353", "simlex999")
NOTEBOOK = dict(corpus="slice", dim=50, epochs=3, alpha=0.05, seeds=[0, 1, 2, 3, 4], models=["sg", "cbow"])
# Where a small corpus once showed embedlab behind gensim (issue 9): a wider window, more
# negatives and stronger subsampling, skip-gram, on the 1M-token slice.
SMALL = dict(corpus="slice", dim=50, window=10, negative=15, sample=1e-4, epochs=3, alpha=0.025,
             seeds=[0, 1, 2], models=["sg"])
DEFAULTS = dict(corpus="full", dim=100, window=5, negative=5, sample=1e-3, epochs=5, alpha=0.025, seeds=[1],
                models=["sg"])


def scores(vectors) -> dict[str, float]:
    """Analogy accuracy and the two Spearman correlations, with embedlab.evaluate."""
    results = evaluate.evaluate_all(vectors)
    analogy = results["analogy"]
    return {"analogy": analogy.accuracy, "analogy_total": analogy.total,
            "wordsim353": results["wordsim353"].spearman, "simlex999": results["simlex999"].spearman,
            "wordsim353_oov": results["wordsim353"].oov_fraction,
            "simlex999_oov": results["simlex999"].oov_fraction}


def run_embedlab(docs, hp: dict, device: str, batch_size: int | None, seed: int, threads: int | None,
                 max_row_updates: int | None, share_negatives: int | None = None) -> dict:
    extra = {"batch_size": batch_size} if batch_size else {}
    if hp["sg"] and share_negatives is not None:
        extra["share_negatives"] = share_negatives
    model = train_word2vec(docs, device=device, seed=seed, progress=False, threads=threads,
                           max_row_updates=max_row_updates, **hp, **extra)
    print(f"embedlab ({device}, {'skip-gram' if hp['sg'] else 'CBOW'}, seed {seed}): {model}", flush=True)
    label = model.params["device"]
    if label == "cpu":
        label += f" ({model.params['threads']} thread{'s' if model.params['threads'] > 1 else ''})"
    cap = model.params["max_row_updates"]
    share = model.params.get("share_negatives")
    name = (f"embedlab (batch {model.params['batch_size']}, cap {cap if cap is not None else 'off'}"
            + (f", negatives shared by {share})" if share and share > 1 else ")"))
    return {"implementation": name, "device": label, "model": "skip-gram" if hp["sg"] else "CBOW",
            "seed": seed, "seconds": model.train_seconds, "words_per_second": model.words_per_second,
            "vocabulary": len(model.index_to_key), **scores(model)}


def run_gensim(docs, hp: dict, workers: int, seed: int) -> dict:
    import gensim
    from gensim.models import Word2Vec

    logging.getLogger("gensim").setLevel(logging.ERROR)
    gm = Word2Vec(vector_size=hp["dim"], window=hp["window"], negative=hp["negative"], hs=0,
                  min_count=hp["min_count"], sample=hp["sample"], sg=int(hp["sg"]), alpha=hp["alpha"],
                  workers=workers, seed=seed)
    gm.build_vocab(docs)
    start = time.perf_counter()
    effective, _raw = gm.train(docs, total_examples=gm.corpus_count, epochs=hp["epochs"])
    seconds = time.perf_counter() - start
    print(f"gensim ({'skip-gram' if hp['sg'] else 'CBOW'}, seed {seed}): {seconds:.1f} s, "
          f"{effective / seconds:,.0f} effective words/s", flush=True)
    return {"implementation": f"gensim {gensim.__version__} (workers={workers})", "device": "cpu",
            "model": "skip-gram" if hp["sg"] else "CBOW", "seed": seed,
            "seconds": seconds, "words_per_second": effective / seconds,
            "vocabulary": len(gm.wv.index_to_key), **scores(gm.wv)}


def markdown_table(rows: list[dict]) -> str:
    lines = ["| implementation | model | seed | device | train s | words/s | analogy acc. | WordSim-353 ρ | SimLex-999 ρ |",
             "|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['implementation']} | {r['model']} | {r['seed']} | {r['device']} | {r['seconds']:.1f} | "
                     f"{r['words_per_second']:,.0f} | {r['analogy']:.3f} | {r['wordsim353']:.3f} | "
                     f"{r['simlex999']:.3f} |")
    return "\n".join(lines)


def summary_table(rows: list[dict]) -> str:
    """Mean and range (min to max) of each score per implementation, model and device."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["implementation"], r["model"], r["device"]), []).append(r)
    lines = ["| implementation | model | device | runs | analogy acc. | WordSim-353 ρ | SimLex-999 ρ |",
             "|---|---|---|---:|---|---|---|"]
    for (name, model, device), runs in groups.items():
        cells = []
        for key in SCORES:
            values = np.array([r[key] for r in runs])
            cells.append(f"{values.mean():.3f} ({values.min():.3f} to {values.max():.3f})")
        lines.append(f"| {name} | {model} | {device} | {len(runs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def speed_table(rows: list[dict]) -> str:
    """Mean effective words/s of each row group, and its ratio to gensim's in the same run.

    "x gensim" is the ratio of the means; "per seed" gives the smallest and largest ratio
    of a seed's run to gensim's run of the same seed, which ran right after it. On a
    shared machine the speed of the host drifts from minute to minute (the same code has
    measured 2x apart here), and these paired ratios show how much of a gap is drift.
    """
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["implementation"], r["model"], r["device"]), []).append(r)
    gensim = {model: runs for (name, model, _), runs in groups.items() if name.startswith("gensim")}
    lines = ["| implementation | model | device | runs | words/s (mean) | x gensim | per seed |",
             "|---|---|---|---:|---:|---:|---|"]
    for (name, model, device), runs in groups.items():
        mean = np.mean([r["words_per_second"] for r in runs])
        ratio, paired = float("nan"), ""
        if model in gensim:
            ratio = mean / np.mean([r["words_per_second"] for r in gensim[model]])
            by_seed = {r["seed"]: r["words_per_second"] for r in gensim[model]}
            pairs = [r["words_per_second"] / by_seed[r["seed"]] for r in runs if r["seed"] in by_seed]
            if len(pairs) > 1:
                paired = f"{min(pairs):.2f} to {max(pairs):.2f}"
        lines.append(f"| {name} | {model} | {device} | {len(runs)} | {mean:,.0f} | {ratio:.2f} | {paired} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebook", action="store_true",
                        help="notebook 03's setting: --corpus slice --dim 50 --epochs 3 --alpha 0.05 "
                             "--seeds 0 1 2 3 4 --models sg cbow (other options still apply)")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default=None,
                        help="full: course-corpus (7.7M tokens, default); slice: course-corpus-slice (1M)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (--notebook: 3)")
    parser.add_argument("--dim", type=int, default=None, help="default 100 (--notebook: 50)")
    parser.add_argument("--alpha", type=float, default=None, help="starting learning rate, default 0.025 "
                                                                   "(--notebook: 0.05)")
    parser.add_argument("--small-corpus", action="store_true",
                        help="--corpus slice --dim 50 --window 10 --negative 15 --sample 1e-4 --epochs 3 "
                             "--seeds 0 1 2 --models sg")
    parser.add_argument("--window", type=int, default=None, help="default 5")
    parser.add_argument("--negative", type=int, default=None, help="default 5")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=None, help="default 1e-3")
    parser.add_argument("--models", nargs="+", choices=["sg", "cbow"], default=None,
                        help="skip-gram and/or CBOW (default: sg; --notebook: both)")
    parser.add_argument("--cbow", action="store_true", help="CBOW instead of skip-gram (= --models cbow)")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="one run per seed and implementation (default: 1; --notebook: 0 1 2 3 4)")
    parser.add_argument("--devices", nargs="+", default=None,
                        help="embedlab devices (default: cpu, plus cuda when available)")
    parser.add_argument("--batch-size", type=int, default=None, help="embedlab's batch size on the CPU (default: its own)")
    parser.add_argument("--cuda-batch-size", type=int, nargs="+", default=[None],
                        help="embedlab's batch size(s) on a GPU, one run each (default: its own, 2048)")
    parser.add_argument("--max-row-updates", type=int, default=64,
                        help="embedlab's cap on one word's updates per batch (0: no cap; default 64)")
    parser.add_argument("--share-negatives", type=int, default=None,
                        help="skip-gram: consecutive pairs sharing their noise words "
                             "(default: train_word2vec's, 8; 1: none, as word2vec.c)")
    parser.add_argument("--threads", type=int, default=None,
                        help="embedlab's CPU training threads (default: train_word2vec's, 2 on free cores)")
    parser.add_argument("--workers", type=int, default=2, help="gensim worker threads")
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    preset = {**DEFAULTS, **(NOTEBOOK if args.notebook else SMALL if args.small_corpus else {})}
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.cbow:
        args.models = ["cbow"]
    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])

    name = CORPORA[args.corpus]
    start = time.perf_counter()
    docs = []
    for doc in corpus.iter_documents(name):
        if args.limit is not None and len(docs) >= args.limit:
            break
        docs.append(doc)
    n_words = sum(map(len, docs))
    base = dict(dim=args.dim, window=args.window, negative=args.negative, min_count=args.min_count,
                sample=args.sample, epochs=args.epochs, alpha=args.alpha)
    print(f"Corpus: {name}, {len(docs):,} documents, {n_words:,} words (read in "
          f"{time.perf_counter() - start:.1f} s). Models {', '.join(args.models)}, seeds "
          f"{', '.join(map(str, args.seeds))}, {', '.join(f'{k}={v}' for k, v in base.items())}.", flush=True)

    cap = args.max_row_updates or None
    rows = []
    for model in args.models:
        hp = dict(base, sg=model == "sg")
        for seed in args.seeds:
            for device in devices:
                if device == "cpu":
                    rows.append(run_embedlab(docs, hp, "cpu", args.batch_size, seed, args.threads, cap,
                                             args.share_negatives))
                else:
                    for batch_size in args.cuda_batch_size:
                        rows.append(run_embedlab(docs, hp, device, batch_size, seed, None, cap,
                                                 args.share_negatives))
            if not args.skip_gensim:
                rows.append(run_gensim(docs, hp, args.workers, seed))

    print()
    print(markdown_table(rows))
    if len(args.seeds) > 1:
        print()
        print(summary_table(rows))
    if not args.skip_gensim:
        print()
        print(speed_table(rows))
    print()
    print(machine_line())
    answered = ", ".join(sorted({f"{r['analogy_total']:,}" for r in rows}))
    print(f"Analogy questions answered: {answered} of "
          f"{len(corpus.load_analogies()):,} (the rest have a word outside the vocabulary or the 30,000 "
          f"most frequent); WordSim-353 pairs out of vocabulary: {rows[0]['wordsim353_oov']:.1%}, "
          f"SimLex-999: {rows[0]['simlex999_oov']:.1%}.")
    if args.json:
        args.json.write_text(json.dumps({"corpus": name, "documents": len(docs), "words": n_words,
                                         "hyper_parameters": base, "models": args.models, "seeds": args.seeds,
                                         "machine": machine_line(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
