"""Tests of notebook 00's module: the warm-up exercises, the course map, the environment report.

Every registered mistake failing with its own hint is tested once, for every exercise, in
tests/test_check.py; here the references are tested against NumPy, SciPy and torch's
autograd, and answers written differently from the catalogue are graded.
"""
from __future__ import annotations

import builtins
import math
import socket
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import embedlab
from embedlab import check
from embedlab.check import get_exercise
from embedlab.exercises.lesson00 import vector_length_grad as numerical_length_grad
from embedlab.welcome import (
    TRACKS,
    course_map,
    course_map_markdown,
    distance,
    environment_report,
    vector_length,
)

EXERCISE = "00.vector_length"


# ---------------------------------------------------------------------------
# The exercise
# ---------------------------------------------------------------------------
def test_exercise_is_registered_under_its_name():
    assert EXERCISE in embedlab.list_exercises()
    assert embedlab.reference(EXERCISE) is vector_length
    assert get_exercise(EXERCISE).name == "vector_length"


@pytest.mark.parametrize("v,expected", [
    ([3, 4], 5.0),
    (np.zeros(5), 0.0),
    (np.array([-2.0]), 2.0),
    (np.ones(100, dtype=np.float32), 10.0),
])
def test_reference_values(v, expected):
    got = vector_length(v)
    assert isinstance(got, float)
    assert got == pytest.approx(expected)


def test_reference_passes_and_cases_cover_the_edges():
    result = check(vector_length, quiet=True)
    assert result.passed and result.status == "passed", result.message
    cases = get_exercise(EXERCISE).make_cases()
    labels = " | ".join(c.label for c in cases)
    for needed in ("zero vector", "single element", "negative", "10,000 dimensions", "list", "random"):
        assert needed in labels
    assert any(isinstance(c.args[0], list) for c in cases)
    assert any(getattr(c.args[0], "dtype", None) == np.float32 for c in cases)


def test_cases_are_seeded():
    a = get_exercise(EXERCISE).make_cases()
    b = get_exercise(EXERCISE).make_cases()
    for ca, cb in zip(a, b):
        np.testing.assert_array_equal(np.asarray(ca.args[0]), np.asarray(cb.args[0]))


def test_mistakes_written_by_a_learner_get_the_hint():
    # The learner's own code, written differently from the registered mistake.
    def vector_length(v):  # noqa: F811 - the learner's name
        return sum(abs(x) for x in v)

    result = check(vector_length, quiet=True)
    assert not result.passed and "L1" in result.hint

    def my_first_try(v):
        total = 0
        for x in v:
            total += x * x
        return total

    result = check(my_first_try, EXERCISE, quiet=True)
    assert not result.passed and "square root" in result.hint


def test_correct_float32_implementation_passes():
    def vector_length(v):
        v = np.asarray(v, dtype=np.float32)
        return np.sqrt(np.sum(v * v))  # a float32 scalar

    assert check(vector_length, quiet=True).passed


def test_correct_torch_implementation_passes():
    def vector_length(v):
        return torch.linalg.vector_norm(torch.as_tensor(np.asarray(v), dtype=torch.float32))

    assert check(vector_length, quiet=True).passed


def test_correct_pure_python_implementation_passes():
    def vector_length(v):
        return math.sqrt(sum(x * x for x in v))

    assert check(vector_length, quiet=True).passed


def test_numpy_norm_passes():
    def vector_length(v):
        return np.linalg.norm(v)

    assert check(vector_length, quiet=True).passed


def test_stub_is_reported_as_not_implemented():
    def vector_length(v):
        raise NotImplementedError

    result = check(vector_length, quiet=True)
    assert result.status == "not implemented" and not result.passed


def test_changing_the_input_is_caught():
    def vector_length(v):
        v = np.asarray(v, dtype=float)
        v **= 2  # in place: changes the caller's array
        return float(np.sqrt(v.sum()))

    result = check(vector_length, quiet=True)
    assert not result.passed and "changed its input" in result.message


def test_exercises_of_the_lesson():
    ids = [i for i in embedlab.list_exercises() if i.startswith("00.")]
    assert ids == ["00.distance", "00.vector_length", "00.vector_length_grad"]
    assert embedlab.reference("00.distance") is distance


# ---------------------------------------------------------------------------
# 00.distance
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_distance_matches_scipy(seed):
    from scipy.spatial.distance import euclidean

    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=50) * 3, rng.normal(size=50)
    got = distance(a, b)
    assert isinstance(got, float)
    assert got == pytest.approx(euclidean(a, b), rel=1e-12)
    assert distance(b, a) == pytest.approx(got, rel=1e-12)
    assert distance(a, a) == 0.0


def test_distance_accepts_lists_and_ints():
    assert distance([1, 2], [4, -2]) == 5.0
    assert distance(np.array([0, 3, 0]), np.array([4, 0, 0])) == 5.0


def test_distance_answers_written_differently_pass():
    import math

    def distance(a, b):  # noqa: F811 - the learner's name
        return math.dist(a, b)

    assert check(distance, quiet=True).passed

    def distance(a, b):  # noqa: F811
        return np.linalg.norm(np.asarray(b) - np.asarray(a))

    assert check(distance, quiet=True).passed


def test_distance_without_the_square_root_is_caught():
    def distance(a, b):  # noqa: F811
        return sum((x - y) ** 2 for x, y in zip(a, b))

    result = check(distance, quiet=True)
    assert not result.passed and "squared distance" in result.hint


# ---------------------------------------------------------------------------
# 00.vector_length_grad: a derivation, graded by central differences
# ---------------------------------------------------------------------------
def _autograd_length_grad(v):
    t = torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
    torch.linalg.vector_norm(t).backward()
    return t.grad.numpy()


def test_numerical_grader_matches_autograd_on_every_case():
    for case in get_exercise("00.vector_length_grad").make_cases():
        got = numerical_length_grad(*case.args)
        assert got.dtype == np.float64 and got.shape == np.shape(case.args[0])
        np.testing.assert_allclose(got, _autograd_length_grad(*case.args), rtol=1e-6, atol=5e-8,
                                   err_msg=case.label)


def test_the_grader_is_numerical_not_a_formula():
    # A grader that contained the answer would be read as the answer: it must only call
    # the length itself (and would follow it if the length changed).
    import inspect

    source = inspect.getsource(numerical_length_grad)
    assert "numerical_gradient(welcome.vector_length" in source


def test_analytic_gradient_passes_in_several_styles():
    def vector_length_grad(v):
        v = np.asarray(v, dtype=float)
        return v / np.sqrt(np.sum(v * v))

    assert check(vector_length_grad, quiet=True).passed

    def vector_length_grad(v):  # noqa: F811 - float32 and torch are fine
        t = torch.as_tensor(np.asarray(v), dtype=torch.float32)
        return t / torch.linalg.vector_norm(t)

    assert check(vector_length_grad, quiet=True).passed


@pytest.mark.parametrize("wrong,words", [
    (lambda v: np.asarray(v, dtype=float), "(1/2)|v|^2"),
    (lambda v: 2 * np.asarray(v, dtype=float) / np.linalg.norm(v), "factor 2"),
    (lambda v: -np.asarray(v, dtype=float) / np.linalg.norm(v), "sign is flipped"),
    (lambda v: np.asarray(v, dtype=float) / np.dot(v, v), "squared length"),
], ids=["v", "2v/|v|", "-v/|v|", "v/|v|^2"])
def test_wrong_derivations_written_differently_get_their_hint(wrong, words):
    result = check(wrong, "00.vector_length_grad", quiet=True)
    assert result.status == "failed" and words in result.hint, result.message


def test_a_gradient_that_is_zero_or_constant_fails():
    for wrong in (lambda v: np.zeros(np.shape(v)), lambda v: np.ones(np.shape(v))):
        assert not check(wrong, "00.vector_length_grad", quiet=True).passed


# ---------------------------------------------------------------------------
# Course map
# ---------------------------------------------------------------------------
def test_course_map_has_19_notebooks_in_order():
    rows = course_map()
    assert [r["number"] for r in rows] == [f"{i:02d}" for i in range(19)]
    for r in rows:
        assert set(r) == {"number", "title", "track", "techniques", "status"}
        assert r["title"] and r["techniques"] and all(isinstance(t, str) for t in r["techniques"])
        assert r["status"] in ("ready", "planned")
        assert r["track"] in TRACKS
    assert rows[0]["status"] == rows[1]["status"] == "ready"
    assert {r["track"] for r in rows} == set(TRACKS)


def test_course_map_status_matches_the_notebooks_shipped():
    """'ready' exactly for the notebooks in notebooks/, so the map in 00 and the README stays true."""
    shipped = {p.name[:2] for p in (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    for row in course_map():
        expected = "ready" if row["number"] in shipped else "planned"
        assert row["status"] == expected, f"notebook {row['number']}: course map says {row['status']!r}"


def test_course_map_returns_copies():
    rows = course_map()
    rows[0]["techniques"].append("oops")
    rows[0]["status"] = "planned"
    assert "oops" not in course_map()[0]["techniques"]
    assert course_map()[0]["status"] == "ready"


def test_course_map_markdown():
    text = course_map_markdown()
    lines = text.splitlines()
    assert len(lines) == 2 + 19
    assert "| 18 |" in text and "TF-IDF" in text


def test_plot_course_map_draws_headless():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from embedlab.welcome import plot_course_map

    ax = plot_course_map()
    assert len(ax.patches) == 19
    plt.close(ax.figure)


# ---------------------------------------------------------------------------
# Environment report
# ---------------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("environment_report() must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_environment_report_offline(monkeypatch, no_network):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("EMBEDLAB_OFFLINE", raising=False)
    report = environment_report()
    assert isinstance(report, dict)
    for key in ("python", "embedlab", "torch", "device", "cpu", "ram", "network", "assets", "assets_note"):
        assert key in report
    assert report["embedlab"] == embedlab.__version__
    assert report["torch"] == torch.__version__
    assert report["device"].split(":")[0] in ("cpu", "cuda", "mps")
    assert report["cpu"]["count"] >= 1 and report["cpu"]["usable"] >= 1
    assert report["ram"]["total_gb"] is None or report["ram"]["total_gb"] > 0
    assert report["network"]["offline"] is True
    assert "HF_HUB_OFFLINE=1" in report["network"]["summary"]
    assert isinstance(report["assets"], list)
    # It shows itself as text and as HTML.
    assert "PyTorch" in str(report) and "<table>" in report._repr_html_()


def test_environment_report_online_settings(monkeypatch, no_network):
    for name in ("HF_HUB_OFFLINE", "EMBEDLAB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    assert environment_report()["network"]["offline"] is False
    monkeypatch.setenv("EMBEDLAB_OFFLINE", "0")
    assert environment_report()["network"]["offline"] is False
    monkeypatch.setenv("EMBEDLAB_OFFLINE", "true")
    assert environment_report()["network"]["offline"] is True


def test_environment_report_without_psutil(monkeypatch):
    real_import = builtins.__import__

    def no_psutil(name, *args, **kwargs):
        if name == "psutil":
            raise ImportError("no psutil here")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "psutil", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_psutil)
    ram = environment_report()["ram"]
    if sys.platform.startswith("linux"):
        assert ram["source"] == "/proc/meminfo" and ram["total_gb"] > 0


def test_environment_report_survives_a_missing_or_broken_data_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "embedlab.data", None)  # import raises ModuleNotFoundError
    report = environment_report()
    assert report["assets"] == [] and "embedlab.data" in report["assets_note"]

    class Broken:
        @staticmethod
        def status():
            raise OSError("disk on fire")

    monkeypatch.setitem(sys.modules, "embedlab.data", Broken)
    report = environment_report()
    assert report["assets"] == [] and "disk on fire" in report["assets_note"]


def test_environment_report_lists_assets(monkeypatch):
    class Fake:
        @staticmethod
        def status():
            return [
                {"name": "tiny", "kind": "text", "available": True, "where": "data/tiny", "licence": "CC0",
                 "description": "a tiny corpus"},
                {"name": "glove", "kind": "vectors", "available": False, "where": None, "licence": "PDDL",
                 "description": "pretrained GloVe"},
            ]

    monkeypatch.setitem(sys.modules, "embedlab.data", Fake)
    report = environment_report()
    assert [a["name"] for a in report["assets"]] == ["tiny", "glove"]
    assert "1 of 2" in report["assets_note"]
    assert "glove" in str(report) and "glove" in report._repr_html_()
