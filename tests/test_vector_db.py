"""embedlab.vector_db: sqlite-vec on a file, against exact search, and the SQLite fallback.

This machine's Python cannot load SQLite extensions (no enable_load_extension), so the
fallback to sqlean.py is what the tests here exercise for real; a stand-in module
without the method checks the detection on any machine.
"""
from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import torch

from embedlab import vector_db
from embedlab.search import cosine_topk, normalize
from embedlab.validate import InputError

BOOKS = ["Genesis", "Psalms", "John"]


@pytest.fixture(scope="module")
def rows():
    """600 GloVe vectors with a made-up book each, and 12 query vectors."""
    from embedlab.corpus import load_glove

    vectors, words = load_glove(700)
    book = [BOOKS[i % 3] for i in range(600)]
    return np.arange(1000, 1600), vectors[:600].copy(), book, list(words[:600]), vectors[600:700:8].copy()


@pytest.fixture()
def db(rows, tmp_path):
    ids, vectors, book, text, _ = rows
    with vector_db.VectorDB(tmp_path / "v.db", dim=50) as d:
        d.add(ids, vectors, book=book, text=text)
        yield d


def test_search_equals_exact_cosine_search(db, rows):
    ids, vectors, _, text, queries = rows
    scores, top = cosine_topk(queries, vectors, 5)
    for q, s, t in zip(queries, scores.numpy(), top.numpy()):
        hits = db.search(q, k=5)
        assert [h.id for h in hits] == list(ids[t])
        np.testing.assert_allclose([h.similarity for h in hits], s, atol=1e-5)
        assert [h.text for h in hits] == [text[i] for i in t]


@pytest.mark.parametrize("books", ["Psalms", ["Genesis", "John"]])
def test_book_filter_equals_exact_search_on_those_rows(db, rows, books):
    ids, vectors, book, _, queries = rows
    wanted = {books} if isinstance(books, str) else set(books)
    keep = np.array([b in wanted for b in book])
    _, top = cosine_topk(queries, vectors[keep], 4)
    for q, t in zip(queries, top.numpy()):
        hits = db.search(q, k=4, book=books)
        assert [h.id for h in hits] == list(ids[keep][t])
        assert {h.book for h in hits} <= wanted


def test_the_file_persists_and_is_checked_on_reopening(rows, tmp_path):
    ids, vectors, book, text, queries = rows
    path = tmp_path / "kept.db"
    with vector_db.VectorDB(path, dim=50) as d:
        d.add(ids, vectors, book=book, text=text)
        before = d.search(queries[0], k=3)
    with vector_db.VectorDB(path, dim=50) as again:
        assert len(again) == 600
        assert again.search(queries[0], k=3) == before
        assert again.sql("SELECT book, count(*) FROM items GROUP BY book ORDER BY book") == \
            [("Genesis", 200), ("John", 200), ("Psalms", 200)]
    with pytest.raises(InputError, match="another dimension"):
        vector_db.VectorDB(path, dim=384)
    bad = tmp_path / "not_a_db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not a SQLite database"):
        vector_db.VectorDB(bad, dim=50)


def test_bad_rows_are_one_sentence(db, rows):
    ids, vectors, book, text, queries = rows
    with pytest.raises(InputError, match="already in"):
        db.add(ids[:2], vectors[:2], book=book[:2], text=text[:2])
    with pytest.raises(InputError, match="shape"):
        db.add([1], vectors[:1, :10], book=["a"], text=["b"])
    with pytest.raises(InputError, match="one string per vector"):
        db.add([1, 2], vectors[:2], book=["a"], text=["b", "c"])
    with pytest.raises(InputError, match="NaN"):
        db.add([1], np.full((1, 50), np.nan), book=["a"], text=["b"])
    with pytest.raises(InputError, match="one vector of shape"):
        db.search(queries[:2], k=3)
    assert len(db) == 600                      # the failed inserts left nothing behind


def test_a_python_without_extension_loading_falls_back_to_a_packaged_sqlite(monkeypatch):
    crippled = types.ModuleType("crippled_sqlite")
    crippled.Connection = type("Connection", (), {})      # no enable_load_extension, as on pyenv builds
    monkeypatch.setitem(sys.modules, "crippled_sqlite", crippled)
    assert vector_db.sqlite_module(("crippled_sqlite", "sqlean")).__name__ == "sqlean"
    conn = vector_db.connect(":memory:", candidates=("crippled_sqlite", "sqlean"))
    assert conn.execute("SELECT vec_version()").fetchone()[0].startswith("v")
    with pytest.raises(InputError, match=r"pip install sqlean.py"):
        vector_db.sqlite_module(("crippled_sqlite", "no_such_sqlite_module"))


def test_the_default_choice_loads_sqlite_vec_here():
    module = vector_db.sqlite_module()
    assert hasattr(module.Connection, "enable_load_extension")
    conn = vector_db.connect()
    assert conn.execute("SELECT vec_version()").fetchone()[0].startswith("v")
    # The distance sqlite-vec reports is the cosine distance of the stored float32 vectors.
    a, b = normalize(torch.randn(2, 8, generator=torch.Generator().manual_seed(0))).numpy()
    d = conn.execute("SELECT vec_distance_cosine(?, ?)", (a.tobytes(), b.tobytes())).fetchone()[0]
    assert d == pytest.approx(1 - float(a @ b), abs=1e-6)
