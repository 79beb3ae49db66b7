"""Grade the course's notebooks with nbgrader itself, as a teacher would, and check the points.

    python tools/nbgrader_roundtrip.py              # every notebook (about 5 minutes on 2 cores)
    python tools/nbgrader_roundtrip.py 01 03        # only these
    python tools/nbgrader_roundtrip.py --keep DIR   # keep the course directory to look at

For each notebook this builds the nbgrader course directory (`make nbgrader`), runs
`nbgrader generate_assignment`, then `nbgrader autograde` on three submissions:

* ``unanswered``: the student version exactly as released (every exercise still raises
  NotImplementedError) must score 0 automatic points;
* ``reference``: the instructor's version (the solutions) must score every automatic point;
* ``one-mistake``: the solutions, with the first exercise replaced by the first realistic
  wrong answer registered for it in embedlab.check (e.g. TF-IDF without smoothing),
  must lose exactly that exercise's point.

Written answers (markdown cells graded by hand) are counted, not scored. Prints a markdown
table; exits 1 if any notebook scores differently from the above, 2 if nbgrader fails.
Needs nbgrader (the `teacher` and `dev` extras, in requirements.lock).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402

import build_notebooks  # noqa: E402  (tools/build_notebooks.py)
from embedlab.check import get_exercise, list_exercises  # noqa: E402

STUDENTS = ("unanswered", "reference", "one-mistake")


@dataclass
class Result:
    assignment: str
    auto_points: float                  # what the reference should get
    written_answers: int                # markdown answers graded by hand
    scores: dict[str, float]            # student -> automatic points
    mistake: str                        # "exercise id: hint" of the injected mistake
    lost: list[str]                     # grade ids the one-mistake student lost
    seconds: float

    def problems(self) -> list[str]:
        out = []
        if self.auto_points < 1:
            out.append(f"{self.assignment}: no automatically graded cell")
        if self.scores["unanswered"] != 0:
            out.append(f"{self.assignment}: the unanswered notebook scored {self.scores['unanswered']:g}, not 0")
        if self.scores["reference"] != self.auto_points:
            out.append(f"{self.assignment}: the reference solutions scored {self.scores['reference']:g} "
                       f"of {self.auto_points:g}")
        mistake_id = self.mistake.split(":")[0]
        if len(self.lost) != 1 or self.lost[0] != "check-" + mistake_id.split(".", 1)[1]:
            out.append(f"{self.assignment}: with one wrong exercise ({mistake_id}) the student lost "
                       f"{self.lost or 'nothing'}, not exactly that exercise's point")
        return out


def nbgrader(course: Path, *args: str) -> None:
    """Run one nbgrader command in the course directory; raise with its output if it fails."""
    env = build_notebooks.kernel_env()       # for the kernels nbgrader starts
    # nbgrader runs the `alembic` command (its database migrations) from PATH: put this
    # environment's scripts first, as an activated virtual environment would.
    env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n"
                           + (proc.stdout + proc.stderr)[-3000:])


def inject_mistake(nb, prefix: str) -> str:
    """Replace the first exercise of ``nb`` by its first registered mistake; return "id: hint"."""
    exercises = {ex.name: ex for ex in map(get_exercise, list_exercises()) if ex.id.startswith(prefix + ".")}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        ex = exercises.get(meta["grade_id"])
        if ex is None or not ex.mistakes:
            continue
        mistake = ex.mistakes[0]
        # Keep the student's function name and signature (check() finds the exercise by its
        # name), but compute what the registered mistake computes.
        cell.source += (f"\n\n# nbgrader_roundtrip: a realistic wrong answer ({mistake.name})\n"
                        f"import functools as _functools\n"
                        f"from embedlab.check import get_exercise as _get_exercise\n"
                        f"_mistake = _get_exercise({ex.id!r}).mistakes[0].impl\n\n\n"
                        f"@_functools.wraps({ex.name})\n"
                        f"def {ex.name}(*args, **kwargs):\n"
                        f"    return _mistake(*args, **kwargs)\n")
        return f"{ex.id}: {mistake.hint}"
    raise ValueError(f"notebook {prefix} has no exercise with a registered mistake")


def roundtrip(course: Path, assignment: str, cell_timeout: int | None = None) -> Result:
    """generate_assignment, then autograde the three submissions of ``assignment``.

    cell_timeout: seconds per cell while autograding (default: the course directory's
    nbgrader_config.py). A run can stall for that long after a widget cell
    (jupyter/nbclient#312), so a notebook of fast cells can use a short one.
    """
    started = time.perf_counter()
    source = course / "source" / assignment / f"{assignment}.ipynb"
    nbgrader(course, "generate_assignment", assignment, "--force")
    released = course / "release" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(source, as_version=4)
    metas = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    written = sum(1 for c, m in zip(nb.cells, metas) if c.cell_type == "markdown" and m.get("grade"))
    auto = sum(m.get("points", 0) for c, m in zip(nb.cells, metas) if c.cell_type == "code" and m.get("grade"))

    wrong = nbformat.read(source, as_version=4)
    mistake = inject_mistake(wrong, assignment.split("_")[0])
    for student in STUDENTS:
        path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if student == "unanswered":
            shutil.copyfile(released, path)
        elif student == "reference":
            shutil.copyfile(source, path)
        else:
            nbformat.write(wrong, path)
    nbgrader(course, "autograde", assignment, "--force",
             *([f"--Execute.timeout={cell_timeout}"] if cell_timeout else []))

    from nbgrader.api import Gradebook

    scores, lost = {}, []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            sub = gb.find_submission(assignment, student)
            scores[student] = sub.code_score
            if student == "one-mistake":
                lost = sorted(g.name for nbk in sub.notebooks for g in nbk.grades
                              if g.cell_type == "code" and (g.auto_score or 0) < g.max_score)
    return Result(assignment, auto, written, scores, mistake, lost, time.perf_counter() - started)


def markdown_table(results: list[Result]) -> str:
    lines = ["| notebook | automatic points | written answers | unanswered | reference | one mistake | "
             "mistake injected | seconds |",
             "|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        lines.append(f"| {r.assignment} | {r.auto_points:g} | {r.written_answers} | {r.scores['unanswered']:g} | "
                     f"{r.scores['reference']:g} | {r.scores['one-mistake']:g} | {r.mistake.split(':')[0]} | "
                     f"{r.seconds:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="PREFIX", help="only these notebooks (e.g. 01 03)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the course directory here and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    try:
        import nbgrader as _  # noqa: F401
    except ImportError:
        print("nbgrader is not installed: `pip install -e .[teacher]` (or `make venv`, which installs "
              "requirements.lock) and run this again.", file=sys.stderr)
        return 2
    course = args.keep or Path(tempfile.mkdtemp(prefix="embedlab-nbgrader-"))
    try:
        build_notebooks.build_nbgrader(build_notebooks.SOURCES_DIR, course, verbose=False)
        assignments = sorted(p.name for p in (course / "source").iterdir()
                             if not args.only or any(p.name.startswith(o) for o in args.only))
        if not assignments:
            print(f"no notebook matches {args.only}", file=sys.stderr)
            return 2
        results = []
        for a in assignments:
            print(f"{a} ...", flush=True)
            results.append(roundtrip(course, a))
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        if args.keep is None:
            shutil.rmtree(course, ignore_errors=True)
    print()
    print(markdown_table(results))
    problems = [p for r in results for p in r.problems()]
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
