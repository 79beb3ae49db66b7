"""Lesson 02, co-occurrence: count which words appear near which, reweight with PPMI, compress with SVD.

"You shall know a word by the company it keeps" (Firth, 1957). This module turns that
sentence into vectors in three steps, each a few array operations on the whole corpus::

    from embedlab import corpus
    from embedlab.word2vec import build_vocab
    docs = corpus.load_corpus()                              # list of token lists
    words, freq = build_vocab(docs, min_count=5)             # most frequent first
    key_to_index = {w: i for i, w in enumerate(words)}
    counts = cooccurrence_matrix(docs, key_to_index, window=5)   # (V, V) scipy CSR, symmetric
    weights = ppmi(counts)                                   # (V, V) CSR, positive PMI
    vectors = lsa_vectors(weights, dim=100)                  # (V, 100) numpy: U * sqrt(S)

1. ``cooccurrence_matrix``: for every pair of tokens at distance d <= window inside a
   document, add 1/d ("harmonic", as GloVe does) or 1 ("uniform", as word2vec's fixed
   window would) to cell (i, j) and to cell (j, i). One shifted comparison per distance,
   no loop over tokens. Exercise ``02.cooccurrence_counts`` is the same on one small
   document, as a dense matrix.
2. ``ppmi`` (exercise ``02.ppmi``): positive pointwise mutual information,
   max(0, log P(w, c) / (P(w) P(c))), with the context distribution raised to the power
   alpha = 0.75 (Levy, Goldberg and Dagan 2015), which tames the PMI of rare contexts.
3. ``lsa_vectors`` (exercise ``02.svd_embedding``): truncated SVD (SciPy's PROPACK or
   ARPACK), W = U_k sqrt(S_k);
   "latent semantic analysis" (Deerwester et al. 1990) when applied to a word-document
   matrix, and the classic count-based word vectors when applied to PPMI.
   The SVD is the exact minimum of ``factorisation_loss``, ||M - W C^T||^2 (Eckart-Young);
   word2vec, GloVe and SWIVEL reach their vectors by gradient descent on losses of that
   shape instead. Exercise ``02.factorisation_gradients`` derives the loss's gradients.

The exercises on these functions (their cases, the realistic wrong answers that ``check``
recognises, and the hints) live in ``embedlab/exercises/lesson02.py``.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import torch

from . import validate
from .device import resolve as _resolve_device

__all__ = [
    "cooccurrence_counts",
    "cooccurrence_matrix",
    "encode_documents",
    "factorisation_loss",
    "lsa_vectors",
    "ppmi",
    "ppmi_matrix",
    "svd_embedding",
]

WEIGHTINGS = ("harmonic", "uniform")


# ---------------------------------------------------------------------------
# Input checks: one clear sentence instead of a traceback from deep inside
# ---------------------------------------------------------------------------
def _check_window(window: Any) -> int:
    return validate.whole_number(window, "window", why="how many words on each side")


def _check_weighting(weighting: Any) -> str:
    if weighting not in WEIGHTINGS:
        raise validate.InputError(f"weighting must be 'harmonic' (1/d, as GloVe) or 'uniform' (1), "
                                  f"not {weighting!r}.")
    return weighting


def _is_sparse(x: Any) -> bool:
    return hasattr(x, "tocsr") and hasattr(x, "nnz")


# ---------------------------------------------------------------------------
# 1. Co-occurrence counts
# ---------------------------------------------------------------------------
def encode_documents(docs: Iterable[Sequence[str]], key_to_index: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The corpus as two int64 arrays of equal length: word ids and document ids.

    Words not in ``key_to_index`` are dropped first, so a window reaches over them (as
    GloVe, word2vec.c and gensim do). Documents are never cut. This is the only pass
    over the tokens in Python; the counting works on these two arrays.
    """
    if isinstance(docs, (str, bytes)):
        raise TypeError("docs must be a list of token lists, e.g. [['the', 'cat'], ['a', 'dog']], not one string")
    if not isinstance(key_to_index, Mapping):
        raise TypeError(f"key_to_index must be a dict word -> row index, not {type(key_to_index).__name__}")
    ids: list[int] = []
    lengths: list[int] = []
    get = key_to_index.get
    for n, doc in enumerate(docs):
        if isinstance(doc, (str, bytes)):
            raise TypeError(f"document {n} is a string; each document must be a list of tokens "
                            "(split it first, e.g. text.split())")
        before = len(ids)
        ids.extend(i for i in map(get, doc) if i is not None)
        lengths.append(len(ids) - before)
    ids_arr = np.asarray(ids, dtype=np.int64)
    doc_arr = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    return ids_arr, doc_arr


def cooccurrence_matrix(docs: Iterable[Sequence[str]], key_to_index: Mapping[str, int], window: int = 5,
                        weighting: str = "harmonic", device: str | torch.device = "cpu"):
    """Symmetric word-word co-occurrence counts of a corpus, as a (V, V) scipy CSR float64 matrix.

    docs: list of token lists. key_to_index: word -> row (0..V-1); tokens not in it are
    dropped before windowing. Every pair of tokens at distance d (1 <= d <= window) inside
    one document adds 1/d (``weighting="harmonic"``, as GloVe) or 1 (``"uniform"``) to both
    cell (i, j) and cell (j, i); a word next to itself therefore adds 2/d to (i, i).
    Row sums are the (weighted) number of context words each word was seen with.

    The counting runs in torch on ``device`` ("cpu", "cuda", ...): for each distance d,
    the token stream is compared with itself shifted by d, and the pairs that stay in
    one document are counted with ``torch.unique`` on the pair key ``i * V + j``.
    Memory is about 40 bytes per token for the largest distance's pairs.
    """
    import scipy.sparse as sp

    docs = validate.token_documents(docs)
    window = _check_window(window)
    _check_weighting(weighting)
    device = _resolve_device(device)
    ids_np, doc_np = encode_documents(docs, key_to_index)
    V = len(key_to_index)
    if V == 0:
        raise ValueError("key_to_index is empty: build a vocabulary first, e.g. with "
                         "embedlab.word2vec.build_vocab(docs, min_count=5)")
    if ids_np.size and (ids_np.min() < 0 or ids_np.max() >= V):
        raise ValueError(f"key_to_index must map words to rows 0..{V - 1} (one row per word), "
                         f"but it contains the index {int(ids_np.max() if ids_np.max() >= V else ids_np.min())}")
    ids = torch.from_numpy(ids_np).to(device)
    doc_ids = torch.from_numpy(doc_np).to(device)

    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        if ids.numel() <= d:
            break
        same_doc = doc_ids[d:] == doc_ids[:-d]               # (n - d,) pairs inside one document
        left, right = ids[:-d][same_doc], ids[d:][same_doc]   # word at t and word at t + d
        keys, n = torch.unique(left * V + right, return_counts=True)
        keys, n = keys.cpu().numpy(), n.cpu().numpy()
        rows.append(keys // V)
        cols.append(keys % V)
        vals.append(n.astype(np.float64) * (1.0 / d if weighting == "harmonic" else 1.0))
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        r = c = np.zeros(0, dtype=np.int64)
        v = np.zeros(0, dtype=np.float64)
    # left -> right counts; the symmetric matrix adds each pair in the other direction too.
    forward = sp.coo_matrix((v, (r, c)), shape=(V, V)).tocsr()   # duplicates are summed
    out = (forward + forward.T).tocsr()
    out.sum_duplicates()
    out.sort_indices()
    return out.astype(np.float64)


def cooccurrence_counts(ids: np.ndarray, vocab_size: int, window: int) -> np.ndarray:
    """Harmonic co-occurrence counts of ONE document, as a dense (V, V) float64 matrix.

    ids: (n,) int array, the word id of each token in order. vocab_size: V. window: the
    largest distance counted. Each pair of positions t < u with u - t = d <= window adds
    1/d to cell (ids[t], ids[u]) AND to cell (ids[u], ids[t]), so the result is symmetric.
    """
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    for d in range(1, window + 1):            # one loop per distance, not per token
        left, right = ids[:-d], ids[d:]       # every pair at distance d (empty if d >= n)
        np.add.at(out, (left, right), 1.0 / d)   # add.at: repeated pairs all count
        np.add.at(out, (right, left), 1.0 / d)   # and the other direction
    return out


# ---------------------------------------------------------------------------
# 2. PPMI
# ---------------------------------------------------------------------------
def _pmi_parts(counts: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray, float]:
    total = counts.sum()
    p_word = counts.sum(axis=1) / total                   # (n,) P(w)
    ctx = counts.sum(axis=0) ** alpha                     # (m,) smoothed context counts
    p_ctx = ctx / ctx.sum()                               # (m,) P_alpha(c)
    return p_word, p_ctx, total


def ppmi_matrix(counts: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """Positive PMI of a dense (n_words, n_contexts) count matrix, with context smoothing.

    counts: (n, m) non-negative counts; row w is a word, column c a context.
    Returns an (n, m) float64 array: max(0, ln(P(w, c) / (P(w) P_alpha(c)))) where
    P(w, c) = counts[w, c] / total, P(w) = row sum / total, and
    P_alpha(c) = colsum[c] ** alpha / sum over c' of colsum[c'] ** alpha.
    Cells with count 0 (their PMI is -inf) give 0, and so do all-zero rows and
    columns: never NaN or inf.
    """
    counts = np.asarray(counts, dtype=np.float64)
    p_word, p_ctx, total = _pmi_parts(counts, alpha)
    expected = np.outer(p_word, p_ctx)                   # (n, m) P(w) P_alpha(c)
    observed = counts / total                            # (n, m) P(w, c)
    out = np.zeros_like(counts)
    seen = counts > 0                                    # log only where the count is positive
    out[seen] = np.log(observed[seen] / expected[seen])
    return np.maximum(out, 0.0)


def ppmi(counts: Any, alpha: float = 0.75):
    """Positive PMI with context-distribution smoothing, for a sparse (or dense) count matrix.

    counts: (n_words, n_contexts) non-negative counts, a scipy sparse matrix (e.g. from
    ``cooccurrence_matrix``) or a dense array. alpha: the power applied to the context
    counts (0.75, as word2vec's negative sampling; 1.0 gives plain PPMI).
    Returns a scipy CSR float64 matrix of the same shape with the same values as
    ``ppmi_matrix(counts.toarray(), alpha)``; only cells with a positive count are ever
    computed, so it stays as sparse as the counts (sparser: negative PMI becomes 0).
    """
    import scipy.sparse as sp

    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.number)) or not (0 < alpha <= 1):
        raise ValueError(f"alpha must be a number in (0, 1] (0.75 smooths, 1.0 is plain PPMI), not {alpha!r}")
    if isinstance(counts, torch.Tensor):
        counts = counts.detach().cpu().numpy()
    m = sp.csr_matrix(counts, dtype=np.float64) if _is_sparse(counts) or np.ndim(counts) == 2 else None
    if m is None:
        raise ValueError(f"counts must be a 2-D matrix (words x contexts), not an array of shape {np.shape(counts)}")
    m = m.copy()
    m.sum_duplicates()
    if m.nnz and not np.all(np.isfinite(m.data)):
        raise ValueError("counts contain NaN or inf: co-occurrence counts must be finite numbers >= 0")
    if m.nnz and m.data.min() < 0:
        raise ValueError("counts must be >= 0 (they are co-occurrence counts); found a negative value")
    m.eliminate_zeros()
    total = m.data.sum()
    if total == 0:
        return sp.csr_matrix(m.shape, dtype=np.float64)
    row_sums = np.asarray(m.sum(axis=1)).ravel()             # (n,)
    ctx = np.asarray(m.sum(axis=0)).ravel() ** alpha         # (m,) smoothed context counts
    p_ctx = ctx / ctx.sum()
    coo = m.tocoo()
    # ln(P(w,c) / (P(w) P(c))) = ln(count * total / (row_sum * total * P(c))) for every stored cell
    pmi = np.log(coo.data / (row_sums[coo.row] * p_ctx[coo.col]))
    keep = pmi > 0
    out = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=m.shape, dtype=np.float64)
    out.sort_indices()
    return out


# ---------------------------------------------------------------------------
# 3. Truncated SVD: LSA word vectors, the best factorisation M ~ W C^T
# ---------------------------------------------------------------------------
def _sign_fixed(u: np.ndarray) -> np.ndarray:
    """Flip each column so that its largest-magnitude entry is positive (as sklearn's svd_flip)."""
    if u.size == 0:
        return u
    big = np.argmax(np.abs(u), axis=0)
    signs = np.sign(u[big, np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u * signs


def factorisation_loss(matrix: np.ndarray, W: np.ndarray, C: np.ndarray) -> float:
    """How badly word vectors W and context vectors C rebuild a matrix: ||M - W C^T||^2.

    matrix: (n, m) float array M (rows: words, columns: contexts). W: (n, k) word vectors,
    C: (m, k) context vectors. Returns the sum over all cells of (M[i, j] - W[i] . C[j])^2,
    the squared Frobenius norm of the residual, as a float. Its minimum over all W, C of
    width k is reached by the truncated SVD, W = U_k S_k^(1/2) and C = V_k S_k^(1/2), and
    equals the sum of the squared singular values that the SVD drops (Eckart-Young).
    """
    M, W, C = (np.asarray(x, dtype=np.float64) for x in (matrix, W, C))
    if M.ndim != 2 or W.ndim != 2 or C.ndim != 2 or W.shape != (M.shape[0], C.shape[1]) \
            or C.shape[0] != M.shape[1]:
        raise ValueError(f"an (n, m) matrix needs W of shape (n, k) and C of shape (m, k); got a matrix of "
                         f"shape {M.shape}, W {W.shape} and C {C.shape}")
    residual = M - W @ C.T                                  # (n, m): what the factors miss
    return float(np.sum(residual ** 2))


def svd_embedding(matrix: np.ndarray, dim: int) -> np.ndarray:
    """Word vectors from the top ``dim`` singular directions: W = U[:, :dim] * sqrt(S[:dim]).

    matrix: (n_words, n_contexts) float array (e.g. PPMI). dim: how many dimensions to
    keep (<= min(n_words, n_contexts)). Returns (n_words, dim) float64. The sign of each
    singular vector is arbitrary, so check() accepts every column or its negative.
    """
    U, S, Vt = np.linalg.svd(np.asarray(matrix, dtype=np.float64), full_matrices=False)
    # numpy returns S sorted from largest to smallest: the first dim columns are the top ones
    return U[:, :dim] * np.sqrt(S[:dim])                 # (n, dim): scale column k by sqrt(S[k])


def lsa_vectors(matrix: Any, dim: int = 100, seed: int = 0, solver: str = "propack") -> np.ndarray:
    """Dense word vectors from a (sparse) matrix by truncated SVD: U_k * sqrt(S_k), (V, dim) float64.

    matrix: (n, m) scipy sparse matrix or dense array, e.g. ``ppmi(counts)``. dim: number
    of dimensions kept, at most min(n, m) - 1. seed: fixes the solver's random start, so
    the result is the same on every run. The columns come in decreasing singular value; the
    sign of each is fixed so that its largest-magnitude entry is positive (scikit-learn's
    convention).

    solver: ``"propack"`` (default; the faster of the two on the course's PPMI matrices,
    docs/benchmarks.md) or ``"arpack"`` (the solver of ``TruncatedSVD(algorithm="arpack")``),
    both through ``scipy.sparse.linalg.svds``. Both are exact up to solver tolerance, not
    randomized, and give the same vectors; where SciPy has PROPACK switched off (SciPy <
    1.12 without ``SCIPY_USE_PROPACK=1``), ARPACK is used instead.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    if solver not in ("propack", "arpack"):
        raise ValueError(f"solver must be 'propack' or 'arpack', not {solver!r}")
    if isinstance(matrix, torch.Tensor):
        matrix = matrix.detach().cpu().numpy()
    if not _is_sparse(matrix):
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError(f"matrix must be 2-D (words x contexts), not of shape {matrix.shape}")
    m = sp.csr_matrix(matrix, dtype=np.float64)
    if m.nnz and not np.all(np.isfinite(m.data)):
        raise ValueError("matrix contains NaN or inf: fix the step that built it (PPMI of an all-zero row?)")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not 1 <= dim < min(m.shape):
        raise ValueError(f"dim must be a whole number from 1 to {min(m.shape) - 1} "
                         f"(smaller than both sides of the {m.shape[0]} x {m.shape[1]} matrix), not {dim!r}")
    U = S = None
    if solver == "propack":
        try:
            U, S, _ = svds(m, k=int(dim), solver="propack", random_state=seed)
        except ValueError as err:  # PROPACK switched off in this SciPy: fall back to ARPACK
            if "propack" not in str(err).lower():
                raise
    if U is None:
        v0 = np.random.default_rng(seed).uniform(-1.0, 1.0, size=min(m.shape))
        U, S, _ = svds(m, k=int(dim), v0=v0, solver="arpack", random_state=seed)
    order = np.argsort(-S, kind="stable")                # make the order explicit: largest first
    U, S = U[:, order], np.clip(S[order], 0.0, None)
    return _sign_fixed(U) * np.sqrt(S)
