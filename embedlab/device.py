"""Pick where tensors live: CUDA if present, then Apple's MPS, then the CPU.

Everything in embedlab that trains or encodes takes a ``device`` argument; pass
``embedlab.device()`` to use the best one this machine has.
"""
from __future__ import annotations

import torch


def device(prefer: str | None = None) -> torch.device:
    """Return the best available ``torch.device``: ``cuda``, then ``mps``, then ``cpu``.

    ``prefer`` (e.g. ``"cpu"``) forces a choice; asking for a device that is not
    there raises a ``RuntimeError`` that says what is available instead.
    """
    available = available_devices()
    if prefer is not None:
        kind = torch.device(prefer).type
        if kind not in available:
            raise RuntimeError(
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
