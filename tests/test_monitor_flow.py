"""A monitoring cycle against a real local site: happy path, every failure, idempotent re-run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.monitor import monitor_feeds
from tests.support.httpserver import LocalServer, Route, free_port
from warehouse import db
from warehouse.status import table_counts

SITE = Path(__file__).parent / "fixtures" / "site"
pytestmark = pytest.mark.usefixtures("prefect_harness")

FEEDS = {
    "bwm": "/feeds/belarus-news.rss",
    "pwe": "/feeds/policy-watch.atom",
    "illformed": "/feeds/illformed.rss",
    "empty": "/feeds/empty.rss",
    "cp1251": "/feeds/windows-1251.rss",
    "html-not-feed": "/feeds/not-a-feed.html",
    "gone-404": "/status/404",
    "gone-410": "/status/410",
    "error-500": "/status/500",
    "busy-503": "/status/503",
    "slow": "/slow",
    "huge": "/huge",
    "loop": "/loop/a",
}


def _routes(server: LocalServer) -> None:
    server.mount_directory(SITE, replacements={"{base}": server.base_url})
    server.route("/status/404", Route(status=404, body=b"not here"))
    server.route("/status/410", Route(status=410, body=b"gone"))
    server.route("/status/500", Route(status=500, body=b"boom"))
    server.route("/status/503", Route(status=503, headers={"Retry-After": "1"}))
    server.route("/slow", Route(delay=5, body=b"<rss/>"))
    server.route("/huge", Route(body=b"<rss>" + b"x" * 400_000 + b"</rss>"))
    server.route("/loop/a", Route(redirect_to="/loop/b"))
    server.route("/loop/b", Route(redirect_to="/loop/a"))


def _feeds_toml(server: LocalServer, folder: Path) -> str:
    lines = []
    for name, path in FEEDS.items():
        lines += ["[[feed]]", f'name = "{name}"', f'url = "{server.url(path)}"', ""]
    refused = f"http://127.0.0.1:{free_port()}/feed.xml"
    lines += ["[[feed]]", 'name = "refused"', f'url = "{refused}"', ""]
    lines += ["[[folder]]", 'name = "inbox"', f'path = "{folder}"']
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("monitor")
    inbox = root / "inbox"
    inbox.mkdir()
    for file in (SITE / "folder").iterdir():
        (inbox / file.name).write_bytes(file.read_bytes())
    with LocalServer() as server, pytest.MonkeyPatch.context() as env:
        _routes(server)
        feeds = root / "feeds.toml"
        feeds.write_text(_feeds_toml(server, inbox), encoding="utf-8")
        for key, value in {
            "BELMON_ALLOW_PRIVATE_NETWORKS": "true", "BELMON_RETRIES": "1",
            "BELMON_BACKOFF_BASE": "0.01", "BELMON_BACKOFF_MAX": "1",
            "BELMON_READ_TIMEOUT": "1", "BELMON_TOTAL_TIMEOUT": "2",
            "BELMON_MAX_BYTES": "200000", "BELMON_UNHEALTHY_AFTER": "2",
            "BELMON_ARTICLE_BATCH_SIZE": "3",  # several batches: syndication across batches
        }.items():
            env.setenv(key, value)
        path = root / "w.duckdb"
        first = monitor_feeds(db_path=str(path), feeds_path=str(feeds))
        yield {"server": server, "db": path, "feeds": feeds, "first": first, "inbox": inbox}


def _rows(path: Path, query: str) -> list[tuple]:
    with db.reader(path) as conn:
        return conn.execute(query).fetchall()


def _reason(path: Path, url_part: str) -> str:
    rows = _rows(path, f"SELECT outcome, reason FROM fetches WHERE url LIKE '%{url_part}%'")
    return " | ".join(f"{o}: {r}" for o, r in rows)


def test_first_cycle_counts(site: dict) -> None:
    first = site["first"]
    assert first["new_articles"] >= 9
    assert first["folder_documents"] == 3
    assert first["duplicates"] == 1
    assert first["feeds_failed"] == 9
    assert first["feeds_empty"] == 1


@pytest.mark.parametrize(
    ("url_part", "expected"),
    [
        ("/status/404", "HTTP 404"),
        ("/status/410", "HTTP 410"),
        ("/status/500", "HTTP 500"),
        ("/status/503", "HTTP 503"),
        ("/slow", "timed out"),
        ("/huge", "larger than"),
        ("/loop/", "too many redirects"),
        ("feed.xml", "refused"),
        ("not-a-feed.html", "not a feed"),
        ("illformed.rss", "ill-formed feed"),
        ("empty.rss", "no entries"),
        ("empty-page.html", "no extractable text"),
    ],
)
def test_each_failure_is_recorded_with_its_reason(site: dict, url_part: str, expected: str) -> None:
    assert expected in _reason(site["db"], url_part)


def test_ill_formed_and_charset_less_feeds_still_give_entries(site: dict) -> None:
    feeds = dict(_rows(site["db"], "SELECT name, entries_last_seen FROM feeds"))
    assert feeds["illformed"] >= 1
    assert feeds["cp1251"] >= 1


def test_syndicated_copy_is_linked_and_counts_one_story(site: dict) -> None:
    rows = _rows(site["db"], "SELECT copies, outlets FROM stories WHERE copies > 1")
    assert rows == [(2, 2)]
    linked = _rows(site["db"], "SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL")
    assert linked == [(1,)]


def test_entry_without_link_and_bad_date_fall_back_or_are_recorded(site: dict) -> None:
    fallback = _rows(site["db"], "SELECT count(*) FROM documents WHERE doc_id LIKE 'entry:%'")
    assert fallback == [(1,)]
    problems = _rows(site["db"], "SELECT date_problem FROM entries WHERE date_problem IS NOT NULL")
    assert any("unparseable date" in p for (p,) in problems)


def test_duplicate_guid_across_feeds_is_one_article(site: dict) -> None:
    rows = _rows(
        site["db"],
        "SELECT count(*) FROM documents WHERE canonical_url LIKE '%viasna-political-prisoners%'",
    )
    assert rows == [(1,)]


def test_new_article_figures_are_analysed(site: dict) -> None:
    rows = _rows(
        site["db"],
        "SELECT value, as_of FROM figures f JOIN documents d USING (doc_id) "
        "WHERE d.kind = 'article' AND metric_id = 'political_prisoners'",
    )
    assert any(value == 1187 and str(as_of) == "2025-10-01" for value, as_of in rows), rows


def test_raw_pages_are_stored_compressed(site: dict) -> None:
    assert _rows(site["db"], "SELECT count(*) FROM raw_pages")[0][0] >= 9


def test_second_cycle_is_conditional_and_adds_nothing(site: dict) -> None:
    server: LocalServer = site["server"]
    with db.reader(site["db"]) as conn:
        before = table_counts(conn)
    server.reset_counts()
    second = monitor_feeds(db_path=str(site["db"]), feeds_path=str(site["feeds"]))
    assert second["new_articles"] == 0 and second["folder_documents"] == 0
    assert second["feeds_not_modified"] >= 5
    assert server.hits("/articles/us-brokered-prisoner-releases.html") == 0
    conditional = [h for p, h in server.requests if p == "/feeds/belarus-news.rss"]
    assert conditional and "if-none-match" in {k.lower() for k in conditional[0]}
    with db.reader(site["db"]) as conn:
        after = table_counts(conn)
    for table in ("documents", "passages", "figures", "claims", "entries", "raw_pages"):
        if table in before:
            assert after[table] == before[table], table
    health = dict(_rows(site["db"], "SELECT name, consecutive_failures FROM feeds"))
    assert health["gone-404"] == 2 and health["bwm"] == 0


def test_slowest_feeds_are_asked_first(site: dict) -> None:
    from belmon.feedlist import FeedSpec
    from belmon.monitoring import slowest_first

    with db.reader(site["db"]) as conn:
        timed = conn.execute("SELECT count(*) FROM feeds WHERE last_elapsed_ms >= 0").fetchone()
    assert timed[0] >= 10, "every fetched feed records how long it took"
    feeds = [FeedSpec("quick", "u1"), FeedSpec("new", "u2"), FeedSpec("slow", "u3")]
    states = {"quick": {"last_elapsed_ms": 40.0}, "slow": {"last_elapsed_ms": 2100.0}}
    assert slowest_first(feeds, states) == [1, 2, 0]


def test_a_cycle_keeps_the_parsed_claims_for_the_next(site: dict) -> None:
    from warehouse import claim_facts

    path = claim_facts.cache_path(site["db"])
    assert path.exists() and path.stat().st_size > 0
