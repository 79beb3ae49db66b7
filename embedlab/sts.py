"""Semantic textual similarity: do a model's cosines order document pairs as people do?

Lee, Pincombe and Welsh (2005) asked people to rate how similar 50 short news articles
are, pair by pair, on a scale from 1 to 5; gensim's wheel ships the 50 articles
(``lee.cor``) and the mean ratings scaled to 0-1 (``similarities0-1.txt``, a 50 x 50
matrix whose upper triangle holds the 1,225 pairs). A sentence encoder is scored by the
Spearman correlation between its cosine similarities and those ratings over all pairs:
only the order matters, so a model whose cosines are all squeezed near 1 (raw BERT, see
notebook 07) is not penalised for the squeeze, only for ranking pairs differently.

::

    docs, pairs, ratings = lee_similarity()       # 50 texts, (1225, 2) indices, (1225,) in [0, 1]
    rho = spearman_with_humans(embed(docs))       # embed: (50, d) vectors, one per document
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from .validate import InputError

__all__ = ["lee_similarity", "spearman_with_humans"]

N_DOCS = 50


def _gensim_file(name: str) -> Path:
    try:
        from gensim.test.utils import datapath
    except ImportError:  # pragma: no cover - gensim is a course dependency
        raise InputError("the Lee similarity data come with gensim: pip install gensim "
                         "(make lab installs it).") from None
    path = Path(datapath(name))
    if not path.is_file():
        raise InputError(f"gensim's test data file {name} is missing from {path.parent}: "
                         "reinstall gensim (pip install --force-reinstall gensim).")
    return path


def lee_similarity() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The 50 Lee documents and the human ratings of their 1,225 pairs.

    Returns (docs, pairs, ratings): docs, 50 str (one news article each, in the
    order of the ratings matrix); pairs, (1225, 2) int64 indices i < j into docs;
    ratings, (1225,) float64 mean human similarity scaled to 0-1.
    """
    # Latin-1, not UTF-8: the file writes the pound sign as the single byte 0xA3.
    docs = _gensim_file("lee.cor").read_text(encoding="latin-1").strip().split("\n")
    matrix = np.loadtxt(_gensim_file("similarities0-1.txt"))
    if len(docs) != N_DOCS or matrix.shape != (N_DOCS, N_DOCS):
        raise InputError(f"gensim's Lee files should hold {N_DOCS} documents and a {N_DOCS} x {N_DOCS} "
                         f"matrix, found {len(docs)} and {matrix.shape}: reinstall gensim.")
    i, j = np.triu_indices(N_DOCS, k=1)
    return docs, np.stack([i, j], axis=1).astype(np.int64), matrix[i, j].astype(np.float64)


def spearman_with_humans(embeddings) -> float:
    """Spearman correlation between the cosines of the 1,225 Lee pairs and the ratings.

    embeddings: (50, d) array-like of floats, row i the vector of ``lee_similarity()``'s
    document i (normalised or not: cosines are computed here). Returns a float in [-1, 1].
    """
    X = np.asarray(embeddings, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != N_DOCS:
        raise InputError(f"embeddings must be ({N_DOCS}, d), one row per Lee document in the order "
                         f"lee_similarity() returns them; got shape {X.shape}.")
    if not np.isfinite(X).all():
        raise InputError("embeddings contain NaN or infinite values: check the encoder's output.")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if (norms == 0).any():
        raise InputError(f"{int((norms == 0).sum())} document vector(s) are all zeros, so their cosine is "
                         "undefined: check that every document was encoded.")
    X = X / norms
    _, pairs, ratings = lee_similarity()
    cosines = (X[pairs[:, 0]] * X[pairs[:, 1]]).sum(1)
    return float(spearmanr(cosines, ratings).statistic)
