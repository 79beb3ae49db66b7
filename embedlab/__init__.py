"""embedlab: reference implementations and exercise checks for the embedlab course.

Learners mostly need three things::

    from embedlab import check       # grade an exercise: check(my_function)
    embedlab.list_exercises()        # every exercise id
    embedlab.reference("01.tfidf")   # the reference a given exercise is graded against
"""
from .check import CheckResult, check, list_exercises, reference, yours_or_reference
from .device import device

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "check",
    "device",
    "list_exercises",
    "reference",
    "yours_or_reference",
]
