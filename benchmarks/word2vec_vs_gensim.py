"""embedlab's word2vec against gensim's, on the same corpus with the same hyper-parameters.

    python benchmarks/word2vec_vs_gensim.py                               # Lee corpus, a quick run
    python benchmarks/word2vec_vs_gensim.py --corpus data/corpus/course_corpus.txt.gz
    python benchmarks/word2vec_vs_gensim.py --corpus ... --device cuda --skip-gensim

Both train skip-gram, dim 100, window 5, 5 negatives, min_count 5, 5 epochs, sample 1e-3
(gensim with workers=2) and are scored with gensim's own evaluation functions:
analogy accuracy on questions-words.txt (restrict_vocab=30000), Spearman correlation on
WordSim-353 and SimLex-999 (the copies shipped with gensim's test data). Prints a
markdown table and the machine it ran on. "words/s" is effective words (left after
subsampling) per second of training, as gensim reports it; vocabulary building is not
timed for either.

The corpus: a text file (gzip allowed), one document per line, whitespace-separated
tokens, with an optional ``source<TAB>`` prefix. Without --corpus, gensim's Lee corpus
(tokenised with gensim.utils.simple_preprocess) is used: it is tiny (60k words), so its
scores say little; use it to check that everything runs.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab.word2vec import read_corpus, train_word2vec  # noqa: E402


def evaluate(kv) -> dict[str, float]:
    """Analogy accuracy, WordSim-353 and SimLex-999 Spearman with gensim's evaluation code."""
    import logging

    from gensim.test.utils import datapath

    logging.getLogger("gensim").setLevel(logging.ERROR)
    analogy, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30000)
    ws = kv.evaluate_word_pairs(datapath("wordsim353.tsv"), restrict_vocab=300000)
    sl = kv.evaluate_word_pairs(datapath("simlex999.txt"), restrict_vocab=300000)
    return {"analogy": float(analogy), "wordsim353": float(ws[1][0]), "simlex999": float(sl[1][0]),
            "wordsim_oov": float(ws[2]), "simlex_oov": float(sl[2])}


def machine_line(device: str) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    line = (f"Machine: {cpu}, {os.cpu_count()} CPUs, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), Python {platform.python_version()}")
    if device.startswith("cuda") and torch.cuda.is_available():
        line += f", GPU {torch.cuda.get_device_name(0)}"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="text file, one document per line (default: gensim's Lee corpus)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps (embedlab only)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=None, help="embedlab's batch size (default: its own)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--workers", type=int, default=2, help="gensim worker threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--skip-embedlab", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    if args.corpus:
        docs = read_corpus(args.corpus, limit=args.limit)
        name = Path(args.corpus).name
    else:
        from gensim.test.utils import datapath
        from gensim.utils import simple_preprocess

        docs = read_corpus(datapath("lee_background.cor"), tokenize=simple_preprocess, limit=args.limit)
        name = "lee_background.cor"
    n_words = sum(map(len, docs))
    hp = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=args.epochs)
    print(f"Corpus: {name}, {len(docs):,} documents, {n_words:,} words. "
          f"Skip-gram, {', '.join(f'{k}={v}' for k, v in hp.items())}.", flush=True)

    rows = []
    if not args.skip_embedlab:
        extra = {"batch_size": args.batch_size} if args.batch_size else {}
        model = train_word2vec(docs, sg=True, device=args.device, seed=args.seed, **hp, **extra)
        scores = evaluate(model.to_keyed_vectors())
        rows.append(("embedlab", args.device, model.train_seconds, model.words_per_second, scores))
        print(f"embedlab: {model}", flush=True)

    if not args.skip_gensim:
        from gensim.models import Word2Vec

        gm = Word2Vec(vector_size=hp["dim"], window=hp["window"], negative=hp["negative"], hs=0,
                      min_count=hp["min_count"], sample=hp["sample"], sg=1, workers=args.workers,
                      seed=args.seed)
        gm.build_vocab(docs)
        start = time.perf_counter()
        effective, _raw = gm.train(docs, total_examples=gm.corpus_count, epochs=hp["epochs"])
        seconds = time.perf_counter() - start
        scores = evaluate(gm.wv)
        rows.append((f"gensim {__import__('gensim').__version__} (workers={args.workers})", "cpu",
                     seconds, effective / seconds, scores))

    print()
    print("| implementation | device | train s | words/s | analogy acc. | WordSim-353 ρ | SimLex-999 ρ |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for impl, dev, seconds, wps, s in rows:
        print(f"| {impl} | {dev} | {seconds:.1f} | {wps:,.0f} | {s['analogy']:.3f} | "
              f"{s['wordsim353']:.3f} | {s['simlex999']:.3f} |")
    print()
    print(machine_line(args.device))
    if len(rows) == 2:
        (_, _, _, _, a), (_, _, _, _, b) = rows
        ratio = {k: a[k] / b[k] if b[k] else float("nan") for k in ("analogy", "wordsim353", "simlex999")}
        print("embedlab / gensim: " + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
