"""CLI commands for analysis quality (`analyze`, `eval`, `explain`); registered by belmon.cli."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the analysis commands to the main app."""
