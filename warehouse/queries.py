"""Named queries: every statement belmon runs lives in warehouse/queries/*.sql.

A file holds blocks that start with ``-- name: <query_name>``; parameters are always bound
with ``?`` or ``$name``, never formatted into the text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

NAME_LINE = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)


def parse_queries(text: str) -> dict[str, str]:
    """Split one .sql file into its named blocks."""
    parts = NAME_LINE.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


@cache
def all_queries() -> dict[str, str]:
    """Every named query of the package (read once; the files never change at run time)."""
    found: dict[str, str] = {}
    for entry in (resources.files("warehouse") / "queries").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        for name, body in parse_queries(entry.read_text(encoding="utf-8")).items():
            if name in found:
                raise ValueError(f"query {name!r} is defined twice ({entry.name})")
            found[name] = body
    return found


def sql(name: str) -> str:
    """The text of one named query."""
    try:
        return all_queries()[name]
    except KeyError:
        raise KeyError(f"no named query {name!r} in warehouse/queries") from None
