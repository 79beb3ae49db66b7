"""The progress bar every trainer shows while it trains.

``progress=None`` (the trainers' default) shows it unless the environment variable
``EMBEDLAB_PROGRESS`` is ``0`` (the tests set it, to keep their output short);
``progress=True`` or ``False`` decides for one call.
"""
from __future__ import annotations

import os

_OFF = {"0", "false", "no", "off"}


def wanted(progress: bool | None) -> bool:
    """Whether to show a bar: ``progress`` if given, else not switched off by EMBEDLAB_PROGRESS."""
    if progress is not None:
        return bool(progress)
    return os.environ.get("EMBEDLAB_PROGRESS", "1").strip().lower() not in _OFF


def progress_bar(total: int, progress: bool | None, desc: str, unit: str = "word"):
    """A tqdm bar (a widget in Jupyter, text in a terminal) of ``total`` ``unit``s, or a silent one."""
    from tqdm.auto import tqdm

    # mininterval: a notebook redraws a widget bar for every update it is sent; twice a
    # second is enough to see progress and costs nothing next to training.
    return tqdm(total=total, unit=unit, unit_scale=unit == "word", disable=not wanted(progress),
                smoothing=0.1, desc=desc, mininterval=0.5)
