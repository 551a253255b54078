"""Running the seeding flow from the command line."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from belmon.local_prefect import local_prefect
from belmon.output import console


def run_seed(db_path: str, seed_dir: str) -> dict[str, Any]:
    """Seed through the Prefect flow and print warnings and a one-line summary."""
    from flows.seed import seed_warehouse

    with local_prefect():
        summary = seed_warehouse(db_path=db_path, seed_dir=seed_dir)
    out = console()
    for warning in summary["warnings"]:
        out.print(Text(f"warning: {warning}", style="yellow"))
    out.print(
        f"seeded {summary['documents_written']} of {summary['documents_found']} documents "
        f"into {db_path} ({summary['documents_found'] - summary['documents_written']} unchanged)"
    )
    return summary
