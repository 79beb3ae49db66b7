"""embedlab's word2vec against gensim's, on the course corpus with the same hyper-parameters.

    python benchmarks/word2vec_vs_gensim.py                          # the full corpus, the issue's setting
    python benchmarks/word2vec_vs_gensim.py --corpus slice --epochs 1   # a quick check that all runs
    python benchmarks/word2vec_vs_gensim.py --skip-gensim --devices cuda --cuda-batch-size 2048 8192 16384

The setting (defaults): skip-gram, dim 100, window 5, 5 negatives, min_count 5, sample 1e-3,
5 epochs, on the full course corpus ("course-corpus", 7.7M tokens; ``--corpus slice`` is
the 1M-token "course-corpus-slice" the notebooks use). Rows of the table:

* embedlab on the CPU (1 thread, train_word2vec's default; ``--threads`` to set them),
* gensim ``Word2Vec`` with ``workers=2`` (``--workers``),
* embedlab on CUDA, when ``torch.cuda.is_available()`` (``--devices`` to choose).

All are scored by ``embedlab.evaluate`` on the course's shipped test sets
(``embedlab.corpus``): analogy accuracy on Google's questions (restrict_vocab=30000),
Spearman correlation on WordSim-353 and SimLex-999; ``embedlab.evaluate`` gives the same
numbers as gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs``
(tests/test_evaluate.py). "words/s" is effective words (left after subsampling) per
second of training, as gensim reports it; reading the corpus and building the
vocabulary are not timed for either. Prints a markdown table and the machine it ran on;
``--json PATH`` also writes the numbers.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab import corpus, evaluate  # noqa: E402
from embedlab.word2vec import train_word2vec  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)

CORPORA = {"slice": "course-corpus-slice", "full": "course-corpus"}


def scores(vectors) -> dict[str, float]:
    """Analogy accuracy and the two Spearman correlations, with embedlab.evaluate."""
    results = evaluate.evaluate_all(vectors)
    analogy = results["analogy"]
    return {"analogy": analogy.accuracy, "analogy_total": analogy.total,
            "wordsim353": results["wordsim353"].spearman, "simlex999": results["simlex999"].spearman,
            "wordsim353_oov": results["wordsim353"].oov_fraction,
            "simlex999_oov": results["simlex999"].oov_fraction}


def run_embedlab(docs, hp: dict, device: str, batch_size: int | None, seed: int, threads: int | None,
                 max_row_updates: int | None) -> dict:
    extra = {"batch_size": batch_size} if batch_size else {}
    model = train_word2vec(docs, device=device, seed=seed, progress=False, threads=threads,
                           max_row_updates=max_row_updates, **hp, **extra)
    print(f"embedlab ({device}): {model}", flush=True)
    label = model.params["device"]
    if label == "cpu":
        label += f" ({model.params['threads']} thread{'s' if model.params['threads'] > 1 else ''})"
    cap = model.params["max_row_updates"]
    name = f"embedlab (batch {model.params['batch_size']}, cap {cap if cap is not None else 'off'})"
    return {"implementation": name, "device": label,
            "seconds": model.train_seconds, "words_per_second": model.words_per_second,
            "vocabulary": len(model.index_to_key), **scores(model)}


def run_gensim(docs, hp: dict, workers: int, seed: int) -> dict:
    import gensim
    from gensim.models import Word2Vec

    logging.getLogger("gensim").setLevel(logging.ERROR)
    gm = Word2Vec(vector_size=hp["dim"], window=hp["window"], negative=hp["negative"], hs=0,
                  min_count=hp["min_count"], sample=hp["sample"], sg=int(hp["sg"]), workers=workers,
                  seed=seed)
    gm.build_vocab(docs)
    start = time.perf_counter()
    effective, _raw = gm.train(docs, total_examples=gm.corpus_count, epochs=hp["epochs"])
    seconds = time.perf_counter() - start
    print(f"gensim: {seconds:.1f} s, {effective / seconds:,.0f} effective words/s", flush=True)
    return {"implementation": f"gensim {gensim.__version__} (workers={workers})", "device": "cpu",
            "seconds": seconds, "words_per_second": effective / seconds,
            "vocabulary": len(gm.wv.index_to_key), **scores(gm.wv)}


def markdown_table(rows: list[dict]) -> str:
    lines = ["| implementation | device | train s | words/s | analogy acc. | WordSim-353 ρ | SimLex-999 ρ |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['implementation']} | {r['device']} | {r['seconds']:.1f} | "
                     f"{r['words_per_second']:,.0f} | {r['analogy']:.3f} | {r['wordsim353']:.3f} | "
                     f"{r['simlex999']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="full",
                        help="full: course-corpus (7.7M tokens, default); slice: course-corpus-slice (1M)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--cbow", action="store_true", help="CBOW instead of skip-gram")
    parser.add_argument("--devices", nargs="+", default=None,
                        help="embedlab devices (default: cpu, plus cuda when available)")
    parser.add_argument("--batch-size", type=int, default=None, help="embedlab's batch size on the CPU (default: its own)")
    parser.add_argument("--cuda-batch-size", type=int, nargs="+", default=[None],
                        help="embedlab's batch size(s) on a GPU, one run each (default: its own, 2048)")
    parser.add_argument("--max-row-updates", type=int, default=64,
                        help="embedlab's cap on one word's updates per batch (0: no cap; default 64)")
    parser.add_argument("--threads", type=int, default=None,
                        help="embedlab's CPU training threads (default: train_word2vec's, 1)")
    parser.add_argument("--workers", type=int, default=2, help="gensim worker threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])

    name = CORPORA[args.corpus]
    start = time.perf_counter()
    docs = []
    for doc in corpus.iter_documents(name):
        if args.limit is not None and len(docs) >= args.limit:
            break
        docs.append(doc)
    n_words = sum(map(len, docs))
    hp = dict(dim=args.dim, window=args.window, negative=args.negative, min_count=args.min_count,
              sample=args.sample, epochs=args.epochs, sg=not args.cbow)
    print(f"Corpus: {name}, {len(docs):,} documents, {n_words:,} words (read in "
          f"{time.perf_counter() - start:.1f} s). {'CBOW' if args.cbow else 'Skip-gram'}, "
          f"{', '.join(f'{k}={v}' for k, v in hp.items() if k != 'sg')}.", flush=True)

    cap = args.max_row_updates or None
    rows = []
    for device in devices:
        if device == "cpu":
            rows.append(run_embedlab(docs, hp, "cpu", args.batch_size, args.seed, args.threads, cap))
            if not args.skip_gensim:
                rows.append(run_gensim(docs, hp, args.workers, args.seed))
        else:
            for batch_size in args.cuda_batch_size:
                rows.append(run_embedlab(docs, hp, device, batch_size, args.seed, None, cap))
    if "cpu" not in devices and not args.skip_gensim:
        rows.append(run_gensim(docs, hp, args.workers, args.seed))

    print()
    print(markdown_table(rows))
    print()
    print(machine_line())
    answered = ", ".join(f"{r['analogy_total']:,}" for r in rows)
    print(f"Analogy questions answered: {answered} of "
          f"{len(corpus.load_analogies()):,} (the rest have a word outside the 30,000 most frequent); "
          f"WordSim-353 pairs out of vocabulary: {rows[0]['wordsim353_oov']:.1%}, "
          f"SimLex-999: {rows[0]['simlex999_oov']:.1%}.")
    if args.json:
        args.json.write_text(json.dumps({"corpus": name, "documents": len(docs), "words": n_words,
                                         "hyper_parameters": hp, "machine": machine_line(), "rows": rows},
                                        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
