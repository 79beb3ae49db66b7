"""The explorer widgets, driven headless: set the text as a learner would, read the HTML shown."""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

import numpy as np
import pytest

from embedlab import evaluate as ev
from embedlab.explore import analogy_explorer, neighbour_explorer

VOCAB = 20_000


@pytest.fixture(scope="module")
def glove():
    from embedlab.corpus import load_glove

    vectors, words = load_glove(VOCAB)
    return SimpleNamespace(vectors=vectors, index_to_key=words)


def shown(widget_html: str) -> list[list[tuple[str, float]]]:
    """The (word, cosine) rows of each table in the HTML, as a learner reads them."""
    tables = []
    for table in re.findall(r"<table style=.*?</table>", widget_html, flags=re.S):
        rows = re.findall(r"<td[^>]*>\d+</td><td[^>]*>(.*?)</td><td[^>]*>(-?[\d.]+)</td>", table)
        tables.append([(html.unescape(w), float(s)) for w, s in rows])
    return tables


def text(widget_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget_html))


def test_neighbour_explorer_shows_the_neighbours_of_the_typed_word(glove):
    box = neighbour_explorer(glove, default="king", k=5)
    (first,) = shown(box.results.value)
    expected = ev.nearest_neighbours(glove, query="king", k=5)
    assert [w for w, _ in first] == [w for w, _ in expected] and "queen" in dict(first)
    np.testing.assert_allclose([s for _, s in first], [s for _, s in expected], atol=5e-4)

    box.query.value = "guitar"                   # typing a word and pressing Enter
    (table,) = shown(box.results.value)
    assert [w for w, _ in table] == [w for w, _ in ev.nearest_neighbours(glove, query="guitar", k=5)]
    assert "guitar" not in dict(table) and {"bass", "piano", "drums"} & set(dict(table))
    assert "nearest neighbours of" in text(box.results.value) and "guitar" in text(box.results.value)

    box.k.value = 12
    assert len(shown(box.results.value)[0]) == 12


def test_neighbour_explorer_unknown_word_and_empty_box_give_one_sentence(glove):
    box = neighbour_explorer(glove.vectors, glove.index_to_key, default="king")
    box.query.value = "kingg"
    message = text(box.results.value).strip()
    assert shown(box.results.value) == [[]] or shown(box.results.value) == []
    assert message.startswith("'kingg' is not in the vocabulary") and "did you mean 'king'" in message
    box.query.value = "   "
    assert text(box.results.value).strip() == "Type a word and press Enter."
    box.query.value = "Paris"                    # capitals fall back to the lowercase word
    assert shown(box.results.value)[0][0][0] in {"france", "french", "london"}


def test_neighbour_explorer_compares_models_side_by_side(glove):
    noise = SimpleNamespace(vectors=np.random.default_rng(0).normal(size=(VOCAB, 50)),
                            index_to_key=glove.index_to_key)
    small = SimpleNamespace(vectors=glove.vectors[:1000], index_to_key=glove.index_to_key[:1000])
    box = neighbour_explorer({"glove": glove, "random": noise, "small": small}, default="france", k=5,
                             title="three models")
    tables = shown(box.results.value)
    assert len(tables) == 3
    assert tables[0] == [(w, round(s, 3)) for w, s in ev.nearest_neighbours(glove, query="france", k=5)]
    assert tables[1] == [(w, round(s, 3)) for w, s in ev.nearest_neighbours(noise, query="france", k=5)]
    assert "glove: nearest" in text(box.results.value) and "random: nearest" in text(box.results.value)
    box.query.value = "guitar"                   # known to two models, not to the small one
    assert "'guitar' is not in the vocabulary of these 1,000 words" in text(box.results.value)
    assert len([t for t in shown(box.results.value) if t]) == 2
    assert "three models" in box.children[0].value


def test_analogy_explorer_answers_and_updates(glove):
    box = analogy_explorer(glove, k=3)
    (table,) = shown(box.results.value)
    assert table[0][0] == "queen"
    assert [w for w, _ in table] == [w for w, _ in ev.analogy(glove, a="man", b="king", c="woman", k=3)]
    box.a.value, box.b.value, box.c.value = "paris", "france", "tokyo"
    assert shown(box.results.value)[0][0][0] == "japan"
    assert "paris : france = tokyo : ?" in text(box.results.value)
    box.c.value = "zzqxw"
    assert text(box.results.value).strip().startswith("'zzqxw' is not in the vocabulary")
    box.c.value = ""
    assert text(box.results.value).strip() == "Fill in the three words a, b and c."


def test_wrong_arguments_are_one_sentence(glove):
    with pytest.raises(ValueError, match="words=None"):
        neighbour_explorer({"a": glove}, glove.index_to_key)
    with pytest.raises(ValueError, match="positive whole number"):
        neighbour_explorer(glove, k=0)
    with pytest.raises(ValueError, match="three words"):
        analogy_explorer(glove, default=("man", "king"))
    with pytest.raises(ValueError, match="also pass words"):
        neighbour_explorer(glove.vectors)


def test_words_are_html_escaped():
    words = ["<b>bold</b>", "a&b", "plain", "other"]
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.5, 0.5]])
    box = neighbour_explorer(vectors, words, default="plain", k=3)
    assert "<b>bold</b>" not in box.results.value and "&lt;b&gt;bold&lt;/b&gt;" in box.results.value
    assert {w for w, _ in shown(box.results.value)[0]} == {"<b>bold</b>", "a&b", "other"}
