#!/usr/bin/env python3
"""Build the course notebooks from their jupytext sources.

Every notebook of the course is written once, as a jupytext "percent" script
``sources/NN_name.py`` that holds the solutions. This script turns each source
into:

* ``notebooks/NN_name.ipynb``            the learner version (solutions replaced by stubs),
* ``notebooks/solutions/NN_name.ipynb``  the solution version (solutions shown, markers removed),
* ``embedlab/exercises/solutions.json``  every exercise function's solution, for ``embedlab.solution()``,

both without outputs, with the ``python3`` kernelspec, stable cell ids
(``cell-00``, ``cell-01``, ... from the order of cells in the source) and
deterministic JSON: rebuilding an unchanged source gives byte-identical files.

Usage::

    python tools/build_notebooks.py                    # (re)build notebooks/ from sources/
    python tools/build_notebooks.py --check            # exit 1 if notebooks/ is out of date
    python tools/build_notebooks.py --nbgrader DIR     # write an nbgrader "source" release to DIR

``--sources`` and ``--notebooks`` choose other folders (the tests use them).

The source format (solution regions, ``#> `` stub lines, markdown solution
regions, check cells) is described for course authors in ``sources/README.md``.
In short::

    def one_hot(tokens, vocab):
        \"\"\"...\"\"\"
        ### BEGIN SOLUTION
        #> Build a (len(tokens), len(vocab)) float array of zeros, then set one 1 per row.
        ...solution code...
        ### END SOLUTION

becomes, in the learner version::

    def one_hot(tokens, vocab):
        \"\"\"...\"\"\"
        # Build a (len(tokens), len(vocab)) float array of zeros, then set one 1 per row.
        # Stuck? embedlab.hint(one_hot) gives a hint.
        raise NotImplementedError("one_hot: not implemented yet")

Only the standard library, jupytext and nbformat are used.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = ROOT / "sources"
NOTEBOOKS_DIR = ROOT / "notebooks"
SOLUTIONS_SUBDIR = "solutions"
# Every exercise function's solution as the notebooks give it, for embedlab.solution().
SOLUTIONS_FILE = ROOT / "embedlab" / "exercises" / "solutions.json"

# A course notebook source is sources/NN_name.py (two digits, an underscore, a name).
SOURCE_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")

VERSIONS = ("learner", "solution", "nbgrader")

# --- markers -----------------------------------------------------------------------
CODE_BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
CODE_END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
MD_BEGIN = re.compile(r"^[ \t]*<!--[ \t]*BEGIN SOLUTION[ \t]*-->[ \t]*$")
MD_END = re.compile(r"^[ \t]*<!--[ \t]*END SOLUTION[ \t]*-->[ \t]*$")
STUB_LINE = re.compile(r"^[ \t]*#>(?: (?P<text>.*)|[ \t]*)$")
DEF_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:async[ \t]+)?def[ \t]+(?P<name>\w+)")
# A check cell has a line that calls check(...) or embedlab.check(...) (not `def check(`).
CHECK_CALL = re.compile(r"^(?![ \t]*(?:#|def\b)).*(?<![\w.])(?:embedlab\.)?check\(", re.M)

DEFAULT_STUB = "# YOUR CODE HERE: see the docstring."            # in a function
DEFAULT_CELL_STUB = "# YOUR CODE HERE: see the instructions above."  # at top level
# The last line of every exercise function's stub: where help is (embedlab.hint finds
# the exercise from the function, as check does).
HINT_LINE = "# Stuck? embedlab.hint({function}) gives a hint."
# The first code cell of every nbgrader notebook (read-only): a graded class cannot
# reveal solutions through embedlab (embedlab.solution and embedlab.reference are off).
GRADED_CELL = ("# A graded release: embedlab.solution() and embedlab.reference() are switched off.\n"
               "# check() and embedlab.hint() work as usual.\n"
               "import embedlab\n"
               "embedlab.graded_mode()")
GRADED_CELL_ID = "graded-mode"
RAISES_TAG = "raises-exception"  # nbclient and JupyterLab: this cell is expected to raise
# A check cell tagged "demo" shows check() on purpose-made wrong code: it is not graded
# (not an nbgrader test cell) and the tests do not require it to pass.
DEMO_TAG = "demo"
# A code cell tagged "expect" asserts what the text around it says the learner should see
# ("about 0.028", "42 of 156"). It is in no published version: only the tests run it, in
# both versions (build_notebook(..., expectations=True)), so a stated result that drifts
# from what the notebook prints fails CI.
EXPECT_TAG = "expect"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# language_info without a version number, so that it does not change between machines.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
# Cell metadata that jupytext adds to round-trip the text file; meaningless in a notebook.
JUPYTEXT_CELL_KEYS = {"lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker",
                      "region_name", "cell_depth"}
# Notebook metadata that the build sets itself or drops.
DROPPED_NB_KEYS = {"jupytext", "kernelspec", "language_info"}


class BuildError(Exception):
    """A source that cannot be built: unbalanced markers, a stray marker, ..."""


@dataclass
class Region:
    """One ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a code cell."""

    begin: int            # line index of the BEGIN marker
    end: int              # line index of the END marker
    indent: str           # indentation of the BEGIN marker
    stub: list[str]       # the "what to do" text of its `#> ` lines (without the prefix)
    function: str | None  # the function the region is in, or None at top level


# --- parsing ---------------------------------------------------------------------
def find_code_regions(source: str, where: str = "") -> list[Region]:
    """The solution regions of a code cell's source, in order; BuildError if malformed."""
    lines = source.split("\n")
    regions: list[Region] = []
    open_at: int | None = None
    indent = ""
    stub: list[str] = []
    for i, line in enumerate(lines):
        begin, end = CODE_BEGIN.match(line), CODE_END.match(line)
        if begin:
            if open_at is not None:
                raise BuildError(f"{where}line {i + 1}: BEGIN SOLUTION inside another solution region")
            open_at, indent, stub = i, begin.group("indent"), []
        elif end:
            if open_at is None:
                raise BuildError(f"{where}line {i + 1}: END SOLUTION without BEGIN SOLUTION")
            regions.append(Region(open_at, i, indent, stub, _enclosing_function(lines, open_at, indent)))
            open_at = None
        elif "BEGIN SOLUTION" in line or "END SOLUTION" in line:
            raise BuildError(f"{where}line {i + 1}: malformed marker {line.strip()!r}; write exactly "
                             "'### BEGIN SOLUTION' / '### END SOLUTION' on a line of its own")
        elif open_at is not None and STUB_LINE.match(line):
            stub.append(STUB_LINE.match(line).group("text") or "")
        elif STUB_LINE.match(line):
            raise BuildError(f"{where}line {i + 1}: a '#> ' stub line outside a solution region")
    if open_at is not None:
        raise BuildError(f"{where}line {open_at + 1}: BEGIN SOLUTION without END SOLUTION")
    return regions


def _enclosing_function(lines: list[str], index: int, indent: str) -> str | None:
    """Name of the innermost ``def`` that line ``index`` (indented by ``indent``) is inside of,
    or None when the line is top-level code (possibly inside a top-level ``if``/``for``)."""
    width = len(indent.expandtabs())
    for line in reversed(lines[:index]):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line_indent = len(line.expandtabs()) - len(line.expandtabs().lstrip())
        if line_indent < width:
            m = DEF_LINE.match(line)
            if m:
                return m.group("name")
            if line_indent == 0:
                return None
            width = line_indent  # e.g. a `for` inside a function: keep looking for its def
    return None


def find_markdown_regions(source: str, where: str = "") -> list[tuple[int, int]]:
    """(begin, end) line indices of the ``<!-- BEGIN SOLUTION -->`` regions of a markdown cell."""
    regions = []
    open_at = None
    for i, line in enumerate(source.split("\n")):
        if MD_BEGIN.match(line):
            if open_at is not None:
                raise BuildError(f"{where}line {i + 1}: BEGIN SOLUTION inside another solution region")
            open_at = i
        elif MD_END.match(line):
            if open_at is None:
                raise BuildError(f"{where}line {i + 1}: END SOLUTION without BEGIN SOLUTION")
            regions.append((open_at, i))
            open_at = None
        elif "BEGIN SOLUTION" in line or "END SOLUTION" in line:
            raise BuildError(f"{where}line {i + 1}: malformed marker {line.strip()!r}; in markdown write "
                             "exactly '<!-- BEGIN SOLUTION -->' / '<!-- END SOLUTION -->' on a line of its own")
    if open_at is not None:
        raise BuildError(f"{where}line {open_at + 1}: BEGIN SOLUTION without END SOLUTION")
    return regions


def is_check_cell(source: str) -> bool:
    """True when a code cell calls ``check(...)`` (or ``embedlab.check(...)``) on some line."""
    return bool(CHECK_CALL.search(source))


def is_graded_check_cell(cell) -> bool:
    """A code cell that calls check() and is not tagged ``demo``: it grades an exercise."""
    return (cell.cell_type == "code" and is_check_cell(cell.source)
            and DEMO_TAG not in cell.metadata.get("tags", []))


# --- transformations ----------------------------------------------------------------
def learner_code(source: str, where: str = "") -> tuple[str, bool]:
    """The learner version of a code cell, and whether a stub now raises at top level."""
    lines = source.split("\n")
    regions = find_code_regions(source, where)
    top_level_raise = False
    for r in reversed(regions):
        default = DEFAULT_STUB if r.function else DEFAULT_CELL_STUB
        stub = [r.indent + ("# " + text if text else "#") for text in r.stub] or [r.indent + default]
        if r.function:
            stub.append(r.indent + HINT_LINE.format(function=r.function))
        label = r.function or "this cell"
        stub.append(f'{r.indent}raise NotImplementedError("{label}: not implemented yet")')
        lines[r.begin:r.end + 1] = stub
        top_level_raise |= r.function is None
    return "\n".join(lines), top_level_raise


def solution_code(source: str, where: str = "") -> str:
    """The solution version of a code cell: markers and ``#> `` stub lines removed."""
    lines = source.split("\n")
    drop = set()
    for r in find_code_regions(source, where):
        drop |= {r.begin, r.end}
        drop |= {i for i in range(r.begin, r.end) if STUB_LINE.match(lines[i])}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def nbgrader_code(source: str, where: str = "") -> str:
    """The nbgrader version of a code cell: markers kept, ``#> `` lines turned into comments
    above the BEGIN marker (nbgrader replaces the region by its own ``raise NotImplementedError()``)."""
    lines = source.split("\n")
    for r in reversed(find_code_regions(source, where)):
        body = [line for line in lines[r.begin + 1:r.end] if not STUB_LINE.match(line)]
        comments = [r.indent + ("# " + text if text else "#") for text in r.stub]
        if r.function:
            comments.append(r.indent + HINT_LINE.format(function=r.function))
        lines[r.begin:r.end + 1] = comments + [lines[r.begin]] + body + [lines[r.end]]
    return "\n".join(lines)


def markdown_for(source: str, version: str, where: str = "") -> str:
    """A markdown cell for ``version``: learner drops regions, solution drops the markers,
    nbgrader keeps everything (nbgrader replaces the region by "YOUR ANSWER HERE")."""
    regions = find_markdown_regions(source, where)
    if version == "nbgrader" or not regions:
        return source
    lines = source.split("\n")
    drop = set()
    for begin, end in regions:
        drop |= set(range(begin, end + 1)) if version == "learner" else {begin, end}
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def add_strict(source: str) -> str:
    """Rewrite every ``check(...)`` call so that it passes ``strict=True`` (raises on failure)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics etc.: fall back to the simple one-argument form
        return re.sub(r"(?<![\w.])((?:embedlab\.)?check\((?:(?!strict)[^()\n])*?)\)",
                      r"\1, strict=True)", source)
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        if name == "check" and not any(k.arg == "strict" for k in node.keywords):
            calls.append(node)
    # Absolute character offset of each line start (ast gives UTF-8 byte columns).
    lines = source.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(row: int, byte_col: int) -> int:
        return starts[row - 1] + len(lines[row - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    # Insert before each call's closing parenthesis, last call first so offsets stay valid.
    for node in sorted(calls, key=lambda n: (n.end_lineno, n.end_col_offset), reverse=True):
        close = offset(node.end_lineno, node.end_col_offset) - 1
        before = source[:close].rstrip()  # whitespace before `)` goes
        sep = "" if before.endswith("(") else " " if before.endswith(",") else ", "
        source = before + sep + "strict=True" + source[close:]
    return source


# --- building ---------------------------------------------------------------------
def _clean_metadata(metadata: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in metadata.items() if k not in JUPYTEXT_CELL_KEYS}


def _first_check_target(source: str) -> str | None:
    m = re.search(r"(?<![\w.])(?:embedlab\.)?check\(\s*(\w+)", source)
    return m.group(1) if m else None


def _grade_id(base: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "_", base)
    gid, n = base, 2
    while gid in used:
        gid, n = f"{base}-{n}", n + 1
    used.add(gid)
    return gid


def _nbgrader_meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def read_source(path: Path):
    """The source as a notebook (jupytext percent format)."""
    return jupytext.read(path, fmt="py:percent")


def build_notebook(source: Path, version: str, expectations: bool = False):
    """The ``version`` ("learner", "solution" or "nbgrader") notebook of ``source``.

    expectations: keep the cells tagged "expect" (for the tests); published notebooks
    leave them out. Cell ids count the other cells only, so they do not depend on it.
    """
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}, not {version!r}")
    text_nb = read_source(source)
    nb = new_notebook()
    nb.metadata = {k: copy.deepcopy(v) for k, v in text_nb.metadata.items() if k not in DROPPED_NB_KEYS}
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = copy.deepcopy(LANGUAGE_INFO)
    used_ids: set[str] = set()
    published = 0       # cells that are not "expect" cells, for the ids

    for index, cell in enumerate(text_nb.cells):
        where = f"{source.name}, cell {index + 1} ({cell.cell_type}), "
        text = cell.source.rstrip()
        metadata = _clean_metadata(cell.metadata)
        if EXPECT_TAG in metadata.get("tags", []):
            if cell.cell_type != "code" or find_code_regions(text, where) or is_check_cell(text):
                raise BuildError(f"{where}an \"expect\" cell must be a code cell of plain assertions "
                                 "(no solution region, no check() call)")
            if expectations:
                nb.cells.append(new_code_cell(text, id=f"expect-{index:02d}", metadata=metadata))
            continue
        cell_id = f"cell-{published:02d}"
        published += 1
        if cell.cell_type == "code":
            regions = find_code_regions(text, where)
            checks = is_check_cell(text) and DEMO_TAG not in metadata.get("tags", [])
            if version == "learner":
                text, raises = learner_code(text, where)
                if raises:
                    tags = metadata.setdefault("tags", [])
                    if RAISES_TAG not in tags:
                        tags.append(RAISES_TAG)
            elif version == "solution":
                text = solution_code(text, where)
            else:
                if regions and checks:
                    raise BuildError(f"{where}a cell cannot both hold a solution and call check(): "
                                     "nbgrader needs them in separate cells (solution cell, test cell)")
                if regions:
                    text = nbgrader_code(text, where)
                    fn = next((r.function for r in regions if r.function), None)
                    metadata.update(_nbgrader_meta(_grade_id(fn or cell_id, used_ids), solution=True))
                elif checks:
                    text = add_strict(text)
                    target = _first_check_target(text)
                    gid = _grade_id(f"check-{target}" if target else f"{cell_id}-check", used_ids)
                    metadata.update(_nbgrader_meta(gid, grade=True, locked=True, points=1))
                else:
                    metadata.update(_nbgrader_meta(_grade_id(cell_id, used_ids), locked=True))
            new = new_code_cell(text, id=cell_id, metadata=metadata)
        elif cell.cell_type == "markdown":
            regions = find_markdown_regions(text, where)
            text = markdown_for(text, version, where)
            if version == "learner" and regions and not text.strip():
                continue  # the whole cell was a hidden answer
            if version == "nbgrader":
                if regions:  # nbgrader: markdown answers are manually graded
                    metadata.update(_nbgrader_meta(_grade_id(f"{cell_id}-answer", used_ids),
                                                   solution=True, grade=True, points=1))
                else:
                    metadata.update(_nbgrader_meta(_grade_id(cell_id, used_ids), locked=True))
            new = new_markdown_cell(text, id=cell_id, metadata=metadata)
        else:
            new = new_raw_cell(text, id=cell_id, metadata=metadata)
        nb.cells.append(new)
    if version == "nbgrader":
        _add_graded_cell(nb)
    nbformat.validate(nb)
    return nb


def _add_graded_cell(nb) -> None:
    """Put the read-only cell that turns embedlab's reveals off before the first code cell."""
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    cell = new_code_cell(GRADED_CELL, id=GRADED_CELL_ID,
                         metadata=_nbgrader_meta(GRADED_CELL_ID, locked=True))
    nb.cells.insert(first_code, cell)


def solutions(source: Path) -> dict[str, str]:
    """``{function name: its solution}`` for every exercise function of ``source``.

    The solution is the whole function as the solution notebook shows it (markers and
    stub lines removed), docstring included.
    """
    found: dict[str, str] = {}
    for index, cell in enumerate(read_source(source).cells):
        if cell.cell_type != "code":
            continue
        where = f"{source.name}, cell {index + 1} (code), "
        text = cell.source.rstrip()
        functions = {r.function for r in find_code_regions(text, where) if r.function}
        if not functions:
            continue
        code = solution_code(text, where)
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[node.name] = "\n".join(code.split("\n")[first - 1:node.end_lineno]) + "\n"
    return found


def solutions_json(sources_dir: Path) -> str:
    """The contents of ``solutions.json``: ``{notebook: {function: solution}}``, deterministic."""
    data = {src.stem: solutions(src) for src in source_files(sources_dir)}
    return json.dumps({k: v for k, v in data.items() if v}, indent=1, sort_keys=True,
                      ensure_ascii=False) + "\n"


def kernel_env() -> dict[str, str]:
    """The environment to run the built notebooks in (tests, budget benchmark, nbgrader check).

    No network to the model hubs, matplotlib's Agg backend, a fixed hash seed, and this
    checkout's embedlab first on the path, so that the kernel imports it even when it is
    not installed.
    """
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def to_json(nb) -> str:
    """Deterministic JSON for a notebook (sorted keys, one-space indent, trailing newline),
    as Jupyter itself saves it."""
    return nbformat.writes(nb, version=4) + "\n"


def source_files(sources_dir: Path) -> list[Path]:
    """The course notebook sources ``NN_name.py`` of ``sources_dir``, in order."""
    return sorted(p for p in Path(sources_dir).glob("*.py") if SOURCE_NAME.match(p.stem))


def expected_files(sources_dir: Path, notebooks_dir: Path,
                   solutions_file: Path | None = None) -> dict[Path, str]:
    """Every notebook path that ``sources_dir`` builds, and its JSON (and the solutions file)."""
    notebooks_dir = Path(notebooks_dir)
    out: dict[Path, str] = {}
    for src in source_files(sources_dir):
        out[notebooks_dir / f"{src.stem}.ipynb"] = to_json(build_notebook(src, "learner"))
        out[notebooks_dir / SOLUTIONS_SUBDIR / f"{src.stem}.ipynb"] = to_json(build_notebook(src, "solution"))
    if solutions_file is not None:
        out[Path(solutions_file)] = solutions_json(sources_dir)
    return out


def orphan_notebooks(sources_dir: Path, notebooks_dir: Path) -> list[Path]:
    """Course notebooks (``NN_name.ipynb``) in ``notebooks_dir`` whose source is gone."""
    stems = {p.stem for p in source_files(sources_dir)}
    notebooks_dir = Path(notebooks_dir)
    found = list(notebooks_dir.glob("*.ipynb")) + list((notebooks_dir / SOLUTIONS_SUBDIR).glob("*.ipynb"))
    return sorted(p for p in found if SOURCE_NAME.match(p.stem) and p.stem not in stems)


def build(sources_dir: Path = SOURCES_DIR, notebooks_dir: Path = NOTEBOOKS_DIR,
          verbose: bool = True, only: list[str] | None = None,
          solutions_file: Path | None = None) -> list[Path]:
    """Write every notebook of ``sources_dir`` into ``notebooks_dir``; return the files changed.

    Unchanged files are not rewritten; course notebooks without a source are removed.
    ``only`` (e.g. ``["04"]``): build just the sources whose name starts with one of these
    prefixes and leave every other notebook alone (nothing is removed). ``solutions_file``
    (the course's is ``SOLUTIONS_FILE``): also write every exercise's solution there.
    """
    changed = []
    for path, text in expected_files(sources_dir, notebooks_dir, solutions_file).items():
        if only and path.suffix == ".ipynb" and not path.stem.startswith(tuple(only)):
            continue
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        changed.append(path)
        if verbose:
            print(f"wrote {_rel(path)}")
    for path in [] if only else orphan_notebooks(sources_dir, notebooks_dir):
        path.unlink()
        changed.append(path)
        if verbose:
            print(f"removed {_rel(path)} (its source is gone)")
    return changed


def check(sources_dir: Path = SOURCES_DIR, notebooks_dir: Path = NOTEBOOKS_DIR,
          solutions_file: Path | None = None) -> list[str]:
    """Problems that make ``notebooks_dir`` (and ``solutions_file``) differ from what
    ``sources_dir`` builds (empty: fresh)."""
    problems = []
    for path, text in expected_files(sources_dir, notebooks_dir, solutions_file).items():
        if not path.exists():
            problems.append(f"{_rel(path)} is missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{_rel(path)} is out of date")
    for path in orphan_notebooks(sources_dir, notebooks_dir):
        problems.append(f"{_rel(path)} has no source (sources/{path.stem}.py)")
    return problems


NBGRADER_README = """\
# embedlab for nbgrader

This folder is an nbgrader course directory holding the *source* version of
every embedlab notebook (`source/NN_name/NN_name.ipynb`, one assignment per
notebook). It was generated by `make nbgrader` (`tools/build_notebooks.py
--nbgrader`); do not edit it by hand, edit `sources/NN_name.py` and rebuild.

In each notebook:

* **solution cells** (the exercise functions) keep their
  `### BEGIN SOLUTION` / `### END SOLUTION` markers; `nbgrader generate_assignment`
  replaces each region by `# YOUR CODE HERE` and `raise NotImplementedError()`.
  The "what to do" comments stay above the region.
* **autograded test cells** (1 point each) call `check(my_function, strict=True)`,
  which raises an `AssertionError` (`embedlab.check.ExerciseFailed`) when the
  function does not pass every case.
* markdown cells with a hidden worked answer are **manually graded answers**
  (1 point each; students see "YOUR ANSWER HERE").
* every other cell is **read-only**.

## Use

The students' and the grader's environment needs embedlab itself, and the
grader's needs nbgrader: in the course repository, `make venv` installs both
(requirements.lock), then `source .venv/bin/activate` (nbgrader runs programs
such as `alembic` from that environment).

```bash
cd release/nbgrader                              # this folder: the course directory
nbgrader generate_assignment 01_symbols_to_vectors --force   # -> release/01_symbols_to_vectors/
# ... distribute, collect the submissions into submitted/<student>/01_symbols_to_vectors/ ...
nbgrader autograde 01_symbols_to_vectors                    # -> autograded/
nbgrader formgrade                                        # or the Formgrader in JupyterLab
nbgrader generate_feedback 01_symbols_to_vectors
```

`nbgrader_config.py` here raises nbgrader's time limit per cell from 30 seconds
to 3 minutes: some cells train a model. Points are set to 1 per check cell and
per written answer; change them in the Formgrader (or the cell metadata) before
`generate_assignment` if you want other weights. `make check-nbgrader` in the
course repository runs this whole cycle on every notebook and checks the points
(the released version scores 0, the solutions score everything, one wrong
exercise loses exactly its point).
"""


NBGRADER_CONFIG = """\
# nbgrader settings for the embedlab course directory (written by tools/build_notebooks.py --nbgrader).
c = get_config()  # noqa: F821  (nbgrader defines it when it reads this file)

# Some cells train a model for tens of seconds on a 2-core machine, more on a busy grading
# server: nbgrader's default of 30 seconds per cell could stop them while autograding.
# 180 s is the course's budget for a whole notebook, so no cell needs more. It is also
# how long a run can stall after a cell that shows a widget (nbclient sometimes misses
# the kernel's "idle" message there, jupyter/nbclient#312; the results stay right).
c.Execute.timeout = 180
"""


def build_nbgrader(sources_dir: Path, outdir: Path, verbose: bool = True) -> list[Path]:
    """Write the nbgrader source release of ``sources_dir`` into ``outdir``; return the files."""
    outdir = Path(outdir)
    written = []
    for src in source_files(sources_dir):
        nb = build_notebook(src, "nbgrader")
        path = outdir / "source" / src.stem / f"{src.stem}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_json(nb), encoding="utf-8", newline="\n")
        written.append(path)
    for name, text in (("README.md", NBGRADER_README), ("nbgrader_config.py", NBGRADER_CONFIG)):
        path = outdir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    if verbose:
        print(f"wrote {len(written) - 2} nbgrader source notebook(s), README.md and nbgrader_config.py "
              f"under {_rel(outdir)}")
    return written


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 if a notebook differs from what its source builds")
    mode.add_argument("--nbgrader", metavar="OUTDIR", type=Path,
                      help="write an nbgrader source release (OUTDIR/source/NN_name/NN_name.ipynb)")
    parser.add_argument("--sources", type=Path, default=SOURCES_DIR, help="default: sources/")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="default: notebooks/")
    parser.add_argument("only", nargs="*", metavar="PREFIX",
                        help="build only these notebooks (e.g. 04 05); the others are left alone")
    args = parser.parse_args(argv)
    # The course's own sources also give embedlab.solution() its solutions.
    solutions_file = SOLUTIONS_FILE if args.sources.resolve() == SOURCES_DIR.resolve() else None
    try:
        if args.check:
            problems = check(args.sources, args.notebooks, solutions_file)
            if problems:
                print("Notebooks are out of date with their sources:", file=sys.stderr)
                for p in problems:
                    print(f"  {p}", file=sys.stderr)
                print("Run `make notebooks` (python tools/build_notebooks.py) and commit the result.",
                      file=sys.stderr)
                return 1
            print(f"{len(source_files(args.sources))} notebook source(s): notebooks are up to date.")
            return 0
        if args.nbgrader:
            build_nbgrader(args.sources, args.nbgrader)
            return 0
        changed = build(args.sources, args.notebooks, only=args.only, solutions_file=solutions_file)
        n = len(source_files(args.sources))
        print(f"{n} notebook source(s) built; {len(changed)} file(s) changed.")
        return 0
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
