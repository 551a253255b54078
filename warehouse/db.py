"""Connections to the DuckDB file: one short-lived writer at a time, read-only readers.

DuckDB lets one process open a file for writing, or several for reading, never both. So
belmon holds a connection only for the length of one batch, and waits (with backoff, for a
bounded time) when another process has the file, instead of failing on the first conflict.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from belmon.errors import BelmonError, WarehouseLocked
from warehouse.queries import sql

LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file")


# DuckDB's buffer pool may grow to 80% of RAM by default and keeps what it caches until the
# connection closes; belmon's writes are batches of a few MB, so a small pool costs nothing
# and keeps a monitoring cycle's peak memory down (queries that need more spill to disk).
CONNECTION_CONFIG = {"memory_limit": "256MB", "allocator_flush_threshold": "32MB",
                     "allocator_background_threads": True}


def _is_lock_error(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in LOCK_MARKERS)


def _connect_with_retry(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open the file, retrying while another process holds its lock."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=CONNECTION_CONFIG)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise BelmonError(f"cannot open warehouse {path}: {exc}") from exc
            if time.monotonic() + delay > deadline:
                raise WarehouseLocked(
                    f"warehouse {path} is locked by another process (waited {timeout:.0f} s); "
                    "is a `belmon run` or an analyst's read-write session still open?"
                ) from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)


def migrations() -> list[tuple[int, str, str]]:
    """Numbered migrations shipped in warehouse/migrations, in order."""
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    return conn.execute(sql("current_version")).fetchall()[0][0]


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the recorded schema version; return the version.

    An up-to-date warehouse is only read here: creating the version table (with its
    comments) on every open wrote to the catalog, which made each connection checkpoint on
    close, ~25 ms per open, and a cycle opens the file a few times per batch."""
    try:
        current = _schema_version(conn)
    except duckdb.CatalogException:  # a new warehouse
        conn.execute(sql("create_schema_version"))
        current = _schema_version(conn)
    for number, name, script in migrations():
        if number <= current:
            continue
        conn.execute("BEGIN")
        try:
            conn.execute(script)
            conn.execute(sql("record_migration"), [number, name])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        current = number
    return current


@contextmanager
def writer(path: Path, lock_timeout: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated read-write connection, closed (and the lock released) on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect_with_retry(path, read_only=False, timeout=lock_timeout)
    try:
        migrate(conn)
        yield conn
    finally:
        conn.close()


@contextmanager
def reader(path: Path, lock_timeout: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for queries; the warehouse must exist."""
    if not path.exists():
        raise BelmonError(f"no warehouse at {path}: run `belmon seed` first")
    conn = _connect_with_retry(path, read_only=True, timeout=lock_timeout)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit on success, roll back on any error."""
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def registered(conn: duckdb.DuckDBPyConnection, name: str, table: Any) -> Iterator[None]:
    """An Arrow table visible to SQL as `name` for the length of one batch statement."""
    conn.register(name, table)
    try:
        yield
    finally:
        conn.unregister(name)


def dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of an executed query as dicts keyed by column name."""
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
