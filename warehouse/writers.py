"""Bulk writers: rows arrive as lists of dicts and go in as one Arrow batch per table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import registered, transaction
from warehouse.queries import sql

Row = dict[str, Any]
DOCUMENT_TABLES = (
    "documents", "passages", "passage_themes", "recommendations", "claims", "figures",
)


def insert_rows(conn: duckdb.DuckDBPyConnection, query: str, rows: Sequence[Row]) -> int:
    """Insert rows with one statement through a registered Arrow table; returns the count."""
    if not rows:
        return 0
    with registered(conn, "batch_rows", pa.Table.from_pylist(list(rows))):
        conn.execute(sql(query))
    return len(rows)


def document_versions(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """doc_id -> (content hash, analysis version) of what the warehouse holds."""
    return {d: (h, v) for d, h, v in conn.execute(sql("document_versions")).fetchall()}


def replace_documents(
    conn: duckdb.DuckDBPyConnection, analyses: Iterable[Any], own_transaction: bool = True
) -> int:
    """Replace every row of the given documents in one transaction (a changed text never
    leaves stale passages behind, an interrupted write leaves the old version intact)."""
    analyses = list(analyses)
    if not analyses:
        return 0
    doc_ids = pa.table({"doc_id": [a.document["doc_id"] for a in analyses]})
    with transaction(conn) if own_transaction else nullcontext(conn):
        with registered(conn, "batch_doc_ids", doc_ids):
            conn.execute(sql("delete_document_rows"))
        for table in DOCUMENT_TABLES:
            rows = (
                [a.document for a in analyses]
                if table == "documents"
                else [row for a in analyses for row in getattr(a, table)]
            )
            insert_rows(conn, f"insert_{table}", rows)
    return len(analyses)


def sync_catalog(conn: duckdb.DuckDBPyConnection, themes: list[Row], metrics: list[Row]) -> None:
    """Themes and metrics mirror seeds/*.toml."""
    with transaction(conn):
        insert_rows(conn, "upsert_themes", themes)
        insert_rows(conn, "upsert_metrics", metrics)


def start_run(conn: duckdb.DuckDBPyConnection, run_id: str, flow: str) -> None:
    """Record a run; earlier runs of the flow still marked running were interrupted."""
    conn.execute(sql("interrupt_stale_runs"), [flow])
    conn.execute(sql("insert_run"), [run_id, flow, datetime.now()])


def finish_run(
    conn: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict[str, Any]
) -> None:
    conn.execute(sql("finish_run"), [datetime.now(), status, json.dumps(counts), run_id])
