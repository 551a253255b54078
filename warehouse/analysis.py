"""Read-side helpers for analysis commands: known claims, theme prototypes, stored evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from warehouse.queries import sql

KnownRow = tuple[str, str, date | None]
PrototypeRow = tuple[str, str, list[str]]


def known_claims(conn: duckdb.DuckDBPyConnection) -> list[KnownRow]:
    """Every stored claim with the publication date of its document."""
    return conn.execute(sql("analysis_known_claims")).fetchall()


def known_recommendations(conn: duckdb.DuckDBPyConnection) -> list[KnownRow]:
    """Every stored recommendation with the publication date of its document."""
    return conn.execute(sql("analysis_known_recommendations")).fetchall()


def prototype_rows(conn: duckdb.DuckDBPyConnection) -> list[PrototypeRow]:
    """Recommendations and passages with their assigned themes: the classifier's prototypes."""
    rows = conn.execute(sql("analysis_prototype_recommendations")).fetchall()
    return rows + conn.execute(sql("analysis_prototype_passages")).fetchall()


def document_header(conn: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[Any, ...] | None:
    """(doc_id, title, kind, published) of one document, or None."""
    return conn.execute(sql("analysis_document_header"), [doc_id]).fetchone()


def document_theme_evidence(conn: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple]:
    """(theme, passage, score, evidence, text) of every assigned theme of a document."""
    return conn.execute(sql("analysis_document_theme_evidence"), [doc_id]).fetchall()


def document_passages(conn: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple[str, str]]:
    """(passage_id, text) of a document in order."""
    return conn.execute(sql("analysis_document_passages"), [doc_id]).fetchall()
