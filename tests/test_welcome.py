"""Tests of notebook 00's module: the warm-up exercise, the course map, the environment report."""
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
from embedlab.welcome import (
    TRACKS,
    course_map,
    course_map_markdown,
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


def test_there_are_several_realistic_mistakes():
    assert len(get_exercise(EXERCISE).mistakes) >= 3


@pytest.mark.parametrize("wrong", get_exercise(EXERCISE).mistakes, ids=lambda m: m.name)
def test_every_mistake_fails_with_its_own_hint(wrong):
    result = check(wrong.impl, EXERCISE, quiet=True)
    assert not result.passed
    assert result.status == "failed"
    assert result.hint == wrong.hint, result.message
    assert "Hint: " + wrong.hint in result.message


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
