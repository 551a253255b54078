"""The daily digest (sent once, nothing when nothing is new) and `reprocess` over stored pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.digest import daily_digest
from flows.monitor import monitor_feeds
from flows.reprocess import reprocess_pages
from tests.support.httpserver import LocalServer
from tests.support.receivers import WebhookReceiver
from warehouse import db

SITE = Path(__file__).parent / "fixtures" / "site"
pytestmark = pytest.mark.usefixtures("prefect_harness")


def _count(path: Path, query: str) -> int:
    with db.reader(path) as conn:
        return conn.execute(query).fetchall()[0][0]


def test_digest_and_reprocess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.duckdb"
    with LocalServer() as server, WebhookReceiver() as hook:
        server.mount_directory(SITE, replacements={"{base}": server.base_url})
        feeds = tmp_path / "feeds.toml"
        url = server.url("/feeds/belarus-news.rss")
        feeds.write_text(f'[[feed]]\nname = "bwm"\nurl = "{url}"\n')
        monkeypatch.setenv("BELMON_ALLOW_PRIVATE_NETWORKS", "true")
        monkeypatch.setenv("BELMON_ALERT_MODE", "digest")
        monkeypatch.setenv("BELMON_ALERT_THROTTLE_SECONDS", "0")
        monkeypatch.setenv("BELMON_APPRISE_URLS", f"json://127.0.0.1:{hook.port}/digest")
        cycle = monitor_feeds(db_path=str(path), feeds_path=str(feeds))
        assert cycle["alerts_created"] == 0 and cycle["new_figures"] > 0

        preview = daily_digest(db_path=str(path), dry_run=True)
        assert preview["digest"] is not None and not hook.requests
        sent = daily_digest(db_path=str(path))
        assert sent["alerts_sent"] == 1 and len(hook.requests) == 1
        body = hook.requests[0].json["message"]
        assert "1,187" in body
        again = daily_digest(db_path=str(path))
        assert again.get("alerts_sent", 0) == 0 and len(hook.requests) == 1

        empty = daily_digest(db_path=str(path), since="2999-01-01")
        assert empty == {"digest": None}

    documents = _count(path, "SELECT count(*) FROM documents")
    figures = _count(path, "SELECT count(*) FROM figures")
    counts = reprocess_pages(db_path=str(path))
    assert counts["documents"] >= 5
    assert _count(path, "SELECT count(*) FROM documents") == documents
    assert _count(path, "SELECT count(*) FROM figures") == figures
