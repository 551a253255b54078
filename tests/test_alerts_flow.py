"""Alerts end to end: a monitoring cycle raises alerts that reach a real webhook and a real
SMTP server through apprise, once, and a failed delivery is retried until it succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.monitor import monitor_feeds
from tests.support.httpserver import LocalServer
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from warehouse import db

SITE = Path(__file__).parent / "fixtures" / "site"
pytestmark = pytest.mark.usefixtures("prefect_harness")
SECRET = "s3cr3t-token-value"


def _feeds(server: LocalServer, path: Path) -> Path:
    text = "\n".join(
        f'[[feed]]\nname = "{name}"\nurl = "{server.url(url)}"\n'
        for name, url in (("bwm", "/feeds/belarus-news.rss"), ("pwe", "/feeds/policy-watch.atom"))
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    with LocalServer() as server, WebhookReceiver() as hook, SmtpReceiver() as smtp:
        server.mount_directory(SITE, replacements={"{base}": server.base_url})
        mail = (f"mailto://belmon:{SECRET}@127.0.0.1:{smtp.port}"
                "?from=belmon@example.org&to=analyst@example.org")
        for key, value in {
            "BELMON_ALLOW_PRIVATE_NETWORKS": "true", "BELMON_RETRIES": "0",
            "BELMON_ALERT_RETRY_BASE_SECONDS": "0", "BELMON_ALERT_THROTTLE_SECONDS": "0",
            "BELMON_APPRISE_URLS": f"json://127.0.0.1:{hook.port}/hook, {mail}",
        }.items():
            monkeypatch.setenv(key, value)
        yield {"server": server, "hook": hook, "smtp": smtp, "db": tmp_path / "w.duckdb",
               "feeds": _feeds(server, tmp_path / "feeds.toml")}


def _statuses(path: Path) -> list[tuple]:
    with db.reader(path) as conn:
        return conn.execute("SELECT status, count(*) FROM alerts GROUP BY 1 ORDER BY 1").fetchall()


def _cycle(env: dict) -> dict:
    return monitor_feeds(db_path=str(env["db"]), feeds_path=str(env["feeds"]))


def test_alerts_are_delivered_once_and_rerun_sends_nothing(env: dict) -> None:
    first = _cycle(env)
    assert first["alerts_created"] >= 3 and first["alerts_sent"] == first["alerts_created"]
    hook, smtp = env["hook"], env["smtp"]
    delivered = len(hook.requests)
    assert delivered == first["alerts_created"]
    bodies = " ".join(r.json["message"] for r in hook.requests)
    assert "1,187" in bodies and "first figure on record" in bodies
    messages = smtp.wait_for(first["alerts_created"])
    html = next(p for p in messages[0].walk() if p.get_content_type() == "text/html")
    text = next(p for p in messages[0].walk() if p.get_content_type() == "text/plain")
    assert "http://127.0.0.1" in html.get_content() and text.get_content().strip()
    second = _cycle(env)
    assert second["alerts_created"] == 0 and second["alerts_sent"] == 0
    assert len(hook.requests) == delivered
    assert _statuses(env["db"]) == [("sent", first["alerts_created"])]


def test_failed_delivery_stays_in_the_outbox_and_is_sent_once_later(
    env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BELMON_APPRISE_URLS", f"json://127.0.0.1:{env['hook'].port}/hook")
    env["hook"].fail_next(1000)
    first = _cycle(env)
    assert first["alerts_failed"] == first["alerts_created"] > 0
    assert _statuses(env["db"]) == [("failed", first["alerts_created"])]
    with db.reader(env["db"]) as conn:
        errors = [e for (e,) in conn.execute("SELECT last_error FROM alerts").fetchall()]
    assert all(errors) and not any(SECRET in e for e in errors)
    env["hook"].fail_next(0)
    second = _cycle(env)
    assert second["alerts_sent"] == first["alerts_created"]
    ok = [r for r in env["hook"].requests if r.status == 200]
    assert len(ok) == first["alerts_created"]
    third = _cycle(env)
    assert third["alerts_sent"] == 0


def test_no_secret_in_warehouse_logs_or_run_counts(
    env: dict, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level("DEBUG")
    counts = _cycle(env)
    assert SECRET not in repr(counts)
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert not [r for r in caplog.records if SECRET in r.getMessage()]
    with db.reader(env["db"]) as conn:
        for table, in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            dump = repr(conn.execute(f'SELECT * FROM "{table}"').fetchall())
            assert SECRET not in dump, table
