"""Checks that turn a learner's bad input into one clear sentence.

Every public trainer and evaluator calls these before it starts, so that a list of
strings, ``dim=0`` or a learning rate that blows up is answered with what is wrong
and how to fix it, rather than with an error from deep inside torch or, worse, with
vectors of NaN returned silently.

The errors are ordinary ``ValueError``/``TypeError``/``FloatingPointError``s (tests
and graders can catch them as usual). In Jupyter they show as their one sentence,
without the traceback through embedlab's internals that would only hide it.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "DivergedError",
    "InputError",
    "cooccurrence_counts",
    "finite_or_diverged",
    "number",
    "token_documents",
    "training_parameters",
    "whole_number",
]


class _OneSentence:
    """Mixin: IPython shows the message alone, not the traceback through embedlab."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class InputError(_OneSentence, ValueError, TypeError):
    """An argument a trainer or evaluator cannot use. The message says what to give instead.

    Both a ValueError and a TypeError, so ``except ValueError`` and ``except TypeError``
    each catch it.
    """


class DivergedError(_OneSentence, FloatingPointError):
    """Training produced NaN or infinite values: the learning rate is too high for the data."""


def whole_number(value: Any, name: str, *, minimum: int = 1, why: str = "") -> int:
    """``value`` as an int if it is a whole number >= ``minimum``; else an InputError.

    why: what the parameter means, added to the message (e.g. "words on each side").
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum
    if not ok:
        meaning = f" ({why})" if why else ""
        raise InputError(f"{name} must be a whole number >= {minimum}{meaning}, not {value!r}.")
    return int(value)


def number(value: Any, name: str, *, minimum: float | None = None, exclusive: bool = False,
           maximum: float | None = None, why: str = "") -> float:
    """``value`` as a float if it is a finite number in range; else an InputError.

    exclusive: the minimum itself is not allowed (``alpha`` must be > 0, say).
    """
    finite = (isinstance(value, numbers.Real) and not isinstance(value, bool)
              and math.isfinite(float(value)))
    in_range = finite and (minimum is None or (value > minimum if exclusive else value >= minimum)) \
        and (maximum is None or value <= maximum)
    if not in_range:
        bounds = []
        if minimum is not None:
            bounds.append(f"{'>' if exclusive else '>='} {minimum:g}")
        if maximum is not None:
            bounds.append(f"<= {maximum:g}")
        meaning = f" ({why})" if why else ""
        raise InputError(f"{name} must be a number {' and '.join(bounds) or 'that is finite'}{meaning}, "
                         f"not {value!r}.")
    return float(value)


_EXAMPLE = "e.g. [text.lower().split() for text in texts]"


def token_documents(docs: Any, name: str = "docs") -> list:
    """``docs`` as a list of documents, each a list (or tuple) of string tokens.

    Refuses, each with one sentence: a single string; documents that are strings
    (a list of sentences, which would train on single characters); an empty corpus;
    tokens that are not strings; and documents that are one untokenised sentence each
    (most tokens contain spaces, which would give a vocabulary of whole sentences).
    """
    if isinstance(docs, (str, bytes)):
        raise InputError(f"{name} is one string; give a list of documents, each a list of words, {_EXAMPLE}.")
    if not isinstance(docs, Iterable):
        raise InputError(f"{name} must be a list of documents, each a list of words, not "
                         f"{type(docs).__name__}.")
    docs = docs if isinstance(docs, list) else list(docs)
    if not docs:
        raise InputError(f"{name} is empty: give at least one document, a list of words, {_EXAMPLE}.")
    for i, doc in enumerate(docs):
        if isinstance(doc, str):
            raise InputError(f"document {i} of {name} is a string ({_preview(doc)}), so it would be read "
                             f"as single characters; split each document into a list of words, {_EXAMPLE}.")
        if not isinstance(doc, Sequence):
            raise InputError(f"document {i} of {name} is {type(doc).__name__}; each document must be a "
                             f"list of words, {_EXAMPLE}.")
    # Tokens: check the types and look for untokenised sentences in a sample, so that
    # a corpus of a million words is not scanned twice.
    sample = [tok for doc in docs[:2000] for tok in doc[:200]]
    for tok in sample:
        if not isinstance(tok, str):
            raise InputError(f"{name} holds a token of type {type(tok).__name__} ({tok!r}); tokens must be "
                             "strings (words). Map ids back to words first.")
    if not sample:
        raise InputError(f"every document of {name} is empty: there are no words to learn from.")
    with_space = sum(1 for tok in sample if any(ch.isspace() for ch in tok))
    if with_space > len(sample) // 2:
        spaced = next(tok for tok in sample if any(ch.isspace() for ch in tok))
        raise InputError(f"most tokens of {name} contain spaces ({_preview(spaced)}), so each would be a "
                         f"'word' of its own; split each document into words, {_EXAMPLE}.")
    return docs


def cooccurrence_counts(cooc: Any, words: Sequence[str] | None = None, name: str = "cooc") -> int:
    """V, if ``cooc`` is a usable (V, V) co-occurrence matrix (scipy sparse, numpy or torch).

    Refuses a matrix that is not square, holds NaN, inf or negative counts, or is all
    zero (nothing to learn from), and a ``words`` list of the wrong length.
    """
    shape = getattr(cooc, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != shape[1]:
        raise InputError(f"{name} must be a square (V, V) co-occurrence matrix, one row and one column per "
                         f"word, e.g. from embedlab.cooccurrence.cooccurrence_matrix; got shape {shape}.")
    if hasattr(cooc, "tocoo"):
        # The stored values; csr/csc/coo/bsr hold them in .data already, without a copy.
        values = np.asarray(cooc.data if getattr(cooc, "format", None) in ("csr", "csc", "coo", "bsr")
                            else cooc.tocoo().data)
    elif hasattr(cooc, "detach"):
        values = cooc.detach().cpu().numpy()
    else:
        values = np.asarray(cooc)
    if not np.issubdtype(values.dtype, np.number):
        raise InputError(f"{name} must hold numbers (co-occurrence counts), not {values.dtype}.")
    n_bad = int((~np.isfinite(values)).sum())
    if n_bad:
        raise InputError(f"{name} has {n_bad:,} NaN or infinite cells; co-occurrence counts are finite "
                         "numbers >= 0: fix the step that built the matrix.")
    if (values < 0).any():
        raise InputError(f"{name} has negative cells; co-occurrence counts are >= 0 (give the counts, "
                         "not PMI or log counts).")
    if not (values > 0).any():
        raise InputError(f"{name} is all zeros: no pair of words co-occurs, so there is nothing to learn "
                         "from. Check the corpus and the vocabulary given to cooccurrence_matrix.")
    V = int(shape[0])
    if words is not None and len(words) != V:
        raise InputError(f"{len(words)} words for a {V} x {V} matrix: give one word per row.")
    return V


def finite_or_diverged(array: Any, what: str, fix: str) -> None:
    """Raise DivergedError if ``array`` (numpy or torch) holds NaN or inf.

    what: what was trained ("word2vec"); fix: the sentence saying what to change.
    """
    values = array.detach().cpu().numpy() if hasattr(array, "detach") else np.asarray(array)
    bad_rows = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
    n_bad = int(bad_rows.sum())
    if n_bad:
        raise DivergedError(f"{what} diverged: {n_bad:,} of {len(values):,} vectors hold NaN or inf "
                            f"after training. {fix}")


# What each shared training parameter means, for the messages.
_MEANING = {
    "dim": ("whole", 1, "the length of each vector, e.g. 100"),
    "window": ("whole", 1, "how many words on each side count as context, e.g. 5"),
    "negative": ("whole", 1, "noise words per true pair, e.g. 5"),
    "min_count": ("whole", 1, "keep words seen at least this often, e.g. 5"),
    "epochs": ("whole", 1, "passes over the corpus, e.g. 5"),
    "batch_size": ("whole", 1, "updates computed together, e.g. 1024"),
    "chunk_tokens": ("whole", 1, "tokens whose pairs are built at once, e.g. 65536"),
    "sample": ("number", 0.0, "subsampling threshold, e.g. 1e-3; 0 switches it off"),
    "alpha": ("positive", 0.0, "the starting learning rate, e.g. 0.025"),
    "min_alpha": ("number", 0.0, "the final learning rate, e.g. 0.0001"),
    "ns_exponent": ("number", 0.0, "the power of the noise distribution, e.g. 0.75"),
}


def training_parameters(**params: Any) -> None:
    """Check the usual word2vec-family parameters (those given); an InputError names the first bad one.

    ``min_alpha`` must also not exceed ``alpha`` when both are given.
    """
    for name, value in params.items():
        kind, low, why = _MEANING[name]
        if kind == "whole":
            whole_number(value, name, minimum=int(low), why=why)
        else:
            number(value, name, minimum=low, exclusive=kind == "positive", why=why)
    if "alpha" in params and "min_alpha" in params and params["min_alpha"] > params["alpha"]:
        raise InputError(f"min_alpha={params['min_alpha']!r} is above alpha={params['alpha']!r}: the "
                         "learning rate falls from alpha to min_alpha, so min_alpha must be the smaller.")


def _preview(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")
