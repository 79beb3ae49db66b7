"""Regenerate requirements.lock: the exact versions `make lab` and `make test` install.

pyproject.toml keeps lower bounds only. This script asks pip to resolve those
dependencies (with the `lab` and `dev` extras) for each supported Python minor
version, without installing anything, and writes one lock file. Where two Pythons
resolve a package to different versions (NumPy 2.3+ needs Python 3.11, say), the
line carries an environment marker, so the one file serves every Python we support.

    python tools/update_lock.py            # rewrite requirements.lock
    python tools/update_lock.py --check    # exit 1 if the lock is out of date

Needs network access to the package index; run it when you change pyproject.toml.
After rewriting, run `make test` (it reinstalls from the new lock).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
# Oldest first. The newest one is the one the project is tested on.
PYTHONS = ["3.10", "3.11"]
# Exact versions we choose rather than let the resolver pick (torch: the build we test).
PINNED = ["torch==2.13.0"]
HEADER = """\
# Tested versions of everything the course and its tests install, made by tools/update_lock.py.
# pyproject.toml holds lower bounds only; `make lab` and `make test` install exactly these.
# Lines with a python_version marker differ between Pythons (newer releases dropped 3.10).
# torch: the CPU build is enough for the course; on Linux, pip may fetch a CUDA build of the same version.
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(python: str) -> dict[str, str]:
    """{package: version} that pip would install for ``python`` (a 'X.Y' string).

    Resolves with that Python itself (in a throwaway venv with a current pip) when it is
    on PATH, because environment markers (``python_version < "3.11"``) are evaluated
    against the interpreter running pip, not against ``--python-version``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        interpreter = _find_python(python)
        if interpreter:
            venv = Path(tmp) / "venv"
            subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip"]
            subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
            target = []
        else:
            print(f"warning: python{python} not found; resolving with --python-version, "
                  "which evaluates markers for this interpreter instead", file=sys.stderr)
            pip = [sys.executable, "-m", "pip"]
            target = ["--python-version", python, "--only-binary=:all:", "--target", str(Path(tmp) / "t")]
        cmd = [*pip, "install", "--quiet", "--dry-run", "--ignore-installed", *target,
               "--report", str(report), f"{ROOT}[lab,dev]", *PINNED]
        subprocess.run(cmd, check=True)
        items = json.loads(report.read_text())["install"]
    return {_norm(i["metadata"]["name"]): i["metadata"]["version"].split("+")[0]
            for i in items if not _platform_specific(_norm(i["metadata"]["name"]))}


def _find_python(version: str) -> str | None:
    """A working ``pythonX.Y`` executable, or None (pyenv shims exist but may not run)."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


def _platform_specific(name: str) -> bool:
    """Leave out the project itself and torch's GPU runtime packages.

    torch pins its own CUDA packages (nvidia-*, cuda-*, triton) for the platforms that
    get them; the CPU build we test has none, so locking them would only force a
    multi-GB download on machines that would not otherwise need it.
    """
    return name == "embedlab" or name.startswith(("nvidia-", "cuda-")) or name == "triton"


def render(resolutions: dict[str, dict[str, str]]) -> str:
    names = sorted(set().union(*resolutions.values()))
    lines = [HEADER]
    for name in names:
        versions = {py: res.get(name) for py, res in resolutions.items()}
        distinct = set(versions.values())
        if len(distinct) == 1:
            lines.append(f"{name}=={distinct.pop()}\n")
            continue
        # Different per Python: one line per version, each with the Pythons it is for;
        # the newest tested Python's line also covers every newer Python.
        groups: dict[str, list[str]] = {}
        for py in PYTHONS:
            if versions[py]:
                groups.setdefault(versions[py], []).append(py)
        for version, pys in groups.items():
            markers = [f'python_version == "{p}"' for p in pys if p != PYTHONS[-1]]
            if PYTHONS[-1] in pys:
                markers.append(f'python_version >= "{PYTHONS[-1]}"')
            lines.append(f"{name}=={version} ; {' or '.join(markers)}\n")
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the lock is current")
    args = parser.parse_args()
    text = render({py: resolve(py) for py in PYTHONS})
    if args.check:
        if LOCK.read_text() != text:
            print("requirements.lock is out of date: run `python tools/update_lock.py`.")
            return 1
        print("requirements.lock is up to date.")
        return 0
    LOCK.write_text(text)
    print(f"wrote {LOCK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
