"""Debian packages as data sources: download them with apt-get and unpack them with dpkg-deb.

Shared by the tools/ scripts that build the course's data (build_corpus.py, build_bible.py).
Nothing is installed: each package is unpacked into a folder of its own.
"""
from __future__ import annotations

import glob
import subprocess
import sys
from pathlib import Path
from typing import Sequence


def fetch_debs(packages: Sequence[str], target: Path) -> None:
    """``apt-get download`` every package into ``target`` (the current Debian candidate version)."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *packages], cwd=target, check=True)


def unpack_debs(packages: Sequence[str], debs: Path, root: Path) -> dict[str, str]:
    """``dpkg-deb -x`` each package's .deb in ``debs`` into ``root/<package>``; return {package: version}."""
    versions = {}
    for package in packages:
        candidates = sorted(glob.glob(str(debs / f"{package}_*.deb")))
        if not candidates:
            sys.exit(f"no {package}_*.deb in {debs}: run `apt-get download {package}` there")
        deb = candidates[-1]
        versions[package] = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True,
                                           capture_output=True, text=True).stdout.strip()
        (root / package).mkdir(parents=True, exist_ok=True)
        subprocess.run(["dpkg-deb", "-x", deb, str(root / package)], check=True)
    return versions
