"""Pick where tensors live: CUDA if present, then Apple's MPS, then the CPU.

Everything in embedlab that trains or encodes takes a ``device`` argument; pass
``embedlab.device()`` to use the best one this machine has.
"""
from __future__ import annotations

import os
import time
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


def _cgroup_cpus() -> float | None:
    """CPUs this container may use (cgroup v2 ``cpu.max``, as Docker and Binder set it), or None."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        return None
    return None if quota == "max" else int(quota) / int(period)


def _busy_cores(cpus: set[int], interval: float) -> float | None:
    """How many of the CPUs ``cpus`` were busy, on average, over the next ``interval`` seconds.

    Read from the kernel's per-CPU counters (/proc/stat) before and after a short sleep;
    None where there are none (macOS, Windows). This process sleeps meanwhile, so it is
    not counted: what is measured is everyone else.
    """
    def sample() -> tuple[float, float]:
        busy = total = 0.0
        with open("/proc/stat") as f:
            for line in f:
                name, *fields = line.split()
                if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
                    ticks = [float(x) for x in fields[:8]]
                    idle = ticks[3] + ticks[4]                      # idle + iowait
                    busy, total = busy + sum(ticks) - idle, total + sum(ticks)
        return busy, total

    try:
        busy0, total0 = sample()
        time.sleep(interval)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    if total1 <= total0:
        return None
    return len(cpus) * (busy1 - busy0) / (total1 - total0)


def _cgroup_busy(interval: float) -> float | None:
    """CPUs this container used over ``interval`` seconds (cgroup v2 ``cpu.stat``), or None."""
    def usage() -> float:
        with open("/sys/fs/cgroup/cpu.stat") as f:
            for line in f:
                key, value = line.split()[:2]
                if key == "usage_usec":
                    return float(value)
        raise ValueError("no usage_usec")

    try:
        start, t0 = usage(), time.perf_counter()
        time.sleep(interval)
        return (usage() - start) / 1e6 / max(time.perf_counter() - t0, 1e-9)
    except (OSError, ValueError, IndexError):
        return None


def free_cores(interval: float = 0.1) -> float:
    """About how many CPU cores are idle for this process, measured over ``interval`` seconds.

    Usable: the cores this process may run on, capped by a container's CPU quota. Busy: what
    the other programs use right now, sampled from the kernel's counters (and, in a
    container with a quota, what the container's other processes use of it). Where no
    counters can be read, the 1-minute load average stands in, of which this process is
    counted as one; where neither can be, the cores are taken as busy.

    Why sample rather than read the load average alone: the load average trails by a
    minute, so right after one training cell it still counts that cell's two threads, and
    the next cell would get one thread on idle cores.
    """
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set(range(os.cpu_count() or 1))
    cpus = float(len(affinity))
    quota = _cgroup_cpus()
    busy = _busy_cores(set(affinity), interval)
    if busy is not None:
        free = cpus - busy
        if quota is not None:
            used = _cgroup_busy(interval)
            free = min(free, quota - (used or 0.0))
        return max(0.0, free)
    if quota is not None:
        cpus = min(cpus, quota)
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return 1.0
    return cpus - max(0.0, load - 1.0)


def auto_threads(most: int = 2) -> int:
    """The trainers' default CPU threads: 2 when two cores are free, else 1.

    "Free" allows a tenth of a core of background noise (a notebook server, a browser tab).

    A second thread speeds word2vec up by about 1.5 times on two idle cores. On busy ones
    (Binder, a shared server, other programs running) each of the thousands of small
    operations a second waits for a thread that is not running: there, 2 threads trained
    word2vec 30 times slower than 1.
    """
    global _last_free
    now = time.monotonic()
    if _last_free is None or now - _last_free[0] > 2.0:     # one sample serves calls in a row (check()'s cases)
        _last_free = (now, free_cores())
    return max(1, min(most, int(_last_free[1] + 0.1)))


_last_free: tuple[float, float] | None = None


@contextmanager
def cpu_threads(threads: int | None, where: torch.device, auto: bool = False) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads, then restore the setting.

    threads=None: ``auto_threads()`` if ``auto`` (word2vec, fastText and Doc2Vec, whose
    vectors do not depend on the number of threads: tests/test_word2vec.py checks 1
    against 2), else 1 (GloVe and SWIVEL, whose matrix products may round differently
    with another number of threads). Nothing changes on a GPU.
    """
    previous = torch.get_num_threads()
    if where.type == "cpu":
        torch.set_num_threads(max(1, int(threads or (auto_threads() if auto else 1))))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
