"""The README's schema reference, generated from the COMMENT ON of every table and column."""

from __future__ import annotations

import duckdb

from warehouse.db import migrate
from warehouse.queries import sql

BEGIN, END = "<!-- schema:begin -->", "<!-- schema:end -->"


def schema_markdown(conn: duckdb.DuckDBPyConnection | None = None) -> str:
    """Markdown for every table and view: its comment, then its columns with their comments."""
    own = conn is None
    conn = conn or duckdb.connect(":memory:")
    try:
        if own:
            migrate(conn)
        relations = conn.execute(sql("schema_relations")).fetchall()
        columns = conn.execute(sql("schema_columns")).fetchall()
    finally:
        if own:
            conn.close()
    lines = [BEGIN]
    for name, kind, comment in relations:
        lines += ["", f"#### `{name}` ({kind})", "", comment or "", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [
            f"| `{column}` | {dtype} | {(note or '').replace('|', '/')} |"
            for table, column, dtype, note in columns
            if table == name
        ]
    lines.append(END)
    return "\n".join(lines)


def replace_schema_block(document: str, block: str) -> str:
    """The document with its schema block (between the markers) replaced by `block`."""
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < 0:
        raise ValueError(f"no {BEGIN} ... {END} markers in the document")
    return document[:start] + block + document[end + len(END) :]
