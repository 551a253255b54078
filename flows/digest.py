"""The `daily-digest` flow: one digest per day of what was new, sent to channels tagged
'digest' (or 'always'); nothing is sent when nothing is new."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from belmon.alerts import outbox
from belmon.alerts.digest import build_digest, digest_alert_row, previous_ids
from belmon.pipeline import catalog_for
from belmon.runlock import exclusive_run
from belmon.settings import Settings, load_settings
from warehouse import alerts as store
from warehouse import db
from warehouse.writers import insert_rows


@task(name="compose-digest", cache_policy=NO_CACHE)
def compose(settings: Settings, since: datetime, day: date) -> dict[str, Any] | None:
    labels = {m.id: m.label for m in catalog_for(settings).metrics}
    with db.writer(settings.db, settings.lock_timeout) as conn:
        inputs = store.digest_inputs(conn, since)
        sources = store.figure_sources(conn, previous_ids(inputs))
    rendered = build_digest(day, inputs, labels, sources)
    return None if rendered is None else digest_alert_row(day, rendered, datetime.now())


@task(name="queue-digest", cache_policy=NO_CACHE)
def queue(settings: Settings, row: dict[str, Any]) -> None:
    with db.writer(settings.db, settings.lock_timeout) as conn:
        insert_rows(conn, "insert_alerts", [row])


@flow(name="daily-digest")
def daily_digest(db_path: str | None = None, since: str | None = None,
                 dry_run: bool = False) -> dict[str, Any]:
    """Compose the digest of the last day (or since a date) and deliver it through the outbox."""
    settings = load_settings(db=db_path)
    channels = outbox.channels_for(settings)
    start = datetime.fromisoformat(since) if since else datetime.now() - timedelta(days=1)
    row = compose(settings, start, date.today())
    if row is None:
        return {"digest": None}
    if dry_run:
        return {"digest": row}
    with exclusive_run(settings.db, settings.run_lock_wait):
        queue(settings, row)
        return {"digest": row} | outbox.deliver_due(settings, channels)
