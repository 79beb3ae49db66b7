"""Exercises of lesson 02: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
from embedlab.check import Case, compare_values, exercise, mistake
from typing import Any
from embedlab import cooccurrence


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


exercise("02.cooccurrence_counts", cooccurrence.cooccurrence_counts, cases=_cooccurrence_counts_cases, hints=[])


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
         "d = 1, 2, ..., window inclusive: range(1, window + 1).")
def _cooc_range_short(ids, vocab_size, window):
    return _cooc_dense(ids, vocab_size, window, distances=range(1, window))


@mistake("02.cooccurrence_counts", "Off by one: distance window + 1 is counted too. Count distances "
         "d = 1, ..., window: range(1, window + 1).")
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


exercise("02.ppmi", cooccurrence.ppmi_matrix, cases=_ppmi_cases, name="ppmi_matrix", hints=[])


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


exercise("02.svd_embedding", cooccurrence.svd_embedding, cases=_svd_cases, compare=_compare_up_to_sign, hints=[])


def _svd(matrix):
    return np.linalg.svd(np.asarray(matrix, dtype=np.float64), full_matrices=False)


@mistake("02.svd_embedding", "The columns are scaled by S, not sqrt(S): U * S is what "
         "TruncatedSVD.transform returns, but here W = U[:, :dim] * np.sqrt(S[:dim]), which splits "
         "S evenly between words and contexts.")
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
