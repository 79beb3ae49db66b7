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
