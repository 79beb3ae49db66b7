"""One line that says where a benchmark ran, for the tables in the docs.

    from machine import machine_line      # the benchmark scripts run from this folder
    print(machine_line())                 # Machine: AMD EPYC, 2 CPUs (load 0.4), torch 2.13.0+cpu, ...
"""
from __future__ import annotations

import os
import platform

import torch


def cpu_model() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_line(note: str = "") -> str:
    """CPU model and count, load average (a busy machine makes timings slower), torch,
    Python and the GPU when CUDA is available; ``note`` is appended (e.g. "1 torch thread")."""
    try:
        load = f" (load average {os.getloadavg()[0]:.1f})"
    except (OSError, AttributeError):
        load = ""
    line = (f"Machine: {cpu_model()}, {os.cpu_count()} CPUs{load}, torch {torch.__version__}, "
            f"Python {platform.python_version()}")
    if torch.cuda.is_available():
        line += f", GPU {torch.cuda.get_device_name(0)}"
    return line + (f", {note}" if note else "")
