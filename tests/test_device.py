import pytest
import torch

import embedlab
from embedlab.device import available_devices, describe


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
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (1.0, 1.0, 1.0))    # only us
    assert dev.free_cores() == 2.0 and dev.auto_threads() == 2
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (2.6, 2.0, 2.0))    # someone else too
    assert dev.auto_threads() == 1
    monkeypatch.setattr(dev.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: 1.0)                  # a 1-CPU container
    assert dev.auto_threads() == 1

    def unknown():
        raise OSError

    monkeypatch.setattr(dev, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(dev.os, "getloadavg", unknown)
    assert dev.auto_threads() == 1                                          # unknown: assume busy


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
