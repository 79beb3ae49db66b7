"""Exercises of lesson 00 (welcome): vector length, distance, and a first gradient.

Each exercise has its cases (edge cases first, then seeded random ones), the realistic
wrong answers whose hints name the exact error, and 2-3 progressive hints for
``embedlab.hint``. The references are in ``embedlab/welcome.py``, except the one of the
derivation exercise ``00.vector_length_grad``, which is no formula: it differentiates
``welcome.vector_length`` numerically, so the answer stays the learner's to derive.
"""
from __future__ import annotations

import numpy as np

from embedlab import welcome
from embedlab.check import Case, exercise, mistake
from embedlab.gradcheck import numerical_gradient


def _as_float(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


# ---------------------------------------------------------------------------
# 00.vector_length
# ---------------------------------------------------------------------------
def _vector_length_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.zeros(3),), label="the zero vector"),
        Case((np.array([7.0]),), label="a single element"),
        # 3-4-5 tells the L1 length (7), the largest entry (4), the root-mean-square
        # and the root of the plain sum apart from the Euclidean length (5).
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


exercise("00.vector_length", welcome.vector_length, cases=_vector_length_cases, hints=[
    "The length of $v$ is the distance from the origin to the point $v$. Pythagoras' theorem "
    "gives it in two dimensions, and the same rule holds in any number of dimensions.",
    "Every entry counts, a negative one as much as a positive one: square each entry, add up "
    "the squares, then take the square root. For $(3, -4)$: $\\sqrt{9 + 16} = 5$. The input may "
    "be a plain Python list or an integer array, so turn it into a float array first.",
    "Three steps on a float array: square every entry (multiplying two arrays multiplies them "
    "entry by entry), add the squares up, take the square root. `np.asarray(..., dtype=float)` "
    "makes a float array of a list or an integer array. Return one plain number.",
])


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
    v = _as_float(v)
    return float(np.sum(v * v))


@mistake("00.vector_length",
         "you added up the absolute values: that is the L1 ('Manhattan') length, |3| + |-4| = 7. "
         "The Euclidean length squares each entry, sums the squares, then takes the square root: "
         "sqrt(9 + 16) = 5.")
def _l1_length(v):
    return float(np.sum(np.abs(_as_float(v))))


@mistake("00.vector_length",
         "you returned the largest absolute entry (the L-infinity or 'max' norm). In the "
         "Euclidean length every entry counts: square them all, sum, then take the square root.")
def _largest_entry(v):
    return float(np.max(np.abs(_as_float(v))))


@mistake("00.vector_length",
         "you averaged the squares (np.mean) before the square root: that is the root-mean-square, "
         "the length divided by sqrt(number of entries). Sum the squares instead of averaging them.")
def _root_mean_square(v):
    v = _as_float(v)
    return float(np.sqrt(np.mean(v * v)))


@mistake("00.vector_length",
         "you took the square root of the plain sum of the entries. Square each entry first, so "
         "that every entry adds to the length and negative entries count as much as positive ones.")
def _root_of_sum(v):
    return float(np.sqrt(np.sum(_as_float(v))))


@mistake("00.vector_length",
         "you squared the sum instead of summing the squares: (3 + -4)**2 = 1 but 3**2 + (-4)**2 = 25. "
         "Square each entry (v * v or v ** 2), then sum, then take the square root.")
def _root_of_squared_sum(v):
    return float(np.sqrt(np.sum(_as_float(v)) ** 2))


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


# ---------------------------------------------------------------------------
# 00.distance
# ---------------------------------------------------------------------------
def _distance_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.array([2.0, -1.0]), np.array([2.0, -1.0])), label="the same point twice: distance 0"),
        Case((np.array([1.0, 2.0]), np.array([4.0, -2.0])), label="a 3-4-5 triangle: distance 5"),
        # Equally far from the origin, so the difference of their lengths is 0.
        Case((np.array([3.0, 4.0]), np.array([4.0, 3.0])), label="two points equally far from the origin"),
        # b = -a: the length of a + b is 0.
        Case((np.array([1.0, 2.0, 2.0]), np.array([-1.0, -2.0, -2.0])), label="a point and its mirror image -a"),
        # |a| < |b|: a signed difference of lengths is negative here.
        Case((np.array([1.0, 0.0]), np.array([0.0, 3.0])), label="b farther from the origin than a"),
        Case((np.array([2.0]), np.array([-5.0])), label="one dimension: the distance is |2 - (-5)| = 7"),
        Case((np.array([0, 3, 0]), np.array([4, 0, 0])), label="integer entries"),
        Case((np.array([0.5, 0.5], dtype=np.float32), np.array([-0.1, 1.3], dtype=np.float32)),
             label="float32 points"),
        Case(([1.0, 2.0, 3.0], [4.0, 6.0, 3.0]), label="two plain Python lists"),
        Case((rng.standard_normal(10_000), rng.standard_normal(10_000)), label="10,000 dimensions"),
    ]
    for i in range(4):
        dim = int(rng.integers(2, 300))
        scale = float(rng.uniform(0.1, 10.0))
        cases.append(Case((scale * rng.standard_normal(dim), scale * rng.standard_normal(dim)),
                          label=f"random points {i + 1} ({dim} dims)"))
    return cases


exercise("00.distance", welcome.distance, cases=_distance_cases, hints=[
    "The distance between two points is the length of the arrow that goes from one to the other, "
    "and you already have a function for lengths.",
    "The arrow from $b$ to $a$ is the difference $a - b$ (from $a$ to $b$ it is $b - a$: the same "
    "length). Its length is the distance. The difference of the two lengths is something else: "
    "$(3, 4)$ and $(4, 3)$ are equally far from the origin, yet they are not the same point.",
    "Turn both inputs into float arrays with `np.asarray(..., dtype=float)` (plain lists cannot be "
    "subtracted), subtract one from the other, and return the length of the difference: with "
    "`length` (your `vector_length`, or the reference) from the cells above, or with "
    "`np.sqrt` of the sum of squares.",
])


@mistake("00.distance",
         "you returned the difference of the two lengths, | |a| - |b| |. Two different points can be "
         "equally far from the origin ((3, 4) and (4, 3)): the distance is the length of the "
         "difference, |a - b|.")
def _difference_of_lengths(a, b):
    return abs(welcome.vector_length(a) - welcome.vector_length(b))


@mistake("00.distance",
         "you subtracted the lengths, |a| - |b|, which can even be negative. The distance is the "
         "length of the arrow from b to a: subtract the points first, then take the length.")
def _signed_difference_of_lengths(a, b):
    return welcome.vector_length(a) - welcome.vector_length(b)


@mistake("00.distance",
         "you added the points: |a + b| is 0 for a point and its mirror image -a, which are far "
         "apart. The distance is the length of the difference a - b.")
def _length_of_sum(a, b):
    return welcome.vector_length(_as_float(a) + _as_float(b))


@mistake("00.distance",
         "that is the squared distance, (a - b) . (a - b): the square root is missing. For the 3-4-5 "
         "triangle the distance is 5, not 25.")
def _squared_distance(a, b):
    d = _as_float(a) - _as_float(b)
    return float(np.sum(d * d))


@mistake("00.distance",
         "you added up the absolute differences: that is the L1 ('Manhattan', city-block) distance, "
         "3 + 4 = 7 for the 3-4-5 triangle. The Euclidean distance is the length of a - b: 5.")
def _manhattan_distance(a, b):
    return float(np.sum(np.abs(_as_float(a) - _as_float(b))))


@mistake("00.distance",
         "you returned the difference vector a - b. The distance is one number: the length of that "
         "vector.")
def _difference_vector(a, b):
    return _as_float(a) - _as_float(b)


@mistake("00.distance",
         "your function works on NumPy arrays but not on plain Python lists: [1.0, 2.0] - [4.0, 6.0] "
         "is an error for lists. Convert both first: np.asarray(a, dtype=float).")
def _subtract_lists(a, b):
    d = a - b
    return float(np.sqrt(np.sum(d * d)))


# ---------------------------------------------------------------------------
# 00.vector_length_grad (a derivation, graded numerically)
# ---------------------------------------------------------------------------
def vector_length_grad(v) -> np.ndarray:
    """The gradient of ``welcome.vector_length`` at ``v``, by central differences.

    The grader of the derivation exercise: no formula (that would be the answer), but
    the definition of the derivative itself (``embedlab.gradcheck``), in float64.
    v: a non-zero 1-D array or list, shape (d,). Returns a float64 array of shape (d,).
    """
    return numerical_gradient(welcome.vector_length, v)


def _length_grad_cases(rng: np.random.Generator) -> list[Case]:
    # No zero vector: the length has no gradient at the origin (the tip of a cone).
    cases = [
        Case((np.array([3.0, 4.0]),), label="a 3-4-5 triangle"),
        Case((np.array([3.0, -4.0]),), label="a negative entry"),
        Case((np.array([-2.0]),), label="a single negative element"),
        Case((np.array([0.6, 0.8]),), label="a vector of length 1"),
        Case((np.array([300.0, 400.0]),), label="a long vector: 100 times (3, 4)"),
        Case((np.array([0.03, -0.04]),), label="a short vector: (3, -4) / 100"),
        Case((np.array([1, 2, 2]),), label="integer entries"),
        Case((np.array([0.5, -1.5, 2.0], dtype=np.float32),), label="a float32 vector"),
        Case(([2.0, 3.0, 6.0],), label="a plain Python list"),
        Case((np.ones(100),), label="all ones in 100 dimensions"),
    ]
    for i in range(4):
        dim = int(rng.integers(2, 60))
        scale = float(rng.uniform(0.5, 20.0))
        cases.append(Case((scale * rng.standard_normal(dim),), label=f"random vector {i + 1} ({dim} dims)"))
    return cases


# Central differences in float64 are good to about 1e-8 here (2e-8 at length 500); the
# mistakes differ from the answer at order 0.1.
exercise("00.vector_length_grad", vector_length_grad, cases=_length_grad_cases, rtol=1e-5, atol=1e-7, hints=[
    "Write the length as a chain of two steps: $u = v_1^2 + v_2^2 + \\dots + v_d^2$, then "
    "$\\lVert v \\rVert = \\sqrt{u}$. The chain rule multiplies the derivative of the outer step by "
    "the derivative of the inner one, for one entry $v_i$ at a time.",
    "$\\frac{d\\sqrt{u}}{du} = \\frac{1}{2\\sqrt{u}}$, and $\\frac{\\partial u}{\\partial v_i} = 2 v_i$ "
    "(for $v_i$ every other entry is a constant). Multiply the two and simplify: what is "
    "$\\sqrt{u}$? Test your formula by hand on $v = (3, 4)$, whose length is 5.",
    "The 2s cancel and $\\sqrt{u}$ is the length itself: entry $i$ of the gradient is $v_i$ divided "
    "by the length of $v$, so at $(3, 4)$ the answer is $(0.6, 0.8)$. In NumPy: make $v$ a float "
    "array, compute its length once, and divide the whole array by it. The result has the shape of $v$.",
])


@mistake("00.vector_length_grad",
         "you returned v itself: that is the gradient of (1/2)|v|^2, without the square root. By the "
         "chain rule, the derivative of sqrt(u) is 1/(2 sqrt(u)): it divides the result by the length.")
def _grad_of_half_squared_length(v):
    return _as_float(v).copy()


@mistake("00.vector_length_grad",
         "you returned 2v, the gradient of the squared length |v|^2: the square root is missing from "
         "your derivation. By the chain rule, d sqrt(u)/du = 1/(2 sqrt(u)) multiplies it.")
def _grad_of_squared_length(v):
    return 2 * _as_float(v)


@mistake("00.vector_length_grad",
         "off by a factor 2: the derivative of sqrt(u) is 1/(2 sqrt(u)), and its 1/2 cancels the 2 of "
         "d(v_i^2)/dv_i = 2 v_i. The gradient at (3, 4) is (0.6, 0.8), not (1.2, 1.6).")
def _grad_missing_half(v):
    v = _as_float(v)
    return 2 * v / welcome.vector_length(v)


@mistake("00.vector_length_grad",
         "you divided by the squared length |v|^2. The derivative of sqrt(u) is 1/(2 sqrt(u)), and "
         "sqrt(u) is the length itself: divide by |v|. (Then the gradient has length 1.)")
def _grad_divided_by_squared_length(v):
    v = _as_float(v)
    return v / np.sum(v * v)


@mistake("00.vector_length_grad",
         "the sign is flipped: moving v away from the origin makes it longer, so the gradient points "
         "the same way as v, not back towards the origin.")
def _grad_flipped_sign(v):
    v = _as_float(v)
    return -v / welcome.vector_length(v)


@mistake("00.vector_length_grad",
         "the signs of the entries (np.sign(v)) are the gradient of the L1 length |v_1| + ... + |v_d|. "
         "The Euclidean length squares the entries first: differentiate sqrt(v_1^2 + ... + v_d^2).")
def _grad_of_l1_length(v):
    return np.sign(_as_float(v))


@mistake("00.vector_length_grad",
         "every entry got the same value, 1/(2|v|): the chain rule's inner derivative is missing. "
         "Entry i must also be multiplied by d(v_1^2 + ... + v_d^2)/dv_i = 2 v_i.")
def _grad_missing_inner_derivative(v):
    v = _as_float(v)
    return np.full_like(v, 1.0 / (2 * welcome.vector_length(v)))


@mistake("00.vector_length_grad",
         "you returned the length itself, one number. The gradient has one entry per entry of v: "
         "entry i says how fast the length grows when v[i] alone grows.")
def _grad_is_the_length(v):
    return welcome.vector_length(v)


@mistake("00.vector_length_grad",
         "your function works on NumPy arrays but not on a plain Python list: [2.0, 3.0, 6.0] / 7 is "
         "an error for lists. Convert first: v = np.asarray(v, dtype=float).")
def _grad_divides_a_list(v):
    return v / welcome.vector_length(v)
