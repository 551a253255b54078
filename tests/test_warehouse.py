"""The warehouse: migrations, documentation comments, locking, named queries."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import duckdb
import pytest

from belmon.errors import BelmonError, WarehouseLocked
from belmon.settings import PROJECT_ROOT
from warehouse import db
from warehouse.queries import all_queries, parse_queries
from warehouse.schema_doc import schema_markdown


def test_migrations_are_applied_once(db_path: Path) -> None:
    with db.writer(db_path) as conn:
        first = conn.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    with db.writer(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == first
        assert db.migrate(conn) == max(n for n, _, _ in db.migrations())


def test_opening_an_up_to_date_warehouse_writes_nothing(db_path: Path) -> None:
    """Each open used to re-create the version table's comments, so every connection,
    even a read-only use of a writer, checkpointed on close."""
    with db.writer(db_path):
        pass
    before = db_path.read_bytes()
    with db.writer(db_path) as conn:
        conn.execute("SELECT count(*) FROM documents").fetchall()
    assert db_path.read_bytes() == before


def test_every_table_view_and_column_is_documented(db_path: Path) -> None:
    with db.writer(db_path) as conn:
        missing = conn.execute(
            "SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        tables = conn.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
    assert missing == [] and tables == []


def test_readme_schema_reference_is_current() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert schema_markdown() in readme, "regenerate with `belmon schema` and paste into README"


def test_named_queries_parse_and_are_unique() -> None:
    assert parse_queries("-- name: a\nSELECT 1;\n-- name: b\nSELECT 2;") == {
        "a": "SELECT 1;", "b": "SELECT 2;"
    }
    assert "insert_documents" in all_queries()


def test_reader_needs_an_existing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(BelmonError, match="run `belmon seed` first"), db.reader(
        tmp_path / "absent.duckdb"
    ):
        pass


def _hold_lock(path: str, seconds: float, ready: multiprocessing.Event) -> None:
    conn = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    conn.close()


def test_locked_file_gives_a_clear_error_after_a_bounded_wait(db_path: Path) -> None:
    with db.writer(db_path):
        pass
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(db_path), 5.0, ready))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        with pytest.raises(WarehouseLocked, match="locked by another process"), db.writer(
            db_path, lock_timeout=0.5
        ):
            pass
        assert time.monotonic() - started < 4
    finally:
        holder.join()


def test_writer_waits_for_a_short_lock(db_path: Path) -> None:
    with db.writer(db_path):
        pass
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(db_path), 1.0, ready))
    holder.start()
    try:
        assert ready.wait(10)
        with db.writer(db_path, lock_timeout=20) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        holder.join()
