"""The four places that name dependencies agree with each other.

* pyproject.toml: lower bounds only (no ``==``); the runtime dependencies plus the
  ``lab`` extra are what a learner needs.
* requirements.lock: pins every pyproject dependency (all extras) with ``==``.
* environment.yml (conda) and binder/environment.yml: Python (the version the lock is
  tested on) and pip from conda, then the lock itself from pip, so that conda users and
  Binder get exactly the tested versions.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent

# conda-forge name -> PyPI name, for the packages whose names differ.
CONDA_TO_PYPI = {"pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch"}
# Entries of a conda environment that are not Python dependencies of embedlab.
CONDA_TOOLING = {"python", "pip"}
REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)")


def normalise(name: str) -> str:
    """PEP 503 name normalisation, plus conda's names for torch."""
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_TO_PYPI.get(name, name)


def parse_requirement(text: str) -> tuple[str, str]:
    m = REQUIREMENT.match(text)
    assert m, f"cannot parse requirement {text!r}"
    return normalise(m.group("name")), re.sub(r"\s+", "", m.group("spec"))


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_requirements(*extras: str) -> dict[str, str]:
    """name -> specifier of the runtime dependencies and the given extras."""
    project = pyproject()
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return dict(parse_requirement(r) for r in reqs)


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, spec = parse_requirement(line)
            pins[name] = spec
    return pins


def conda_env(path: Path) -> tuple[dict[str, str], list]:
    """(name -> specifier of the conda dependencies, the pip entries)."""
    env = yaml.safe_load(path.read_text())
    deps, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
            continue
        name, spec = parse_requirement(dep.split("::")[-1])
        if name not in CONDA_TOOLING:
            deps[name] = spec
    return deps, pip


def test_pyproject_has_lower_bounds_only():
    project = pyproject()
    every = list(project["dependencies"])
    for reqs in project.get("optional-dependencies", {}).values():
        every += reqs
    pinned = [r for r in every if "==" in r or "===" in r]
    assert not pinned, f"pyproject.toml pins {pinned}: keep exact versions in requirements.lock"


def test_every_pyproject_dependency_is_pinned_in_the_lock():
    pins = lock_pins()
    extras = list(pyproject().get("optional-dependencies", {}))
    for name in pyproject_requirements(*extras):
        assert name in pins, f"{name} is a pyproject dependency but not in requirements.lock"
        assert pins[name].startswith("==") and pins[name].count("==") == 1, \
            f"requirements.lock must pin {name} with ==, not {pins[name]!r}"


def test_lock_pins_satisfy_pyproject_lower_bounds():
    packaging_version = pytest.importorskip("packaging.version")
    pins = lock_pins()
    extras = list(pyproject().get("optional-dependencies", {}))
    for name, spec in pyproject_requirements(*extras).items():
        for bound in filter(None, spec.split(",")):
            m = re.match(r">=(.+)", bound)
            if m:
                pinned = packaging_version.Version(pins[name][2:])
                assert pinned >= packaging_version.Version(m.group(1)), \
                    f"requirements.lock pins {name}{pins[name]}, below pyproject's {bound}"


def lock_python() -> str:
    """The Python minor version the lock is tested on: the newest that tools/update_lock.py resolves."""
    text = (ROOT / "tools" / "update_lock.py").read_text()
    pythons = re.search(r"^PYTHONS = \[(.*)\]", text, re.M).group(1)
    return re.findall(r'"([0-9.]+)"', pythons)[-1]


@pytest.mark.parametrize("env_file, lock_path", [("environment.yml", "requirements.lock"),
                                                  ("binder/environment.yml", "../requirements.lock")])
def test_conda_environments_install_the_tested_lock_on_the_tested_python(env_file, lock_path):
    path = ROOT / env_file
    env = yaml.safe_load(path.read_text())
    assert env["channels"] == ["conda-forge"]
    conda = sorted(d for d in env["dependencies"] if isinstance(d, str))
    # Only Python and pip come from conda, so that no version can drift from the lock.
    assert conda == ["pip", f"python={lock_python()}"], \
        f"{env_file}: conda must install only python={lock_python()} and pip, not {conda}"
    _, pip = conda_env(path)
    assert f"-r {lock_path}" in pip, f"{env_file} must pip-install the lock ({lock_path})"
    # conda writes the pip entries to a file next to the environment file: the path is relative to it.
    assert (path.parent / lock_path).resolve() == (ROOT / "requirements.lock").resolve()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in pip, \
        f"{env_file}: without PyTorch's CPU index, pip would install torch with several GB of CUDA"
    assert ("-e ." in pip) == (env_file == "environment.yml"), \
        "the root environment installs embedlab with -e .; binder/postBuild does it for Binder"


def test_the_lock_covers_the_lock_python():
    """Every pin of the lock that applies to the tested Python is there once (markers included)."""
    packaging = pytest.importorskip("packaging.markers")
    py = lock_python()
    seen: dict[str, int] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req, _, marker = line.partition(";")
        if marker and not packaging.Marker(marker.strip()).evaluate({"python_version": py,
                                                                     "python_full_version": py + ".0"}):
            continue
        name, _ = parse_requirement(req)
        seen[name] = seen.get(name, 0) + 1
    assert all(n == 1 for n in seen.values()), {k: v for k, v in seen.items() if v != 1}
    project = pyproject()
    wanted = set()
    for req in project["dependencies"] + sum(project.get("optional-dependencies", {}).values(), []):
        spec, _, marker = req.partition(";")
        if not marker or packaging.Marker(marker.strip()).evaluate({"python_version": py,
                                                                   "python_full_version": py + ".0"}):
            wanted.add(parse_requirement(spec)[0])
    missing = wanted - set(seen)
    assert not missing, f"requirements.lock has no pin for Python {py} of {sorted(missing)}"


def test_binder_postbuild():
    post = ROOT / "binder" / "postBuild"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text
    assert "labextension disable --level=sys_prefix @jupyter/nbgrader" in text
    assert "python -m embedlab.data verify" in text
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
