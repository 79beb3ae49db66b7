"""Exercises of lesson 02: case generators, registered mistakes and hints.

02.cooccurrence_counts, 02.ppmi and 02.svd_embedding are graded against the references
in ``embedlab/cooccurrence.py``; 02.factorisation_gradients, the lesson's derivation, is
graded against numerical gradients of ``cooccurrence.factorisation_loss``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from embedlab import cooccurrence
from embedlab.check import Case, compare_values, exercise, mistake
from embedlab.gradcheck import numerical_gradients


# ---------------------------------------------------------------------------
# embedlab/cooccurrence.py
# ---------------------------------------------------------------------------


def _cooccurrence_counts_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.array([0, 1, 2]), 3, 1), label="3 different words, window 1"),
        Case((np.array([0, 1, 2, 3]), 4, 2), label="4 different words, window 2: distance 2 weighs 1/2"),
        Case((np.array([0, 0, 1, 0]), 2, 2), label="a word next to itself (the diagonal)"),
        Case((np.array([2, 0, 1]), 4, 5), label="window longer than the document; word 3 never occurs"),
        Case((np.array([1]), 2, 2), label="a single token: no pairs at all"),
    ]
    for n, V, w in [(20, 6, 2), (60, 12, 3), (200, 30, 5)]:
        cases.append(Case((rng.integers(0, V, size=n), V, w), label=f"random ids: {n} tokens, V={V}, window {w}"))
    return cases


exercise("02.cooccurrence_counts", cooccurrence.cooccurrence_counts, cases=_cooccurrence_counts_cases, hints=[
    "Work out what one pair adds. Positions t < u at distance d = u - t (1 <= d <= window) add "
    "1/d to the cell (ids[t], ids[u]) and the same again to (ids[u], ids[t]). Start from a V x V "
    "array of float zeros and add into it; positions further apart than the window add nothing.",
    "A double loop is fine: for each position t, visit the positions u = t + 1, ..., t + window "
    "that exist (stop at the end of the document) and add 1/(u - t) in both directions. Going "
    "forward only (u > t) and adding both directions counts every pair once in each cell; a word "
    "next to itself lands twice in its diagonal cell, which is right.",
    "Without a loop over tokens: for each distance d = 1, ..., window, the arrays ids[:-d] and "
    "ids[d:] line up every pair at distance d. Add 1/d at (left, right) and at (right, left) with "
    "np.add.at, which adds once per pair even when the same pair occurs twice; "
    "out[left, right] += 1/d would add only once per distinct cell.",
])


def _cooc_dense(ids, vocab_size, window, weight=lambda d: 1.0 / d, distances=None, both=True):
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    for d in (range(1, window + 1) if distances is None else distances):
        if d <= 0:
            np.add.at(out, (ids, ids), weight(1))
            continue
        np.add.at(out, (ids[:-d], ids[d:]), weight(d))
        if both:
            np.add.at(out, (ids[d:], ids[:-d]), weight(d))
    return out


@mistake("02.cooccurrence_counts", "Every pair counts 1 here: a pair at distance d should add 1/d "
         "(near words count more), e.g. 1/2 for neighbours two apart.")
def _cooc_uniform(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, weight=lambda d: 1.0)


@mistake("02.cooccurrence_counts", "The diagonal is half what it should be: when both tokens of a "
         "pair are the same word, its 1/d goes to cell (w, w) twice (once for each direction), as it "
         "does for any other pair. Do not skip the second addition when the two words are equal.")
def _cooc_diagonal_once(ids, vocab_size, window):
    out = cooccurrence.cooccurrence_counts(ids, vocab_size, window).astype(np.float64)
    np.fill_diagonal(out, np.diag(out) / 2)
    return out


@mistake("02.cooccurrence_counts", "Only one direction is counted, so the matrix is not symmetric: "
         "a pair (a, b) must add 1/d to cell (a, b) AND to cell (b, a).")
def _cooc_one_direction(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, both=False)


@mistake("02.cooccurrence_counts", "Every cell is twice too large: each pair is counted twice. Your loop "
         "visits every pair from both ends (u before t and u after t) AND adds it in both directions. "
         "Do one or the other: loop over u > t only and add to (ids[t], ids[u]) and (ids[u], ids[t]), "
         "or loop over both sides and add to (ids[t], ids[u]) only.")
def _cooc_both_sides_both_directions(ids, vocab_size, window):
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    for t in range(len(ids)):                # the loop a learner writes: every neighbour u of t ...
        for u in range(max(0, t - window), min(len(ids), t + window + 1)):
            if u != t:                       # ... on both sides, and each one added both ways
                out[ids[t], ids[u]] += 1.0 / abs(u - t)
                out[ids[u], ids[t]] += 1.0 / abs(u - t)
    return out


@mistake("02.cooccurrence_counts", "Off by one: the largest distance is missing. Count distances "
         "d = 1, 2, ..., window inclusive (Python's range stops before its end value).")
def _cooc_range_short(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, distances=range(1, window))


@mistake("02.cooccurrence_counts", "Off by one: distance window + 1 is counted too. Count distances "
         "d = 1, ..., window, and no further.")
def _cooc_range_long(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, distances=range(1, window + 2))


@mistake("02.cooccurrence_counts", "Each token is counted as its own context (distance 0): start the "
         "distances at 1, a word is not its own neighbour.")
def _cooc_self(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, distances=[0, *range(1, window + 1)])


@mistake("02.cooccurrence_counts", "Repeated pairs are counted once: `out[a, b] += w` with index "
         "arrays does not add up duplicates. Use np.add.at(out, (a, b), w) or a plain loop.")
def _cooc_buffered(ids, vocab_size, window):
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    for d in range(1, window + 1):
        out[ids[:-d], ids[d:]] += 1.0 / d
        out[ids[d:], ids[:-d]] += 1.0 / d
    return out


@mistake("02.cooccurrence_counts", "The counts come out as whole numbers: your array has an integer "
         "dtype (np.zeros(..., dtype=int), or an array copied from the int ids), so every 1/d below 1 "
         "is cut to 0 as it is added and only neighbours at distance 1 count. Make the array float "
         "(np.zeros's default dtype).")
def _cooc_int(ids, vocab_size, window):
    out = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    for t in range(len(ids)):                # the learner's loop, adding into an integer array
        for u in range(t + 1, min(len(ids), t + window + 1)):
            out[ids[t], ids[u]] += 1.0 / (u - t)
            out[ids[u], ids[t]] += 1.0 / (u - t)
    return out


def _ppmi_cases(rng: np.random.Generator) -> list[Case]:
    small = np.array([[2.0, 1.0, 0.0],
                      [1.0, 0.0, 3.0],
                      [0.0, 4.0, 1.0]])
    cases = [
        Case((small,), {"alpha": 1.0}, label="3 x 3 counts, alpha=1 (plain PPMI)"),
        Case((small,), label="the same counts, alpha=0.75 (smoothed contexts)"),
        Case((np.array([[1.0, 2.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 1.0, 2.0]]),),
             label="a word with no contexts at all (an all-zero row)"),
        Case((np.array([[4.0, 0.0, 1.0], [2.0, 0.0, 5.0]]),), {"alpha": 1.0},
             label="2 words x 3 contexts; context 1 never occurs (all-zero column)"),
        Case((np.array([[5.0, 1.0, 0.0, 0.0, 2.0], [0.0, 2.0, 7.0, 1.0, 0.0]]),),
             label="2 words x 5 contexts (not square: rows are words, columns contexts)"),
    ]
    for n, m, alpha in [(8, 12, 0.75), (40, 60, 0.75), (30, 30, 1.0)]:
        rate = 4.0 / np.arange(1, m + 1) ** 0.9
        counts = rng.poisson(rate[None, :] * rng.uniform(0.2, 2.0, size=(n, 1))).astype(float)
        counts[:, rng.permutation(m)] = counts.copy()
        cases.append(Case((counts,), {"alpha": alpha},
                          label=f"random {n} x {m} counts, alpha={alpha}"))
    return cases


exercise("02.ppmi", cooccurrence.ppmi_matrix, cases=_ppmi_cases, name="ppmi_matrix", hints=[
    "Three probabilities come from the one table: $P(w, c)$ is a cell over the total of all "
    "cells, $P(w)$ comes from the row sums (words), and $P_\\alpha(c)$ from the column sums "
    "(contexts) raised to the power $\\alpha$ and then rescaled to add up to 1. PMI compares "
    "$P(w, c)$ with the chance value $P(w)\\,P_\\alpha(c)$.",
    "Compute them as arrays: an (n,) vector $P(w)$, an (m,) vector $P_\\alpha(c)$, and their "
    "outer product, the (n, m) table of chance values. A zero count has PMI $-\\infty$, and an "
    "all-zero row or column gives 0/0: all of these must come out as 0, so never take the log "
    "of those cells.",
    "Start from an (n, m) array of zeros. With a boolean mask of the cells where counts > 0, "
    "fill only those cells with np.log(P(w, c) / (P(w) P_alpha(c))), the three factors indexed "
    "with the same mask; then clip the negative values with np.maximum(pmi, 0).",
])


def _pmi_any(counts, alpha, row_alpha=1.0, col_norm=True, clip=True, guard=True, log=np.log, swap=False):
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    if swap:  # only runs for square matrices; otherwise np.outer below has the wrong shape
        rows, cols = cols, rows
    p_word = rows ** row_alpha / (rows ** row_alpha).sum()
    p_ctx = cols ** alpha / ((cols ** alpha).sum() if col_norm else total)
    with np.errstate(all="ignore"):
        pmi = log((counts / total) / np.outer(p_word, p_ctx))
    if guard:
        pmi = np.where(counts > 0, pmi, 0.0)
    return np.maximum(pmi, 0.0) if clip else pmi


@mistake("02.ppmi", "Negative values are left in: this is PMI. PPMI keeps only the positive part, "
         "np.maximum(pmi, 0), so pairs seen less often than chance get 0.")
def _ppmi_no_clip(counts, alpha=0.75):
    return _pmi_any(counts, alpha, clip=False)


@mistake("02.ppmi", "NaN where a row or column is all zeros: 0 / 0 inside the log. Compute the log "
         "only where counts > 0 (e.g. out[mask] = np.log(...[mask])) and leave 0 elsewhere.")
def _ppmi_nan(counts, alpha=0.75):
    return _pmi_any(counts, alpha, guard=False)


@mistake("02.ppmi", "The smoothing power alpha is applied to the words (rows) as well: raise only the "
         "CONTEXT (column) sums to the power alpha; P(w) stays row sum / total.")
def _ppmi_alpha_rows(counts, alpha=0.75):
    return _pmi_any(counts, alpha, row_alpha=alpha)


@mistake("02.ppmi", "The smoothing is not applied: P_alpha(c) = colsum ** alpha / "
         "sum(colsum ** alpha). With alpha=1 this is plain PPMI, but the default is alpha=0.75.")
def _ppmi_no_alpha(counts, alpha=0.75):
    return _pmi_any(counts, 1.0)


@mistake("02.ppmi", "After raising the context sums to the power alpha, divide by the sum of the "
         "powered sums, sum(colsum ** alpha), not by the total count: P_alpha must add up to 1.")
def _ppmi_alpha_not_renormalised(counts, alpha=0.75):
    return _pmi_any(counts, alpha, col_norm=False)


@mistake("02.ppmi", "P_alpha(c) divides by total ** alpha, the total count raised to the power: that "
         "does not add up to 1 either. Divide each powered context sum by the SUM of all the powered "
         "context sums.")
def _ppmi_alpha_over_total_power(counts, alpha=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    p_word = counts.sum(axis=1) / total
    p_ctx = counts.sum(axis=0) ** alpha / total ** alpha
    with np.errstate(all="ignore"):
        pmi = np.log((counts / total) / np.outer(p_word, p_ctx))
    return np.maximum(np.where(counts > 0, pmi, 0.0), 0.0)


@mistake("02.ppmi", "P(w) and P(c) are swapped: P(w) comes from the row sums (counts.sum(axis=1)), "
         "P(c) from the column sums (counts.sum(axis=0)).")
def _ppmi_axes_swapped(counts, alpha=0.75):
    return _pmi_any(counts, alpha, swap=True)


@mistake("02.ppmi", "The logarithm has the wrong base: PMI here uses the natural logarithm, np.log.")
def _ppmi_log2(counts, alpha=0.75):
    return _pmi_any(counts, alpha, log=np.log2)


def _compare_up_to_sign(got: Any, expected: Any) -> str | None:
    """Like the default comparison, but each column may be multiplied by -1 (SVD signs are arbitrary)."""
    from embedlab.check import _as_numeric_array

    g, e = _as_numeric_array(got), _as_numeric_array(expected)
    if g is None or e is None or g.shape != e.shape or g.ndim != 2:
        return compare_values(got, expected, rtol=1e-5, atol=1e-7)
    g = g.astype(np.float64)
    if not np.isfinite(g).all():
        return compare_values(g, e, rtol=1e-5, atol=1e-7)
    flip = np.where((g * e).sum(axis=0) < 0, -1.0, 1.0)     # the sign that matches each column best
    why = compare_values(g * flip, e, rtol=1e-5, atol=1e-7)
    return None if why is None else why + " (after matching the sign of each column)"


def _svd_cases(rng: np.random.Generator) -> list[Case]:
    a = np.array([[3.0, 1.0, 0.0, 0.0],
                  [1.0, 2.0, 0.0, 1.0],
                  [0.0, 0.0, 4.0, 1.0],
                  [0.0, 1.0, 1.0, 1.0]])
    cases = [
        Case((a, 2), label="4 x 4 matrix, keep 2 dimensions"),
        Case((a, 4), label="keep every dimension: W @ W.T equals U S U.T"),
        Case((np.array([[1.0, 0.0, 2.0, 0.0, 0.5], [0.0, 3.0, 0.0, 1.0, 0.0], [2.0, 1.0, 0.0, 0.0, 1.0]]), 2),
             label="3 words x 5 contexts (more columns than rows)"),
        Case((np.outer([1.0, 2.0, 0.0, 1.0], [0.5, 1.0, 1.5]), 2),
             label="rank 1 matrix: the second singular value is 0, so its column is 0"),
        Case((np.zeros((3, 3)), 2), label="all zeros: all vectors are zero"),
    ]
    for n, m, k in [(10, 8, 3), (40, 60, 10), (80, 50, 20)]:
        x = np.maximum(rng.normal(size=(n, m)) + 0.5, 0.0) * rng.uniform(0.5, 3.0, size=(n, 1))
        cases.append(Case((x, k), label=f"random non-negative {n} x {m} matrix, keep {k}"))
    return cases


exercise("02.svd_embedding", cooccurrence.svd_embedding, cases=_svd_cases, compare=_compare_up_to_sign, hints=[
    "Everything you need is in the decomposition $M = U S V^\\top$ of the text: which factor has "
    "one row per word, and which singular values belong to the top dim directions? NumPy computes "
    "it (np.linalg.svd; ask for the thin version, full_matrices=False, and read in which order it "
    "returns the singular values).",
    "np.linalg.svd returns U, S and Vt, with S sorted from the largest value down: the top dim "
    "directions are the first dim columns of U. The word vectors come from U, whose rows follow "
    "the rows of the matrix, not from Vt (those are the contexts).",
    "Keep the first dim columns of U and the first dim singular values, and multiply column k by "
    "the square root of S[k]. Broadcasting does every column at once: an (n, dim) array times a "
    "(dim,) vector scales each column by its own entry.",
])


def _svd(matrix):
    return np.linalg.svd(np.asarray(matrix, dtype=np.float64), full_matrices=False)


@mistake("02.svd_embedding", "The columns are scaled by S, not sqrt(S): U * S is what "
         "TruncatedSVD.transform returns, but here each column of U is scaled by the square root "
         "of its singular value, which splits S evenly between words and contexts.")
def _svd_us(matrix, dim):
    U, S, _ = _svd(matrix)
    return U[:, :dim] * S[:dim]


@mistake("02.svd_embedding", "The singular values are missing: multiply column k of U by "
         "np.sqrt(S[k]), otherwise every dimension gets the same weight.")
def _svd_u_only(matrix, dim):
    U, _, _ = _svd(matrix)
    return U[:, :dim].copy()


@mistake("02.svd_embedding", "These are the smallest singular directions: np.linalg.svd sorts S from "
         "largest to smallest, so keep the FIRST dim columns, U[:, :dim].")
def _svd_smallest(matrix, dim):
    U, S, _ = _svd(matrix)
    r = len(S)
    return U[:, r - dim:] * np.sqrt(S[r - dim:])


@mistake("02.svd_embedding", "These are the context vectors (rows of Vt): word vectors come from "
         "U, whose rows follow the rows of the matrix.")
def _svd_contexts(matrix, dim):
    _, S, Vt = _svd(matrix)
    return Vt[:dim].T * np.sqrt(S[:dim])


# ---------------------------------------------------------------------------
# 02.factorisation_gradients: the derivation. Graded against numerical gradients of
# cooccurrence.factorisation_loss, never against the analytic answer.
# ---------------------------------------------------------------------------
def factorisation_gradients(matrix, W, C):
    """dL/dW and dL/dC of L = cooccurrence.factorisation_loss(matrix, W, C), by central differences."""
    return numerical_gradients(cooccurrence.factorisation_loss, (matrix, W, C), wrt=(1, 2))


def _factorisation_cases(rng: np.random.Generator) -> list[Case]:
    def svd_factors(m, k):
        U, S, Vt = np.linalg.svd(m, full_matrices=False)
        return U[:, :k] * np.sqrt(S[:k]), Vt[:k].T * np.sqrt(S[:k])

    w_exact, c_exact = rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    a = np.array([[3.0, 1.0, 0.0, 0.0],
                  [1.0, 2.0, 0.0, 1.0],
                  [0.0, 0.0, 4.0, 1.0],
                  [0.0, 1.0, 1.0, 1.0]])
    square = rng.uniform(0.0, 2.0, size=(3, 3))
    cases = [
        Case((np.array([[3.0]]), np.array([[1.0]]), np.array([[2.0]])),
             label="one word, one context, k = 1: L = (3 - w c)^2 with w = 1, c = 2"),
        Case((square, rng.normal(size=(3, 2)), rng.normal(size=(3, 2))),
             label="3 words x 3 contexts, k = 2"),
        Case((np.array([[1.0, 0.0, 2.0, 0.5], [0.0, 3.0, 0.0, 1.0], [2.0, 1.0, 0.0, 0.0]]),
              np.array([[0.5, -1.0], [1.0, 0.0], [0.0, 1.0]]),
              np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-0.5, 0.5]])),
             label="3 words x 4 contexts (not square: W is (3, 2), C is (4, 2))"),
        Case((w_exact @ c_exact.T, w_exact, c_exact),
             label="the matrix is exactly W C^T: the residual is 0, so are both gradients"),
        Case((a, *svd_factors(a, 2)),
             label="W and C from the SVD of the matrix (k = 2): a minimum, both gradients are 0"),
    ]
    for n, m, k in [(6, 5, 1), (8, 12, 3), (20, 15, 4)]:
        matrix = np.maximum(rng.normal(size=(n, m)) + 0.5, 0.0)
        cases.append(Case((matrix, rng.normal(size=(n, k)), rng.normal(size=(m, k))),
                          label=f"random {n} x {m} matrix, k = {k}"))
    return cases


def _compare_gradient_pair(got: Any, expected: Any) -> str | None:
    """Two arrays, (dL/dW, dL/dC), each compared with the numerical gradient."""
    if not isinstance(expected, (tuple, list)):           # a mistake's output (one array) against another
        return compare_values(got, expected, rtol=1e-5, atol=1e-7)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        what = f"a {type(got).__name__} of {len(got)} items" if isinstance(got, (tuple, list)) else (
            f"an array of shape {np.shape(got)}" if isinstance(got, np.ndarray) else type(got).__name__)
        return f"expected a tuple of two arrays (dL/dW, dL/dC), got {what}"
    for name, g, e in zip(("dL/dW", "dL/dC"), got, expected):
        why = compare_values(g, e, rtol=1e-5, atol=1e-7)
        if why:
            return f"{name}: {why}"
    return None


exercise("02.factorisation_gradients", factorisation_gradients, cases=_factorisation_cases,
         compare=_compare_gradient_pair, hints=[
    "Write the loss one cell at a time: $L = \\sum_{i,j} r_{ij}^2$ with the residual "
    "$r_{ij} = M_{ij} - w_i \\cdot c_j$, where $w_i$ is row i of W and $c_j$ row j of C. Row "
    "$w_i$ appears only in the cells of row i. Differentiate one square with the chain rule, then "
    "add up the cells it appears in.",
    "For one cell, $\\partial r_{ij}^2 / \\partial w_i = 2 r_{ij}\\, \\partial r_{ij} / \\partial w_i$, "
    "and $\\partial (w_i \\cdot c_j) / \\partial w_i = c_j$. So row i of dL/dW is a weighted sum "
    "of the context vectors $c_j$, weighted by the residuals of row i (mind the sign). dL/dC is the "
    "same with words and contexts swapped: row j collects the residuals of column j. Shapes: dL/dW "
    "is (n, k) like W, dL/dC is (m, k) like C.",
    "In matrices: compute the (n, m) residual matrix R = M - W C^T once. Row i of dL/dW is -2 times "
    "the sum over j of R[i, j] C[j], which is row i of the product R C; dL/dC is the same product "
    "with the transposed residual and W. Return the two arrays as a tuple (dL/dW, dL/dC).",
])


def _residual(matrix, W, C):
    return np.asarray(matrix, dtype=np.float64) - np.asarray(W, dtype=np.float64) @ np.asarray(C, dtype=np.float64).T


@mistake("02.factorisation_gradients", "Both gradients are half the right size: the derivative of a "
         "square $r^2$ is $2 r\\, r'$, and the factor 2 has gone missing.")
def _fact_no_two(matrix, W, C):
    R = _residual(matrix, W, C)
    return -R @ C, -R.T @ W


@mistake("02.factorisation_gradients", "Both gradients point the wrong way (the sign is flipped): the "
         "residual is $r_{ij} = M_{ij} - w_i \\cdot c_j$, so $\\partial r_{ij} / \\partial w_i = -c_j$. "
         "The minus sign of the inner derivative is easy to lose; a step against your gradient would "
         "make the loss grow.")
def _fact_sign(matrix, W, C):
    R = _residual(matrix, W, C)
    return 2 * R @ C, 2 * R.T @ W


@mistake("02.factorisation_gradients", "The gradients use the matrix M where they need the residual "
         "M - W C^T: expanding the square gives $-2 M_{ij}\\, w_i \\cdot c_j + (w_i \\cdot c_j)^2$, and "
         "the second term depends on W and C too. Differentiate the whole square.")
def _fact_matrix_not_residual(matrix, W, C):
    M = np.asarray(matrix, dtype=np.float64)
    return -2 * M @ C, -2 * M.T @ W


@mistake("02.factorisation_gradients", "dL/dC uses the residual as it is, but row j of C sits in "
         "COLUMN j of the residual: its gradient needs the transposed residual (and gives an (m, k) "
         "array, the shape of C, also when the matrix is not square).")
def _fact_no_transpose(matrix, W, C):
    R = _residual(matrix, W, C)
    return -2 * R @ C, -2 * R @ W


@mistake("02.factorisation_gradients", "These are the gradients of the MEAN of the squared residuals: "
         "the loss here is their SUM over all n x m cells, with no division by the number of cells.")
def _fact_mean(matrix, W, C):
    R = _residual(matrix, W, C)
    return -2 * R @ C / R.size, -2 * R.T @ W / R.size


@mistake("02.factorisation_gradients", "The two gradients are swapped: return them in the order of "
         "the arguments, (dL/dW, dL/dC), with dL/dW shaped like W and dL/dC like C.")
def _fact_swapped(matrix, W, C):
    R = _residual(matrix, W, C)
    return -2 * R.T @ W, -2 * R @ C


@mistake("02.factorisation_gradients", "Only dL/dW is returned: the function returns both gradients, "
         "as a tuple (dL/dW, dL/dC). dL/dC is the same derivation with the roles of words and "
         "contexts swapped.")
def _fact_only_w(matrix, W, C):
    return -2 * _residual(matrix, W, C) @ C
