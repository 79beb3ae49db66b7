"""embedlab: reference implementations and exercise checks for the embedlab course.

Learners mostly need these::

    from embedlab import check       # grade an exercise: check(my_function)
    embedlab.hint("01.tfidf")        # the next hint, from a nudge to nearly the recipe
    embedlab.solution("01.tfidf")    # the course's solution (off in a graded release)
    embedlab.list_exercises()        # every exercise id
"""
from .check import (CheckResult, check, graded_mode, hint, list_exercises, reference, solution,
                    yours_or_reference)
from . import gradcheck  # numerical gradients: how derivation exercises are graded
from .device import device

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "check",
    "device",
    "gradcheck",
    "graded_mode",
    "hint",
    "list_exercises",
    "reference",
    "solution",
    "yours_or_reference",
]
