"""kill -9 of `belmon run` at random points, 20 times, then a normal run: nothing duplicated,
nothing lost, every alert delivered (at least once), the warehouse opens every time.

Also: two runs started at once, and an analyst holding a read connection during a run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.support.httpserver import LocalServer, Route
from warehouse import db

KILLS = 20  # runs killed mid-cycle
MAX_ROUNDS = 40
pytestmark = pytest.mark.usefixtures("prefect_harness")

ARTICLE = """<html lang="en"><head><title>Monitor update {n}</title>
<meta property="article:published_time" content="2025-11-{day:02d}"></head><body>
<nav>Home | News | Analysis</nav><article><h1>Monitor update {n}</h1>
<p>The human rights centre said on {day} November 2025 that Belarus was holding {count}
political prisoners, a number it revises every week after checking court records.</p>
<p>Update {n} also covered new detentions in Hrodna and Homiel, where relatives of those
convicted described searches carried out at dawn by officers of the interior ministry.</p>
<p>Diplomats in Vilnius said the European Union was preparing listing number {n} against
judges who handed down sentences in the autumn, and that the list would be adopted soon.</p>
</article><footer>Monitor</footer></body></html>"""


def _feed(base: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>Update {n}</title><link>{base}/a/{n}.html</link>"
        f"<guid>update-{n}</guid></item>" for n in range(count)
    )
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def _publish(server: LocalServer, count: int) -> None:
    """The feed lists `count` articles; each is slow to fetch, so kills land mid-fetch."""
    for n in range(count):
        body = ARTICLE.format(n=n, day=1 + n % 28, count=1100 + 7 * n).encode()
        server.route(f"/a/{n}.html", Route(body=body, delay=0.25,
                                           headers={"Content-Type": "text/html"}))
    server.route("/feed.xml", Route(body=_feed(server.base_url, count),
                                    headers={"Content-Type": "application/rss+xml"}))


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[dict]:
    from prefect.settings import get_current_settings

    with LocalServer() as server:
        server.route("/hook", Route(delay=0.3, body=b"{}"))
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(f'[[feed]]\nname = "monitor"\nurl = "{server.url("/feed.xml")}"\n')
        env = dict(os.environ, BELMON_ALLOW_PRIVATE_NETWORKS="true", BELMON_RETRIES="0",
                   BELMON_ALERT_RETRY_BASE_SECONDS="0", BELMON_PER_HOST="4",
                   BELMON_ALERT_THROTTLE_SECONDS="0",
                   BELMON_APPRISE_URLS=f"json://127.0.0.1:{server.base_url.rsplit(':', 1)[1]}"
                                       "/hook",
                   PREFECT_API_URL=str(get_current_settings().api.url),
                   PREFECT_LOGGING_LEVEL="WARNING")
        yield {"server": server, "db": tmp_path / "w.duckdb", "feeds": feeds, "env": env}


def _start(site: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "belmon.cli", "run", "--db", str(site["db"]),
               "--feeds", str(site["feeds"])]
    return subprocess.Popen(command, env=site["env"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _count(path: Path, query: str) -> int:
    with db.reader(path) as conn:
        return conn.execute(query).fetchall()[0][0]


def test_kill_9_at_random_points_loses_and_duplicates_nothing(site: dict) -> None:
    rng = random.Random(7)
    kills = rounds = 0
    while kills < KILLS and rounds < MAX_ROUNDS:
        _publish(site["server"], 4 + 2 * rounds)
        rounds += 1
        process = _start(site)
        time.sleep(rng.uniform(1.0, 6.0))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        if site["db"].exists():
            with duckdb.connect(str(site["db"]), read_only=True) as conn:  # opens cleanly
                conn.execute("SELECT count(*) FROM documents").fetchall()
    final = _start(site)
    output, _ = final.communicate(timeout=300)
    assert final.returncode == 0, output
    articles = 4 + 2 * (rounds - 1)
    path = site["db"]
    assert kills == KILLS
    assert _count(path, "SELECT count(*) FROM documents WHERE kind = 'article'") == articles
    assert _count(path, "SELECT count(DISTINCT canonical_url) FROM documents") == articles
    assert _count(path, "SELECT count(*) FROM entries") == articles
    for table, key in (("passages", "passage_id"), ("figures", "figure_id"),
                       ("claims", "claim_id"), ("alerts", "dedup_key"),
                       ("alert_items", "item_key")):
        total = _count(path, f"SELECT count(*) FROM {table}")
        assert total == _count(path, f"SELECT count(DISTINCT {key}) FROM {table}"), table
    alerts = _count(path, "SELECT count(*) FROM alerts")
    assert alerts > 0
    assert _count(path, "SELECT count(*) FROM alerts WHERE status <> 'sent'") == 0
    posts = site["server"].hits("/hook")
    duplicates = posts - alerts
    print(f"\ncrash suite: {rounds} rounds, {kills} kill -9, {articles} articles, "
          f"{alerts} alerts, {posts} deliveries ({duplicates} repeated: at-least-once window)")
    assert duplicates >= 0


def test_two_runs_at_once_second_waits_or_says_so(site: dict) -> None:
    _publish(site["server"], 6)
    site["env"]["BELMON_RUN_LOCK_WAIT"] = "1"
    first, second = _start(site), None
    time.sleep(4)
    second = _start(site)
    out_second, _ = second.communicate(timeout=120)
    out_first, _ = first.communicate(timeout=120)
    assert first.returncode == 0, out_first
    assert second.returncode == 0 or "another monitoring run" in out_second, out_second
    assert _count(site["db"], "SELECT count(*) FROM documents WHERE kind = 'article'") == 6


def test_an_analyst_read_connection_does_not_stop_a_run(site: dict) -> None:
    _publish(site["server"], 4)
    with db.writer(site["db"]):
        pass
    process = _start(site)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, time\n"
        f"c = duckdb.connect({str(site['db'])!r}, read_only=True)\n"
        "c.execute('select count(*) from documents').fetchall(); time.sleep(3); c.close()")])
    output, _ = process.communicate(timeout=180)
    holder.wait(timeout=30)
    assert process.returncode == 0, output
    assert _count(site["db"], "SELECT count(*) FROM documents WHERE kind = 'article'") == 4
