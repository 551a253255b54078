"""CLI commands for alerts: `alerts list|test|retry` and `digest`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from belmon.errors import ConfigError
from belmon.output import console, table
from belmon.settings import load_settings

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (BELMON_DB).")]
alerts_app = typer.Typer(help="The alert outbox: list, test channels, retry.",
                         no_args_is_help=True)


class Status(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


@alerts_app.command("list")
def alerts_list(
    db: DbOption = None,
    status: Annotated[Status | None, typer.Option(help="Only alerts in this state.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
) -> None:
    """Alerts in the outbox with their delivery state."""
    from warehouse import alerts as store
    from warehouse import db as warehouse_db

    settings = load_settings(db=db)
    with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
        rows = store.list_alerts(conn, status.value if status else None, limit)
    columns = ["id", "kind", "status", "attempts", "created", "sent", "title", "last error"]
    console().print(table("alerts", columns, rows))


@alerts_app.command("test")
def alerts_test() -> None:
    """Send a test message to every configured channel and report each result."""
    from belmon.alerts.messages import render_test_message
    from belmon.alerts.outbox import channels_for

    channels = channels_for(load_settings())
    if channels.is_empty():
        raise ConfigError(
            "no channels configured: set BELMON_APPRISE_URLS or BELMON_APPRISE_CONFIG"
        )
    out = console()
    failures = 0
    for channel, result in channels.send_each(render_test_message()):
        line = f"{'ok  ' if result.ok else 'FAIL'} {channel}"
        out.print(Text(line + (f": {result.error}" if result.error else ""),
                       style=None if result.ok else "red"))
        failures += not result.ok
    if failures:
        raise typer.Exit(1)


@alerts_app.command("retry")
def alerts_retry(db: DbOption = None) -> None:
    """Deliver every unsent alert now, ignoring the backoff."""
    from belmon.alerts.outbox import channels_for, deliver_due
    from belmon.runlock import exclusive_run
    from warehouse import alerts as store
    from warehouse import db as warehouse_db

    settings = load_settings(db=db)
    channels = channels_for(settings)
    with exclusive_run(settings.db, settings.run_lock_wait):
        with warehouse_db.writer(settings.db, settings.lock_timeout) as conn:
            store.retry_all_now(conn)
        counts = deliver_due(settings, channels)
    console().print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))


def digest(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Include news since YYYY-MM-DD.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print, do not send.")] = False,
) -> None:
    """Compose the daily digest and send it (or print it with --dry-run)."""
    from belmon.local_prefect import local_prefect

    settings = load_settings(db=db)
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise ConfigError(f"--since must be a date like 2025-10-01, not {since!r}") from None
    from flows.digest import daily_digest

    with local_prefect():
        result = daily_digest(db_path=str(settings.db), since=since, dry_run=dry_run)
    row = result["digest"]
    if row is None:
        console().print("nothing new: no digest sent")
        return
    if dry_run:
        console().print(Text(f"{row['title']}\n\n{row['body_text'] or row['body']}"))
        return
    console().print(f"digest queued; sent: {result.get('alerts_sent', 0)}, "
                    f"failed: {result.get('alerts_failed', 0)}")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
    app.command()(digest)
