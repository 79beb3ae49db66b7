"""Tests of tools/build_notebooks.py on a small fixture source (tests/fixtures/sources/)."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

import build_notebooks as bn  # tools/, on the path through conftest.py

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
FIXTURE = FIXTURE_SOURCES / "99_fixture.py"
SCRIPT = ROOT / "tools" / "build_notebooks.py"


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _all(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def _cell_defining(nb, name: str):
    return next(c for c in nb.cells if c.cell_type == "code" and f"def {name}(" in c.source)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A private copy of the fixture sources (tests may edit it)."""
    d = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, d)
    return d


# --- learner and solution versions ------------------------------------------------------
def test_learner_version_has_stub_and_no_solution():
    nb = bn.build_notebook(FIXTURE, "learner")
    text = _all(nb)
    assert "SOLUTION-ONLY-TOKEN" not in text
    assert "HIDDEN-ANSWER-TOKEN" not in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "#> " not in text
    cell = _cell_defining(nb, "double")
    assert cell.source == (
        'def double(x):\n'
        '    """Return ``2 * x`` as a float array of the same shape as ``x``."""\n'
        '    # Convert x to a float array, then multiply it by two.\n'
        '    # Do not change x in place.\n'
        '    # Stuck? embedlab.hint(double) gives a hint.\n'
        '    raise NotImplementedError("double: not implemented yet")'
    )
    # The <details> "check your understanding" block stays in the learner version.
    assert "<details>" in text and "Zero times anything is zero." in text


def test_learner_top_level_region_gets_default_stub_and_raises_tag():
    nb = bn.build_notebook(FIXTURE, "learner")
    cell = next(c for c in nb.cells if "this cell: not implemented yet" in c.source)
    assert cell.source.splitlines()[0] == bn.DEFAULT_CELL_STUB
    assert "n_dims = 3" not in cell.source
    assert bn.RAISES_TAG in cell.metadata.get("tags", [])


def test_solution_version_has_code_and_no_markers_or_stub_lines():
    nb = bn.build_notebook(FIXTURE, "solution")
    text = _all(nb)
    assert "SOLUTION-ONLY-TOKEN" in text
    assert "HIDDEN-ANSWER-TOKEN" in text
    assert "n_dims = 3" in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "#>" not in text
    assert "Convert x to a float array" not in text
    assert "NotImplementedError" not in text
    assert not any(bn.RAISES_TAG in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("version", ["learner", "solution"])
def test_notebook_shape(version):
    nb = bn.build_notebook(FIXTURE, version)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in nb.metadata
    ids = [c.id for c in nb.cells]
    assert ids[0] == "cell-00" and len(set(ids)) == len(ids)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        assert not set(cell.metadata) & bn.JUPYTEXT_CELL_KEYS


def test_learner_and_solution_share_cell_ids_and_check_cells():
    learner, solution = (bn.build_notebook(FIXTURE, v) for v in ("learner", "solution"))
    assert [c.id for c in learner.cells] == [c.id for c in solution.cells]
    checks = [c.source for c in learner.cells if bn.is_graded_check_cell(c)]
    assert checks == ["check(double)"]
    assert checks == [c.source for c in solution.cells if bn.is_graded_check_cell(c)]
    demo = [c for c in learner.cells if bn.is_check_cell(c.source) and not bn.is_graded_check_cell(c)]
    assert len(demo) == 1 and demo[0].metadata["tags"] == [bn.DEMO_TAG]


def test_expect_cells_only_in_the_tests_build():
    for version in bn.VERSIONS:
        published = bn.build_notebook(FIXTURE, version)
        assert "EXPECT-TOKEN" not in _all(published)
        tested = bn.build_notebook(FIXTURE, version, expectations=True)
        expect = [c for c in tested.cells if "EXPECT-TOKEN" in c.source]
        assert len(expect) == 1 and expect[0].id.startswith("expect-")
        # the published cells keep their ids, and the expect cell runs right after the print
        assert [c.id for c in tested.cells if c is not expect[0]] == [c.id for c in published.cells]
        position = tested.cells.index(expect[0])
        assert "print(doubled)" in tested.cells[position - 1].source


@pytest.mark.parametrize("body", ["check(double)", "def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"])
def test_expect_cell_must_be_plain_assertions(tmp_path, body):
    src = tmp_path / "01_expect.py"
    src.write_text(f'# %%\nx = 1\n\n# %% tags=["expect"]\n{body}\n')
    with pytest.raises(bn.BuildError, match="expect"):
        bn.build_notebook(src, "learner")


def test_build_is_deterministic(sources, tmp_path):
    out = tmp_path / "notebooks"
    written = bn.build(sources, out, verbose=False)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "99_fixture.ipynb", "solutions/99_fixture.ipynb"]
    first = {p: p.read_bytes() for p in written}
    assert bn.build(sources, out, verbose=False) == []  # nothing to rewrite
    for p in written:
        p.unlink()
    bn.build(sources, out, verbose=False)
    assert {p: p.read_bytes() for p in first} == first
    assert all(b.endswith(b"\n") for b in first.values())


# --- --check ----------------------------------------------------------------------
def test_check_passes_on_fresh_notebooks(sources, tmp_path):
    out = tmp_path / "notebooks"
    bn.build(sources, out, verbose=False)
    assert bn.check(sources, out) == []
    assert bn.main(["--check", "--sources", str(sources), "--notebooks", str(out)]) == 0


def test_check_fails_on_stale_notebook(sources, tmp_path, capsys):
    out = tmp_path / "notebooks"
    bn.build(sources, out, verbose=False)
    src = sources / "99_fixture.py"
    src.write_text(src.read_text().replace('print("the end")', 'print("a new end")'))
    problems = bn.check(sources, out)
    assert len(problems) == 2 and all("99_fixture.ipynb is out of date" in p for p in problems)
    assert bn.main(["--check", "--sources", str(sources), "--notebooks", str(out)]) == 1
    err = capsys.readouterr().err
    assert "99_fixture.ipynb" in err and "make notebooks" in err


def test_check_fails_on_missing_and_orphan_notebooks(sources, tmp_path):
    out = tmp_path / "notebooks"
    bn.build(sources, out, verbose=False)
    (out / "solutions" / "99_fixture.ipynb").unlink()
    shutil.copy(out / "99_fixture.ipynb", out / "42_orphan.ipynb")
    problems = bn.check(sources, out)
    assert any("solutions/99_fixture.ipynb is missing" in p for p in problems)
    assert any("42_orphan.ipynb has no source" in p for p in problems)
    bn.build(sources, out, verbose=False)  # the build removes the orphan
    assert not (out / "42_orphan.ipynb").exists()
    assert bn.check(sources, out) == []


def test_building_only_some_notebooks_leaves_the_others(sources, tmp_path):
    out = tmp_path / "notebooks"
    out.mkdir()
    other = out / "42_other.ipynb"
    other.write_text("{}")
    assert bn.main(["--sources", str(sources), "--notebooks", str(out), "42"]) == 0
    assert other.exists() and not (out / "99_fixture.ipynb").exists()   # 99 not asked for
    assert bn.main(["--sources", str(sources), "--notebooks", str(out), "99"]) == 0
    assert other.exists() and (out / "99_fixture.ipynb").exists()       # built, nothing removed
    bn.build(sources, out, verbose=False)                               # a full build tidies up
    assert not other.exists()


def test_check_on_the_command_line(sources, tmp_path):
    out = tmp_path / "notebooks"
    args = [sys.executable, str(SCRIPT), "--sources", str(sources), "--notebooks", str(out)]
    subprocess.run(args, check=True, capture_output=True)
    assert subprocess.run(args + ["--check"], capture_output=True).returncode == 0
    (out / "99_fixture.ipynb").write_text("{}")
    stale = subprocess.run(args + ["--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "99_fixture.ipynb" in stale.stderr


# --- malformed sources -------------------------------------------------------------
@pytest.mark.parametrize("body, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "without END SOLUTION"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without BEGIN SOLUTION"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", "malformed marker"),
    ("#> stray stub\nx = 1\n", "outside a solution region"),
])
def test_malformed_sources_fail_with_a_location(tmp_path, body, message):
    src = tmp_path / "01_bad.py"
    src.write_text("# %%\n" + body)
    with pytest.raises(bn.BuildError, match=message):
        bn.build_notebook(src, "learner")


def test_enclosing_function_names_the_stub():
    src = ("class A:\n    def method(self, x):\n        for i in range(3):\n"
           "            ### BEGIN SOLUTION\n            pass\n            ### END SOLUTION\n")
    code, raises = bn.learner_code(src)
    assert 'raise NotImplementedError("method: not implemented yet")' in code and not raises
    code, raises = bn.learner_code("if True:\n    ### BEGIN SOLUTION\n    y = 1\n    ### END SOLUTION")
    assert raises and 'NotImplementedError("this cell: not implemented yet")' in code


def test_add_strict():
    assert bn.add_strict("check(double)") == "check(double, strict=True)"
    assert bn.add_strict("r = embedlab.check(f, '01.x')\nprint(r)") == \
        "r = embedlab.check(f, '01.x', strict=True)\nprint(r)"
    assert bn.add_strict("check(\n    f,\n)") == "check(\n    f, strict=True)"
    assert bn.add_strict("check(f, strict=True)") == "check(f, strict=True)"
    assert bn.add_strict("check(f)\n%time check(g)") == "check(f, strict=True)\n%time check(g, strict=True)"


def test_is_check_cell():
    assert bn.is_check_cell("check(one_hot)")
    assert bn.is_check_cell("result = embedlab.check(f)")
    assert not bn.is_check_cell("from embedlab import check")
    assert not bn.is_check_cell("# check(one_hot) once you are done")
    assert not bn.is_check_cell("def check(x):\n    pass")
    assert not bn.is_check_cell("f = yours_or_reference(f)")


# --- nbgrader ----------------------------------------------------------------------
def test_nbgrader_release(sources, tmp_path):
    out = tmp_path / "nbgrader"
    assert bn.main(["--sources", str(sources), "--nbgrader", str(out)]) == 0
    path = out / "source" / "99_fixture" / "99_fixture.ipynb"
    readme = (out / "README.md").read_text()
    assert "nbgrader generate_assignment" in readme and "nbgrader autograde" in readme
    assert "c.Execute.timeout = 180" in (out / "nbgrader_config.py").read_text()
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)        # nbgrader's own check of its cell metadata
    metas = [c.metadata["nbgrader"] for c in nb.cells]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids))

    solution = _cell_defining(nb, "double")
    assert solution.metadata["nbgrader"] == {"solution": True, "grade": False, "locked": False,
                                             "grade_id": "double", "schema_version": 3}
    assert "### BEGIN SOLUTION" in solution.source and "### END SOLUTION" in solution.source
    assert "SOLUTION-ONLY-TOKEN" in solution.source and "#>" not in solution.source
    # the "what to do" text stays above the region, so students still see it
    assert solution.source.index("# Convert x") < solution.source.index("### BEGIN SOLUTION")

    test_cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade"] and c.cell_type == "code"]
    assert len(test_cells) == 1
    test_cell = test_cells[0]
    assert test_cell.source == "check(double, strict=True)"
    assert test_cell.metadata["nbgrader"] == {"solution": False, "grade": True, "locked": True,
                                              "points": 1, "grade_id": "check-double",
                                              "schema_version": 3}
    # a demo check cell is read-only, not graded, and not strict
    demo = next(c for c in nb.cells if "triple_not_double" in c.source)
    assert demo.metadata["nbgrader"]["locked"] and not demo.metadata["nbgrader"]["grade"]
    assert "strict" not in demo.source
    # nbgrader's rules: markdown cells are graded iff solution; every other cell is read-only
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if cell.cell_type == "markdown" and (meta["grade"] or meta["solution"]):
            assert meta["grade"] and meta["solution"] and "<!-- BEGIN SOLUTION -->" in cell.source
        if "BEGIN SOLUTION" in cell.source:
            assert meta["solution"]
        if not (meta["grade"] or meta["solution"]):
            assert meta["locked"]


def test_nbgrader_refuses_solution_and_check_in_one_cell(tmp_path):
    src = tmp_path / "01_mixed.py"
    src.write_text("# %%\ndef f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\ncheck(f)\n")
    bn.build_notebook(src, "learner")  # fine for learners
    with pytest.raises(bn.BuildError, match="separate cells"):
        bn.build_notebook(src, "nbgrader")


# --- the committed notebooks --------------------------------------------------------
def test_committed_notebooks_are_up_to_date():
    if not bn.source_files(bn.SOURCES_DIR):
        pytest.skip("sources/ has no notebook sources yet")
    problems = bn.check(bn.SOURCES_DIR, bn.NOTEBOOKS_DIR, bn.SOLUTIONS_FILE)
    assert not problems, "Run `make notebooks` and commit:\n" + "\n".join(problems)


# --- help on demand in the built versions ------------------------------------------
HINTED = """\
# %%
def one_hot(tokens, vocab):
    \"\"\"One row per token.\"\"\"
    ### BEGIN SOLUTION
    return [[1.0]]
    ### END SOLUTION

# %%
check(one_hot)
"""


def test_stubs_point_to_the_hints(tmp_path):
    src = tmp_path / "01_x.py"
    src.write_text(HINTED)
    learner = bn.build_notebook(src, "learner").cells[0].source
    assert "# Stuck? embedlab.hint(one_hot) gives a hint." in learner
    assert learner.rstrip().endswith('raise NotImplementedError("one_hot: not implemented yet")')
    assert "embedlab.hint(one_hot)" in bn.build_notebook(src, "nbgrader").cells[1].source
    assert "hint" not in bn.build_notebook(src, "solution").cells[0].source


def test_solutions_are_the_solution_versions_functions(tmp_path):
    src = tmp_path / "01_x.py"
    src.write_text("# %%\nimport numpy as np\n\n\n" + HINTED)
    assert bn.solutions(src) == {"one_hot": 'def one_hot(tokens, vocab):\n    """One row per token."""\n'
                                            "    return [[1.0]]\n"}
    assert json.loads(bn.solutions_json(tmp_path)) == {"01_x": bn.solutions(src)}


def test_nbgrader_release_turns_reveals_off_first(tmp_path):
    src = tmp_path / "01_x.py"
    src.write_text("# %% [markdown]\n# # Title\n\n" + HINTED)
    nb = bn.build_notebook(src, "nbgrader")
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.id == bn.GRADED_CELL_ID and "embedlab.graded_mode()" in first_code.source
    assert first_code.metadata["nbgrader"]["locked"] is True
    assert nb.cells[0].cell_type == "markdown"           # the title stays first
    assert not any("graded_mode" in c.source for v in ("learner", "solution")
                   for c in bn.build_notebook(src, v).cells)


def test_a_graded_release_cannot_reveal_solutions():
    # The graded cell, run as a student's kernel runs it: reveals are off for good, while
    # check() and later cells keep working.
    script = bn.GRADED_CELL + textwrap.dedent("""
        import embedlab
        from embedlab.check import RevealsOff
        try:
            embedlab.reference("01.tfidf")
        except RevealsOff as exc:
            print("reference refused:", exc)
        embedlab.solution("01.tfidf")
        import embedlab.tfidf as t
        def tfidf(counts):
            raise NotImplementedError
        stand_in = embedlab.yours_or_reference(tfidf)
        assert stand_in is not t.tfidf and stand_in.__name__ == "tfidf"
        import numpy as np
        counts = np.array([[1.0, 0.0], [2.0, 1.0]])
        assert np.allclose(stand_in(counts), t.tfidf(counts))
        assert embedlab.check(t.tfidf, quiet=True).passed   # check() still grades
        import sys
        c = sys.modules["embedlab.check"]
        print("solution code shown:", "def tfidf" in c.solution_code("01.tfidf"))
    """)
    env = dict(os.environ, PYTHONPATH=str(bn.ROOT))
    env.pop("EMBEDLAB_GRADED", None)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "reference refused: embedlab.reference('01.tfidf') is switched off" in out.stdout
    assert "solutions are switched off in this graded release" in out.stdout
    assert "def tfidf" not in out.stdout.split("solution code shown")[0]


# A stub states the contract (inputs, shapes, what to return), never the code: the help
# that used to sit in `#> ` lines comes from embedlab.hint() now. These patterns are code.
CODE_IN_STUB = re.compile(
    r"\b(?:np|torch|F|math|scipy|sp)\.\w"      # a library call: np.zeros, torch.einsum
    r"|\w\.\w+\("                              # a method call: counts.sum(
    r"|\[\s*:"                                 # a slice: U[:, :dim]
    r"|\beinsum\b|\bkey\s*="                   # einsum strings, sort keys
    r"|^\s*\w+\s*[-+*/]?=(?!=)"                # an assignment
    r"|\b(?:sqrt|min|max|sorted|range|zip|len|sum|log)\(")   # a recipe written as calls


@pytest.mark.parametrize("source", bn.source_files(bn.SOURCES_DIR), ids=lambda p: p.stem)
def test_course_stubs_state_the_contract_not_the_code(source):
    for index, cell in enumerate(bn.read_source(source).cells):
        if cell.cell_type != "code":
            continue
        for region in bn.find_code_regions(cell.source, f"{source.name}, cell {index + 1}, "):
            for line in region.stub:
                assert not CODE_IN_STUB.search(line), (
                    f"{source.name}, cell {index + 1} ({region.function}): the stub gives code, "
                    f"not the contract: {line!r}. Move it into a hint (embedlab/exercises/).")
