"""Notebook 02's LDA topics over seeds: how much of what the notebook shows is its seed.

    python benchmarks/lda_topics.py                    # 3 document samples x 5 LDA seeds

Notebook 02 fits scikit-learn's ``LatentDirichletAllocation`` (8 topics, online, 5
passes) on 4,000 random documents of the course corpus slice with at least 15 tokens,
with one seed for the sample and one for LDA (both 0), and reads off each source's average
topic proportions: the Bible's chapters mostly in one topic, Austen's in another, the
dictionary definitions spread over all of them. This script repeats the fit for other
document samples (``--samples``) and LDA seeds (``--seeds``), with the notebook's stop
words and vectorizer (copied from ``sources/02_cooccurrence.py``), and prints, for each
fit, each source's share of its own largest topic, and the range over all fits.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import cpu_model  # noqa: E402  (benchmarks/machine.py)
from embedlab import corpus  # noqa: E402

SOURCES = ("kjv", "austen", "gcide", "wordnet")


def main(argv=None) -> int:
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, nargs="+", default=[0, 1, 2], help="seeds of the document sample")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="LDA's random_state")
    args = ap.parse_args(argv)

    docs = corpus.load_corpus()
    doc_sources = np.array([s for s, n in corpus.sources().items() for _ in range(n)])
    long_docs = np.flatnonzero(np.array([len(doc) for doc in docs]) >= 15)
    stop = ENGLISH_STOP_WORDS | {
        "syn", "adv", "adj", "etc", "pl", "bot", "zool", "used", "having", "called", "like", "make", "usually",
        "especially", "person", "act", "thing", "relating", "pertaining", "resembling", "small", "large",
        "consisting", "form", "kind", "state", "quality", "genus", "family", "use", "one", "see", "also"}

    print("| sample | LDA seed | s | " + " | ".join(f"{s}: largest topic" for s in SOURCES)
          + " | definitions: smallest topic | a topic with lord, god |")
    print("|---:|---:|---:|" + "---:|" * len(SOURCES) + "---:|---|")
    fits = []
    for sample_seed in args.samples:
        sample = np.random.default_rng(sample_seed).choice(long_docs, size=4000, replace=False)
        vectorizer = CountVectorizer(analyzer=lambda doc: [w for w in doc if w not in stop and len(w) > 2],
                                     min_df=5, max_df=0.2, max_features=4000)
        counts = vectorizer.fit_transform([docs[i] for i in sample])
        vocab = vectorizer.get_feature_names_out()
        sources = doc_sources[sample]
        for seed in args.seeds:
            t = time.perf_counter()
            lda = LatentDirichletAllocation(n_components=8, learning_method="online", max_iter=5,
                                            batch_size=512, random_state=seed)
            topics = lda.fit_transform(counts)
            secs = time.perf_counter() - t
            share = {s: topics[sources == s].mean(axis=0) for s in SOURCES}
            bible = any({"lord", "god"} <= set(vocab[np.argsort(-row)[:10]]) for row in lda.components_)
            smallest = min(share["gcide"].min(), share["wordnet"].min())
            fits.append({s: share[s].max() for s in SOURCES} | {"smallest": smallest, "bible": bible})
            print(f"| {sample_seed} | {seed} | {secs:.1f} | "
                  + " | ".join(f"{share[s].max():.2f}" for s in SOURCES)
                  + f" | {smallest:.2f} | {'yes' if bible else 'no'} |", flush=True)
    print("| all | | | " + " | ".join(f"{min(f[s] for f in fits):.2f} to {max(f[s] for f in fits):.2f}"
                                     for s in SOURCES)
          + f" | {min(f['smallest'] for f in fits):.2f} to {max(f['smallest'] for f in fits):.2f}"
          + f" | {sum(f['bible'] for f in fits)} of {len(fits)} |")

    cpu = cpu_model()
    import sklearn

    print(f"\nMachine: {cpu}, {os.cpu_count()} CPUs, scikit-learn {sklearn.__version__}, "
          f"load average {os.getloadavg()[0]:.1f} at the end.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
