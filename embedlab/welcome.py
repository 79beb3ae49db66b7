"""Notebook 00 (welcome): three warm-up exercises, the course map and an environment report.

* ``vector_length(v)`` and ``distance(a, b)`` are the references of the warm-up exercises
  ``"00.vector_length"`` and ``"00.distance"``: small enough that the notebook can spend
  its time on *how* the exercises work (``check()``, ``embedlab.hint()``,
  ``embedlab.solution()``, ``embedlab.yours_or_reference()``). The third exercise,
  ``"00.vector_length_grad"``, asks for the gradient of ``vector_length``; it has no
  formula here, because its grader is the definition of the derivative itself
  (``embedlab.gradcheck``).
* ``course_map()`` is the syllabus as data, for the notebook and the README
  (``course_map_markdown()``, ``plot_course_map()``).
* ``environment_report()`` says what this machine offers the course: versions,
  device, CPUs, memory, offline settings and which data assets are present. It
  never touches the network.

The exercises' cases, the realistic wrong answers that ``check`` recognises and the
hints live in ``embedlab/exercises/lesson00.py``.
"""
from __future__ import annotations

import importlib
import os
import platform
import sys
from typing import Any

import numpy as np


__all__ = [
    "EnvironmentReport",
    "course_map",
    "course_map_markdown",
    "distance",
    "environment_report",
    "plot_course_map",
    "vector_length",
]


# ---------------------------------------------------------------------------
# Exercises 00.vector_length and 00.distance
# ---------------------------------------------------------------------------


def vector_length(v) -> float:
    """The Euclidean length (L2 norm) of a 1-D vector: sqrt(v[0]**2 + v[1]**2 + ...).

    v: a 1-D NumPy array or a plain list of numbers (ints or floats), shape (d,).
    Returns a Python float; 0.0 for the zero vector. ``vector_length([3, 4])`` is 5.0.
    """
    v = np.asarray(v, dtype=np.float64)   # lists and integer arrays become float64
    return float(np.sqrt(np.sum(v * v)))


def distance(a, b) -> float:
    """The Euclidean distance between the points a and b: the length of a - b.

    a, b: 1-D NumPy arrays or plain lists of the same length d. Returns a Python float,
    0.0 when a and b are the same point; ``distance(b, a) == distance(a, b)``.
    """
    return vector_length(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))


# ---------------------------------------------------------------------------
# The course map
# ---------------------------------------------------------------------------
# Tracks group the notebooks on the map; every notebook belongs to exactly one.
TRACKS = [
    "Start",
    "Words and documents",
    "Transformers and search",
    "Images and sound",
    "Tables, users and graphs",
    "Judge and build",
]

# (number, title, track, techniques, status). Set a notebook's status to "ready" when
# its source, reference module, exercises and tests have landed.
_SYLLABUS = [
    ("00", "Welcome", "Start",
     ["how the course works", "check(), hints and solutions", "vector length and distance",
      "a first gradient", "your hardware and offline status", "course map"],
     "ready"),
    ("01", "From symbols to vectors", "Words and documents",
     ["one-hot", "bag of words", "TF-IDF", "cosine similarity", "sparse vs dense",
      "curse of dimensionality", "keyword search"],
     "ready"),
    ("02", "Co-occurrence", "Words and documents",
     ["co-occurrence counts", "PPMI", "SVD / LSA", "LDA topics"], "ready"),
    ("03", "word2vec", "Words and documents",
     ["skip-gram", "CBOW", "negative sampling", "comparison with gensim"], "ready"),
    ("04", "GloVe and SWIVEL", "Words and documents",
     ["GloVe objective", "SWIVEL", "pretrained GloVe", "analogies", "bias in embeddings"], "ready"),
    ("05", "Subwords", "Words and documents",
     ["fastText character n-grams", "out-of-vocabulary words", "BPE", "WordPiece"], "ready"),
    ("06", "Documents", "Words and documents",
     ["averaged word vectors", "SIF", "Doc2Vec"], "ready"),
    ("07", "BERT", "Transformers and search",
     ["contextual vectors", "pooling", "which layer"], "ready"),
    ("08", "Sentence search", "Transformers and search",
     ["semantic search", "exact and ANN indexes", "recall@k", "MRR", "nDCG"], "ready"),
    ("09", "Training embeddings", "Transformers and search",
     ["dual encoders", "InfoNCE", "hard negatives"], "planned"),
    ("10", "Multi-vector retrieval", "Transformers and search",
     ["ColBERT", "MaxSim late interaction"], "planned"),
    ("11", "Images", "Images and sound",
     ["CNN embeddings", "image search"], "planned"),
    ("12", "CLIP", "Images and sound",
     ["joint text-image space", "zero-shot classification", "caption matching"], "planned"),
    ("13", "Audio", "Images and sound",
     ["spectrograms", "MFCC", "learned audio encoders"], "planned"),
    ("14", "Tables", "Tables, users and graphs",
     ["PCA of rows", "entity embeddings", "anomaly detection"], "planned"),
    ("15", "Recommender systems", "Tables, users and graphs",
     ["matrix factorisation", "two-tower models"], "planned"),
    ("16", "Graphs", "Tables, users and graphs",
     ["DeepWalk", "node2vec", "Poincaré embeddings"], "planned"),
    ("17", "Look and judge", "Judge and build",
     ["PCA", "t-SNE", "UMAP", "embedding projector", "probing classifiers", "choosing a model"],
     "planned"),
    ("18", "Capstone: a multimodal search engine", "Judge and build",
     ["text and image search in one index", "evaluation", "putting it together"], "planned"),
]


def course_map() -> list[dict[str, Any]]:
    """The syllabus as data: one dict per notebook, in order.

    Keys: ``number`` ("00" to "18"), ``title``, ``track`` (one of ``TRACKS``),
    ``techniques`` (list of str) and ``status`` ("ready" or "planned").
    Returns fresh copies, so callers may modify them.
    """
    return [
        {"number": n, "title": title, "track": track, "techniques": list(techniques), "status": status}
        for n, title, track, techniques, status in _SYLLABUS
    ]


def course_map_markdown() -> str:
    """The course map as a Markdown table (for the README and notebook 00)."""
    lines = ["| # | Notebook | Track | Techniques | Status |", "|---|---|---|---|---|"]
    for row in course_map():
        status = "ready" if row["status"] == "ready" else "planned"
        lines.append(f"| {row['number']} | {row['title']} | {row['track']} | "
                     f"{', '.join(row['techniques'])} | {status} |")
    return "\n".join(lines)


def plot_course_map(ax=None):
    """Draw the course as tracks (rows) of notebooks (boxes); ready notebooks are filled.

    Returns the matplotlib Axes. Imports matplotlib only when called.
    """
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    rows = course_map()
    n_tracks = len(TRACKS)
    # One row per track, its notebooks left to right: boxes are wide enough for the titles.
    width = max(sum(r["track"] == t for r in rows) for t in TRACKS)
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 0.75 * n_tracks + 0.6))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.01)
    colours = ["#6e7781", "#0969da", "#8250df", "#bf3989", "#1a7f37", "#bc4c00"]
    for t, track in enumerate(TRACKS):
        y = n_tracks - 1 - t
        colour = colours[t % len(colours)]
        ax.text(-0.1, y, track, ha="right", va="center", fontsize=10, color=colour, weight="bold")
        for x, row in enumerate(r for r in rows if r["track"] == track):
            ready = row["status"] == "ready"
            ax.add_patch(FancyBboxPatch((x + 0.04, y - 0.42), 0.92, 0.84,
                                        boxstyle="round,pad=0.01,rounding_size=0.08",
                                        facecolor=colour if ready else "white",
                                        edgecolor=colour, linewidth=1.5))
            title = row["title"].split(":")[0]
            lines = textwrap.wrap(title, 14, break_long_words=False)[:2]
            ax.text(x + 0.5, y + 0.22, row["number"], ha="center", va="center", fontsize=9,
                    weight="bold", color="white" if ready else colour)
            ax.text(x + 0.5, y - 0.1, "\n".join(lines), ha="center", va="center",
                    fontsize=8.5, linespacing=1.05, color="white" if ready else "#24292f")
    ax.set_xlim(-2.6, width + 0.05)
    ax.set_ylim(-0.55, n_tracks - 0.45)
    ax.set_axis_off()
    ax.set_title("The embedlab course: filled boxes are ready, outlined boxes are planned", fontsize=11)
    return ax


# ---------------------------------------------------------------------------
# Environment report
# ---------------------------------------------------------------------------
_TRUTHY = {"1", "true", "yes", "on"}
_OFFLINE_VARIABLES = ("EMBEDLAB_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


class EnvironmentReport(dict):
    """A plain dict of facts about this machine that also shows itself as tables in Jupyter."""

    def _rows(self) -> list[tuple[str, str]]:
        ram = self["ram"]
        cpu = self["cpu"]
        rows = [
            ("Python", self["python"]),
            ("embedlab", self["embedlab"]),
            ("NumPy", self["numpy"]),
            ("PyTorch", self["torch"]),
            ("Device", f"{self['device']} (available: {', '.join(self['devices_available'])})"),
            ("CPU cores", f"{cpu['usable']} usable of {cpu['count']}; torch uses {cpu['torch_threads']} threads"),
            ("Memory", _format_ram(ram)),
            ("Model hubs / network", self["network"]["summary"]),
        ]
        return rows

    def text(self) -> str:
        """The report as plain text (what ``print`` shows)."""
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        lines.append("")
        lines.append("Data assets:")
        if self["assets"]:
            for a in self["assets"]:
                mark = "yes" if a.get("available") else "no "
                lines.append(f"  [{mark}] {a.get('name', '?')} ({a.get('kind', '?')}): {a.get('where') or ''}")
        lines.append(f"  {self['assets_note']}" if self["assets_note"] else "")
        return "\n".join(lines).rstrip()

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        import html

        def table(header: list[str] | None, rows: list[list[str]]) -> str:
            head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in header or [])
            body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>"
                                            for c in r) + "</tr>" for r in rows)
            thead = f"<thead><tr>{head}</tr></thead>" if head else ""
            return f"<table>{thead}<tbody>{body}</tbody></table>"

        out = ["<b>This machine</b>", table(None, [list(r) for r in self._rows()])]
        out.append("<b>Data assets</b>")
        if self["assets"]:
            out.append(table(["asset", "kind", "available", "where", "licence"], [
                [a.get("name", "?"), a.get("kind", ""), "yes" if a.get("available") else "no",
                 a.get("where") or "", a.get("licence", "")] for a in self["assets"]]))
        if self["assets_note"]:
            out.append(f"<p>{html.escape(self['assets_note'])}</p>")
        return "\n".join(out)


def _format_ram(ram: dict) -> str:
    if ram.get("total_gb") is None:
        return "unknown"
    text = f"{ram['total_gb']:.1f} GB total"
    if ram.get("available_gb") is not None:
        text += f", {ram['available_gb']:.1f} GB available"
    if ram.get("limit_gb") is not None:
        text += f"; this container may use at most {ram['limit_gb']:.1f} GB"
    return text


def _memory() -> dict[str, Any]:
    """Total and available RAM in GB (psutil, else /proc/meminfo) and a container limit if any."""
    gb = 1024 ** 3
    total = available = None
    source = None
    try:
        import psutil

        vm = psutil.virtual_memory()
        total, available, source = vm.total / gb, vm.available / gb, "psutil"
    except Exception:  # psutil is optional
        try:
            info = {}
            with open("/proc/meminfo", encoding="ascii") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    info[key] = int(value.split()[0]) * 1024  # kB
            total = info["MemTotal"] / gb
            available = info.get("MemAvailable", info.get("MemFree", 0)) / gb
            source = "/proc/meminfo"
        except Exception:
            pass
    # Binder and Docker limit a container below what the host reports (cgroups v2, then v1).
    limit = None
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as f:
                raw = f.read().strip()
        except OSError:
            continue
        if raw.isdigit() and int(raw) < 2 ** 60:
            limit = int(raw) / gb
            if total is not None and limit >= total:
                limit = None  # no tighter than the machine itself
        break
    return {"total_gb": total, "available_gb": available, "limit_gb": limit, "source": source}


def _cpu() -> dict[str, Any]:
    count = os.cpu_count() or 1
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows
        usable = count
    try:
        import torch

        threads = torch.get_num_threads()
    except Exception:
        threads = None
    return {"count": count, "usable": usable, "torch_threads": threads}


def _network() -> dict[str, Any]:
    """Offline settings from the environment. Nothing here opens a connection."""
    variables = {name: os.environ.get(name) for name in _OFFLINE_VARIABLES}
    on = [name for name, value in variables.items() if value is not None and value.strip().lower() in _TRUTHY]
    offline = bool(on)
    if offline:
        summary = (f"offline ({', '.join(f'{n}={variables[n]}' for n in on)}): models and data come "
                   "from local files only")
    else:
        summary = ("online allowed (no offline variable set); not tested: embedlab never probes the "
                   "network. Set EMBEDLAB_OFFLINE=1 to stay offline")
    return {"offline": offline, "variables": variables, "summary": summary}


def _assets() -> tuple[list[dict[str, Any]], str]:
    """``embedlab.data.status()`` if that module exists, else an explanation."""
    try:
        data = importlib.import_module("embedlab.data")
    except ModuleNotFoundError as exc:
        if exc.name != "embedlab.data":
            return [], f"embedlab.data needs a package that is missing ({exc})."
        return [], "embedlab.data is not part of this installation: no asset list to show."
    except Exception as exc:  # a broken data module must not break notebook 00
        return [], f"embedlab.data failed to import ({type(exc).__name__}: {exc})."
    status = getattr(data, "status", None)
    if status is None:
        return [], "embedlab.data has no status() yet: no asset list to show."
    try:
        assets = [dict(a) for a in status()]
    except Exception as exc:
        return [], f"embedlab.data.status() failed ({type(exc).__name__}: {exc})."
    n_ok = sum(1 for a in assets if a.get("available"))
    note = f"{n_ok} of {len(assets)} data assets are available on this machine."
    if n_ok < len(assets):
        note += " Notebooks that need a missing asset say so, and fall back to a small built-in sample where they can."
    return assets, note


def environment_report() -> EnvironmentReport:
    """What this machine offers the course, as a dict (shown as tables in Jupyter).

    Keys: ``python``, ``platform``, ``embedlab``, ``numpy``, ``torch``, ``device``
    (``embedlab.device.describe()``), ``devices_available``, ``cpu`` (count, usable,
    torch_threads), ``ram`` (total_gb, available_gb, limit_gb, source), ``network``
    (offline, variables, summary: from EMBEDLAB_OFFLINE / HF_HUB_OFFLINE /
    TRANSFORMERS_OFFLINE only, the network itself is never touched), ``assets`` (the
    rows of ``embedlab.data.status()``, empty when unavailable) and ``assets_note``.
    """
    import embedlab

    # Not `from . import device`: the package re-exports the function device() under that name.
    device_module = importlib.import_module("embedlab.device")

    try:
        import torch

        torch_version = torch.__version__
    except Exception:  # pragma: no cover - torch is a dependency
        torch_version = "not installed"
    try:
        device_line = device_module.describe()
        available = device_module.available_devices()
    except Exception as exc:  # pragma: no cover - defensive: never break notebook 00
        device_line, available = f"unknown ({type(exc).__name__}: {exc})", ["cpu"]
    assets, note = _assets()
    return EnvironmentReport(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        embedlab=getattr(embedlab, "__version__", "unknown"),
        numpy=np.__version__,
        torch=torch_version,
        device=device_line,
        devices_available=available,
        cpu=_cpu(),
        ram=_memory(),
        network=_network(),
        assets=assets,
        assets_note=note,
        executable=sys.executable,
    )
