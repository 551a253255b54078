"""Warehouse side of a monitoring cycle: state reads, dedup anti-joins, one batch write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import dicts, registered, transaction
from warehouse.queries import sql
from warehouse.writers import insert_rows, replace_documents

Row = dict[str, Any]


def feed_states(conn: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    return {row["name"]: row for row in dicts(conn.execute(sql("feed_states")))}


def _with_batch(conn: duckdb.DuckDBPyConnection, query: str, table: pa.Table) -> list[tuple]:
    with registered(conn, "batch_rows", table):
        return conn.execute(sql(query)).fetchall()


def new_candidate_indexes(conn: duckdb.DuckDBPyConnection, keys: Sequence[Row]) -> list[int]:
    """Positions of the candidates (doc_id, entry_key, guid) the warehouse has never seen."""
    if not keys:
        return []
    table = pa.Table.from_pylist(
        [{"idx": i, **k} for i, k in enumerate(keys)],
        schema=pa.schema([("idx", pa.int64()), ("doc_id", pa.string()),
                          ("entry_key", pa.string()), ("guid", pa.string())]),
    )
    return [row[0] for row in _with_batch(conn, "new_candidates", table)]


def known_documents(conn: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> set[str]:
    if not doc_ids:
        return set()
    table = pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
    return {row[0] for row in _with_batch(conn, "known_documents", table)}


def recent_sketches(conn: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple[str, list]]:
    return conn.execute(sql("recent_sketches"), [since]).fetchall()


def write_cycle(
    conn: duckdb.DuckDBPyConnection,
    analyses: Sequence[Any],
    tables: dict[str, Sequence[Row]],
) -> None:
    """All of a cycle's rows in one transaction: a crash leaves the previous state intact,
    and the next run redoes the work (entries are only recorded with their documents)."""
    with transaction(conn):
        if analyses:
            replace_documents(conn, analyses, own_transaction=False)
        for query, rows in tables.items():
            insert_rows(conn, query, rows)


def raw_pages_since(conn: duckdb.DuckDBPyConnection, since: datetime) -> list[Row]:
    return dicts(conn.execute(sql("raw_pages_since"), [since]))


def feed_health(conn: duckdb.DuckDBPyConnection, unhealthy_after: int) -> list[tuple]:
    return conn.execute(sql("feed_health"), [unhealthy_after]).fetchall()

