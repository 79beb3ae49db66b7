"""Document vectors on the source probe of notebook 06, on the full course corpus.

    python benchmarks/doc2vec_probe.py                          # 4,000 short documents per source
    python benchmarks/doc2vec_probe.py --per-source 1000 --skip-gensim
    python benchmarks/doc2vec_probe.py --device cuda

The probe (embedlab.doc2vec.probe_documents / probe_scores): short documents (10-60
words; longer texts cut into 30-word passages) drawn equally from five sources of the
full 7.7M-token course corpus (gcide, wordnet, austen, fortunes, kjv); a logistic
regression predicts the source from the document vector, trained on 70% of the
documents and scored on the other 30% (macro-F1 and accuracy; chance is 0.2).

Methods, all 50-dimensional except TF-IDF:

* TF-IDF (sparse, one dimension per word): a reference, not an embedding;
* average and SIF of pretrained GloVe 6B-50d vectors (SIF frequencies from these documents);
* embedlab's Doc2Vec: PV-DBOW, PV-DM (dm_mean=1), PV-DBOW + skip-gram words (dbow_words),
  and the average / SIF of the word vectors that last model trained;
* gensim's Doc2Vec with the same settings (workers=2).

Doc2Vec is trained on the probe documents themselves (no labels used), as in the notebook.
"seconds" is training time: vocabulary building is excluded for both (ours includes
turning the documents into id tensors); for the re-inferred rows, inference time.
embedlab trains with one CPU thread (see embedlab.doc2vec._OneThreadOnCpu), gensim with
two workers. Prints a markdown table and the machine it ran on.
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
    sif_embed,
    train_doc2vec,
)
from embedlab.word2vec import build_vocab  # noqa: E402

from machine import machine_line  # noqa: E402  (benchmarks/machine.py)


def load_glove():
    vectors, words = corpus.load_glove()
    return vectors, {w: i for i, w in enumerate(words)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="course-corpus", help="course-corpus (default) or course-corpus-slice")
    parser.add_argument("--per-source", type=int, default=4000)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20, help="PV-DBOW and PV-DM epochs")
    parser.add_argument("--words-epochs", type=int, default=10, help="epochs of PV-DBOW + words")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--skip-gensim", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("gensim").setLevel(logging.ERROR)

    started = time.perf_counter()
    docs, labels = probe_documents(args.corpus, per_source=args.per_source)
    print(f"{len(docs):,} documents, {sum(map(len, docs)):,} words, from {args.corpus} "
          f"({time.perf_counter() - started:.1f} s to read)", flush=True)
    rows = []

    def record(method, vectors, seconds=None, note=""):
        scores = probe_scores(vectors, labels)
        rows.append((method, scores["macro_f1"], scores["accuracy"], seconds, note))
        secs = f"{seconds:.1f} s" if seconds is not None else ""
        print(f"{method:<36} macro-F1 {scores['macro_f1']:.3f} accuracy {scores['accuracy']:.3f} {secs}",
              flush=True)

    from sklearn.feature_extraction.text import TfidfVectorizer

    record("TF-IDF (sparse reference)", TfidfVectorizer(analyzer=lambda d: d).fit_transform(docs))
    glove, glove_index = load_glove()
    words, counts = build_vocab(docs, min_count=1)
    keep = [i for i, w in enumerate(words) if w in glove_index]
    sub_index = {words[i]: j for j, i in enumerate(keep)}
    sub_vectors = glove[[glove_index[words[i]] for i in keep]]
    record("average of GloVe 6B-50d", average_vectors(docs, sub_vectors, sub_index))
    record("SIF of GloVe 6B-50d", sif_embed(docs, sub_vectors, sub_index, counts[keep]))

    common = dict(dim=args.dim, min_count=2, seed=0, device=args.device, progress=False)
    configs = [("PV-DBOW", dict(dm=False, epochs=args.epochs)),
               ("PV-DM", dict(dm=True, epochs=args.epochs)),
               ("PV-DBOW + words", dict(dm=False, dbow_words=True, epochs=args.words_epochs))]
    for name, kwargs in configs:
        model = train_doc2vec(docs, **common, **kwargs)
        record(f"{name} (embedlab)", model.dv.vectors, model.train_seconds, f"{kwargs['epochs']} epochs")
        if name == "PV-DBOW":
            t = time.perf_counter()
            record("PV-DBOW (embedlab), re-inferred", model.infer_vectors(docs, seed=1, device=args.device),
                   time.perf_counter() - t, "inference time")
        if name == "PV-DBOW + words":
            record("average of its word vectors", average_vectors(docs, model.wv.vectors, model.key_to_index))
            record("SIF of its word vectors", sif_embed(docs, model.wv.vectors, model.key_to_index, model.counts))

    if not args.skip_gensim:
        from gensim.models.doc2vec import Doc2Vec, TaggedDocument

        tagged = [TaggedDocument(d, [i]) for i, d in enumerate(docs)]
        for name, kwargs in [("PV-DBOW", dict(dm=0, epochs=args.epochs)),
                             ("PV-DM", dict(dm=1, dm_mean=1, epochs=args.epochs)),
                             ("PV-DBOW + words", dict(dm=0, dbow_words=1, epochs=args.words_epochs))]:
            model = Doc2Vec(vector_size=args.dim, min_count=2, workers=2, seed=0, **kwargs)
            model.build_vocab(tagged)
            t = time.perf_counter()
            model.train(tagged, total_examples=len(tagged), epochs=model.epochs)
            record(f"{name} (gensim)", model.dv.vectors, time.perf_counter() - t, f"{kwargs['epochs']} epochs")
            if name == "PV-DBOW":
                t = time.perf_counter()
                inferred = np.array([model.infer_vector(d) for d in docs])
                record("PV-DBOW (gensim), re-inferred", inferred, time.perf_counter() - t, "inference time")

    print()
    print(f"Source probe on {len(docs):,} short documents of {args.corpus} "
          f"({args.per_source} per source, {sum(map(len, docs)):,} words), dim {args.dim}, "
          f"device {args.device}")
    print()
    print("| method | macro-F1 | accuracy | seconds | notes |")
    print("|---|---|---|---|---|")
    for method, f1, acc, seconds, note in rows:
        secs = f"{seconds:.1f}" if seconds is not None else ""
        print(f"| {method} | {f1:.3f} | {acc:.3f} | {secs} | {note} |")
    print()
    print(machine_line())
    print(f"Total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
