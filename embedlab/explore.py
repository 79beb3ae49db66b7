"""Widgets to explore word vectors: nearest neighbours and analogies (notebooks 02-06).

::

    from embedlab.explore import neighbour_explorer, analogy_explorer
    neighbour_explorer(model)                                  # type a word, see its neighbours
    neighbour_explorer({"embedlab": model, "gensim": gm.wv})   # several models side by side
    analogy_explorer(model)                                    # man : king = woman : ?

``vectors`` is what :mod:`embedlab.evaluate` accepts: a (V, d) array with its ``words``,
or an object with ``.vectors`` and ``.index_to_key`` (gensim ``KeyedVectors``, a
``Word2VecModel``...). The vectors are normalised once, when the widget is made; each
query is then one matrix-vector product.

The answers are written into an ``ipywidgets.HTML`` (not printed into an ``Output``),
so the widgets also work where no Jupyter kernel captures output, e.g. in tests::

    box = neighbour_explorer(model)
    box.query.value = "queen"          # what typing "queen" + Enter does
    box.results.value                  # the HTML table of neighbours
"""
from __future__ import annotations

import html
from typing import Any, Sequence

from . import evaluate

__all__ = ["analogy_explorer", "neighbour_explorer"]

_TABLE_STYLE = "border-collapse:collapse;font-family:monospace;font-size:13px"


def _bar(value: float) -> str:
    width = max(0, min(100, round(100 * value)))
    return (f'<div style="background:#4c72b0;height:10px;width:{width}px;display:inline-block"></div>')


def _table(rows: list[tuple[str, float]], header: str) -> str:
    """An HTML table of (word, cosine) rows with a bar per cosine."""
    cells = "".join(
        f"<tr><td style='padding:1px 8px;text-align:right'>{i}</td>"
        f"<td style='padding:1px 8px'>{html.escape(word)}</td>"
        f"<td style='padding:1px 8px;text-align:right'>{sim:.3f}</td>"
        f"<td style='padding:1px 8px'>{_bar(sim)}</td></tr>"
        for i, (word, sim) in enumerate(rows, 1))
    return (f"<table style='{_TABLE_STYLE}'><tr><th colspan=4 style='text-align:left;padding:2px 8px'>"
            f"{header}</th></tr>{cells}</table>")


def _message(text: str) -> str:
    return f"<p style='color:#a33;font-family:sans-serif'>{html.escape(text)}</p>"


def _named_vector_sets(vectors: Any, words: Sequence[str] | None) -> dict[str, evaluate.WordVectors]:
    """{name: prepared vectors}: a dict of several models, or one model named ''."""
    if isinstance(vectors, dict):
        if words is not None:
            raise ValueError("with a dict of several models, leave words=None: give each model "
                             "as an object with .vectors and .index_to_key")
        if not vectors:
            raise ValueError("the dict of models is empty: give at least one")
        return {str(name): evaluate.prepare(v) for name, v in vectors.items()}
    return {"": evaluate.prepare(vectors, words)}


def _side_by_side(panels: list[str]) -> str:
    cells = "".join(f"<td style='vertical-align:top;padding-right:24px'>{p}</td>" for p in panels)
    return f"<table><tr>{cells}</tr></table>"


def neighbour_explorer(vectors: Any, words: Sequence[str] | None = None, default: str = "king",
                       k: int = 10, title: str | None = None):
    """A text box: type a word and press Enter to see its k nearest neighbours and their cosines.

    vectors: one model (see the module docstring) or a dict ``{name: model}`` to show
    several models' neighbours side by side. An unknown word gives one sentence instead
    of a table. Returns an ``ipywidgets.VBox`` with attributes ``query`` (the Text),
    ``k`` (an IntSlider) and ``results`` (the HTML with the answer).
    """
    import ipywidgets as widgets  # lazy: embedlab modules must import fast

    sets = _named_vector_sets(vectors, words)
    evaluate._check_k(k)
    query = widgets.Text(value=default, description="Word:", continuous_update=False,
                         placeholder="a word, then Enter")
    k_slider = widgets.IntSlider(value=k, min=1, max=max(50, k), description="k:", continuous_update=False)
    results = widgets.HTML()

    def update(_change=None):
        word = query.value.strip()
        if not word:
            results.value = _message("Type a word and press Enter.")
            return
        panels = []
        for name, wv in sets.items():
            try:
                rows = evaluate.nearest_neighbours(wv, query=word, k=k_slider.value)
            except evaluate.UnknownWordError as err:
                panels.append((f"<b>{html.escape(name)}</b>" if name else "") + _message(str(err)))
                continue
            header = f"{html.escape(name) + ': ' if name else ''}nearest neighbours of <i>{html.escape(word)}</i>"
            panels.append(_table(rows, header))
        results.value = _side_by_side(panels)

    query.observe(update, names="value")
    k_slider.observe(update, names="value")
    update()
    children = ([widgets.HTML(f"<h4>{html.escape(title)}</h4>")] if title else []) + [
        widgets.HBox([query, k_slider]), results]
    box = widgets.VBox(children)
    box.query, box.k, box.results = query, k_slider, results
    return box


def analogy_explorer(vectors: Any, words: Sequence[str] | None = None,
                     default: tuple[str, str, str] = ("man", "king", "woman"), k: int = 5,
                     title: str | None = None):
    """Three text boxes, "a is to b as c is to ?": the k best answers by 3CosAdd, with their cosines.

    The answer is the word closest to unit(b) - unit(a) + unit(c), the three question
    words excluded (as in gensim and in the analogy test). vectors: one model or a dict
    ``{name: model}``. Returns an ``ipywidgets.VBox`` with attributes ``a``, ``b``, ``c``
    (the Texts) and ``results`` (the HTML with the answer).
    """
    import ipywidgets as widgets

    sets = _named_vector_sets(vectors, words)
    evaluate._check_k(k)
    if len(default) != 3:
        raise ValueError(f"default must be three words (a, b, c), got {default!r}")
    boxes = [widgets.Text(value=w, description=d, continuous_update=False, layout=widgets.Layout(width="220px"))
             for w, d in zip(default, ("a:", "is to b:", "as c:"))]
    results = widgets.HTML()

    def update(_change=None):
        a, b, c = (box.value.strip() for box in boxes)
        if not (a and b and c):
            results.value = _message("Fill in the three words a, b and c.")
            return
        panels = []
        for name, wv in sets.items():
            try:
                rows = evaluate.analogy(wv, a=a, b=b, c=c, k=k)
            except evaluate.UnknownWordError as err:
                panels.append((f"<b>{html.escape(name)}</b>" if name else "") + _message(str(err)))
                continue
            question = f"{html.escape(a)} : {html.escape(b)} = {html.escape(c)} : ?"
            panels.append(_table(rows, f"{html.escape(name) + ': ' if name else ''}{question}"))
        results.value = _side_by_side(panels)

    for box in boxes:
        box.observe(update, names="value")
    update()
    children = ([widgets.HTML(f"<h4>{html.escape(title)}</h4>")] if title else []) + [
        widgets.HBox(boxes), results]
    out = widgets.VBox(children)
    out.a, out.b, out.c = boxes
    out.results = results
    return out
