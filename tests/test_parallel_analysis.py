"""Worker processes change where extraction and analysis run, never what they produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.monitor import monitor_feeds
from tests.support.httpserver import LocalServer
from tests.test_monitor_flow import SITE, _feeds_toml, _routes
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLES = ("documents", "passages", "passage_themes", "recommendations", "claims", "figures")
VOLATILE_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every analysis table's rows, without the columns that record when they were made."""
    out = {}
    with db.reader(path) as conn:
        for table in TABLES:
            columns = [
                name for name, kind in conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                if kind not in VOLATILE_TYPES and "run_id" not in name
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = conn.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
    return out


def _cycle(root: Path, server: LocalServer, name: str) -> tuple[Path, int]:
    feeds = root / f"feeds-{name}.toml"
    feeds.write_text(_feeds_toml(server, root / "inbox"), encoding="utf-8")
    path = root / f"{name}.duckdb"
    counts = monitor_feeds(db_path=str(path), feeds_path=str(feeds))
    return path, counts["analysis_processes"]


def test_worker_processes_store_the_same_rows(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for file in (SITE / "folder").iterdir():
        (inbox / file.name).write_bytes(file.read_bytes())
    for key, value in {
        "BELMON_ALLOW_PRIVATE_NETWORKS": "true", "BELMON_RETRIES": "0",
        "BELMON_READ_TIMEOUT": "1", "BELMON_TOTAL_TIMEOUT": "2", "BELMON_MAX_BYTES": "200000",
        "BELMON_ARTICLE_BATCH_SIZE": "4",
    }.items():
        monkeypatch.setenv(key, value)
    with LocalServer() as server:
        _routes(server)
        monkeypatch.setenv("BELMON_ANALYSIS_WORKERS", "1")
        alone, none = _cycle(tmp_path, server, "in-process")
        monkeypatch.setenv("BELMON_ANALYSIS_WORKERS", "2")
        monkeypatch.setenv("BELMON_PARALLEL_MIN_ARTICLES", "1")
        pooled, two = _cycle(tmp_path, server, "workers")
    assert (none, two) == (0, 2)
    expected, actual = _rows(alone), _rows(pooled)
    assert expected["documents"], "the fixture site stores articles"
    for table in TABLES:
        assert actual[table] == expected[table], table


def _fetched_pages() -> list:
    from extractors.fetch_types import FetchRequest, FetchResult
    from extractors.ingest import Candidate

    fetched = []
    for page in sorted((SITE / "articles").glob("*.html")):
        url = f"https://example.org/{page.name}"
        candidate = Candidate("site", page.stem, f"entry:{page.stem}", None, url, url,
                              page.stem, None, None, None, None)
        result = FetchResult(FetchRequest(url), url, "ok", 200, page.read_bytes(),
                             {"content-type": "text/html; charset=utf-8"}, None, 5.0, 1)
        fetched.append((candidate, result))
    return fetched


def test_a_dead_worker_means_in_process_analysis_not_a_failed_cycle() -> None:
    import os
    import signal
    from datetime import datetime

    from belmon.settings import load_settings
    from belmon.workers import AnalysisPool

    fetched = _fetched_pages()
    pool = AnalysisPool(load_settings(), [], workers=2, min_parallel=1)
    try:
        expected = pool.local.articles(fetched, datetime(2025, 10, 20))
        pool.warm_up(len(fetched))
        pool._executor().submit(int).result(timeout=60)  # the workers are up
        for process in list(pool._pool._processes.values()):  # type: ignore[union-attr]
            os.kill(process.pid, signal.SIGKILL)
        result = pool.articles(fetched, datetime(2025, 10, 20))
    finally:
        pool.close()
    assert [w.article.document.doc_id for w in result.works] == [
        w.article.document.doc_id for w in expected.works]
    assert len(pool.problems) == 1
    assert "analysis workers unavailable, continuing in-process" in pool.problems[0]
