"""Lesson 06, documents: one vector per document, from word vectors or learned directly.

Four recipes, from the simplest to the one that learns document vectors itself::

    X = average_vectors(docs, vectors, key_to_index)           # mean of the word vectors
    X = sif_embed(docs, vectors, key_to_index, counts)          # SIF: weighted mean, minus a common direction
    model = train_doc2vec(docs, dm=0, dim=100, epochs=10)       # Doc2Vec PV-DBOW (dm=1: PV-DM)
    model.dv[i]                                                 # the trained vector of docs[i]
    model.dv.vectors                                            # all of them, (n_docs, dim)
    model.infer_vector(["a", "new", "document"])                # a vector for a new document

and one way to judge them, ``probe_scores(X, labels)``: how well a linear classifier
reads the labels off the vectors, with its spread over cross-validation folds.

* **Averaging**: the mean of the vectors of a document's known words.
* **SIF** (smooth inverse frequency, Arora, Liang and Ma, ICLR 2017, "A simple but
  tough-to-beat baseline for sentence embeddings") in two steps that can be used apart:
  ``sif_weighted_average`` weighs each word by ``a / (a + p(w))``, with ``p(w)`` its
  corpus frequency, so "the" weighs almost nothing; ``remove_common_component`` then
  removes from every document vector its projection on the first singular vector of the
  whole matrix, a direction that all documents share.
* **Doc2Vec** (Le and Mikolov, 2014, "Distributed representations of sentences and
  documents"), with negative sampling as in gensim's ``Doc2Vec``:

  - PV-DBOW (``dm=0``): the document's vector alone predicts each of its words, exactly
    as a skip-gram centre word predicts its context (``pv_dbow_loss`` is the loss of one
    such prediction; ``dbow_words=True`` also trains word vectors with skip-gram at the
    same time, as gensim's ``dbow_words=1``);
  - PV-DM (``dm=1``): the mean of the document vector and the context words' vectors
    predicts the centre word, as in CBOW (gensim's ``dm=1, dm_mean=1``).

  A new document gets its vector by ``infer_vector``: a fresh random vector is trained
  with the same objective while the word and output vectors stay frozen.

The vocabulary, subsampling, noise distribution, negative sampling, context windows and
the skip-gram and CBOW updates are those of :mod:`embedlab.word2vec` (imported, not
repeated): the document vectors are one more input matrix for them. Training is
vectorised in PyTorch, batched, seeded (the same seed on CPU gives the same vectors) and
runs on any ``device``.

Exercises: ``06.average_vectors``, ``06.sif_weighted_average``,
``06.remove_common_component`` and ``06.pv_dbow_gradients`` (a derivation, graded by a
numerical gradient of ``pv_dbow_loss``). Their cases, the realistic wrong answers that
``check`` recognises, and the hints live in ``embedlab/exercises/lesson06.py``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import torch

from . import validate
from .device import cpu_threads
from .progress import progress_bar
from .vectors import KeyedVectors
from .word2vec import (
    AliasTable,
    _CbowStep,
    _resolve_device,
    _SkipGramStep,
    context_windows,
    diverged_advice,
    encode_corpus,
    keep_probability,
    negative_distribution,
    vocabulary_or_explain,
)

__all__ = [
    "Doc2VecModel",
    "average_vectors",
    "probe_documents",
    "probe_scores",
    "pv_dbow_loss",
    "remove_common_component",
    "sif_embed",
    "sif_weighted_average",
    "sif_weights",
    "train_doc2vec",
]

# No document is cut into pieces here (word2vec cuts at 10,000 words, as gensim does).
_NO_LIMIT = 2**62


def _check_vectors(vectors, key_to_index) -> np.ndarray:
    """vectors as a float64 (V, d) array; one clear sentence if they do not fit key_to_index."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (V, d) matrix, one row per word; got shape {vectors.shape}")
    if key_to_index and max(key_to_index.values()) >= len(vectors):
        raise ValueError(f"key_to_index points past the {len(vectors)} rows of vectors: "
                         "pass the word list that goes with these vectors")
    return vectors


# ---------------------------------------------------------------------------
# 1. Averaging (exercise 06.average_vectors)
# ---------------------------------------------------------------------------
def average_vectors(docs, vectors, key_to_index):
    """The mean of the word vectors of each document.

    docs: list of n_docs documents, each a list of words (str). vectors: (V, d) float
    array, row ``key_to_index[w]`` is the vector of word w. Words not in key_to_index
    are skipped (neither added nor counted). A repeated word counts each time.
    Returns an (n_docs, d) float64 array; a document with no known word gets a row of
    zeros (not NaN: one NaN row would break every cosine and classifier downstream).
    """
    vectors = _check_vectors(vectors, key_to_index)
    out = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        rows = [key_to_index[w] for w in doc if w in key_to_index]
        if rows:
            out[i] = vectors[rows].mean(axis=0)
    return out


# ---------------------------------------------------------------------------
# 2. SIF: smooth inverse frequency weights (exercise 06.sif_weighted_average), minus the
#    common component (exercise 06.remove_common_component)
# ---------------------------------------------------------------------------
def sif_weights(counts, a: float = 1e-3) -> np.ndarray:
    """SIF weight of each word: ``a / (a + p(w))`` with ``p(w) = counts[w] / counts.sum()``.

    counts: (V,) corpus counts. Returns a float64 (V,) array: frequent words get weights
    near 0 (a word with p = 0.05 gets about 0.02), words much rarer than ``a`` near 1.
    """
    counts = np.asarray(counts, dtype=np.float64)
    return a / (a + counts / counts.sum())


def sif_weighted_average(docs, vectors, key_to_index, counts, a: float = 1e-3):
    """SIF's first step: each document's word vectors weighted by ``a / (a + p(w))``, averaged.

    docs: list of n_docs documents (lists of words). vectors: (V, d) word vectors, row
    ``key_to_index[w]`` for word w. counts: (V,) corpus counts of the same words, in the
    order of the rows, so that ``p(w) = counts[w] / counts.sum()``. a: the smoothing
    constant. A document's vector is the sum of weight * vector over its known words
    (repeats count each time) divided by the NUMBER of its known words, as in Arora et
    al.'s code (not by the sum of the weights, which would undo the weighting of a
    document of frequent words). No known word: a row of zeros.
    Returns an (n_docs, d) float64 array.
    """
    vectors = _check_vectors(vectors, key_to_index)
    weights = sif_weights(counts, a)
    out = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        rows = [key_to_index[w] for w in doc if w in key_to_index]
        if rows:
            out[i] = (weights[rows, None] * vectors[rows]).sum(axis=0) / len(rows)
    return out


def remove_common_component(X):
    """SIF's second step: remove from each row its projection on the matrix's first singular vector.

    X: (n, d) float array of document vectors. ``u``, the first right singular vector of
    X itself, NOT centred (as TruncatedSVD(1) and Arora et al.'s code), is the direction
    closest to all rows at once: mostly their common mean, the part that frequent words
    and syntax give every document. Returns ``X - (X @ u)[:, None] * u[None, :]``, an
    (n, d) float64 array (an all-zero X is returned as zeros: it has no direction).
    """
    X = np.array(X, dtype=np.float64)            # a copy: the caller's matrix is not changed
    if not np.any(X):
        return X
    u = np.linalg.svd(X, full_matrices=False)[2][0]          # Vt[0]: a unit vector of length d
    return X - np.outer(X @ u, u)


def sif_embed(docs, vectors, key_to_index, counts, a: float = 1e-3):
    """SIF document vectors (Arora, Liang and Ma, 2017): both steps, (n_docs, d) float64."""
    return remove_common_component(sif_weighted_average(docs, vectors, key_to_index, counts, a))


# ---------------------------------------------------------------------------
# 3. The PV-DBOW loss (exercise 06.pv_dbow_gradients derives its gradients)
# ---------------------------------------------------------------------------
def pv_dbow_loss(doc_vec, target_vec, negative_vecs) -> float:
    """Negative-sampling loss of a document vector predicting one of its words.

    doc_vec: (d,) the document's vector D. target_vec: (d,) the output vector t of a
    word of the document. negative_vecs: (k, d) the output vectors n_j of k noise words.

        L = -log σ(D·t) - Σ_j log σ(-D·n_j)

    skip-gram's loss with the document in the place of the centre word. Computed as
    ``log(1 + exp(-s))`` with ``np.logaddexp`` so that large scores do not overflow.
    Returns a float.
    """
    D = np.asarray(doc_vec, dtype=np.float64)
    t = np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64).reshape(-1, D.shape[0])
    return float(np.logaddexp(0.0, -(D @ t)) + np.logaddexp(0.0, n @ D).sum())


# ---------------------------------------------------------------------------
# 4. The probe: which source does a short document come from?
# ---------------------------------------------------------------------------
PROBE_SOURCES = ("gcide", "wordnet", "austen", "fortunes", "kjv")


def probe_documents(name: str = "course-corpus-slice", sources: Sequence[str] = PROBE_SOURCES,
                    per_source: int = 600, min_len: int = 10, max_len: int = 60, passage: int = 30,
                    seed: int = 0) -> tuple[list[list[str]], np.ndarray]:
    """Short documents of the course corpus, the same number from each source, and their source.

    Documents of ``min_len`` to ``max_len`` words are kept as they are; longer ones (a
    Bible chapter, a long Austen paragraph) are cut into passages of ``passage`` words.
    Then ``per_source`` of them are drawn at random (seeded) from each source (fewer if
    a source has fewer). Short documents make the probe hard: a 15-word definition
    shares few words with the others, and whole Bible chapters would give themselves
    away by their length alone. Returns ``(docs, labels)``: a list of token lists and a
    numpy array of source names, sources in the order given.
    """
    from . import corpus

    rng = np.random.default_rng(seed)
    docs: list[list[str]] = []
    labels: list[str] = []
    for source in sources:
        pool = []
        for doc in corpus.iter_documents(name, sources=[source]):
            if min_len <= len(doc) <= max_len:
                pool.append(doc)
            elif len(doc) > max_len:
                pool.extend(doc[i:i + passage] for i in range(0, len(doc) - passage + 1, passage))
        if not pool:
            raise ValueError(f"corpus {name!r} has no document from source {source!r}")
        chosen = np.sort(rng.choice(len(pool), size=min(per_source, len(pool)), replace=False))
        docs.extend(pool[i] for i in chosen)
        labels.extend([source] * len(chosen))
    return docs, np.array(labels)


def probe_scores(X, labels, *, folds: int = 5, seed: int = 0, standardise: bool = True) -> dict[str, Any]:
    """How well a linear classifier reads ``labels`` off the rows of ``X``, and the spread of that.

    X: (n, d) dense vectors or a scipy sparse matrix (TF-IDF), one row per document;
    labels: (n,). Stratified ``folds``-fold cross-validation: a logistic regression
    (scikit-learn's, L2-regularised) is trained on the other folds and scored on each
    held-out fold. The folds depend only on the labels and ``seed``, so every method is
    scored on the same documents and two methods' fold scores can be compared pair by pair.

    Dense vectors are standardised first (each dimension to mean 0 and variance 1 on the
    training folds; ``standardise=False`` skips it): the methods' vectors have very
    different lengths (SIF's weighted averages are short), and through the L2 penalty the
    length alone would change the score. A sparse matrix is used as it is: TF-IDF rows
    have unit length already, and standardising sparse columns would blow up the rarest words.

    Returns a dict: ``macro_f1`` and ``accuracy``, the means over the folds;
    ``macro_f1_sd`` and ``accuracy_sd``, their standard deviations over the folds (the
    spread: a gap between two methods smaller than it is a tie); ``fold_macro_f1`` and
    ``fold_accuracy``, the (folds,) scores of each fold. With balanced classes, chance is
    1 / number of classes for both scores.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    labels = np.asarray(labels)
    if X.shape[0] != len(labels):
        raise ValueError(f"X must have one row per label: {X.shape[0]} rows for {len(labels)} labels")
    classifier = LogisticRegression(max_iter=2000)
    if hasattr(X, "tocsr"):
        X = X.tocsr()
    else:
        X = np.asarray(X, dtype=np.float64)
        if standardise:
            classifier = make_pipeline(StandardScaler(), classifier)
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed)
    # One BLAS thread: these fits are small, and on a busy machine waiting BLAS threads made
    # them many times slower (the scores are the same).
    with threadpool_limits(1):
        scores = cross_validate(classifier, X, labels, cv=splits, scoring=("f1_macro", "accuracy"))
    f1, accuracy = scores["test_f1_macro"], scores["test_accuracy"]
    return {"macro_f1": float(f1.mean()), "macro_f1_sd": float(f1.std(ddof=1)),
            "accuracy": float(accuracy.mean()), "accuracy_sd": float(accuracy.std(ddof=1)),
            "fold_macro_f1": f1, "fold_accuracy": accuracy}


# ---------------------------------------------------------------------------
# 5. Doc2Vec training and inference
# ---------------------------------------------------------------------------
@dataclass
class Doc2VecModel:
    """Trained document vectors, the word and output vectors, and how they were trained.

    dv: the document vectors, a :class:`~embedlab.vectors.KeyedVectors` whose key i is the
    i-th training document (``model.dv[i]``, ``model.dv.vectors`` the (n_docs, dim) float32
    matrix, ``model.dv.most_similar(i)``). wv: the word (input) vectors, a KeyedVectors of
    the V words: trained by PV-DM and by PV-DBOW with ``dbow_words``; with plain PV-DBOW
    they keep their random start. output_vectors: (V, dim) the output ("syn1neg")
    vectors, which every mode trains. counts: (V,). Arrays given for ``dv`` and ``wv``
    are wrapped as KeyedVectors.
    """

    dv: KeyedVectors
    wv: KeyedVectors
    output_vectors: np.ndarray
    index_to_key: list[str]
    counts: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    train_seconds: float = 0.0
    effective_words: int = 0
    key_to_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.dv, KeyedVectors):
            self.dv = KeyedVectors(self.dv)
        if not isinstance(self.wv, KeyedVectors):
            self.wv = KeyedVectors(self.wv, self.index_to_key, self.counts)
        self.key_to_index = self.wv.key_to_index

    def __repr__(self) -> str:
        mode = "PV-DM" if self.params.get("dm") else "PV-DBOW" + (" + words" if self.params.get("dbow_words") else "")
        return (f"Doc2VecModel({mode}, {len(self.dv)} documents, V={len(self.index_to_key)}, "
                f"dim={self.dv.vector_size}, trained {self.train_seconds:.1f} s)")

    def infer_vectors(self, docs: Iterable[Sequence[str]], *, epochs: int | None = None,
                      alpha: float | None = None, min_alpha: float | None = None, seed: int = 0,
                      device: str | torch.device | None = "cpu") -> np.ndarray:
        """Vectors for new documents: (n, dim) float32, trained with word and output vectors frozen.

        As gensim's ``infer_vector``: each document starts from a small random vector and
        is trained for ``epochs`` passes (default: the training epochs) with the learning
        rate falling linearly from ``alpha`` to ``min_alpha`` (default: the training
        ones), subsampling and negatives drawn as in training. All documents are inferred
        together: each step updates every document once (its next word), so each vector
        follows the same sequence of single-word SGD steps as gensim's loop would. A
        document with no known word keeps its random start.
        """
        p = self.params
        docs = validate.token_documents(docs)
        if epochs is not None:
            validate.whole_number(epochs, "epochs", why="passes over the new documents")
        if alpha is not None:
            validate.number(alpha, "alpha", minimum=0, exclusive=True, why="the starting learning rate")
        dev = _resolve_device(device)
        W = torch.as_tensor(self.wv.vectors).to(dev)
        C = torch.as_tensor(self.output_vectors).to(dev)
        D, _ = _run_doc2vec(
            docs, W, C, self.key_to_index, self.counts, dm=p["dm"], window=p["window"],
            negative=p["negative"], sample=p["sample"], epochs=epochs or p["epochs"],
            alpha=p["alpha"] if alpha is None else alpha,
            min_alpha=p["min_alpha"] if min_alpha is None else min_alpha,
            ns_exponent=p["ns_exponent"], batch_size=p["batch_size"], seed=seed, dev=dev,
            learn_words=False, dbow_words=False, progress=False)
        validate.finite_or_diverged(D, "Doc2Vec inference", diverged_advice(alpha or p["alpha"], p["alpha"]))
        return D.cpu().numpy()

    def infer_vector(self, words: Sequence[str], **kwargs) -> np.ndarray:
        """The (dim,) vector of one new document (a list of words); see ``infer_vectors``."""
        if isinstance(words, str):
            raise validate.InputError("infer_vector takes a list of words, e.g. text.split(), not a string.")
        return self.infer_vectors([list(words)], **kwargs)[0]


def _run_doc2vec(docs, W, C, key_to_index, counts, *, dev, **kwargs):
    """Train document vectors for ``docs`` (and W, C when learn_words). Returns (D, effective words)."""
    # One CPU thread: a step is too small for a second one to pay off, and on a busy machine
    # waiting threads made each small index_add_ about 50 times slower (device.cpu_threads).
    with cpu_threads(1, dev):
        return _run_doc2vec_loop(docs, W, C, key_to_index, counts, dev=dev, **kwargs)


def _run_doc2vec_loop(docs, W, C, key_to_index, counts, *, dm, window, negative, sample, epochs,
                      alpha, min_alpha, ns_exponent, batch_size, seed, dev, learn_words, dbow_words,
                      progress, chunk_tokens=65536):
    dim = W.shape[1]
    n_docs = len(docs)
    ids, doc_ids = encode_corpus(docs, key_to_index, max_document_length=_NO_LIMIT)
    # encode_corpus numbers only the documents that have a known word: map back to positions.
    known = np.flatnonzero([any(w in key_to_index for w in doc) for doc in docs])
    ids, doc_ids = ids.to(dev), torch.as_tensor(known, dtype=torch.int64)[doc_ids].to(dev)
    n_raw = ids.numel()

    gen = torch.Generator(device=dev)
    gen.manual_seed(seed)
    # Small random starts, as gensim's: uniform in [-1/dim, 1/dim) for training, half that
    # for inference. The output vectors start at zero, so at first every update of C is
    # proportional to D: on a small corpus, starting D at half gensim's size cost PV-DBOW
    # a clear part of its quality (tests/test_doc2vec.py compares with gensim).
    spread = 2.0 if learn_words else 1.0
    D = (torch.rand(n_docs, dim, generator=gen, device=dev) - 0.5) * (spread / dim)
    prob_dtype = torch.float32 if dev.type == "mps" else torch.float64
    keep_prob = torch.as_tensor(keep_probability(counts, sample)).to(dev, prob_dtype)
    noise = AliasTable(negative_distribution(counts, ns_exponent), dev, prob_dtype)
    # The updates are word2vec's, with the document vectors as one more input matrix:
    # PV-DBOW is skip-gram whose "centre" is the document (D in W's place), PV-DM is CBOW
    # with the document vector in the context's mean. learn_words=False freezes W and C.
    doc_step = (_CbowStep(W, C, negative, D=D, learn_words=learn_words) if dm
                else _SkipGramStep(D, C, negative, learn_outputs=learn_words))
    words_step = _SkipGramStep(W, C, negative) if (dbow_words and not dm) else None
    total = max(epochs * n_raw, 1)
    effective = 0
    bar = progress_bar(total, progress, "Doc2Vec")
    for epoch in range(epochs):
        keep = torch.rand(n_raw, generator=gen, device=dev, dtype=prob_dtype) < keep_prob[ids]
        e_ids, e_docs = ids[keep], doc_ids[keep]
        n = e_ids.numel()
        effective += n
        if n == 0:
            continue

        def lr_at(frac, epoch=epoch):
            return alpha - (alpha - min_alpha) * (epoch + frac) / epochs

        if learn_words:
            # Training: pairs in a random order, in batches: a batch then holds words of
            # many documents, so no document vector gets hundreds of summed updates at once.
            order = torch.randperm(n, generator=gen, device=dev)
            batches = [order[lo:lo + batch_size] for lo in range(0, n, batch_size)]
        else:
            # Inference (W, C frozen): step r updates every document with its r-th word, so
            # each document vector sees single-word SGD steps, as in gensim's loop.
            starts = torch.zeros(n_docs + 1, dtype=torch.int64, device=dev)
            starts[1:] = torch.bincount(e_docs, minlength=n_docs).cumsum(0)
            rank = torch.arange(n, device=dev) - starts[e_docs]
            order = torch.argsort(rank, stable=True)
            sizes = torch.bincount(rank).tolist()
            batches = list(torch.split(order, sizes))
        if dm:
            reduced = torch.randint(1, window + 1, (n,), generator=gen, device=dev)
        all_targets, all_weights = doc_step.targets(e_ids, gen, noise)
        sg_due: dict[int, list[int]] = {}
        if words_step is not None:
            # dbow_words: skip-gram on the words too, chunk by chunk of the token stream,
            # interleaved evenly with the document updates.
            reduced_sg = torch.randint(1, window + 1, (n,), generator=gen, device=dev)
            sg_chunks = list(range(0, n, chunk_tokens))
            for j in range(len(sg_chunks)):
                sg_due.setdefault(((j + 1) * len(batches)) // len(sg_chunks) - 1, []).append(j)
        for b, pos in enumerate(batches):
            lr = lr_at(b / len(batches))
            if dm:
                ctx, valid = context_windows(e_docs, reduced, window, pos)
                context = e_ids.index_select(0, ctx.view(-1)).view_as(ctx)
                doc_step.update_cbow(context, valid, all_targets[pos], all_weights[pos], lr, docs=e_docs[pos])
            else:
                doc_step.update(e_docs[pos], all_targets[pos], all_weights[pos], lr)
            for j in sg_due.get(b, ()):
                lo, hi = sg_chunks[j], min(n, sg_chunks[j] + chunk_tokens)
                ctx, valid = context_windows(e_docs, reduced_sg, window, torch.arange(lo, hi, device=dev))
                words_step.chunk(e_ids[lo:hi], e_ids, ctx, valid, batch_size, gen, noise,
                                 lambda f, j=j: lr_at((j + f) / len(sg_chunks)))
        bar.update(n_raw)
        if not bool(torch.isfinite(D).all()):
            break  # diverged; the caller says so
    bar.close()
    return D, effective


def train_doc2vec(
    docs: Iterable[Sequence[str]],
    *,
    dm: bool = False,
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    min_count: int = 5,
    sample: float = 1e-3,
    epochs: int = 10,
    alpha: float = 0.025,
    min_alpha: float = 0.0001,
    ns_exponent: float = 0.75,
    dbow_words: bool = False,
    batch_size: int = 1024,
    device: str | torch.device | None = "cpu",
    seed: int = 0,
    progress: bool | None = None,
) -> Doc2VecModel:
    """Train Doc2Vec with negative sampling: PV-DBOW (``dm=False``) or PV-DM (``dm=True``).

    docs: a list of documents, each a list of words; ``model.dv[i]`` is the vector of
    ``docs[i]``. The defaults are those of gensim's ``Doc2Vec``, with ``dm_mean=1`` for PV-DM. dbow_words: with PV-DBOW, also
    train word vectors by skip-gram (gensim's ``dbow_words=1``; slower: every word is a
    skip-gram centre too). device: "cpu", "cuda", "mps" or None (the best
    there is). seed: the same seed on CPU gives the same vectors.

    batch_size: (document, word) pairs (PV-DBOW) or centre words (PV-DM) updated
    together, from one snapshot of the vectors. The pairs are taken in a random order, so
    that a batch holds words of many documents and no document vector gets many summed
    updates at once (tests/test_doc2vec.py checks the result against gensim's one-pair-
    at-a-time training).
    """
    docs = validate.token_documents(docs)
    validate.training_parameters(dim=dim, window=window, negative=negative, min_count=min_count,
                                 sample=sample, epochs=epochs, alpha=alpha, min_alpha=min_alpha,
                                 ns_exponent=ns_exponent, batch_size=batch_size)
    dev = _resolve_device(device)
    index_to_key, counts = vocabulary_or_explain(docs, min_count)
    key_to_index = {w: i for i, w in enumerate(index_to_key)}
    gen = torch.Generator(device=dev)
    gen.manual_seed(seed + 1)
    W = (torch.rand(len(index_to_key), dim, generator=gen, device=dev) * 2 - 1) / dim   # as gensim's
    C = torch.zeros(len(index_to_key), dim, device=dev)
    start = time.perf_counter()
    D, effective = _run_doc2vec(
        docs, W, C, key_to_index, counts, dm=dm, window=window, negative=negative, sample=sample,
        epochs=epochs, alpha=alpha, min_alpha=min_alpha, ns_exponent=ns_exponent,
        batch_size=batch_size, seed=seed, dev=dev, learn_words=True, dbow_words=dbow_words,
        progress=progress)
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    seconds = time.perf_counter() - start
    validate.finite_or_diverged(D, "Doc2Vec", diverged_advice(alpha, 0.025))
    validate.finite_or_diverged(W, "Doc2Vec's word vectors", diverged_advice(alpha, 0.025))
    params = dict(dm=bool(dm), dim=dim, window=window, negative=negative, min_count=min_count,
                  sample=sample, epochs=epochs, alpha=alpha, min_alpha=min_alpha,
                  ns_exponent=ns_exponent, dbow_words=bool(dbow_words), batch_size=batch_size,
                  device=str(dev), seed=seed)
    return Doc2VecModel(dv=D.cpu().numpy().astype(np.float32), wv=W.cpu().numpy().astype(np.float32),
                        output_vectors=C.cpu().numpy().astype(np.float32), index_to_key=index_to_key,
                        counts=counts, params=params, train_seconds=seconds, effective_words=effective)
