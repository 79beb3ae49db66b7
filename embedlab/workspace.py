"""Learners' working copies of the notebooks, and the command behind ``make lab``.

Running a notebook saves its outputs (and the learner's answers) into the file. If that
file were the course's own ``notebooks/NN_name.ipynb``, the next ``git pull`` would
conflict with the learner's work. So ``make lab`` opens copies in ``work/`` (ignored by
git): each notebook is copied there once, and a copy that exists is never overwritten.
When the course updates a notebook that the learner already has a copy of, ``make lab``
says so, and the learner chooses: keep working in their copy, or delete it to get the
new version on the next ``make lab``.

    python -m embedlab.workspace             # copy what is missing, then start JupyterLab
    python -m embedlab.workspace --copy-only # only copy (and report updates)

JupyterLab refuses to start as root unless told ``--allow-root``; Docker images and many
JupyterHub and cloud containers run as root, so this adds it there.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks"
WORK = ROOT / "work"
# What each copy was made from: notebook file name -> sha256 of the course version copied.
RECORD = ".embedlab-copies.json"
FIRST = "00_welcome.ipynb"


@dataclass
class Report:
    """What ``make_working_copies`` did: file names copied, kept, and kept although updated."""

    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # kept, but the course's version changed since

    def lines(self, work: Path, course: Path) -> list[str]:
        out = []
        if self.copied:
            out.append(f"Copied {len(self.copied)} notebook(s) into {work}/ for you to work in: "
                       + ", ".join(self.copied) + ".")
        for name in self.updated:
            out.append(f"The course has a newer {name} than your copy in {work}/. Your copy is kept. "
                       f"To get the new version, save anything you want from yours, delete "
                       f"{work / name} and run `make lab` again (the new one is {course / name}).")
        return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_working_copies(course: Path = COURSE, work: Path = WORK) -> Report:
    """Copy every ``course/*.ipynb`` that ``work/`` does not have yet; never overwrite one.

    A copy records which version of the course notebook it came from, so that a later
    call can report notebooks the course has updated since (``Report.updated``).
    """
    work.mkdir(parents=True, exist_ok=True)
    record_file = work / RECORD
    try:
        record = json.loads(record_file.read_text()) if record_file.exists() else {}
    except (OSError, ValueError):
        record = {}  # a damaged record only loses the "updated" notes
    report = Report()
    for source in sorted(course.glob("*.ipynb")):
        target = work / source.name
        digest = _sha256(source)
        if target.exists():
            report.kept.append(source.name)
            if record.get(source.name, digest) != digest:
                report.updated.append(source.name)
            continue
        shutil.copyfile(source, target)
        record[source.name] = digest
        report.copied.append(source.name)
    record_file.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return report


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(work: Path = WORK, extra: list[str] | None = None) -> list[str]:
    """The ``jupyter lab`` command line ``make lab`` runs (``--allow-root`` when run as root)."""
    cmd = [sys.executable, "-m", "jupyterlab", str(work / FIRST)]
    if is_root():
        cmd.append("--allow-root")
    return cmd + list(extra or [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copy-only", action="store_true", help="make the working copies, do not start JupyterLab")
    parser.add_argument("--work", type=Path, default=WORK, help="folder of the working copies (default: work/)")
    args, extra = parser.parse_known_args(argv)
    report = make_working_copies(COURSE, args.work)
    for line in report.lines(args.work, COURSE):
        print(line)
    if args.copy_only:
        return 0
    return subprocess.call(lab_command(args.work, extra))


if __name__ == "__main__":
    sys.exit(main())
