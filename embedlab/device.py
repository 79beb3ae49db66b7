"""Pick where tensors live: CUDA if present, then Apple's MPS, then the CPU.

Everything in embedlab that trains or encodes takes a ``device`` argument; pass
``embedlab.device()`` to use the best one this machine has.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch

from .validate import _OneSentence


class DeviceError(_OneSentence, RuntimeError):
    """The device asked for is not on this machine (or is not a device at all)."""


def device(prefer: str | None = None) -> torch.device:
    """Return the best available ``torch.device``: ``cuda``, then ``mps``, then ``cpu``.

    ``prefer`` (e.g. ``"cpu"``) forces a choice; asking for a device that is not
    there raises a ``DeviceError`` (a ``RuntimeError``) that says what is available instead.
    """
    available = available_devices()
    if prefer is not None:
        try:
            kind = torch.device(prefer).type
        except (RuntimeError, TypeError):
            raise DeviceError(f"{prefer!r} is not a device: use 'cpu', 'cuda', 'mps', or None for the "
                              f"best one here (available: {', '.join(available)}).") from None
        if kind not in available:
            raise DeviceError(
                f"device {prefer!r} is not available on this machine; "
                f"available: {', '.join(available)}. Use embedlab.device() to pick the best one."
            )
        return torch.device(prefer)
    return torch.device(available[0])


def available_devices() -> list[str]:
    """Device types usable here, best first; ``"cpu"`` is always last."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def describe() -> str:
    """One line about the chosen device, for notebook 00 and benchmark tables."""
    d = device()
    if d.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(d)}"
    if d.type == "mps":
        return "mps: Apple GPU"
    return f"cpu: {torch.get_num_threads()} threads"


def resolve(where: str | torch.device | None = None) -> torch.device:
    """The device a trainer should use: ``None`` means the best one here (see :func:`device`).

    Every trainer goes through this, so ``device="cuda"`` on a machine without CUDA is
    answered with what is available instead of an error from inside torch.
    """
    return device(where)


@contextmanager
def cpu_threads(threads: int | None, where: torch.device) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads (default 1), then restore the setting.

    The trainers do thousands of small tensor operations a second. With more threads than
    free cores (Binder, a shared server, other programs running), each one waits for a
    thread that is not running: on 2 busy cores, 2 threads trained word2vec 30 times slower
    than 1. Nothing changes on a GPU.
    """
    previous = torch.get_num_threads()
    if where.type == "cpu":
        torch.set_num_threads(max(1, int(threads or 1)))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
