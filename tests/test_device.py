import os
from pathlib import Path

import pytest
import torch

import embedlab
from embedlab.device import available_devices, describe


def fresh(dev):
    """The device module with no cached free-cores sample (auto_threads keeps one 2 s)."""
    dev._last_free = None
    return dev


def test_cpu_is_always_available_and_last():
    found = available_devices()
    assert found[-1] == "cpu"
    assert embedlab.device().type == found[0]


def test_prefer_cpu():
    assert embedlab.device("cpu") == torch.device("cpu")


def test_unavailable_device_says_what_is_there(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="available: .*cpu"):
        embedlab.device("cuda")


def test_cuda_is_preferred_when_present(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert embedlab.device().type == "cuda"


def test_describe_mentions_the_device():
    assert describe().split(":")[0] in {"cpu", "cuda", "mps"}


@pytest.mark.gpu
def test_tensor_round_trip_on_gpu():
    d = embedlab.device()
    x = torch.arange(6.0, device=d).reshape(2, 3)
    assert (x @ x.T).cpu().tolist() == [[5.0, 14.0], [14.0, 50.0]]


def test_free_cores_counts_this_process_and_the_quota(monkeypatch):
    import importlib

    dev = importlib.import_module("embedlab.device")

    monkeypatch.setattr(dev.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(dev, "_busy_cores", lambda cpus, interval: None)   # no /proc/stat: the load average
    monkeypatch.setattr(dev, "free_cores", dev.free_cores)
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (1.0, 1.0, 1.0))    # only us
    assert dev.free_cores() == 2.0 and fresh(dev).auto_threads() == 2
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (2.6, 2.0, 2.0))    # someone else too
    assert fresh(dev).auto_threads() == 1
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: 1.0)                  # a 1-CPU container
    assert fresh(dev).auto_threads() == 1

    def unknown():
        raise OSError

    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(dev.os, "getloadavg", unknown)
    assert fresh(dev).auto_threads() == 1                                          # unknown: assume busy


def test_free_cores_samples_what_the_others_use_now(monkeypatch):
    import importlib

    dev = importlib.import_module("embedlab.device")
    monkeypatch.setattr(dev.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (2.9, 2.0, 2.0))    # a minute of our own training
    monkeypatch.setattr(dev, "_busy_cores", lambda cpus, interval: 0.05)  # idle now: a browser tab
    assert fresh(dev).auto_threads() == 2
    monkeypatch.setattr(dev, "_busy_cores", lambda cpus, interval: 1.0)   # another program on one core
    assert dev.free_cores() == 1.0 and fresh(dev).auto_threads() == 1
    monkeypatch.setattr(dev, "_busy_cores", lambda cpus, interval: 0.0)
    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: 2.0)
    monkeypatch.setattr(dev, "_cgroup_busy", lambda interval: 1.5)        # the container's other processes
    assert dev.free_cores() == 0.5 and fresh(dev).auto_threads() == 1


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="no /proc/stat")
def test_busy_cores_sees_a_busy_process():
    import importlib
    import subprocess
    import sys

    dev = importlib.import_module("embedlab.device")
    cpus = os.sched_getaffinity(0)
    idle = dev._busy_cores(cpus, 0.2)
    assert idle is not None and 0.0 <= idle <= len(cpus) + 1e-9
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        import time
        time.sleep(0.3)
        busy = dev._busy_cores(cpus, 0.5)
    finally:
        spin.kill()
    assert busy >= 0.7, busy                                   # one core spinning is about 1.0


def test_cpu_threads_restores_and_defaults(monkeypatch):
    import importlib

    import torch

    dev = importlib.import_module("embedlab.device")

    before = torch.get_num_threads()
    monkeypatch.setattr(dev, "auto_threads", lambda most=2: 2)
    with dev.cpu_threads(None, torch.device("cpu")):
        assert torch.get_num_threads() == 1
    with dev.cpu_threads(None, torch.device("cpu"), auto=True):
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == before
