"""Run every course notebook end to end, in its learner and its solution version.

For each ``sources/NN_name.py`` the notebooks are built fresh (tools/build_notebooks.py)
into a temporary copy of the ``notebooks/`` layout and executed top to bottom with
nbclient (kernel ``python3``, 120 s per cell, no network to the model hubs,
matplotlib's Agg backend). Nothing is written into the repository.

* solution version: runs without error; every check cell says ``passed N/N cases``;
  no output says ``not implemented yet``.
* learner version: runs without error (cells tagged ``raises-exception`` by the build
  may raise); every check cell says ``not implemented yet``.

Check cells tagged ``demo`` (check() shown on purpose-made wrong code) are not held
to either rule.

The fixture source in tests/fixtures/sources/ runs through the same harness, so
the harness itself is tested even before the course has notebooks.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import build_notebooks as bn  # tools/, on the path through conftest.py

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in (ROOT / "sources").glob("[0-9][0-9]_*.py"))
FIXTURE = Path(__file__).parent / "fixtures" / "sources" / "99_fixture.py"
# Seconds per cell. The slowest cells take about 20 s on 2 idle cores (40 s on busy ones).
# nbclient sometimes waits out the whole limit after a cell that shows a widget and then
# goes on correctly (jupyter/nbclient#312): a shorter limit bounds what that costs.
CELL_TIMEOUT = int(os.environ.get("EMBEDLAB_CELL_TIMEOUT", "120"))  # more on a loaded machine

PASSED = re.compile(r"passed (\d+)/(\d+) cases")
NOT_IMPLEMENTED = "not implemented yet"


def output_text(cell) -> str:
    """Everything a code cell showed: streams, text/plain, text/html and errors."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            for mime in ("text/plain", "text/html"):
                if mime in out.data:
                    parts.append(out.data[mime])
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


def execute(source: Path, version: str, workdir: Path):
    """Build ``version`` of ``source`` into ``workdir/notebooks`` and run it; return the result."""
    nb = bn.build_notebook(source, version, expectations=True)   # with the "expect" cells
    notebooks = workdir / "notebooks"
    folder = notebooks if version == "learner" else notebooks / bn.SOLUTIONS_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source.stem}.ipynb"
    path.write_text(bn.to_json(nb), encoding="utf-8")
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(notebooks)}})
    client.execute(env=bn.kernel_env(), cwd=str(notebooks))
    return nb


def errors(nb) -> list[str]:
    """Error outputs of cells that are not tagged raises-exception."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or bn.RAISES_TAG in cell.metadata.get("tags", []):
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                found.append(f"cell {i} ({cell.id}): {out.ename}: {out.evalue}")
    return found


def check_cells(nb) -> list:
    """The graded check cells (a line calls check(...); not tagged "demo")."""
    return [c for c in nb.cells if bn.is_graded_check_cell(c)]


def verify_solution(nb, name: str) -> None:
    assert not errors(nb), f"{name} (solution) raised:\n" + "\n".join(errors(nb))
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert NOT_IMPLEMENTED not in output_text(cell), \
                f"{name} (solution), cell {cell.id} says '{NOT_IMPLEMENTED}':\n{cell.source}"
    for cell in check_cells(nb):
        text = output_text(cell)
        verdicts = PASSED.findall(text)
        assert verdicts, f"{name} (solution), check cell {cell.id} shows no 'passed N/M cases':\n{text}"
        for n, m in verdicts:
            assert n == m, f"{name} (solution), check cell {cell.id} passed only {n}/{m} cases:\n{text}"


def verify_learner(nb, name: str) -> None:
    assert not errors(nb), f"{name} (learner) raised:\n" + "\n".join(errors(nb))
    for cell in check_cells(nb):
        text = output_text(cell)
        assert NOT_IMPLEMENTED in text, \
            f"{name} (learner), check cell {cell.id} does not say '{NOT_IMPLEMENTED}':\n{text}"


VERIFY = {"solution": verify_solution, "learner": verify_learner}


@pytest.mark.notebook
@pytest.mark.parametrize("version", ["solution", "learner"])
@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_course_notebook(source, version, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = execute(source, version, tmp_path)
    VERIFY[version](nb, source.stem)


@pytest.mark.notebook
@pytest.mark.parametrize("version", ["solution", "learner"])
def test_harness_on_fixture(version, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = execute(FIXTURE, version, tmp_path)
    VERIFY[version](nb, FIXTURE.stem)
    checks = check_cells(nb)
    assert len(checks) == 1
    if version == "solution":
        assert "passed 2/2 cases" in output_text(checks[0])
    assert [c for c in nb.cells if bn.EXPECT_TAG in c.metadata.get("tags", [])]   # they ran
    # The verifiers must catch the opposite version's outputs.
    other = "learner" if version == "solution" else "solution"
    with pytest.raises(AssertionError):
        VERIFY[other](nb, FIXTURE.stem)


@pytest.mark.notebook
def test_a_false_expectation_fails_the_notebook(tmp_path, monkeypatch):
    source = tmp_path / "sources" / FIXTURE.name
    source.parent.mkdir()
    source.write_text(FIXTURE.read_text().replace("== [2.0, 4.0]", "== [2.0, 5.0]"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CellExecutionError, match="the text says"):
        execute(source, "solution", tmp_path)
