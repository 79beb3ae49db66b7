"""Shared test set-up: no network, no model hubs, CPU by default, GPU tests skipped without a GPU."""
from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

import pytest

# The scripts in tools/ (build_notebooks, nbgrader_roundtrip) are imported by name in the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

# Set before anything imports huggingface_hub or transformers.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# The trainers show progress bars to learners; the tests (and the notebooks they run, whose
# kernels inherit this) keep their output short. tests/test_progress.py switches it back on.
os.environ.setdefault("EMBEDLAB_PROGRESS", "0")

_real_connect = socket.socket.connect


def _local_only_connect(self, address):
    """Refuse connections to anything but this machine: tests must pass offline."""
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            local = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            local = host == "localhost"
        if not local:
            raise OSError(f"tests must not use the network (tried to connect to {host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _local_only_connect)


def _has_gpu() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return torch.cuda.is_available() or bool(mps and mps.is_available())


def pytest_collection_modifyitems(config, items):
    if _has_gpu():
        return
    skip = pytest.mark.skip(reason="needs a CUDA or MPS device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def one_torch_thread():
    """One torch thread for a test module (``pytestmark = pytest.mark.usefixtures("one_torch_thread")``):
    on a shared machine with busy cores, two threads made a BERT forward pass 40 times slower."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
