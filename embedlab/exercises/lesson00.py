"""Exercises of lesson 00: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
from embedlab.check import Case, exercise, mistake
from embedlab import welcome


# ---------------------------------------------------------------------------
# embedlab/welcome.py
# ---------------------------------------------------------------------------


def _vector_length_cases(rng: np.random.Generator) -> list[Case]:
    # Edge cases first. Their order matters for the hints: each registered mistake
    # must first fail on a case where its output differs from every other mistake's
    # (the 3-4-5 case tells L1, max, RMS and |sum| apart).
    cases = [
        Case((np.zeros(3),), label="the zero vector"),
        Case((np.array([7.0]),), label="a single element"),
        Case((np.array([3.0, -4.0]),), label="a 3-4-5 triangle, with a negative entry"),
        Case((np.array([-1.0, -2.0, -2.0]),), label="every entry negative"),
        Case((np.array([1, 2, 2]),), label="integer entries"),
        Case((np.array([0.6, 0.8], dtype=np.float32),), label="a float32 unit vector"),
        Case((np.ones(100),), label="all ones in 100 dimensions"),
        Case((rng.standard_normal(10_000),), label="10,000 dimensions"),
        Case(([3.0, 4.0, 12.0],), label="a plain Python list"),
    ]
    for i in range(5):
        dim = int(rng.integers(2, 300))
        scale = float(rng.uniform(0.1, 10.0))
        cases.append(Case((scale * rng.standard_normal(dim),), label=f"random vector {i + 1} ({dim} dims)"))
    return cases


exercise("00.vector_length", welcome.vector_length, cases=_vector_length_cases, hints=[])


@mistake("00.vector_length",
         "len(v) counts the entries (the vector's dimension). Here 'length' means the geometric "
         "length: the distance from the origin to the point v, sqrt(v[0]**2 + v[1]**2 + ...). "
         "The zero vector has length 0 whatever its dimension.")
def _count_entries(v):
    return float(len(v))


@mistake("00.vector_length",
         "you returned the sum of the squares, which is the *squared* length. Take the square "
         "root at the end: np.sqrt(...). For [7.0] the length is 7, not 49.")
def _no_square_root(v):
    v = np.asarray(v, dtype=np.float64)
    return float(np.sum(v * v))


@mistake("00.vector_length",
         "you added up the absolute values: that is the L1 ('Manhattan') length, |3| + |-4| = 7. "
         "The Euclidean length squares each entry, sums the squares, then takes the square root: "
         "sqrt(9 + 16) = 5.")
def _l1_length(v):
    return float(np.sum(np.abs(np.asarray(v, dtype=np.float64))))


@mistake("00.vector_length",
         "you returned the largest absolute entry (the L-infinity or 'max' norm). In the "
         "Euclidean length every entry counts: square them all, sum, then take the square root.")
def _largest_entry(v):
    return float(np.max(np.abs(np.asarray(v, dtype=np.float64))))


@mistake("00.vector_length",
         "you averaged the squares (np.mean) before the square root: that is the root-mean-square, "
         "the length divided by sqrt(number of entries). Sum the squares instead of averaging them.")
def _root_mean_square(v):
    v = np.asarray(v, dtype=np.float64)
    return float(np.sqrt(np.mean(v * v)))


@mistake("00.vector_length",
         "you took the square root of the plain sum of the entries. Square each entry first, so "
         "that every entry adds to the length and negative entries count as much as positive ones.")
def _root_of_sum(v):
    return float(np.sqrt(np.sum(np.asarray(v, dtype=np.float64))))


@mistake("00.vector_length",
         "you squared the sum instead of summing the squares: (3 + -4)**2 = 1 but 3**2 + (-4)**2 = 25. "
         "Square each entry (v * v or v ** 2), then sum, then take the square root.")
def _root_of_squared_sum(v):
    return float(np.sqrt(np.sum(np.asarray(v, dtype=np.float64)) ** 2))


@mistake("00.vector_length",
         "your function works on NumPy arrays but not on a plain Python list: arithmetic such as "
         "`[3.0, 4.0] ** 2` is an error for lists. Convert first: v = np.asarray(v, dtype=float).")
def _arithmetic_on_list(v):
    return float(np.sqrt((v ** 2).sum()))


@mistake("00.vector_length",
         "a plain Python list has no .dot(), .sum() or .shape, only NumPy arrays do. Convert first: "
         "v = np.asarray(v, dtype=float).")
def _array_method_on_list(v):
    return float(np.sqrt(v.dot(v)))
