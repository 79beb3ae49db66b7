"""Document vectors on the source probe of notebook 06, with their spread over folds and seeds.

    python benchmarks/doc2vec_probe.py                                   # notebook 06's 2,000 documents, 5 seeds
    python benchmarks/doc2vec_probe.py --corpus course-corpus --per-source 4000 --seeds 0 1 2
    python benchmarks/doc2vec_probe.py --skip-gensim --device cuda

The probe (embedlab.doc2vec.probe_documents / probe_scores): short documents (10-60
words; longer texts cut into 30-word passages) drawn equally from five sources (gcide,
wordnet, austen, fortunes, kjv); a logistic regression on the standardised vectors
predicts the source, scored by 5-fold stratified cross-validation (macro-F1; chance 0.2).
The folds are the same for every method, so two methods are compared fold by fold.

Every Doc2Vec model is trained once per seed (``--seeds``); a row's "sd folds" is the
spread over the 5 folds (averaged over seeds), "sd seeds" the spread of the 5-fold mean
over the seeds. A comparison's gap is computed fold by fold and seed by seed; it is
called a tie when the mean gap is smaller than the standard deviation of those gaps.

Methods, all 50-dimensional except TF-IDF:

* TF-IDF (sparse, one dimension per word): a reference, not an embedding;
* pretrained GloVe 6B-50d: the average, and SIF's two steps alone and together (the
  ablation of notebook 06): SIF weights only, removal of the common component only, both;
  SIF's word frequencies counted on the whole corpus the documents come from, or on the
  probe documents themselves;
* embedlab's Doc2Vec: PV-DBOW (trained and re-inferred vectors), PV-DM (dm_mean=1),
  PV-DBOW + skip-gram words (dbow_words), and the average / SIF of that last model's word vectors;
* gensim's Doc2Vec with the same settings and ``workers=1`` (deterministic for a seed;
  ``--workers`` to change), as embedlab trains on one CPU thread.

Doc2Vec is trained on the probe documents themselves (no labels used), as in the notebook.
"train s" is training time (vocabulary building excluded for both); for re-inferred rows,
inference time. A second table shows what standardising the features changes.
Prints markdown tables and the machine it ran on.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedlab import corpus  # noqa: E402
from embedlab.doc2vec import (  # noqa: E402
    average_vectors,
    probe_documents,
    probe_scores,
    remove_common_component,
    sif_embed,
    sif_weighted_average,
    train_doc2vec,
)
from embedlab.word2vec import build_vocab  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)


def glove_subset(glove, glove_index, words, counts):
    """The GloVe rows of the words that have one, their index and counts."""
    keep = [i for i, w in enumerate(words) if w in glove_index]
    index = {words[i]: j for j, i in enumerate(keep)}
    return glove[[glove_index[words[i]] for i in keep]], index, counts[keep]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="course-corpus-slice", help="course-corpus-slice (default) or course-corpus")
    parser.add_argument("--per-source", type=int, default=400)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20, help="PV-DBOW and PV-DM epochs")
    parser.add_argument("--words-epochs", type=int, default=10, help="epochs of PV-DBOW + words")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--workers", type=int, default=1, help="gensim's worker threads")
    parser.add_argument("--skip-gensim", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("gensim").setLevel(logging.ERROR)

    started = time.perf_counter()
    docs, labels = probe_documents(args.corpus, per_source=args.per_source)
    n_words = sum(map(len, docs))
    print(f"{len(docs):,} documents, {n_words:,} words, from {args.corpus}", flush=True)
    folds: dict[str, list[np.ndarray]] = {}      # method -> one (5,) array of fold scores per seed
    seconds: dict[str, list[float]] = {}
    raw_scores: list[tuple[str, float, float]] = []

    def record(method, vectors, secs=None):
        scores = probe_scores(vectors, labels)
        folds.setdefault(method, []).append(scores["fold_macro_f1"])
        if secs is not None:
            seconds.setdefault(method, []).append(secs)
        print(f"  {method:<44} macro-F1 {scores['macro_f1']:.3f} ± {scores['macro_f1_sd']:.3f}"
              + (f"  {secs:.1f} s" if secs is not None else ""), flush=True)
        return scores

    # Methods that do not depend on a seed.
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(analyzer=lambda d: d).fit_transform(docs)
    record("TF-IDF (sparse reference)", tfidf)
    glove, glove_words = corpus.load_glove()
    glove_index = {w: i for i, w in enumerate(glove_words)}
    t = time.perf_counter()
    corpus_words, corpus_counts = build_vocab(corpus.iter_documents(args.corpus), min_count=1)
    print(f"  (counted {sum(corpus_counts):,} words of {args.corpus} in {time.perf_counter() - t:.0f} s)")
    vectors, index, counts = glove_subset(glove, glove_index, corpus_words, corpus_counts)
    probe_vectors, probe_index, probe_counts = glove_subset(glove, glove_index, *build_vocab(docs, min_count=1))
    average = average_vectors(docs, vectors, index)
    glove_rows = {
        "average of GloVe": average,
        "GloVe: average + removal (no weights)": remove_common_component(average),
        "GloVe: SIF weights only (no removal)": sif_weighted_average(docs, vectors, index, counts),
        "SIF of GloVe (weights + removal)": sif_embed(docs, vectors, index, counts),
        "GloVe: SIF weights only, probe frequencies": sif_weighted_average(docs, probe_vectors, probe_index,
                                                                           probe_counts),
        "SIF of GloVe, probe frequencies": sif_embed(docs, probe_vectors, probe_index, probe_counts),
    }
    for method, X in glove_rows.items():
        scores = record(method, X)
        raw = probe_scores(X, labels, standardise=False)
        raw_scores.append((method, scores["macro_f1"], raw["macro_f1"]))

    for seed in args.seeds:
        print(f"seed {seed}", flush=True)
        common = dict(dim=args.dim, min_count=2, seed=seed, device=args.device, progress=False)
        for name, kwargs in [("PV-DBOW", dict(dm=False, epochs=args.epochs)),
                             ("PV-DM", dict(dm=True, epochs=args.epochs)),
                             ("PV-DBOW + words", dict(dm=False, dbow_words=True, epochs=args.words_epochs))]:
            model = train_doc2vec(docs, **common, **kwargs)
            record(f"{name} (embedlab)", model.dv.vectors, model.train_seconds)
            if name == "PV-DBOW":
                t = time.perf_counter()
                record("PV-DBOW (embedlab), re-inferred",
                       model.infer_vectors(docs, seed=seed + 1, device=args.device), time.perf_counter() - t)
            if name == "PV-DBOW + words":
                wv, k2i = model.wv.vectors, model.key_to_index
                record("average of its word vectors", average_vectors(docs, wv, k2i))
                record("SIF of its word vectors", sif_embed(docs, wv, k2i, model.counts))
        if args.skip_gensim:
            continue
        from gensim.models.doc2vec import Doc2Vec, TaggedDocument

        tagged = [TaggedDocument(d, [i]) for i, d in enumerate(docs)]
        for name, kwargs in [("PV-DBOW", dict(dm=0, epochs=args.epochs)),
                             ("PV-DM", dict(dm=1, dm_mean=1, epochs=args.epochs)),
                             ("PV-DBOW + words", dict(dm=0, dbow_words=1, epochs=args.words_epochs))]:
            model = Doc2Vec(vector_size=args.dim, min_count=2, workers=args.workers, seed=seed, **kwargs)
            model.build_vocab(tagged)
            t = time.perf_counter()
            model.train(tagged, total_examples=len(tagged), epochs=model.epochs)
            record(f"{name} (gensim)", model.dv.vectors, time.perf_counter() - t)
            if name == "PV-DBOW":
                t = time.perf_counter()
                inferred = np.array([model.infer_vector(d) for d in docs])
                record("PV-DBOW (gensim), re-inferred", inferred, time.perf_counter() - t)

    def summary(method):
        per_seed = np.array(folds[method])                       # (seeds, folds)
        seed_sd = per_seed.mean(1).std(ddof=1) if len(per_seed) > 1 else None
        return per_seed.mean(), per_seed.std(1, ddof=1).mean(), seed_sd

    def gap(a, b):
        fa, fb = np.array(folds[a]), np.array(folds[b])
        n = max(len(fa), len(fb))
        d = (np.resize(fa, (n, fa.shape[1])) - np.resize(fb, (n, fb.shape[1]))).ravel()
        return d.mean(), d.std(ddof=1)

    print()
    print(f"Source probe on {len(docs):,} short documents of {args.corpus} ({args.per_source} per source, "
          f"{n_words:,} words), dim {args.dim}, device {args.device}, seeds {args.seeds}, "
          f"5-fold cross-validation")
    print()
    print("| method | macro-F1 | sd folds | sd seeds | train s |")
    print("|---|---:|---:|---:|---:|")
    for method in folds:
        mean, fold_sd, seed_sd = summary(method)
        secs = f"{np.mean(seconds[method]):.1f}" if method in seconds else ""
        print(f"| {method} | {mean:.3f} | {fold_sd:.3f} | {'' if seed_sd is None else f'{seed_sd:.3f}'} | {secs} |")
    print()
    print("| comparison | gap (mean ± sd over folds x seeds) | verdict |")
    print("|---|---:|---|")
    pairs = [("GloVe: SIF weights only (no removal)", "average of GloVe"),
             ("GloVe: average + removal (no weights)", "average of GloVe"),
             ("SIF of GloVe (weights + removal)", "GloVe: SIF weights only (no removal)"),
             ("SIF of GloVe (weights + removal)", "average of GloVe"),
             ("SIF of GloVe, probe frequencies", "SIF of GloVe (weights + removal)"),
             ("PV-DBOW (embedlab), re-inferred", "PV-DBOW (embedlab)"),
             ("PV-DBOW + words (embedlab)", "average of GloVe"),
             ("PV-DBOW + words (embedlab)", "average of its word vectors"),
             ("average of its word vectors", "average of GloVe"),
             ("SIF of its word vectors", "average of its word vectors"),
             ("TF-IDF (sparse reference)", "average of its word vectors")]
    if not args.skip_gensim:
        pairs += [(f"{m} (embedlab)", f"{m} (gensim)") for m in ("PV-DBOW", "PV-DM", "PV-DBOW + words")]
        pairs += [("PV-DBOW (embedlab), re-inferred", "PV-DBOW (gensim), re-inferred")]
    for a, b in pairs:
        mean, sd = gap(a, b)
        verdict = "tie" if abs(mean) < sd else ("first better" if mean > 0 else "second better")
        print(f"| {a} − {b} | {mean:+.3f} ± {sd:.3f} | {verdict} |")
    print()
    print("Standardised features (the probe's default) against the vectors as they are:")
    print()
    print("| method | standardised | raw |")
    print("|---|---:|---:|")
    for method, std, raw in raw_scores:
        print(f"| {method} | {std:.3f} | {raw:.3f} |")
    from sklearn.preprocessing import StandardScaler  # TF-IDF with its columns scaled, for the record

    scaled = StandardScaler(with_mean=False).fit_transform(tfidf)
    print(f"| TF-IDF (sparse): as it is / columns scaled to unit variance | "
          f"{probe_scores(tfidf, labels)['macro_f1']:.3f} | {probe_scores(scaled, labels)['macro_f1']:.3f} (scaled) |")
    print()
    print(machine_line())
    print(f"Total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
