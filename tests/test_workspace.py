"""`make lab`: learners' working copies survive course updates, and JupyterLab starts as root."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from embedlab import workspace

ROOT = Path(__file__).resolve().parent.parent


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "notebooks"
    (course / "solutions").mkdir(parents=True)
    for name in ("00_welcome.ipynb", "01_symbols.ipynb"):
        (course / name).write_text(json.dumps({"cells": [], "name": name}))
    (course / "solutions" / "00_welcome.ipynb").write_text("{}")
    return course


def test_copies_once_and_never_overwrites_the_learners_work(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    first = workspace.make_working_copies(course, work)
    assert first.copied == ["00_welcome.ipynb", "01_symbols.ipynb"] and not first.updated
    assert not (work / "solutions").exists()           # learners work in their own versions only

    (work / "00_welcome.ipynb").write_text("the learner's answers")
    again = workspace.make_working_copies(course, work)
    assert again.copied == [] and sorted(again.kept) == ["00_welcome.ipynb", "01_symbols.ipynb"]
    assert (work / "00_welcome.ipynb").read_text() == "the learner's answers"
    assert not again.updated


def test_a_course_update_is_reported_and_new_notebooks_arrive(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    workspace.make_working_copies(course, work)
    (work / "01_symbols.ipynb").write_text("mine")
    (course / "01_symbols.ipynb").write_text("the course's new version")   # what `git pull` brings
    (course / "02_new.ipynb").write_text("{}")
    report = workspace.make_working_copies(course, work)
    assert report.copied == ["02_new.ipynb"] and report.updated == ["01_symbols.ipynb"]
    assert (work / "01_symbols.ipynb").read_text() == "mine"
    lines = "\n".join(report.lines(work, course))
    assert "newer 01_symbols.ipynb" in lines and "Your copy is kept" in lines and "delete" in lines
    # Deleting the copy is how a learner takes the new version.
    (work / "01_symbols.ipynb").unlink()
    assert workspace.make_working_copies(course, work).copied == ["01_symbols.ipynb"]
    assert (work / "01_symbols.ipynb").read_text() == "the course's new version"


def test_work_folder_is_ignored_by_git():
    assert "/work/" in (ROOT / ".gitignore").read_text().split()


@pytest.mark.parametrize("uid, allowed", [(0, True), (1000, False)])
def test_allow_root_only_as_root(monkeypatch, uid, allowed):
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    assert ("--allow-root" in workspace.lab_command()) is allowed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_starts_jupyterlab(tmp_path):
    """`make lab` itself, as whoever runs the tests (root in CI and in Docker images)."""
    port = _free_port()
    prefix = Path(sys.prefix)
    stamp = prefix / ".embedlab-installed"
    if not stamp.exists():
        pytest.skip("not running in the virtual environment that `make` created")
    work = tmp_path / "work"
    args = (f"--work {work} --no-browser --port={port} --ServerApp.port_retries=0 "
            f"--ServerApp.token= --ServerApp.ip=127.0.0.1")
    # -o: never rebuild the environment from inside a test.
    proc = subprocess.Popen(["make", "-s", "-o", str(stamp), "lab", f"VENV={prefix}", f"LAB_ARGS={args}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
                            start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as r:
                    answer = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        if answer is None:
            out = proc.stdout.read().decode() if proc.poll() is not None else "(still starting)"
            pytest.fail(f"JupyterLab did not answer on port {port}: {out[-2000:]}")
        assert "version" in answer
        assert (work / "00_welcome.ipynb").exists()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)
