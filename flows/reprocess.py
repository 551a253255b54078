"""The `reprocess` flow: re-extract and re-analyse stored raw pages, without fetching."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from belmon import monitoring
from belmon.settings import Settings, load_settings
from warehouse import analysis as analysis_store
from warehouse import db
from warehouse import monitor as store


@task(name="read-raw-pages", cache_policy=NO_CACHE)
def read_pages(settings: Settings, since: datetime) -> dict[str, Any]:
    with db.writer(settings.db, settings.lock_timeout) as conn:
        return {"pages": store.raw_pages_since(conn, since),
                "prototypes": analysis_store.prototype_rows(conn)}


@task(name="reanalyse-pages", cache_policy=NO_CACHE)
def reanalyse(settings: Settings, stored: dict[str, Any]) -> list:
    return monitoring.reanalyse_pages(settings, stored["pages"],
                                      stored["prototypes"])


@task(name="write-reprocessed", cache_policy=NO_CACHE)
def write(settings: Settings, analyses: list) -> int:
    with db.writer(settings.db, settings.lock_timeout) as conn:
        store.write_cycle(conn, analyses, {})
    return len(analyses)


@flow(name="reprocess")
def reprocess_pages(db_path: str | None = None, since: str | None = None) -> dict[str, int]:
    """Bring stored articles up to the current extractor and analysis versions."""
    settings = load_settings(db=db_path)
    start = datetime.fromisoformat(since) if since else datetime(1970, 1, 1)
    stored = read_pages(settings, start)
    return {"documents": write(settings, quote(reanalyse(settings, quote(stored))))}
