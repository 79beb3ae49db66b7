"""Lesson 08, an embedded vector database: verses and their vectors in one SQLite file.

An index in memory is gone when the kernel stops, and knows nothing but vectors. A
vector database keeps the vectors on disk next to the rows they belong to, and lets a
query combine "nearest to this vector" with an ordinary filter ("only verses of one
book"). ``sqlite-vec`` adds this to SQLite as one small extension (a 160 KB library):
the database is one file, queried with SQL::

    from embedlab.vector_db import VectorDB
    db = VectorDB("verses.db", dim=384)                     # creates or opens the file
    db.add(ids, vectors, book=books, text=texts)            # (n,) int, (n, 384) float, n strings, n strings
    hits = db.search(query_vector, k=5, book="Psalms")      # [Hit(id, distance, book, text), ...]
    db.close()

Under it is one virtual table::

    CREATE VIRTUAL TABLE items USING vec0(
        id INTEGER PRIMARY KEY,
        embedding float[384] distance_metric=cosine,
        book TEXT,                -- a metadata column: filterable inside the KNN query
        +text TEXT                -- an auxiliary column: stored, returned, not filterable
    )
    SELECT id, distance, book, text FROM items
     WHERE embedding MATCH ? AND k = 5 AND book = 'Psalms' ORDER BY distance

and ``db.sql`` runs any other SQL on the same connection.

Loading an extension needs ``sqlite3.Connection.enable_load_extension``, and some Python
builds leave it out (pyenv's and some distributions' Pythons; this course's own machine
has one). ``connect`` detects that and uses a packaged SQLite instead: ``sqlean.py``
(installed with the course) or ``pysqlite3-binary``, which both have it. The distance is
the cosine distance, 1 - cosine similarity, computed by sqlite-vec by brute force over the
rows that pass the filter: exact, and fast enough for tens of thousands of rows.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .validate import InputError, whole_number

__all__ = ["Hit", "VectorDB", "connect", "sqlite_module"]

# Modules tried in order: the standard library first, then the packaged SQLites.
SQLITE_MODULES = ("sqlite3", "sqlean", "pysqlite3.dbapi2")


def sqlite_module(candidates: Sequence[str] = SQLITE_MODULES):
    """The first SQLite module here that can load extensions (has ``enable_load_extension``).

    Raises an InputError naming what to install when none of them can.
    """
    tried = []
    for name in candidates:
        try:
            module = importlib.import_module(name)
        except ImportError:
            tried.append(f"{name} (not installed)")
            continue
        if hasattr(module.Connection, "enable_load_extension"):
            return module
        tried.append(f"{name} (built without extension loading)")
    raise InputError("no SQLite here can load the sqlite-vec extension (tried " + ", ".join(tried) +
                     "): run `pip install sqlean.py` (a SQLite that can), then restart the kernel.")


def connect(path: str | os.PathLike = ":memory:", *, candidates: Sequence[str] = SQLITE_MODULES):
    """A SQLite connection to ``path`` with sqlite-vec loaded (``vec_version()`` works on it)."""
    import sqlite_vec

    module = sqlite_module(candidates)
    conn = module.connect(str(path))
    conn.enable_load_extension(True)
    try:
        sqlite_vec.load(conn)
    finally:
        conn.enable_load_extension(False)        # no further extensions from SQL text
    return conn


@dataclass(frozen=True)
class Hit:
    """One search result: the row's id, its cosine distance to the query (1 - cosine), book and text."""

    id: int
    distance: float
    book: str
    text: str

    @property
    def similarity(self) -> float:
        return 1.0 - self.distance


class VectorDB:
    """A file of (id, vector, book, text) rows, searched by cosine distance with an optional book filter.

    path: the database file (created if missing; ":memory:" for none). dim: the vectors'
    dimension; an existing file must have been made with the same one. table: the
    virtual table's name.
    """

    def __init__(self, path: str | os.PathLike, dim: int, *, table: str = "items",
                 candidates: Sequence[str] = SQLITE_MODULES):
        self.path, self.dim = str(path), whole_number(dim, "dim", why="the dimension of the vectors")
        if not table.isidentifier():
            raise InputError(f"table must be a plain name (letters, digits, _), not {table!r}.")
        self.table = table
        existed = self.path != ":memory:" and Path(self.path).exists() and Path(self.path).stat().st_size > 0
        self.conn = connect(self.path, candidates=candidates)
        if existed:
            self._check_existing()
        self.conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING vec0("
            f"id INTEGER PRIMARY KEY, embedding float[{self.dim}] distance_metric=cosine, "
            "book TEXT, +text TEXT)")
        self.conn.commit()

    def _check_existing(self) -> None:
        try:
            row = self.conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (self.table,)).fetchone()
        except Exception as err:               # sqlite3.DatabaseError: not a database file
            self.conn.close()
            raise InputError(f"{self.path} is not a SQLite database ({err}): delete it or choose another "
                             "path, and add the vectors again.") from None
        if row is not None and f"float[{self.dim}]" not in row[0]:
            self.conn.close()
            raise InputError(f"{self.path} holds vectors of another dimension than dim={self.dim} ({row[0]}): "
                             "open it with the dimension it was made with, or use a new file.")

    def add(self, ids: Any, vectors: Any, *, book: Sequence[str], text: Sequence[str]) -> None:
        """Insert n rows: ids (n,) whole numbers, vectors (n, dim) float, book and text n strings each."""
        ids = np.asarray(ids)
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise InputError(f"vectors must be of shape (n, {self.dim}), not {vectors.shape}.")
        n = len(vectors)
        if ids.shape != (n,) or not np.issubdtype(ids.dtype, np.integer):
            raise InputError(f"ids must be {n} whole numbers, one per vector; got {ids.dtype} of shape {ids.shape}.")
        if len(book) != n or len(text) != n:
            raise InputError(f"book and text must hold one string per vector ({n}); got {len(book)} and {len(text)}.")
        if not np.isfinite(vectors).all():
            raise InputError("vectors hold NaN or infinite values: the step that made them went wrong.")
        rows = ((int(i), v.tobytes(), str(b), str(t)) for i, v, b, t in zip(ids, vectors, book, text))
        try:
            with self.conn:                     # one transaction: all rows or none
                self.conn.executemany(f"INSERT INTO {self.table}(id, embedding, book, text) VALUES (?, ?, ?, ?)",
                                      rows)
        except Exception as err:
            if "UNIQUE" in str(err) or "PRIMARY KEY" in str(err):
                raise InputError(f"an id is already in {self.path}: ids must be unique ({err}).") from None
            raise

    def search(self, query: Any, k: int = 10, *, book: str | Sequence[str] | None = None) -> list[Hit]:
        """The k rows nearest to ``query`` (dim,) by cosine distance, nearest first.

        book: keep only rows of this book (a string) or of these books (a list); None: all.
        """
        q = np.asarray(query, dtype=np.float32)
        if q.shape != (self.dim,):
            raise InputError(f"query must be one vector of shape ({self.dim},), not {q.shape}.")
        if not np.isfinite(q).all():
            raise InputError("query holds NaN or infinite values.")
        k = whole_number(k, "k", why="how many rows to return")
        sql = f"SELECT id, distance, book, text FROM {self.table} WHERE embedding MATCH ? AND k = ?"
        params: list = [q.tobytes(), k]
        if book is not None:
            books = [book] if isinstance(book, str) else list(book)
            sql += f" AND book IN ({', '.join('?' * len(books))})"
            params += books
        return [Hit(*row) for row in self.conn.execute(sql + " ORDER BY distance", params)]

    def sql(self, statement: str, params: Sequence = ()) -> list[tuple]:
        """Any SQL on the same connection, e.g. ``db.sql("SELECT book, count(*) FROM items GROUP BY book")``."""
        return self.conn.execute(statement, params).fetchall()

    def __len__(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "VectorDB":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VectorDB({self.path!r}, dim={self.dim})"
