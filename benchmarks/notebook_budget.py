#!/usr/bin/env python3
"""Does every course notebook fit its budget? (<= 180 s wall time and <= 2048 MB of memory)

For each ``sources/NN_name.py`` the learner and the solution notebook are built fresh
(tools/build_notebooks.py, into a temporary folder) and each is executed top to bottom
with nbclient in a fresh subprocess. That subprocess measures

* wall time: from starting the kernel to the end of the last cell;
* the kernel's peak memory: the larger of (a) the resident set size of the kernel
  process and all its children, summed, polled every 0.1 s with psutil, and (b) the
  kernel's own exact peak RSS from ``getrusage(RUSAGE_CHILDREN)`` once it has exited
  (the kernel is the runner's only child, so this is the kernel's maximum RSS).

and the script prints a markdown table plus a line describing the machine. It exits
1 when a notebook fails or exceeds a budget.

    python benchmarks/notebook_budget.py            # every notebook
    python benchmarks/notebook_budget.py 01 03      # only sources whose name starts so
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 180.0
BUDGET_MB = 2048.0
CELL_TIMEOUT = 600  # per cell; the wall-time budget is checked on the whole notebook
POLL_S = 0.1


def _build_module():
    """tools/build_notebooks.py, loaded once."""
    if "build_notebooks" in sys.modules:
        return sys.modules["build_notebooks"]
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


# --- the runner: one notebook, in its own process ------------------------------------
def run_one(path: Path, cwd: Path) -> dict:
    """Execute one notebook; return wall time, peak memory and the error, if any."""
    import nbformat
    import psutil
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    peak = {"polled": 0}
    stop = threading.Event()

    def poll(pid: int) -> None:
        try:
            kernel = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [kernel] + kernel.children(recursive=True)
                rss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                peak["polled"] = max(peak["polled"], rss)
            except psutil.NoSuchProcess:
                return
            stop.wait(POLL_S)

    def on_start(**_):
        pid = client.km.provisioner.pid if hasattr(client.km.provisioner, "pid") else None
        pid = pid or client.km.provisioner.process.pid
        threading.Thread(target=poll, args=(pid,), daemon=True).start()

    client.on_notebook_start = on_start
    error = None
    start = time.perf_counter()
    try:
        client.execute(env=_build_module().kernel_env(), cwd=str(cwd))
    except Exception as exc:  # CellExecutionError, CellTimeoutError, DeadKernelError
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    wall = time.perf_counter() - start
    stop.set()
    # The kernel has exited and been reaped: its exact peak RSS (kB on Linux, bytes on macOS).
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    maxrss_bytes = maxrss if sys.platform == "darwin" else maxrss * 1024
    return {"wall_s": wall, "peak_mb": max(peak["polled"], maxrss_bytes) / 2**20,
            "polled_mb": peak["polled"] / 2**20, "rusage_mb": maxrss_bytes / 2**20, "error": error}


# --- the driver ----------------------------------------------------------------------
def machine_line() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            model = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True,
                                   text=True, check=True).stdout.strip() or model
        except (OSError, subprocess.CalledProcessError):
            pass
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed"
    return (f"Machine: {os.cpu_count()} CPUs, {model}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; torch {torch_version}")


def measure(path: Path, cwd: Path) -> dict:
    """Run ``path`` through ``run_one`` in a fresh Python process."""
    proc = subprocess.run([sys.executable, __file__, "--run-one", str(path), "--cwd", str(cwd)],
                          capture_output=True, text=True, env=_build_module().kernel_env())
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"wall_s": float("nan"), "peak_mb": float("nan"), "error": f"runner failed: {tail[0]}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="only sources whose file name starts with one of these")
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cwd", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.run_one:
        print(json.dumps(run_one(args.run_one, args.cwd or args.run_one.parent)))
        return 0

    bn = _build_module()
    sources = [s for s in bn.source_files(args.sources)
               if not args.prefixes or any(s.name.startswith(p) for p in args.prefixes)]
    if not sources:
        print(f"No notebook sources in {args.sources}.")
        return 0
    rows, ok_all = [], True
    with tempfile.TemporaryDirectory(prefix="embedlab-budget-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        for src in sources:
            for version in ("learner", "solution"):
                folder = notebooks if version == "learner" else notebooks / bn.SOLUTIONS_SUBDIR
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{src.stem}.ipynb"
                path.write_text(bn.to_json(bn.build_notebook(src, version)), encoding="utf-8")
                r = measure(path, folder)
                ok = r["error"] is None and r["wall_s"] <= BUDGET_S and r["peak_mb"] <= BUDGET_MB
                ok_all &= ok
                verdict = "yes" if ok else ("no: " + r["error"] if r["error"] else "no")
                rows.append(f"| {src.stem} | {version} | {r['wall_s']:.1f} | {r['peak_mb']:.0f} | {verdict} |")
                print(f"{src.stem} ({version}): {r['wall_s']:.1f} s, {r['peak_mb']:.0f} MB", file=sys.stderr)
    print(f"Budget per notebook: <= {BUDGET_S:g} s wall time, <= {BUDGET_MB:g} MB peak kernel memory.\n")
    print("| notebook | version | wall s | peak MB | budget ok |")
    print("|---|---|---:|---:|---|")
    print("\n".join(rows))
    print()
    print(machine_line())
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
