"""nbgrader itself grades a course notebook as tools/nbgrader_roundtrip.py promises.

Notebook 01 only (about 30 s); `make check-nbgrader` runs every notebook.
"""
from __future__ import annotations

import pytest

import nbgrader_roundtrip as rt  # tools/, on the path through conftest.py


@pytest.mark.slow
@pytest.mark.notebook
def test_nbgrader_grades_notebook_01(tmp_path):
    course = tmp_path / "course"
    rt.build_notebooks.build_nbgrader(rt.build_notebooks.SOURCES_DIR, course, verbose=False)
    assert "c.Execute.timeout = 180" in (course / "nbgrader_config.py").read_text()
    # Notebook 01's cells take a second or two; 60 s bounds a stall after its widget cell.
    result = rt.roundtrip(course, "01_symbols_to_vectors", cell_timeout=60)
    assert result.auto_points == 6           # one point per exercise: six exercises
    assert result.scores == {"unanswered": 0, "reference": 6, "one-mistake": 5}
    assert result.mistake.startswith("01.one_hot:")
    assert result.lost == ["check-one_hot"]
    assert result.problems() == []
    # the student version nbgrader released really is unanswered
    released = (course / "release" / "01_symbols_to_vectors" / "01_symbols_to_vectors.ipynb").read_text()
    assert "NotImplementedError" in released and "BEGIN SOLUTION" not in released


def test_problems_catch_wrong_scores():
    ok = rt.Result("01_x", 5, 0, {"unanswered": 0, "reference": 5, "one-mistake": 4},
                   "01.one_hot: hint", ["check-one_hot"], 1.0)
    assert ok.problems() == []
    leaks = rt.Result("01_x", 5, 0, {"unanswered": 1, "reference": 5, "one-mistake": 4},
                      "01.one_hot: hint", ["check-one_hot"], 1.0)
    assert "unanswered notebook scored 1" in leaks.problems()[0]
    short = rt.Result("01_x", 5, 0, {"unanswered": 0, "reference": 4, "one-mistake": 4},
                      "01.one_hot: hint", ["check-one_hot"], 1.0)
    assert "scored 4 of 5" in short.problems()[0]
    cascade = rt.Result("01_x", 5, 0, {"unanswered": 0, "reference": 5, "one-mistake": 3},
                        "01.one_hot: hint", ["check-one_hot", "check-tfidf"], 1.0)
    assert "not exactly that exercise's point" in cascade.problems()[0]
    unnoticed = rt.Result("01_x", 5, 0, {"unanswered": 0, "reference": 5, "one-mistake": 5},
                          "01.one_hot: hint", [], 1.0)
    assert "lost nothing" in unnoticed.problems()[0]


def test_inject_mistake_keeps_the_name_and_uses_a_registered_mistake():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("def one_hot(tokens, vocab):\n    ### BEGIN SOLUTION\n    pass\n"
                                     "    ### END SOLUTION\n")
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "one_hot",
                                 "locked": False, "schema_version": 3}
    nb.cells.append(cell)
    what = rt.inject_mistake(nb, "01")
    assert what.startswith("01.one_hot: ")
    namespace: dict = {}
    exec(nb.cells[0].source, namespace)
    fn = namespace["one_hot"]
    from embedlab.check import check

    assert fn.__name__ == "one_hot"
    assert not check(fn).passed
    with pytest.raises(ValueError, match="no exercise"):
        rt.inject_mistake(nbformat.v4.new_notebook(), "01")
