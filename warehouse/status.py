"""Read-side summaries for `belmon status` and `belmon themes`."""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse.queries import sql

COUNTED_TABLES = (
    "documents", "passages", "passage_themes", "themes", "recommendations", "claims",
    "metrics", "figures", "feeds", "fetches", "alerts", "runs",
)


def table_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Exact row count of every warehouse table."""
    return {name: conn.execute(sql(f"count_{name}")).fetchall()[0][0] for name in COUNTED_TABLES}


def documents_overview(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return conn.execute(sql("documents_overview")).fetchall()


def recent_runs(conn: duckdb.DuckDBPyConnection, limit: int = 5) -> list[tuple[Any, ...]]:
    return conn.execute(sql("recent_runs"), [limit]).fetchall()


def list_themes(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return conn.execute(sql("list_themes")).fetchall()


def run_query(conn: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple]]:
    """An analyst's ad hoc query: column names and rows."""
    cursor = conn.execute(query)
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall()
