"""Warehouse side of alerts: novelty inputs, the outbox and delivery bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import dicts, registered
from warehouse.queries import sql

Row = dict[str, Any]


def representative_figures(conn: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every document's representative figures, oldest first (to replay 'latest known')."""
    return dicts(conn.execute(sql("representative_figures")))


def unannounced(conn: duckdb.DuckDBPyConnection, item_keys: Sequence[str]) -> set[str]:
    """The item keys no alert has announced yet (one anti-join)."""
    if not item_keys:
        return set()
    keys = pa.table({"item_key": pa.array(list(item_keys), pa.string())})
    with registered(conn, "batch_rows", keys):
        return {row[0] for row in conn.execute(sql("unannounced_items")).fetchall()}


def due_alerts(conn: duckdb.DuckDBPyConnection, now: datetime) -> list[Row]:
    return dicts(conn.execute(sql("due_alerts"), [now]))


def mark_sent(conn: duckdb.DuckDBPyConnection, alert_id: str, now: datetime) -> None:
    conn.execute(sql("mark_sent"), [now, alert_id])


def mark_failed(conn: duckdb.DuckDBPyConnection, alert_id: str, error: str,
                next_attempt: datetime) -> None:
    conn.execute(sql("mark_failed"), [error, next_attempt, alert_id])


def list_alerts(conn: duckdb.DuckDBPyConnection, status: str | None, limit: int = 50
                ) -> list[tuple]:
    return conn.execute(sql("list_alerts"), [status, status, limit]).fetchall()


def retry_all_now(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(sql("retry_all_now"))


def digest_inputs(conn: duckdb.DuckDBPyConnection, since: datetime) -> dict[str, list]:
    """New figures, new claims and article counts per theme since a time."""
    return {
        "figures": dicts(conn.execute(sql("digest_figures"), [since])),
        "claims": dicts(conn.execute(sql("digest_claims"), [since])),
        "themes": conn.execute(sql("digest_theme_counts"), [since]).fetchall(),
    }


def figure_sources(conn: duckdb.DuckDBPyConnection, figure_ids: Sequence[str]) -> dict[str, Row]:
    """Value, date and source title of the given figures (the 'previously' of an alert)."""
    if not figure_ids:
        return {}
    ids = pa.table({"figure_id": pa.array(list(figure_ids), pa.string())})
    with registered(conn, "batch_rows", ids):
        return {r["figure_id"]: r for r in dicts(conn.execute(sql("figure_sources")))}
