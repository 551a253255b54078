"""All 2,107 feedparser test feeds through belmon's feed path, served by one real local server.

Fetch (one batch) -> parse_feed -> candidates_from_feed must never raise, every feed without
entries must say why, and belmon must keep every entry plain ``feedparser.parse(bytes)`` finds.
Run with ``-s`` for a one-line summary; the figures go to docs/reliability-corpora.json.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest

from belmon.settings import PROJECT_ROOT
from benchmarks.extraction_eval import record_figures
from extractors.feeds import parse_feed
from extractors.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all_sync
from extractors.ingest import candidates_from_feed
from tests.support.httpserver import LocalServer, Route

CORPUS = PROJECT_ROOT.parent / "shared" / "corpora" / "feedparser-tests"
if not (CORPUS / "manifest.json").is_file():
    pytest.skip(f"feedparser corpus not found at {CORPUS}", allow_module_level=True)

# One host serves everything, so the per-host limit is the real concurrency.
POLICY = FetchPolicy(
    allow_private_networks=True, max_concurrency=32, per_host=32, retries=0,
    connect_timeout=5.0, read_timeout=10.0, total_timeout=20.0,
)
TIME_LIMIT_SECONDS = 60.0
# Upstream expectations that the pinned feedparser 6.0.14 cannot meet (corpus README).
KNOWN_GAPS = {"json/example.json": "JSON Feed needs feedparser's development branch"}


@dataclass
class FeedCase:
    """One corpus file as served, fetched and parsed by belmon, next to plain feedparser."""

    path: str
    expect_bozo: bool | None
    fetched: bool = False
    reason: str | None = None
    entries: int = 0
    candidates: int = 0
    links: tuple[str, ...] = ()
    problem: str | None = None
    error: str | None = None
    plain_entries: int = 0

    @property
    def ill_formed(self) -> bool:
        """Whether belmon recorded the feed as broken (feedparser's bozo, in belmon's words)."""
        return (self.problem or "").startswith("ill-formed feed")


def response_headers(case: dict[str, Any]) -> dict[str, str]:
    """Upstream serves the "http" cases with their Header: lines (text/xml unless one says
    otherwise); every other file is plain XML, so no charset is imposed on it."""
    if not case["served_over_http_in_upstream_tests"]:
        return {"content-type": "application/xml"}
    headers = {"content-type": "text/xml"}
    headers.update({name.lower(): value for name, value in case["http_headers"]})
    return headers


def belmon_parse(case: FeedCase, result: FetchResult) -> None:
    """Belmon's feed path for one fetched file; any exception is recorded, not raised."""
    case.fetched, case.reason = result.ok, result.reason
    if not result.ok or result.body is None:
        return
    try:
        parsed = parse_feed(result.body, result.headers, result.final_url)
        candidates = candidates_from_feed("corpus", parsed)
    except Exception as exc:  # the assertion below wants the list, not the first traceback
        case.error = f"{type(exc).__name__}: {exc}"
        return
    case.entries, case.candidates = len(parsed.entries), len(candidates)
    case.problem = parsed.problem
    case.links = tuple(c.url for c in candidates if c.url)


def serve_and_fetch(server: LocalServer, manifest: dict[str, dict]) -> list[FetchResult]:
    """Route every file under /tests/<path> and fetch them all in one batch."""
    requests = []
    for path, case in manifest.items():
        body = (CORPUS / path).read_bytes()
        url = server.route("/tests/" + path, Route(body=body, headers=response_headers(case)))
        requests.append(FetchRequest(url, kind="feed"))
    return fetch_all_sync(requests, POLICY)


def plain_entry_count(path: str) -> int:
    """What feedparser alone finds in the raw bytes (the reference for lost entries)."""
    return len(feedparser.parse((CORPUS / path).read_bytes()).entries)


@pytest.fixture(scope="module")
def corpus() -> Iterator[dict[str, Any]]:
    """Run the whole corpus once; the tests below read the outcome."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    cases = [FeedCase(path, info["expect_bozo"]) for path, info in manifest.items()]
    started = time.perf_counter()
    with LocalServer() as server:
        results = serve_and_fetch(server, manifest)
        fetched_at = time.perf_counter()
        for case, result in zip(cases, results, strict=True):
            belmon_parse(case, result)
        belmon_seconds = time.perf_counter() - started
        for case in cases:
            case.plain_entries = plain_entry_count(case.path)
        yield {"cases": cases, "base_url": server.base_url, "seconds": belmon_seconds,
               "fetch_seconds": fetched_at - started}


def summary(corpus: dict[str, Any]) -> dict[str, Any]:
    """The figures of one run, as written to docs/reliability-corpora.json."""
    cases: list[FeedCase] = corpus["cases"]
    problems = Counter((c.problem or "none").split(":")[0] for c in cases)
    judged = [c for c in cases if c.expect_bozo is not None and c.fetched]
    return {
        "corpus": "feedparser tests (feedparser a22c552, tests/ without *.py)",
        "files": len(cases),
        "fetched_ok": sum(c.fetched for c in cases),
        "parsed_without_exception": sum(c.fetched and c.error is None for c in cases),
        "exceptions": sum(c.error is not None for c in cases),
        "feeds_with_entries": sum(c.entries > 0 for c in cases),
        "feeds_without_entries_and_reason": sum(c.entries == 0 and bool(c.problem or c.reason)
                                                for c in cases),
        "entries_belmon": sum(c.entries for c in cases),
        "entries_plain_feedparser": sum(c.plain_entries for c in cases),
        "candidates": sum(c.candidates for c in cases),
        "files_with_different_entry_count": sum(c.entries != c.plain_entries for c in cases),
        "problems_by_kind": dict(sorted(problems.items())),
        "bozo_expectation_checked": len(judged),
        "bozo_expectation_met": sum(c.ill_formed == c.expect_bozo for c in judged),
        "seconds_fetch": round(corpus["fetch_seconds"], 1),
        "seconds_fetch_and_parse": round(corpus["seconds"], 1),
        "fetch_policy": "max_concurrency=32, per_host=32, retries=0, one LocalServer",
    }


def test_corpus_summary_is_recorded(corpus: dict[str, Any]) -> None:
    figures = summary(corpus)
    record_figures("feedparser", figures)
    print(
        f"\nfeedparser corpus: {figures['files']} files, {figures['fetched_ok']} fetched, "
        f"{figures['exceptions']} exceptions, entries belmon {figures['entries_belmon']} / "
        f"plain {figures['entries_plain_feedparser']}, bozo expectations "
        f"{figures['bozo_expectation_met']}/{figures['bozo_expectation_checked']}, "
        f"{figures['seconds_fetch_and_parse']} s"
    )
    assert figures["files"] == 2107


def test_every_file_is_fetched_and_parsed_without_exception(corpus: dict[str, Any]) -> None:
    cases: list[FeedCase] = corpus["cases"]
    assert [(c.path, c.reason) for c in cases if not c.fetched] == []
    assert [(c.path, c.error) for c in cases if c.error] == []


def test_every_feed_without_entries_says_why(corpus: dict[str, Any]) -> None:
    silent = [c.path for c in corpus["cases"] if c.entries == 0 and not (c.problem or c.reason)]
    assert silent == []


def test_no_entry_is_lost_compared_with_plain_feedparser(corpus: dict[str, Any]) -> None:
    cases: list[FeedCase] = corpus["cases"]
    lost = [(c.path, c.plain_entries, c.entries) for c in cases if c.entries < c.plain_entries]
    assert lost == []
    assert all(c.candidates == c.entries for c in cases)


def test_ill_formed_verdict_matches_upstream_bozo_expectation(corpus: dict[str, Any]) -> None:
    """Clean feeds must not be recorded as broken (and broken ones must be): the health view."""
    wrong = {c.path: c.problem for c in corpus["cases"]
             if c.expect_bozo is not None and c.fetched and c.ill_formed != c.expect_bozo}
    assert wrong.keys() == KNOWN_GAPS.keys(), wrong


def test_relative_entry_links_resolve_against_the_feed_url(corpus: dict[str, Any]) -> None:
    """The *_base_docuri cases link "/relative/..." with no xml:base: belmon must fetch a URL."""
    docuri = [c for c in corpus["cases"] if Path(c.path).stem.endswith("_base_docuri")]
    links = [link for c in docuri for link in c.links if "/relative/" in link]
    assert docuri and links
    assert all(link.startswith(corpus["base_url"] + "/relative/") for link in links)


def test_corpus_runs_well_under_a_minute(corpus: dict[str, Any]) -> None:
    assert corpus["seconds"] < TIME_LIMIT_SECONDS
