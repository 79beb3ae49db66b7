"""The exercise runner: ``check(my_function)`` grades a learner's function.

How it works
------------
Each exercise is registered once, in the file of its lesson in ``embedlab/exercises/``
(``embedlab/exercises/lesson01.py`` holds the TF-IDF exercises), next to its cases,
its realistic wrong answers and its hints; the reference it is graded against stays
in the technique module (``embedlab/tfidf.py``), where a learner reads it::

    exercise("01.tfidf", tfidf.tfidf, cases=_tfidf_cases, hints=[
        "a nudge", "a closer look", "almost the recipe"])

    @mistake("01.tfidf", "IDF is not smoothed: ...")
    def _tfidf_unsmoothed(counts): ...            # a realistic wrong answer

``check(fn)`` runs the learner's ``fn`` and the reference on the same fixed edge
cases and seeded random cases, compares the outputs with a tolerance that fits
the maths, and reports ``passed N/M``. For the first failing case it shows the
input, the expected and the actual output, and a hint: when the learner's output
equals the output of a registered mistake, that mistake's hint (the mistake that
agrees with the learner on the most cases, whatever the order they were registered
in); otherwise a generic diagnosis (wrong shape or axis, a constant factor, NaN,
integer dtype, a mutated input, an exception and the line that raised it, a stub).

Help on demand: ``hint("01.tfidf")`` (or ``hint(tfidf)``) shows the next of the
exercise's progressive hints, from a nudge to nearly the recipe, and
``solution("01.tfidf")`` shows the course's solution. A graded release
(``graded_mode()``, or the environment variable ``EMBEDLAB_GRADED=1``) turns the
reveals off for the rest of the session: ``solution`` and ``reference`` refuse.

``check`` never raises into the notebook (unless ``strict=True``, for graders),
and stops a function that runs longer than the exercise's time limit.
"""
from __future__ import annotations

import builtins
import copy
import ctypes
import difflib
import html
import importlib
import inspect
import json
import os
import pkgutil
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "Case",
    "CheckResult",
    "Exercise",
    "ExerciseFailed",
    "Mistake",
    "check",
    "RevealsOff",
    "exercise",
    "get_exercise",
    "graded_mode",
    "hint",
    "list_exercises",
    "mistake",
    "reference",
    "solution",
    "yours_or_reference",
]

DEFAULT_TIME_LIMIT = 10.0  # seconds for all of one exercise's cases together


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One input to an exercise: ``fn(*args, **kwargs)``, with a short label for messages."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong implementation of an exercise and the hint it deserves."""

    name: str
    impl: Callable
    hint: str


@dataclass
class Exercise:
    """Everything ``check`` needs to grade one exercise.

    cases: ``cases(rng) -> list[Case]``; edge cases first, then seeded random cases.
    compare: optional ``compare(got, expected) -> str | None``; returns why ``got`` is
        wrong, or None when it is right. The default compares numbers with
        ``rtol``/``atol`` (so float32 against a float64 reference passes) and
        containers element by element.
    inputs: "numpy" (default), "torch" (array inputs are passed as torch tensors) or
        "both" (every case is run with numpy arrays and again with torch tensors).
    hints: the progressive hints ``hint()`` shows one at a time, from a nudge to
        nearly the recipe.
    stand_in: what ``yours_or_reference`` hands out while the learner's function does not
        pass, when the reference is not fit for that: a derivation exercise is graded
        against numerical gradients, far too slow to train with, so its stand-in is the
        analytic gradient of the technique module (tested against the reference).
    """

    id: str
    reference: Callable
    cases: Callable[[np.random.Generator], Sequence[Case]]
    name: str
    rtol: float = 1e-4
    atol: float = 1e-6
    compare: Callable[[Any, Any], str | None] | None = None
    inputs: str = "numpy"
    time_limit: float = DEFAULT_TIME_LIMIT
    seed: int = 0
    hints: list[str] = field(default_factory=list)
    stand_in: Callable | None = None
    mistakes: list[Mistake] = field(default_factory=list)
    # Each mistake's output on each case (cases are seeded, so they never change).
    _mistake_outputs: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    def make_cases(self) -> list[Case]:
        """The exercise's cases, the same on every call (seeded)."""
        cases = list(self.cases(np.random.default_rng(self.seed)))
        if self.inputs == "torch":
            cases = [_torch_case(c) for c in cases]
        elif self.inputs == "both":
            cases = cases + [_torch_case(c, suffix=" (torch tensors)") for c in cases]
        return cases

    def mistake_outputs(self, m: Mistake, cases: Sequence[Case]) -> list[Any]:
        """What mistake ``m`` returns on each case (an exception where it raises), computed once."""
        key = f"{m.name}/{self.inputs}/{len(cases)}"
        if key not in self._mistake_outputs:
            outputs = []
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for case in cases:
                    try:
                        outputs.append(m.impl(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
                    except Exception as exc:  # a mistake may raise, as learners' code does
                        outputs.append(_Raised(type(exc)))
            self._mistake_outputs[key] = outputs
        return self._mistake_outputs[key]


@dataclass(frozen=True)
class _Raised:
    """Stands for "raised this exception" among a mistake's outputs."""

    kind: type


_REGISTRY: dict[str, Exercise] = {}
_IMPORT_ERRORS: dict[str, str] = {}
_LOADED = False
# The package whose modules register the exercises, one module per lesson.
_EXERCISE_PACKAGE = "embedlab.exercises"


def exercise(
    id: str,
    reference: Callable | None = None,
    *,
    cases: Callable[[np.random.Generator], Sequence[Case]],
    name: str | None = None,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    compare: Callable[[Any, Any], str | None] | None = None,
    inputs: str = "numpy",
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    hints: Sequence[str] = (),
    stand_in: Callable | None = None,
) -> Any:
    """Register ``reference`` as what exercise ``id`` is graded against; return it unchanged.

    ``name`` is the function name learners write (default: the reference's own name);
    ``check(fn)`` uses it to find the exercise. ``hints``: 2-3 progressive hints, from a
    nudge to nearly the recipe. ``stand_in``: what later cells get instead of the
    reference while the learner's function does not pass (see :class:`Exercise`).
    Without ``reference``, returns a decorator that registers the function it decorates.
    """
    if inputs not in ("numpy", "torch", "both"):
        raise ValueError(f"inputs must be 'numpy', 'torch' or 'both', not {inputs!r}")

    def register(ref: Callable) -> Callable:
        if id in _REGISTRY:
            raise ValueError(f"exercise {id!r} is registered twice")
        _REGISTRY[id] = Exercise(
            id=id, reference=ref, cases=cases, name=name or ref.__name__, rtol=rtol,
            atol=atol, compare=compare, inputs=inputs, time_limit=time_limit, seed=seed,
            hints=list(hints), stand_in=stand_in,
        )
        return ref

    return register if reference is None else register(reference)


def mistake(exercise_id: str, hint: str) -> Callable[[Callable], Callable]:
    """Decorator: register a realistic wrong implementation of ``exercise_id``.

    When a learner's output equals this function's output on a failing case, ``check``
    shows ``hint``; when several mistakes match, the one that agrees with the learner on
    the most cases wins, so the order of registration does not matter. The tests also
    run every mistake through ``check`` and require it to fail with exactly this hint,
    so the catalogue doubles as a test suite.
    """

    def register(impl: Callable) -> Callable:
        if exercise_id not in _REGISTRY:
            raise ValueError(f"register exercise {exercise_id!r} before its mistakes")
        _REGISTRY[exercise_id].mistakes.append(Mistake(impl.__name__, impl, hint))
        return impl

    return register


def _load_all() -> None:
    """Import every lesson's exercise module once, so that their exercises register."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module(_EXERCISE_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{_EXERCISE_PACKAGE}.{info.name}")
        except Exception as exc:  # one broken module must not hide every other exercise
            _IMPORT_ERRORS[info.name] = f"{type(exc).__name__}: {exc}"


def list_exercises() -> list[str]:
    """Every registered exercise id, sorted (``"01.tfidf"``, ...)."""
    _load_all()
    return sorted(_REGISTRY)


def get_exercise(exercise_id: str) -> Exercise:
    """The registered ``Exercise``; raises ``KeyError`` with a suggestion when unknown."""
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(_unknown_id_message(exercise_id)) from None


def reference(exercise_id: str) -> Callable:
    """The reference implementation that exercise ``exercise_id`` is graded against.

    Off in a graded release (``graded_mode()``): raises :class:`RevealsOff`.
    """
    ex = get_exercise(exercise_id)
    if _graded():
        raise RevealsOff(f"embedlab.reference({exercise_id!r}) is switched off in this graded "
                         "release: the reference is the answer. Work from the exercise's "
                         f"docstring and hints (embedlab.hint({exercise_id!r})).")
    return ex.reference


def _unknown_id_message(exercise_id: Any) -> str:
    close = difflib.get_close_matches(str(exercise_id), list(_REGISTRY), n=3)
    suggestion = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    broken = ""
    if _IMPORT_ERRORS:
        broken = " (Some embedlab modules failed to import: " + "; ".join(
            f"{m}: {e}" for m, e in sorted(_IMPORT_ERRORS.items())) + ".)"
    return (f"There is no exercise {exercise_id!r}.{suggestion} "
            f"embedlab.list_exercises() lists them all.{broken}")


# ---------------------------------------------------------------------------
# Help on demand: hints, solutions, and the graded release that turns reveals off
# ---------------------------------------------------------------------------
class RevealsOff(PermissionError):
    """A solution or reference was asked for in a graded release, where they are off."""


_TRUTHY = {"1", "true", "yes", "on"}
_GRADED_SWITCH = False             # set by graded_mode(); nothing sets it back
_HINTS_SHOWN: dict[str, int] = {}  # exercise id -> how many of its hints were shown
_SOLUTIONS_FILE = "solutions.json"  # in embedlab/exercises/, written by tools/build_notebooks.py


def graded_mode() -> None:
    """Turn solution reveals off for the rest of this Python session (a graded release).

    Afterwards ``solution()`` shows nothing, ``reference()`` raises :class:`RevealsOff`,
    and ``yours_or_reference`` hands out a stand-in rather than the reference itself;
    ``check`` and ``hint`` work as before. There is no way back within the same session:
    an nbgrader release calls this in a read-only first cell. Setting the environment
    variable ``EMBEDLAB_GRADED=1`` has the same effect from the start.
    """
    global _GRADED_SWITCH
    _GRADED_SWITCH = True


def _graded() -> bool:
    return _GRADED_SWITCH or os.environ.get("EMBEDLAB_GRADED", "").strip().lower() in _TRUTHY


def _find(what: Any, caller: str) -> Exercise:
    """The exercise named by an id ("03.sgns_grad"), a function, or a function's name."""
    _load_all()
    if isinstance(what, str):
        if what in _REGISTRY:
            return _REGISTRY[what]
        by_name = [e for e in _REGISTRY.values() if e.name == what]
        if len(by_name) == 1:
            return by_name[0]
        raise KeyError(_unknown_id_message(what))
    ex, problem = _resolve(what, None)
    if ex is None:
        raise KeyError(problem.replace("check(", f"{caller}("))
    return ex


def _hint_text(what: Any, level: int | None = None) -> str:
    """The text ``hint`` shows, and move on to the next hint."""
    ex = _find(what, "hint")
    if not ex.hints:
        return f"{ex.id}: there are no hints for this exercise. Its docstring states what to return."
    n = len(ex.hints)
    if level is None:
        shown = _HINTS_SHOWN.get(ex.id, 0)
        level = min(shown + 1, n)
        _HINTS_SHOWN[ex.id] = max(shown, level)
    elif not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= n:
        return f"{ex.id} has hints 1 to {n}: ask for one of them, e.g. hint({ex.id!r}, level=1)."
    else:
        _HINTS_SHOWN[ex.id] = max(_HINTS_SHOWN.get(ex.id, 0), level)
    text = f"{ex.id}, hint {level} of {n}: {ex.hints[level - 1]}"
    if level < n:
        text += f"\n(Run embedlab.hint({ex.id!r}) again for the next hint.)"
    elif _graded():
        text += "\n(That was the last hint.)"
    else:
        text += f"\n(That was the last hint. embedlab.solution({ex.id!r}) shows a worked solution.)"
    return text


def hint(what: Any, level: int | None = None) -> None:
    """Show the next hint for an exercise: ``hint("03.sgns_grad")`` or ``hint(sgns_grad)``.

    Each call shows the next of its 2-3 hints, from a nudge to nearly the recipe; the
    last one stays. ``level`` shows a given hint again (1 is the first).
    """
    try:
        text = _hint_text(what, level)
    except KeyError as exc:
        text = str(exc.args[0])
    _show_text(text, "#0969da")


def _solutions() -> dict[str, dict[str, str]]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exercises", _SOLUTIONS_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def solution_code(exercise_id: str) -> str | None:
    """The course notebook's solution of an exercise (its whole function), or None."""
    ex = get_exercise(exercise_id)
    lesson = ex.id.split(".")[0]
    for notebook, functions in sorted(_solutions().items()):
        if notebook.split("_")[0] == lesson and ex.name in functions:
            return functions[ex.name]
    return None


def solution(what: Any) -> None:
    """Show the course's solution of an exercise (off in a graded release).

    Try the hints first (``hint``): a solution read is a solution not worked out.
    """
    try:
        ex = _find(what, "solution")
    except KeyError as exc:
        _show_text(str(exc.args[0]), "#cf222e")
        return
    if _graded():
        _show_text(f"{ex.id}: solutions are switched off in this graded release. "
                   f"embedlab.hint({ex.id!r}) still gives hints.", "#6e7781")
        return
    code = solution_code(ex.id)
    if code is None:
        try:
            code = inspect.getsource(ex.reference)
        except (OSError, TypeError):
            code = None
    if code is None:
        _show_text(f"{ex.id}: no written solution is available.", "#6e7781")
        return
    header = f"{ex.id}: a solution (yours may differ and still pass: check() compares results, not code)."
    if _in_ipython():
        from IPython.display import Markdown, display

        display(Markdown(f"**{html.escape(header)}**\n\n```python\n{code.rstrip()}\n```"))
    else:
        print(header + "\n\n" + code.rstrip())


def _show_text(text: str, colour: str) -> None:
    """Show a message: in Jupyter as Markdown (so that $maths$ renders) beside a coloured bar."""
    if _in_ipython():
        from IPython.display import display

        head, _, rest = text.partition("\n")
        label, sep, body = head.partition(": ")          # "03.sgns_grad, hint 1 of 3: ..." -> bold label
        markdown = (f"**{label}{sep.strip()}** {body}" if sep else f"**{head}**") + (f"<br>\n{rest}" if rest else "")
        display({"text/plain": text,
                 "text/markdown": (f"<div style='border-left:4px solid {colour};padding:2px 10px'>\n\n"
                                   f"{markdown}\n\n</div>")}, raw=True)
    else:
        print(text)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
class ExerciseFailed(AssertionError):
    """Raised by ``check(..., strict=True)`` when an exercise does not pass."""


@dataclass
class CheckResult:
    """What ``check`` found. ``bool(result)`` is ``result.passed``.

    status is one of "passed", "failed", "not implemented", "error" (the check could
    not run: unknown exercise, not a function, wrong signature).
    """

    exercise_id: str | None
    passed: bool
    score: float
    message: str
    n_passed: int = 0
    n_cases: int = 0
    status: str = "failed"
    hint: str | None = None
    _displayed: bool = field(default=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (f"CheckResult({self.exercise_id!r}, {self.status}, "
                f"{self.n_passed}/{self.n_cases} cases)")

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "not implemented": "#6e7781"}.get(self.status, "#cf222e")
        icon = {"passed": "✔", "not implemented": "…"}.get(self.status, "✘")
        head, _, rest = self.message.partition("\n")
        body = f"<pre style='margin:4px 0 0 0;white-space:pre-wrap'>{html.escape(rest)}</pre>" if rest else ""
        return (f"<div style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
                f"<b style='color:{colour}'>{icon} {html.escape(head)}</b>{body}</div>")

    def _ipython_display_(self) -> None:
        # check() displays its verdict itself; this stops Jupyter from showing it a
        # second time when check(...) is also the last line of the cell.
        if self._displayed:
            return
        self._displayed = True
        from IPython.display import display

        display({"text/html": self._repr_html_(), "text/plain": self.message}, raw=True)


# ---------------------------------------------------------------------------
# check()
# ---------------------------------------------------------------------------
def check(fn: Any, exercise_id: str | None = None, *, strict: bool = False,
          quiet: bool = False) -> CheckResult:
    """Grade ``fn`` against the reference of an exercise and show a short verdict.

    fn: the learner's function. exercise_id: e.g. ``"01.tfidf"``; by default found from
    ``fn.__name__``. strict: raise ``ExerciseFailed`` instead of returning a failing
    result (for graders and nbgrader). quiet: return the result without showing it.

    Returns a ``CheckResult`` with ``.passed``, ``.score`` (fraction of cases passed)
    and ``.message``. Never raises unless ``strict=True``.
    """
    try:
        result = _run_check(fn, exercise_id)
    except Exception as exc:  # a bug in a check must not crash a learner's notebook
        if strict:
            raise
        result = CheckResult(exercise_id, False, 0.0, status="error", message=(
            f"check() itself failed ({type(exc).__name__}: {exc}). This is a bug in embedlab, "
            "not in your code: please report it."))
    if strict and not result.passed:
        raise ExerciseFailed(result.message)
    if not quiet:
        _show(result)
    return result


def yours_or_reference(fn: Callable, exercise_id: str | None = None) -> Callable:
    """Return ``fn`` if it passes its exercise, else the reference (and say which).

    Notebooks use this after an exercise so that later cells run, with the
    learner's own code once it is right. In a graded release the reference is
    handed out as a stand-in that computes the same results but is not the
    reference's code.
    """
    result = check(fn, exercise_id, quiet=True)
    name = getattr(fn, "__name__", "your function")
    if result.passed:
        print(f"Using your {name} (it passes {result.exercise_id}).")
        return fn
    if result.exercise_id is None or result.exercise_id not in _REGISTRY:
        raise KeyError(result.message)
    print(f"Using the reference {name} for now: yours has not passed "
          f"{result.exercise_id} yet ({result.status}).")
    ex = _REGISTRY[result.exercise_id]
    ref = ex.stand_in or ex.reference
    if not _graded():
        return ref

    def stand_in(*args, **kwargs):
        """The course's reference, for the cells that follow (its code is hidden in a graded release)."""
        return ref(*args, **kwargs)

    stand_in.__name__ = stand_in.__qualname__ = name
    return stand_in


def _show(result: CheckResult) -> None:
    if _in_ipython():
        from IPython.display import display

        display(result)
    else:
        print(result.message)
        result._displayed = True
        _quiet_echo()


def _quiet_echo() -> None:
    """In a plain Python shell, do not echo a CheckResult that check() has just printed.

    Typing ``check(f)`` at the ``>>>`` prompt would otherwise show the verdict twice: once
    printed, once as the returned object. Jupyter's counterpart is ``_ipython_display_``.
    """
    hook = sys.displayhook
    if getattr(hook, "_embedlab", False):
        return

    def displayhook(value: Any) -> None:
        if isinstance(value, CheckResult) and value._displayed:
            builtins._ = value  # as the default hook does, so `_` still works
            return
        hook(value)

    displayhook._embedlab = True  # type: ignore[attr-defined]
    sys.displayhook = displayhook


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ != "TerminalInteractiveShell"


def _resolve(fn: Any, exercise_id: str | None) -> tuple[Exercise | None, str | None]:
    """Find the exercise; return (exercise, None) or (None, message for the learner)."""
    _load_all()
    if exercise_id is not None:
        if exercise_id not in _REGISTRY:
            return None, _unknown_id_message(exercise_id)
        return _REGISTRY[exercise_id], None
    name = getattr(fn, "__name__", None)
    if not name or name == "<lambda>":
        return None, ("check() finds the exercise from the function's name, and this one has none: "
                      "name the exercise, e.g. check(fn, '01.tfidf').")
    matches = [e for e in _REGISTRY.values() if e.name == name]
    if len(matches) == 1:
        return matches[0], None
    if len(matches) > 1:
        ids = ", ".join(repr(e.id) for e in matches)
        return None, f"Several exercises use the name {name!r} ({ids}): name one, e.g. check({name}, {matches[0].id!r})."
    by_name = {e.name: e.id for e in sorted(_REGISTRY.values(), key=lambda e: e.id)}
    close = difflib.get_close_matches(name, sorted(by_name), n=2)
    suggestion = (" Did you mean " + " or ".join(f"{c} (exercise {by_name[c]})" for c in close) + "?"
                  if close else "")
    example = by_name[close[0]] if close else "01.tfidf"
    return None, (f"No exercise is called {name!r}.{suggestion} Keep the function name from the "
                  f"exercise cell, or name the exercise: check({name}, {example!r}).")


def _run_check(fn: Any, exercise_id: str | None) -> CheckResult:
    if not callable(fn):
        return CheckResult(exercise_id, False, 0.0, status="error", message=(
            f"check() needs your function itself, but got {_type_name(fn)}. Pass the name without "
            "calling it: check(my_function), not check(my_function(...))."))
    ex, problem = _resolve(fn, exercise_id)
    if ex is None:
        return CheckResult(exercise_id, False, 0.0, status="error", message=problem)

    cases = ex.make_cases()
    problem = _signature_problem(fn, ex, cases[0])
    if problem:
        return CheckResult(ex.id, False, 0.0, status="error", message=problem)

    # The reference runs first, outside the learner's time limit.
    expected = [_call(ex.reference, case) for case in cases]

    attempt = _Attempt(fn, cases, ex.time_limit)
    attempt.run()
    if attempt.not_implemented:
        return CheckResult(ex.id, False, 0.0, n_cases=len(cases), status="not implemented",
                           message=(f"{ex.id}: not implemented yet. Replace the "
                                    "`raise NotImplementedError` line with your code, "
                                    "then run this cell again." + _help_note(ex, " ")))

    n_passed = 0
    # What the learner's function returned on each case (_Raised where it raised), for
    # matching it against the registered mistakes.
    outputs: list[Any] = []
    # (case index, what it returned or raised, why it is wrong) of the first failing case.
    first_failure: tuple[int, Any, str] | None = None
    for i, (case, exp, (kind, got, given)) in enumerate(zip(cases, expected, attempt.outcomes)):
        if kind == "raised":
            outputs.append(_Raised(type(got)))
            first_failure = first_failure or (i, got, "exception")
            continue
        outputs.append(got)
        why = _compare(ex, got, exp)
        if why is None and not _same(given, case):
            why = "changed its input"
        if why is None:
            n_passed += 1
        elif first_failure is None:
            first_failure = (i, got, why)
    timed_out = attempt.timed_out
    if timed_out and first_failure is None:
        first_failure = (len(attempt.outcomes), None, "timeout")
    floating_errors = attempt.floating_errors

    n = len(cases)
    score = n_passed / n
    if first_failure is None:
        message = f"{ex.id}: passed {n}/{n} cases. Well done!"
        if floating_errors:
            kind, label = floating_errors[0]
            message += (f"\nOne thing to tidy: NumPy reported \"{kind}\" inside your function"
                        f"{f' (case: {label})' if label else ''}. The result is right, so a log(0), "
                        "0/0 or x/0 was computed and then thrown away: it prints a RuntimeWarning "
                        "whenever you use the function. Leave those entries out before the "
                        "operation (a mask, or np.divide/np.log with where=...) rather than after.")
        return CheckResult(ex.id, True, 1.0, n_passed=n, n_cases=n, status="passed", message=message)
    i, got, why = first_failure
    case, exp = cases[i], expected[i]
    with np.errstate(all="ignore"):
        if why == "timeout":
            hint = _timeout_hint(ex, case)
        elif why == "exception":
            hint = _exception_hint(ex, cases, i, got, outputs)
        else:
            hint = _diagnose(ex, cases, i, outputs, got, exp, why, expected)
    lines = [f"{ex.id}: passed {n_passed}/{n} cases."]
    if timed_out:
        lines[0] += f" Stopped after {ex.time_limit:g} s."
        if attempt.parked:
            lines[0] += (" Your function caught the interruption (a bare `except:` or `except "
                         "BaseException:`), so check() put it to sleep for good: fix the loop, and "
                         "catch only the exceptions you expect (`except ValueError:`).")
        elif attempt.still_running:
            lines[0] += (" Your function is still running in the background, inside one long "
                         "call: restart the kernel (Kernel > Restart) to stop it, then fix the loop.")
    lines.append(f"First failing case{f' ({case.label})' if case.label else ''}:")
    lines.append("  input:    " + _format_call(ex, case))
    lines.append("  expected: " + _fmt(exp))
    if why == "exception":
        lines.append("  got:      " + _format_exception(got))
    elif why != "timeout":
        lines.append("  got:      " + _fmt(got))
        lines.append("  problem:  " + why)
    if hint:
        lines.append("Hint: " + hint)
    note = _help_note(ex)
    if note:
        lines.append(note)
    return CheckResult(ex.id, False, score, "\n".join(lines), n_passed=n_passed, n_cases=n,
                       status="failed", hint=hint)


def _help_note(ex: Exercise, prefix: str = "") -> str:
    """The line of a verdict that says which help is left: the next hint, or the solution."""
    if not ex.hints:
        return ""
    shown, n = _HINTS_SHOWN.get(ex.id, 0), len(ex.hints)
    if shown < n:
        return (f"{prefix}Stuck? embedlab.hint({ex.id!r}) gives hint {shown + 1} of {n}.")
    if _graded():
        return f"{prefix}You have seen all {n} hints: embedlab.hint({ex.id!r}, level=1) shows them again."
    return (f"{prefix}You have seen all {n} hints; embedlab.solution({ex.id!r}) shows a worked "
            "solution.")


def _signature_problem(fn: Callable, ex: Exercise, case: Case) -> str | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and some C functions have no signature
        return None
    try:
        sig.bind(*case.args, **case.kwargs)
    except TypeError:
        try:
            wanted = f"{ex.name}{_plain_signature(ex.reference)}"
        except (TypeError, ValueError):
            wanted = ex.name
        return (f"{ex.id}: check() calls {wanted}, but your function is "
                f"{getattr(fn, '__name__', 'fn')}{sig}. Keep the parameters of the exercise's stub.")
    return None


def _plain_signature(fn: Callable) -> str:
    """``(counts, sample=0.001)``: the parameters without annotations (which may be strings)."""
    sig = inspect.signature(fn)
    params = [q.replace(annotation=inspect.Parameter.empty) for q in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _call(fn: Callable, case: Case) -> Any:
    return fn(*case.args, **case.kwargs)


# ---------------------------------------------------------------------------
# Time limit
# ---------------------------------------------------------------------------
class _TimeUp(BaseException):
    """Raised inside the learner's function when its time is up.

    A BaseException, so that a learner's ``except Exception`` cannot swallow it. A bare
    ``except:`` or ``except BaseException:`` can; so when one arrives in a worker whose
    previous one was caught, its construction (which runs in the worker thread, where
    the exception is raised) parks the function for good: see ``_Attempt._park_here``.
    """

    def __init__(self, *args: Any):
        super().__init__(*args)
        attempt = _ATTEMPTS.get(threading.get_ident())
        if attempt is not None:
            attempt._delivered += 1
            if attempt._delivered >= 2:
                attempt._park_here(sys._getframe(1))


# The attempt running in each worker thread, by thread id (for _TimeUp).
_ATTEMPTS: dict[int, "_Attempt"] = {}


class _Attempt:
    """Run the learner's function on every case in a worker thread, within a time limit.

    The limit is kept from outside: the calling thread (which may be any thread, and
    needs no signals) waits at most ``time_limit`` seconds, then raises ``_TimeUp``
    inside the worker, again every 10 ms for up to ``GRACE`` seconds. A learner's
    ``except:`` or ``except BaseException:`` may catch one, and a ``while True:`` around
    it would try again: then the next one traces the function's frames and parks it at
    its next line, asleep for good (it uses no CPU; the thread is a daemon). If it sits
    in one long C call such as ``time.sleep``, nothing can reach it until the call
    returns. Either way check() stops waiting after the grace and says so: the verdict
    comes back on time whatever the function does.

    After ``run()``: ``outcomes`` holds ``(kind, value, given)`` for each case finished,
    in order (kind "ok": value is what it returned; "raised": the exception; given: the
    case's inputs after the call, to spot a function that changed them).
    """

    GRACE = 2.0  # seconds of interrupting before check() gives up waiting

    def __init__(self, fn: Callable, cases: Sequence[Case], time_limit: float):
        self.fn, self.cases, self.time_limit = fn, cases, time_limit
        self.outcomes: list[tuple[str, Any, Case]] = []
        self.not_implemented = False
        self.timed_out = False
        self.still_running = False
        # NumPy's divide/invalid reports inside the learner's function: (kind, case label).
        self.floating_errors: list[tuple[str, str]] = []
        self._in_learner_code = False
        self._stop = False  # set when the time is up: nothing after that counts
        self._delivered = 0  # _TimeUp exceptions that reached the function
        self.parked = False  # the function caught the interruption and was put to sleep
        self._label = ""

    def run(self) -> None:
        worker = threading.Thread(target=self._work, name="embedlab-check", daemon=True)
        worker.start()
        try:
            worker.join(self.time_limit)
        except BaseException:  # KeyboardInterrupt while waiting: stop the function too
            self._stop = True
            self._interrupt(worker)
            raise
        if worker.is_alive():
            self.timed_out = True
            self._stop = True
            self._interrupt(worker)
            self.still_running = worker.is_alive()
        # Only what was recorded before check() stopped waiting counts.
        self.outcomes = list(self.outcomes)

    def _interrupt(self, worker: threading.Thread) -> None:
        deadline = time.monotonic() + self.GRACE
        while worker.is_alive() and not self.parked and time.monotonic() < deadline:
            if self._in_learner_code:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                           ctypes.py_object(_TimeUp))
            worker.join(0.01)

    def _park_here(self, frame: Any) -> None:
        """In the worker, from the learner's ``frame`` (where a second _TimeUp is being raised):
        trace the learner's frames so that the next line any of them runs parks the thread.

        Only the learner's frames, those above ``_call``, are traced, so that check()'s own
        code in the worker finishes normally when the exception is not caught.
        """
        sys.settrace(self._park_trace)  # new calls, too
        while frame is not None and frame.f_code is not _call.__code__:
            frame.f_trace = self._park_trace
            frame = frame.f_back

    def _park_trace(self, frame: Any, event: str, arg: Any):  # noqa: ARG002 - sys.settrace's signature
        if frame.f_code is _call.__code__ or frame.f_code is _Attempt._work.__code__:
            return None
        if event in ("call", "line"):
            self.parked = True
            threading.Event().wait()  # forever, asleep
        return self._park_trace

    def _record(self, kind: str, flag: int) -> None:  # noqa: ARG002 - numpy's seterrcall signature
        if not self.floating_errors:
            self.floating_errors.append((kind, self._label))

    def _work(self) -> None:
        # NumPy's error state is per thread: set it here, around the learner's code. check()
        # diagnoses NaN/inf itself, so NumPy's RuntimeWarnings would only be noise above the
        # verdict; they are recorded, and a right answer that hid a log(0) gets a note.
        _ATTEMPTS[threading.get_ident()] = self
        previous = np.seterrcall(self._record)
        try:
            with np.errstate(divide="call", invalid="call", over="ignore", under="ignore"):
                for case in self.cases:
                    if self._stop:
                        return
                    given = _copy(case)
                    self._label = case.label
                    try:
                        self._in_learner_code = True
                        got = _call(self.fn, given)
                    except NotImplementedError:
                        self.not_implemented = True
                        return
                    except _TimeUp:
                        return
                    except BaseException as exc:  # noqa: BLE001 - a learner's sys.exit() is an answer too
                        if self._stop:  # raised after the time was up: it does not count
                            return
                        self.outcomes.append(("raised", exc, given))
                        continue
                    finally:
                        self._in_learner_code = False
                    if self._stop:  # it caught the interruption and returned late
                        return
                    self.outcomes.append(("ok", got, given))
        except _TimeUp:  # arrived just after the learner's code returned
            return
        finally:
            sys.settrace(None)
            np.seterrcall(previous)
            _ATTEMPTS.pop(threading.get_ident(), None)


def _timeout_hint(ex: Exercise, case: Case) -> str:
    return (f"your function did not finish within {ex.time_limit:g} s. Look for a loop that never "
            "ends (a `while` whose condition never changes) or a loop over every element of a "
            "large array where one vectorised NumPy operation would do.")


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------
def _to_plain(x: Any) -> Any:
    """torch tensors, sparse matrices and np.matrix become numpy arrays; others stay."""
    if type(x).__module__.startswith("torch"):
        try:
            import torch

            if isinstance(x, torch.Tensor):
                return x.detach().cpu().numpy()
        except ImportError:  # pragma: no cover - torch is a dependency
            pass
    if hasattr(x, "toarray") and hasattr(x, "nnz"):  # scipy.sparse
        return np.asarray(x.toarray())
    if isinstance(x, np.matrix):
        return np.asarray(x)
    return x


def _as_numeric_array(x: Any) -> np.ndarray | None:
    """``x`` as a numeric array, or None when it is not numbers."""
    x = _to_plain(x)
    if isinstance(x, (bool, int, float, np.number, np.bool_)):
        return np.asarray(x)
    if isinstance(x, np.ndarray):
        return x if x.dtype.kind in "biuf" else None
    if isinstance(x, (list, tuple)):
        try:
            arr = np.asarray([_to_plain(v) for v in x])
        except (ValueError, TypeError):
            return None
        return arr if arr.dtype.kind in "biuf" else None
    return None


def _compare(ex: Exercise, got: Any, expected: Any) -> str | None:
    if ex.compare is not None:
        return ex.compare(got, expected)
    return compare_values(got, expected, ex.rtol, ex.atol)


def compare_values(got: Any, expected: Any, rtol: float = 1e-4, atol: float = 1e-6) -> str | None:
    """Why ``got`` differs from ``expected`` (a short sentence), or None if they match.

    Numbers and arrays (numpy, torch, sparse, nested lists) match within rtol/atol
    whatever their float precision; dicts, lists and tuples of other things match
    element by element.
    """
    got, expected = _to_plain(got), _to_plain(expected)
    if got is None and expected is not None:
        return "returned None (is a `return` missing?)"
    if isinstance(expected, (np.ndarray, int, float, np.number)) and not isinstance(expected, (bool, np.bool_)):
        exp_arr = _as_numeric_array(expected)
        if exp_arr is not None:
            got_arr = _as_numeric_array(got)
            if got_arr is None:
                return f"expected numbers, got {_type_name(got)}"
            if exp_arr.ndim == 0 and got_arr.size == 1:
                got_arr = got_arr.reshape(())
            return _compare_arrays(got_arr, exp_arr, rtol, atol)
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected a dict, got {_type_name(got)}"
        missing, extra = set(expected) - set(got), set(got) - set(expected)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing keys {_fmt(sorted(missing, key=repr)[:5])}")
            if extra:
                parts.append(f"unexpected keys {_fmt(sorted(extra, key=repr)[:5])}")
            return "; ".join(parts)
        for k in expected:
            why = compare_values(got[k], expected[k], rtol, atol)
            if why:
                return f"at key {k!r}: {why}"
        return None
    if isinstance(expected, (list, tuple)):
        if isinstance(got, np.ndarray):
            got = got.tolist()
        if not isinstance(got, (list, tuple)):
            return f"expected a {type(expected).__name__}, got {_type_name(got)}"
        if len(got) != len(expected):
            return f"expected {len(expected)} items, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            why = compare_values(g, e, rtol, atol)
            if why:
                # Nested lists: "at position [2][0]: ..." rather than the phrase twice.
                if why.startswith("at position ["):
                    return f"at position [{i}]" + why[len("at position "):]
                return f"at position [{i}]: {why}"
        return None
    return None if got == expected else f"expected {expected!r}, got {got!r}"


def _compare_arrays(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float) -> str | None:
    if got.shape != exp.shape:
        return f"shape {got.shape}, expected {exp.shape}"
    if exp.dtype.kind == "b" and got.dtype.kind not in "biu":
        return f"expected booleans, got dtype {got.dtype}"
    g, e = got.astype(np.float64), exp.astype(np.float64)
    bad_nan = np.isnan(g) & ~np.isnan(e)
    if bad_nan.any():
        return f"{int(bad_nan.sum())} NaN value(s) where numbers were expected"
    bad_inf = np.isinf(g) & ~np.isinf(e)
    if bad_inf.any():
        return f"{int(bad_inf.sum())} infinite value(s) where finite numbers were expected"
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    idx = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f"at index {idx}" if idx else ""
    return (f"{int((~close).sum())} of {close.size} values differ; first {where}: "
            f"expected {_number(exp[idx])}, got {_number(got[idx])}").replace("first : ", "")


def _number(x: Any) -> str:
    """A number for a message: whole numbers (hashes, counts) in full, others to 6 digits."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return str(int(x))
    return f"{float(x):.6g}"


def _same(a: Any, b: Any) -> bool:
    """Exact equality for arbitrary nested inputs (to detect a mutated input)."""
    a, b = _to_plain(a), _to_plain(b)
    if _is_random_generator(a) and _is_random_generator(b):
        return True                       # a generator given to be drawn from is meant to advance
    if isinstance(a, Case):
        return _same(a.args, b.args) and _same(a.kwargs, b.kwargs)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind in "fc")
        except (TypeError, ValueError):
            return False
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _is_random_generator(x: Any) -> bool:
    """A torch.Generator or numpy Generator (whose state a random exercise consumes)."""
    return isinstance(x, np.random.Generator) or (
        type(x).__name__ == "Generator" and type(x).__module__.startswith("torch"))


def _copy(case: Case) -> Case:
    return Case(copy.deepcopy(case.args), copy.deepcopy(case.kwargs), case.label)


def _torch_case(case: Case, suffix: str = "") -> Case:
    import torch

    def conv(x):
        if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
            return torch.from_numpy(x.copy())
        return x

    return Case(tuple(conv(a) for a in case.args), {k: conv(v) for k, v in case.kwargs.items()},
                (case.label + suffix).strip())


# ---------------------------------------------------------------------------
# Diagnosis: why is it wrong, in one sentence
# ---------------------------------------------------------------------------
def _diagnose(ex: Exercise, cases: Sequence[Case], i: int, outputs: list[Any], got: Any, exp: Any,
              why: str, expected: Sequence[Any] = ()) -> str | None:
    if why == "changed its input":
        return ("your function changed its input in place (e.g. `x /= ...` or `x[...] = ...` on an "
                "argument). Work on a copy, or build a new array, so the caller's data stays intact.")
    got_p, exp_p = _to_plain(got), _to_plain(exp)
    if got_p is None:
        return "your function returned None: is the `return` statement missing?"
    hint = _mistake_hint(ex, cases, i, outputs)
    if hint:
        return hint
    return _numeric_diagnosis(got_p, exp_p, ex) or _factor_across_cases(outputs, expected)


def _factor_across_cases(outputs: Sequence[Any], expected: Sequence[Any]) -> str | None:
    """A single number off by the same factor on every case (e.g. 2 * the right length)."""
    ratios = []
    for got, exp in zip(outputs, expected):
        g, e = _as_numeric_array(got), _as_numeric_array(exp)
        if g is None or e is None or g.size != 1 or e.size != 1:
            return None
        g, e = float(g.reshape(())), float(e.reshape(()))
        if abs(e) > 1e-12 and np.isfinite(g):
            ratios.append(g / e)
    if len(ratios) >= 3 and np.allclose(ratios, ratios[0], rtol=1e-4) and not np.isclose(ratios[0], 1.0):
        return (f"on every case your number is {ratios[0]:.4g} times the expected one: a constant "
                "factor is missing or applied twice.")
    return None


def _numeric_diagnosis(got_p: Any, exp_p: Any, ex: Exercise) -> str | None:
    """A generic reason why numbers differ: shape, axis, NaN, dtype, zeros, a constant factor."""
    if (isinstance(exp_p, (tuple, list)) and isinstance(got_p, (tuple, list)) and len(got_p) == len(exp_p)
            and any(isinstance(_to_plain(e), np.ndarray) for e in exp_p)):
        # Several results (e.g. two gradients): diagnose the first one that is wrong, by itself.
        for k, (g_k, e_k) in enumerate(zip(got_p, exp_p)):
            if compare_values(g_k, e_k, ex.rtol, ex.atol) is not None:
                why = _numeric_diagnosis(_to_plain(g_k), _to_plain(e_k), ex)
                return f"in item {k} of the {len(exp_p)} you return: {why}" if why else None
        return None
    g, e = _as_numeric_array(got_p), _as_numeric_array(exp_p)
    if g is None or e is None:
        return None
    if g.shape != e.shape:
        if g.ndim == 2 and g.shape == e.shape[::-1]:
            return ("the result is transposed: rows and columns are swapped. Check which axis "
                    "you sum or normalise over, and the order of the matrix product.")
        if g.size == e.size:
            return (f"the right number of values but the wrong shape: expected {e.shape}, got {g.shape}. "
                    "Read the docstring's shapes again: either a reshape is missing, or an axis you "
                    "summed over (or kept) should not have been.")
        if e.size == 0 or g.size == 0:
            return (f"expected shape {e.shape}, got {g.shape}: an empty input still gives a result "
                    "with the documented shape (for example (0, V): no rows, but V columns).")
        if g.ndim == e.ndim and g.shape[1:] == e.shape[1:]:
            return (f"expected shape {e.shape}, got {g.shape}: the number of rows is wrong. The "
                    "docstring says what each row stands for: is every input given its row, even "
                    "one that is unknown or empty?")
        return (f"expected shape {e.shape}, got {g.shape}: check which axis you reduce over "
                "(axis=0 is down the columns, axis=1 along the rows) and keepdims.")
    g64, e64 = g.astype(np.float64), e.astype(np.float64)
    if np.isnan(g64).any() and not np.isnan(e64).any():
        return ("NaN appears where the reference has numbers: usually 0/0 (dividing by the norm of "
                "an all-zero vector: guard the division) or the square root or log of a negative "
                "number.")
    if np.isinf(g64).any() and not np.isinf(e64).any():
        return "inf appears: a division by zero or log(0). Guard the zero case."
    if g.dtype.kind in "iu" and e.dtype.kind == "f" and not np.allclose(e64, np.round(e64)):
        if e.ndim == 0:
            return ("your result is a whole number (an integer type), so the fraction was cut off: "
                    "compute and return a float.")
        return ("your result has an integer dtype, so fractions were cut off: create the array "
                "with dtype=float (np.zeros(..., dtype=float)).")
    if not np.any(g64) and np.any(e64):
        return ("your function returns all zeros: is it still a stub, are values never filled in, "
                "or did an integer dtype (np.asarray(v, dtype=int)) cut every fraction to 0?")
    ratio = _constant_ratio(g64, e64)
    if ratio is not None:
        return (f"every value is off by the same factor ({ratio:.4g} times the expected value): "
                "a normalisation or scaling step is missing or applied twice.")
    return None


def _agrees(ex: Exercise, got: Any, wrong: Any) -> bool:
    """Does the learner's output (or _Raised) equal a mistake's output (or _Raised)?"""
    if isinstance(got, _Raised) or isinstance(wrong, _Raised):
        return (isinstance(got, _Raised) and isinstance(wrong, _Raised)
                and issubclass(wrong.kind, got.kind))
    try:
        # A custom compare may look at more than the values (a tensor's type or gradient):
        # give it the learner's result as returned.
        return _compare(ex, got, wrong) is None
    except Exception:  # an odd output that the comparison cannot even read is no match
        return False


def _mistake_hint(ex: Exercise, cases: Sequence[Case], i: int, outputs: list[Any]) -> str | None:
    """The hint of the registered mistake that explains the learner's output best.

    A candidate must give the learner's output (or raise the learner's exception) on the
    first failing case, ``cases[i]``; among the candidates, the one that agrees with the
    learner on the most cases wins (ties: the first registered). So a mistake that is
    one special case of another ("NaN at sample=0" inside "uncapped") wins exactly when
    the learner's code is that special case, whatever the order of registration.
    """
    best, best_score = None, -1
    for m in ex.mistakes:
        wrong = ex.mistake_outputs(m, cases)
        if not _agrees(ex, outputs[i], wrong[i]):
            continue
        score = sum(_agrees(ex, g, w) for g, w in zip(outputs, wrong))
        if score > best_score:
            best, best_score = m, score
    return best.hint if best else None


def _constant_ratio(g: np.ndarray, e: np.ndarray) -> float | None:
    mask = np.abs(e) > 1e-12
    if mask.sum() < 2 or np.any(np.abs(g[~mask]) > 1e-9):
        return None
    r = g[mask] / e[mask]
    if np.allclose(r, r[0], rtol=1e-4) and not np.isclose(r[0], 1.0, rtol=1e-4):
        return float(r[0])
    return None


def _exception_hint(ex: Exercise, cases: Sequence[Case], i: int, exc: Exception,
                    outputs: list[Any]) -> str:
    # A registered mistake that raises the same exception type names the cause.
    hint = _mistake_hint(ex, cases, i, outputs)
    if hint:
        return hint
    case = cases[i]
    where = _learner_frame(exc)
    at = f" at {where}" if where else ""
    given_tensors = any(type(a).__module__.startswith("torch") for a in (*case.args, *case.kwargs.values()))
    if given_tensors and isinstance(exc, (TypeError, AttributeError)):
        return (f"your function raised {type(exc).__name__}{at} when given torch tensors (this exercise "
                "runs its cases with NumPy arrays and again with torch tensors). Convert the inputs "
                "first (torch.as_tensor, or np.asarray), or use operations that work on both.")
    if isinstance(exc, (IndexError, KeyError)):
        return (f"your function raised {type(exc).__name__}{at}. Check indices and lookups on "
                f"this case{f' ({case.label})' if case.label else ''}: an empty input, or an item "
                "that is not in the vocabulary?")
    if isinstance(exc, ZeroDivisionError):
        return f"division by zero{at}: handle the zero case explicitly."
    if isinstance(exc, (ValueError, TypeError)) and ("shape" in str(exc) or "broadcast" in str(exc)):
        return (f"a shape mismatch{at}: print the .shape of each array; keepdims=True keeps a "
                "reduced axis so that the division broadcasts.")
    return f"your function raised {type(exc).__name__}{at}."


def _learner_frame(exc: BaseException) -> str | None:
    """'line N: code' of the last traceback frame outside embedlab and libraries."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.abspath(f.filename).startswith(here)
              and "site-packages" not in f.filename]
    if not frames:
        return None
    f = frames[-1]
    code = f": `{f.line.strip()}`" if f.line else ""
    return f"line {f.lineno} of {f.name}{code}"


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------
def _type_name(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype}"
    name = type(x).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _fmt(x: Any, limit: int = 300) -> str:
    # Say "tensor" for a torch tensor, so that a hint such as "return a torch tensor" does
    # not sit next to an expected value shown as an array.
    is_tensor = type(x).__name__ == "Tensor" and type(x).__module__.startswith("torch")
    kind, dtype = ("tensor", str(x.dtype)) if is_tensor else ("array", None)
    x = _to_plain(x)
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=4, threshold=24, edgeitems=3, linewidth=100, suppress=True):
            text = f"{kind}(shape={x.shape}, dtype={dtype or x.dtype}) " + np.array2string(x)
    elif isinstance(x, (list, tuple)) and len(x) > 12:
        text = repr(type(x)(list(x[:10]))).rstrip("])") + f", ... ({len(x)} items)"
    elif isinstance(x, dict) and len(x) > 12:
        items = list(x.items())[:10]
        text = "{" + ", ".join(f"{k!r}: {v!r}" for k, v in items) + f", ... ({len(x)} keys)}}"
    else:
        text = repr(x)
    text = text.replace("\n", "\n            ")
    if len(text) <= limit:
        return text
    # Cut between two values, never inside a number or a word.
    cut = max(text.rfind(sep, 0, limit - 4) for sep in (", ", " ", "\n"))
    return text[: cut if cut > limit // 2 else limit - 4].rstrip(", ") + " ..."


def _format_call(ex: Exercise, case: Case) -> str:
    try:
        params = list(inspect.signature(ex.reference).parameters)
    except (TypeError, ValueError):
        params = []
    parts = []
    for i, a in enumerate(case.args):
        name = params[i] if i < len(params) else f"arg{i}"
        parts.append(f"{name}={_fmt(a, 200)}")
    parts += [f"{k}={_fmt(v, 200)}" for k, v in case.kwargs.items()]
    return f"{ex.name}(" + ", ".join(parts) + ")"


def _format_exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"

