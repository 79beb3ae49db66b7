"""Tests of the exercise runner itself, and the catalogue test over every exercise.

The catalogue test is the one that keeps every exercise honest: each reference must
pass its own check, and each registered mistake (a realistic wrong implementation)
must fail with exactly its hint. A check that a wrong answer can pass is a defect.
"""
from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest
import torch

import embedlab
from embedlab.check import Case, CheckResult, ExerciseFailed, check, exercise, mistake

# `embedlab.check` is the function learners call; the module lives in sys.modules.
check_module = sys.modules["embedlab.check"]

# ---------------------------------------------------------------------------
# Every registered exercise
# ---------------------------------------------------------------------------
ALL_IDS = embedlab.list_exercises()


def test_exercises_are_registered():
    assert ALL_IDS, "no exercise registered: the technique modules did not import"
    assert not check_module._IMPORT_ERRORS, check_module._IMPORT_ERRORS


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_reference_passes_its_own_check(exercise_id):
    result = check(embedlab.reference(exercise_id), exercise_id, quiet=True)
    assert result.passed, result.message
    assert result.score == 1.0 and result.status == "passed"
    assert result.n_cases >= 5, "an exercise needs edge cases and random cases"
    assert "One thing to tidy" not in result.message, result.message   # no hidden log(0) in a reference


def _mistakes():
    for exercise_id in ALL_IDS:
        for m in check_module.get_exercise(exercise_id).mistakes:
            yield pytest.param(exercise_id, m, id=f"{exercise_id}-{m.name}")


@pytest.mark.parametrize("exercise_id,wrong", list(_mistakes()))
def test_each_mistake_fails_with_its_hint(exercise_id, wrong):
    result = check(wrong.impl, exercise_id, quiet=True)
    assert not result.passed
    assert result.status == "failed"
    assert result.score < 1.0
    assert result.hint == wrong.hint, result.message


@pytest.mark.parametrize("exercise_id", [i for i in ALL_IDS if check_module.get_exercise(i).stand_in])
def test_a_stand_in_passes_its_exercise(exercise_id):
    # yours_or_reference hands out the stand-in (a fast analytic version of a numerically
    # graded reference): it must give the reference's results.
    ex = check_module.get_exercise(exercise_id)
    assert check(ex.stand_in, exercise_id, quiet=True).passed

    def failing(*args, **kwargs):
        raise NotImplementedError
    failing.__name__ = ex.name
    assert embedlab.yours_or_reference(failing, exercise_id) is ex.stand_in


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_no_two_mistakes_are_indistinguishable(exercise_id):
    # check() shows the hint of the mistake that agrees with the learner on the most cases;
    # two mistakes that agree on every case would make that choice arbitrary (and one of
    # them useless): the cases must tell every pair apart.
    ex = check_module.get_exercise(exercise_id)
    cases = ex.make_cases()
    outputs = {m.name: ex.mistake_outputs(m, cases) for m in ex.mistakes}
    names = list(outputs)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            same = all(check_module._agrees(ex, x, y) for x, y in zip(outputs[a], outputs[b]))
            assert not same, f"{exercise_id}: mistakes {a} and {b} give the same output on every case"


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_progressive_hints(exercise_id):
    ex = check_module.get_exercise(exercise_id)
    assert 2 <= len(ex.hints) <= 3, f"{exercise_id}: {len(ex.hints)} hints, the course gives 2-3"
    assert len(set(ex.hints)) == len(ex.hints) and all(h.strip() for h in ex.hints)


def test_mistake_hint_does_not_depend_on_registration_order():
    # Shuffle every exercise's catalogue: each mistake must still get its own hint.
    rng = np.random.default_rng(0)
    for exercise_id in ALL_IDS:
        ex = check_module.get_exercise(exercise_id)
        original = list(ex.mistakes)
        try:
            ex.mistakes[:] = [original[i] for i in rng.permutation(len(original))[::-1]]
            for m in original:
                assert check(m.impl, exercise_id, quiet=True).hint == m.hint, (exercise_id, m.name)
        finally:
            ex.mistakes[:] = original


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_generic_wrong_answers_fail(exercise_id):
    ex = check_module.get_exercise(exercise_id)
    ref = ex.reference

    def zeros(*args, **kwargs):
        out = check_module._to_plain(ref(*args, **kwargs))
        return np.zeros_like(out) if isinstance(out, np.ndarray) else type(out)() if out is not None else 0

    def returns_none(*args, **kwargs):
        ref(*args, **kwargs)

    def stub(*args, **kwargs):
        raise NotImplementedError

    for wrong, status in ((zeros, "failed"), (returns_none, "failed"), (stub, "not implemented")):
        result = check(wrong, exercise_id, quiet=True)
        assert not result.passed and result.status == status, (wrong.__name__, result.message)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_cases_are_deterministic(exercise_id):
    ex = check_module.get_exercise(exercise_id)
    a, b = ex.make_cases(), ex.make_cases()
    assert all(check_module._same(x, y) for x, y in zip(a, b))


# ---------------------------------------------------------------------------
# The runner, on a small exercise of its own
# ---------------------------------------------------------------------------
def _row_cases(rng):
    return [
        Case((np.zeros((2, 3)),), label="all-zero rows"),
        Case((np.array([[3.0, 4.0]]),), label="one row"),
        *[Case((rng.normal(size=(5, 4)),), label=f"random {i}") for i in range(3)],
    ]


def _normalise_rows(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x, dtype=float), where=norms > 0)


COLUMNS_HINT = "You normalised the columns: use axis=1."


@pytest.fixture
def rows_exercise():
    """Register a throwaway exercise '99.rows' and remove it afterwards."""
    check_module._load_all()
    exercise("99.rows", _normalise_rows, cases=_row_cases, name="normalise_rows", time_limit=1.0,
             hints=ROWS_HINTS)

    @mistake("99.rows", COLUMNS_HINT)
    def columns(x):
        norms = np.linalg.norm(x, axis=0, keepdims=True)
        return np.divide(x, norms, out=np.zeros_like(x, dtype=float), where=norms > 0)

    yield "99.rows"
    del check_module._REGISTRY["99.rows"]
    check_module._HINTS_SHOWN.pop("99.rows", None)


ROWS_HINTS = ["Each row is divided by its own length.", "np.linalg.norm has an axis argument.",
              "Divide by the norms with keepdims=True, and leave an all-zero row at zero."]


def test_hints_come_one_at_a_time_and_the_verdict_says_so(rows_exercise, capsys):
    def normalise_rows(x):
        return x

    assert "Stuck? embedlab.hint('99.rows') gives hint 1 of 3." in check(normalise_rows, quiet=True).message
    embedlab.hint(normalise_rows)                      # found from the function, as check does
    first = capsys.readouterr().out
    assert first.startswith("99.rows, hint 1 of 3: Each row is divided") and "again" in first
    assert "hint 2 of 3" in check(normalise_rows, quiet=True).message
    embedlab.hint("99.rows")
    embedlab.hint("normalise_rows")                    # or from its name
    embedlab.hint("99.rows")                           # the last one stays
    out = capsys.readouterr().out.split("99.rows, hint ")
    assert [o[:6] for o in out[1:]] == ["2 of 3", "3 of 3", "3 of 3"]
    assert "embedlab.solution('99.rows')" in out[-1]
    assert "seen all 3 hints; embedlab.solution('99.rows')" in check(normalise_rows, quiet=True).message
    embedlab.hint("99.rows", level=1)
    assert "hint 1 of 3" in capsys.readouterr().out
    embedlab.hint("99.rows", level=7)
    assert "hints 1 to 3" in capsys.readouterr().out
    embedlab.hint("99.rowz")
    assert "Did you mean '99.rows'" in capsys.readouterr().out


def test_not_implemented_verdict_points_to_the_hints(rows_exercise):
    def normalise_rows(x):
        raise NotImplementedError
    assert "embedlab.hint('99.rows')" in check(normalise_rows, quiet=True).message


def test_solution_shows_the_reference_outside_a_graded_release(rows_exercise, capsys, monkeypatch):
    monkeypatch.delenv("EMBEDLAB_GRADED", raising=False)
    embedlab.solution("99.rows")
    out = capsys.readouterr().out
    assert "def _normalise_rows" in out and "yours may differ" in out
    embedlab.solution("03.sgns_loss")                  # a course exercise: the notebook's solution
    assert "def sgns_loss(" in capsys.readouterr().out


@pytest.mark.parametrize("how", ["switch", "environment"])
def test_graded_mode_turns_reveals_off(rows_exercise, capsys, monkeypatch, how):
    monkeypatch.setattr(check_module, "_GRADED_SWITCH", False)
    if how == "switch":
        embedlab.graded_mode()
    else:
        monkeypatch.setenv("EMBEDLAB_GRADED", "1")
    embedlab.solution("99.rows")
    out = capsys.readouterr().out
    assert "switched off in this graded release" in out and "def _normalise_rows" not in out
    with pytest.raises(check_module.RevealsOff, match="switched off"):
        embedlab.reference("99.rows")

    def normalise_rows(x):
        raise NotImplementedError
    stand_in = embedlab.yours_or_reference(normalise_rows)
    assert stand_in is not _normalise_rows and stand_in.__name__ == "normalise_rows"
    x = np.array([[3.0, 4.0]])
    assert np.allclose(stand_in(x), _normalise_rows(x))
    embedlab.hint("99.rows")                           # hints stay on
    assert "hint 1 of 3" in capsys.readouterr().out
    assert check(_normalise_rows, "99.rows", quiet=True).passed


def test_right_answer_passes_and_finds_exercise_by_name(rows_exercise):
    def normalise_rows(x):
        return _normalise_rows(x)

    result = check(normalise_rows, quiet=True)
    assert result.passed and result.exercise_id == "99.rows"
    assert result.message.startswith("99.rows: passed 5/5")
    assert bool(result) is True


def test_float32_and_torch_outputs_pass(rows_exercise):
    assert check(lambda x: _normalise_rows(x).astype(np.float32), "99.rows", quiet=True).passed
    assert check(lambda x: torch.from_numpy(_normalise_rows(x)), "99.rows", quiet=True).passed


def test_registered_mistake_gives_its_hint(rows_exercise):
    def normalise_rows(x):
        norms = np.linalg.norm(x, axis=0, keepdims=True)
        return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)

    result = check(normalise_rows, quiet=True)
    assert not result.passed and result.hint == COLUMNS_HINT
    assert "First failing case" in result.message and "expected" in result.message


@pytest.mark.parametrize("wrong,words", [
    (lambda x: x / np.linalg.norm(x, axis=1, keepdims=True), "NaN"),
    (lambda x: _normalise_rows(x).T, "transposed"),
    (lambda x: 2 * _normalise_rows(x), "same factor"),
    (lambda x: np.zeros_like(x), "all zeros"),
    (lambda x: None, "return"),
    (lambda x: _normalise_rows(x).astype(int), "integer dtype"),
    (lambda x: _normalise_rows(x).ravel(), "wrong shape"),
    (lambda x: _normalise_rows(x).sum(axis=1), "axis"),
    (lambda x: x[0, 10], "IndexError"),
])
def test_generic_hints(rows_exercise, wrong, words):
    result = check(wrong, "99.rows", quiet=True)
    assert not result.passed
    assert words in (result.hint or ""), result.message


def test_mutating_the_input_is_caught(rows_exercise):
    def normalise_rows(x):
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)
        return x

    result = check(normalise_rows, quiet=True)
    assert not result.passed and "in place" in result.hint


def test_exception_hint_names_the_learners_line(rows_exercise):
    def normalise_rows(x):
        scale = 1 / (x.shape[1] - x.shape[1])  # a Python ZeroDivisionError
        return x * scale

    result = check(normalise_rows, quiet=True)
    assert not result.passed
    assert "line" in result.hint and "normalise_rows" in result.hint


def test_stub_reports_not_implemented(rows_exercise):
    def normalise_rows(x):
        raise NotImplementedError("normalise_rows: not implemented yet")

    result = check(normalise_rows, quiet=True)
    assert result.status == "not implemented" and "not implemented yet" in result.message
    assert result.score == 0.0


def test_infinite_loop_is_stopped(rows_exercise):
    def normalise_rows(x):
        while True:
            try:
                pass
            except Exception:  # a learner's broad except must not swallow the time limit
                pass

    start = time.perf_counter()
    result = check(normalise_rows, quiet=True)
    assert time.perf_counter() - start < 5
    assert not result.passed and "did not finish" in result.hint


def _swallows_bare(x):
    while True:
        try:
            time.sleep(0.001)
        except:  # noqa: E722 - the learner's bare except, which catches BaseException too
            pass


def _swallows_base_exception(x):
    while True:
        try:
            while True:
                sum(range(100))
        except BaseException:
            pass


@pytest.mark.parametrize("fn", [_swallows_bare, _swallows_base_exception])
def test_the_time_limit_holds_whatever_the_function_catches(rows_exercise, fn):
    start = time.perf_counter()
    result = check(fn, "99.rows", quiet=True)
    took = time.perf_counter() - start
    # 1 s limit (rows_exercise), then parked within a few 10 ms interruptions
    assert took < 1.5, took
    assert not result.passed and "Stopped after 1 s" in result.message and "did not finish" in result.hint
    assert "put it to sleep for good" in result.message


def test_a_function_that_cannot_be_interrupted_is_left_behind_and_said_so(rows_exercise):
    def normalise_rows(x):
        time.sleep(30)  # one long C call: nothing can be raised inside it

    start = time.perf_counter()
    result = check(normalise_rows, quiet=True)
    assert time.perf_counter() - start < 1.0 + check_module._Attempt.GRACE + 1.0
    assert not result.passed and "still running in the background" in result.message
    assert "restart the kernel" in result.message


def test_the_time_limit_holds_outside_the_main_thread(rows_exercise):
    box = {}

    def run():
        box["slow"] = check(_swallows_bare, "99.rows", quiet=True)
        box["right"] = check(_normalise_rows, "99.rows", quiet=True)

    start = time.perf_counter()
    t = threading.Thread(target=run)  # no SIGALRM here: the limit must not need it
    t.start()
    t.join(20)
    assert not t.is_alive(), "check() hung in a thread"
    assert time.perf_counter() - start < 1.0 + check_module._Attempt.GRACE + 3.0
    assert not box["slow"].passed and "Stopped after 1 s" in box["slow"].message
    assert box["right"].passed


def test_cases_after_the_time_is_up_do_not_count(rows_exercise):
    calls = []

    def normalise_rows(x):
        calls.append(1)
        if len(calls) == 2:
            try:
                while True:
                    pass
            except BaseException:
                return _normalise_rows(x)  # caught the interruption and returned late, right
        return _normalise_rows(x)

    result = check(normalise_rows, quiet=True)
    assert result.n_passed == 1 and "Stopped after 1 s" in result.message and len(calls) == 2


def test_partial_score(rows_exercise):
    def normalise_rows(x):
        return x / np.linalg.norm(x, axis=1, keepdims=True)  # NaN on the all-zero case only

    result = check(normalise_rows, quiet=True)
    assert result.n_passed == 4 and result.n_cases == 5 and result.score == pytest.approx(0.8)
    assert "passed 4/5" in result.message


def test_strict_raises_for_graders(rows_exercise):
    with pytest.raises(ExerciseFailed, match="99.rows"):
        check(lambda x: x, "99.rows", strict=True, quiet=True)
    with pytest.raises(AssertionError):
        check(lambda x: x, "nope.nope", strict=True, quiet=True)
    assert check(_normalise_rows, "99.rows", strict=True, quiet=True).passed


@pytest.mark.parametrize("fn,exercise_id,words", [
    (3, "99.rows", "needs your function itself"),
    (np.zeros(3), "99.rows", "needs your function itself"),
    (lambda x: x, None, "name the exercise"),
    (lambda x: x, "99.rowz", "Did you mean '99.rows'"),
    (lambda x, y: x, "99.rows", "Keep the parameters"),
])
def test_one_clear_sentence_for_misuse(rows_exercise, fn, exercise_id, words):
    result = check(fn, exercise_id, quiet=True)
    assert result.status == "error" and not result.passed
    assert words in result.message


def test_unknown_function_name_suggests_close_one(rows_exercise):
    def normalize_rows(x):
        return x

    result = check(normalize_rows, quiet=True)
    assert result.status == "error" and "normalise_rows" in result.message


def test_a_bug_in_a_check_never_reaches_the_notebook(rows_exercise, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(check_module, "_run_check", broken)
    result = check(_normalise_rows, "99.rows", quiet=True)
    assert result.status == "error" and "bug in embedlab" in result.message


def test_html_verdict_and_single_display(rows_exercise):
    result = check(_normalise_rows, "99.rows", quiet=True)
    html = result._repr_html_()
    assert "passed 5/5" in html and "<div" in html
    shown = []
    import IPython.display

    original = IPython.display.display
    IPython.display.display = lambda *a, **k: shown.append(a)
    try:
        result._ipython_display_()
        result._ipython_display_()
    finally:
        IPython.display.display = original
    assert len(shown) == 1


def test_check_prints_outside_jupyter(rows_exercise, capsys):
    check(_normalise_rows, "99.rows")
    assert "99.rows: passed 5/5" in capsys.readouterr().out


def test_a_plain_python_shell_shows_the_verdict_once(rows_exercise, capsys, monkeypatch):
    import builtins
    import sys

    monkeypatch.setattr(sys, "displayhook", sys.__displayhook__)
    result = check(_normalise_rows, "99.rows")     # what `>>> check(f)` runs ...
    sys.displayhook(result)                         # ... and then echoes
    out = capsys.readouterr().out
    assert out.count("passed 5/5") == 1 and "CheckResult(" not in out
    assert builtins._ is result
    sys.displayhook(42)                             # everything else is echoed as before
    assert capsys.readouterr().out == "42\n"
    quiet = check(_normalise_rows, "99.rows", quiet=True)
    sys.displayhook(quiet)                          # not printed yet: echoed, briefly
    assert capsys.readouterr().out == "CheckResult('99.rows', passed, 5/5 cases)\n"


def test_yours_or_reference(rows_exercise, capsys):
    def normalise_rows(x):
        raise NotImplementedError

    assert embedlab.yours_or_reference(normalise_rows) is _normalise_rows   # not graded: the reference
    assert "reference" in capsys.readouterr().out
    assert embedlab.yours_or_reference(_normalise_rows, "99.rows") is _normalise_rows


def test_torch_inputs(rows_exercise):
    ex = check_module.get_exercise("99.rows")
    ex.inputs = "both"
    try:
        cases = ex.make_cases()
        assert any(isinstance(c.args[0], torch.Tensor) for c in cases)

        def normalise_rows(x):  # works for numpy and torch alike
            norms = (x * x).sum(axis=1, keepdims=True) ** 0.5
            return x / (norms + (norms == 0))

        assert check(normalise_rows, quiet=True).passed
        numpy_only = check(lambda x: _normalise_rows(np.asarray(x)) if isinstance(x, np.ndarray)
                           else x.numpy(force=True).sum(), "99.rows", quiet=True)
        assert not numpy_only.passed
    finally:
        ex.inputs = "numpy"


def test_compare_values_containers():
    cv = check_module.compare_values
    assert cv([1, 2, 3], np.array([1, 2, 3])) is None
    assert cv({"a": 1.0}, {"a": 1.0 + 1e-9}) is None
    assert "missing keys" in cv({"a": 1}, {"a": 1, "b": 2})
    assert "position [1]" in cv(["x", "y"], ["x", "z"])
    assert cv([["a", "c"]], [["a", "b"]]).startswith("at position [0][1]: ")
    assert cv(np.float32(0.1), 0.1) is None
    assert cv(torch.tensor(2.0), 2.0) is None
    assert cv(True, True) is None and cv(False, True) is not None
    assert "3 items" in cv([1, 2], [1, 2, 3])
    assert cv("abc", "abc") is None


def test_check_result_is_public_api():
    r = CheckResult("x", True, 1.0, "ok")
    assert r.passed and r.score == 1.0 and r.message == "ok"


def test_a_tuple_of_results_is_diagnosed_item_by_item():
    # Derivation exercises return several gradients: the generic diagnosis names the item.
    check_module._load_all()

    def cases(rng):
        return [Case((rng.normal(size=(3, 2)),), label=f"random {i}") for i in range(5)]

    exercise("99.pair", lambda x: (2 * x, x.sum(0)), cases=cases, name="pair")
    try:
        result = check(lambda x: (2 * x, 3 * x.sum(0)), "99.pair", quiet=True)
        assert result.hint.startswith("in item 1 of the 2 you return: every value is off by the same factor")
        result = check(lambda x: (2 * x.T, x.sum(0)), "99.pair", quiet=True)
        assert result.hint.startswith("in item 0 of the 2 you return: the result is transposed")
    finally:
        del check_module._REGISTRY["99.pair"]


def test_a_number_off_by_a_constant_factor_on_every_case(rows_exercise):
    check_module._load_all()

    def cases(rng):
        return [Case((rng.normal(size=3),), label=f"random {i}") for i in range(5)]

    exercise("99.norm", lambda v: float(np.linalg.norm(v)), cases=cases, name="norm")
    try:
        result = check(lambda v: 2 * float(np.linalg.norm(v)), "99.norm", quiet=True)
        assert "2 times the expected one" in result.hint
        result = check(lambda v: float(np.linalg.norm(v)) + 1, "99.norm", quiet=True)
        assert result.hint is None or "times the expected" not in result.hint
        result = check(lambda v, w: 0.0, "99.norm", quiet=True)
        assert "norm(v)" in result.message and "'" not in result.message.split("calls")[1].split(",")[0]
    finally:
        del check_module._REGISTRY["99.norm"]


def test_a_right_answer_that_computed_log_of_zero_gets_a_note(rows_exercise):
    def normalise_rows(x):
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        out = x / norms                                   # 0/0 on the all-zero row ...
        return np.where(norms > 0, out, 0.0)              # ... thrown away afterwards

    result = check(normalise_rows, quiet=True)
    assert result.passed
    assert 'NumPy reported "invalid value"' in result.message and "all-zero rows" in result.message
    assert "One thing to tidy" not in check(_normalise_rows, "99.rows", quiet=True).message
