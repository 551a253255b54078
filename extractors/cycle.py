"""Pure bookkeeping of a monitoring cycle: feed state, fetch records, syndication, counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from extractors.dedup import SketchIndex
from extractors.feeds import EMPTY_FEED, ParsedFeed
from extractors.fetch import FetchResult
from extractors.ingest import Article, Candidate

Row = dict[str, Any]


@dataclass
class FeedOutcome:
    """What one feed gave this cycle."""

    name: str
    url: str
    result: FetchResult
    parsed: ParsedFeed | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.result.outcome == "not_modified":
            return "not_modified"
        if self.result.outcome == "failed" or self.parsed is None:
            return "failed"
        if not self.parsed.entries:
            return "empty" if self.parsed.problem == EMPTY_FEED else "failed"
        return "ok"

    @property
    def problem(self) -> str | None:
        if self.result.outcome == "failed":
            return self.result.reason
        return self.parsed.problem if self.parsed else None


def fetch_row(run_id: str, result: FetchResult, kind: str, outcome: str | None = None,
              reason: str | None = None) -> Row:
    return {
        "run_id": run_id, "url": result.final_url or result.request.url, "kind": kind,
        "outcome": outcome or result.outcome, "status_code": result.status_code,
        "reason": reason if reason is not None else result.reason,
        "elapsed_ms": round(result.elapsed_ms, 1), "fetched_at": datetime.now(),
    }


def feed_state_row(outcome: FeedOutcome, previous: Row | None, now: datetime) -> Row:
    """New conditional-GET validators on success; failures counted in a row."""
    previous = previous or {}
    status = outcome.status
    headers = outcome.result.headers
    fresh = status in ("ok", "empty")  # a page that failed to parse must be fetched in full again
    return {
        "name": outcome.name, "url": outcome.url,
        "etag": headers.get("etag") if fresh else previous.get("etag"),
        "last_modified": headers.get("last-modified") if fresh else previous.get("last_modified"),
        "last_status": status,
        "consecutive_failures": (previous.get("consecutive_failures") or 0) + 1
        if status == "failed" else 0,
        "last_fetched_at": now,
        "last_error": outcome.problem,
        "entries_last_seen": len(outcome.parsed.entries) if outcome.parsed else None,
        "last_elapsed_ms": round(outcome.result.elapsed_ms - outcome.result.queued_ms, 1),
    }


def entry_row(candidate: Candidate, run_id: str, now: datetime) -> Row:
    return {
        "entry_key": candidate.entry_key, "feed_name": candidate.feed_name,
        "guid": candidate.guid, "canonical_url": candidate.canonical, "doc_id": candidate.doc_id,
        "title": candidate.title, "published_raw": candidate.published_raw,
        "date_problem": candidate.date_problem, "run_id": run_id, "seen_at": now,
    }


def outlet(article: Article) -> str | None:
    """Outlet of an article: the page's site name, else the host of its URL."""
    if article.site_name:
        return article.site_name
    url = article.final_url or article.candidate.url
    return urlsplit(url).netloc.removeprefix("www.") if url else article.candidate.feed_name


def link_syndicated(
    signed: Sequence[tuple[str, list[int]]], known: Sequence[tuple[str, Sequence[int]]]
) -> dict[str, tuple[list[int], str | None, float | None]]:
    """doc_id -> (sketch, original doc_id, similarity) for (doc_id, sketch) pairs in order:
    each against the stored stories and the articles before it in this batch."""
    index = SketchIndex()
    for doc_id, stored in known:
        index.add(doc_id, list(stored))
    links: dict[str, tuple[list[int], str | None, float | None]] = {}
    for doc_id, signature in signed:
        match = index.best_match(signature)
        if match:
            links[doc_id] = (signature, match[0], round(match[1], 3))
        else:
            links[doc_id] = (signature, None, None)
            index.add(doc_id, signature)
    return links
