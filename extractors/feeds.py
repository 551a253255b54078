"""Feed parsing: bytes and headers fetched by belmon's own HTTP client go to feedparser.

feedparser survives ill-formed feeds (it sets `bozo`); entries it still yields are used and
the problem is recorded. Nothing here touches the network.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

EMPTY_FEED = "feed has no entries"
# A feed is third-party input: 30,000 links in one (4 MB) feed would be 30,000 article fetches.
MAX_ENTRIES = 500


@dataclass(frozen=True)
class FeedEntry:
    """What a feed says about one item."""

    guid: str | None
    link: str | None
    title: str | None
    summary: str | None
    published: datetime | None
    published_raw: str | None


@dataclass
class ParsedFeed:
    """Entries plus the problems met while parsing."""

    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None  # ill-formed but usable, or why nothing was found


def _entry_date(entry: Any) -> tuple[datetime | None, str | None]:
    raw = entry.get("published") or entry.get("updated") or entry.get("created")
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is None:
        return None, raw
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC), raw
    except (OverflowError, ValueError, TypeError):
        return None, raw


def _text(value: Any, limit: int = 20_000) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] or None


def _absolute(link: str | None, base: str) -> str | None:
    """feedparser resolves links only against xml:base or Content-Location; a bare "/news/1"
    must become a URL of the feed's own site, not an unfetchable identity shared across feeds."""
    if not link or not base:
        return link
    try:
        return urljoin(base, link)[:2000]
    except ValueError:  # e.g. a malformed IPv6 host in the link: keep it as the feed gave it
        return link


def _entry(entry: Any, base: str = "") -> FeedEntry:
    published, raw = _entry_date(entry)
    return FeedEntry(
        guid=_text(entry.get("id"), 2000),
        link=_absolute(_text(entry.get("link"), 2000), base),
        title=_text(entry.get("title"), 1000),
        summary=_text(entry.get("summary")),
        published=published,
        published_raw=_text(raw, 200),
    )


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    head = body[:512].lstrip().lower()
    if content_type and "html" in content_type.lower():
        return b"<rss" not in body[:2048].lower() and b"<feed" not in body[:2048].lower()
    return head.startswith((b"<!doctype html", b"<html"))


def parse_feed(body: bytes, headers: dict[str, str] | None = None, url: str = "") -> ParsedFeed:
    """Parse feed bytes; never raises. An HTML page or an empty feed says so in `problem`."""
    headers = headers or {}
    content_type = headers.get("content-type")
    if _looks_like_html(body, content_type):
        return ParsedFeed(None, problem="not a feed: the server returned an HTML page")
    try:
        parsed = feedparser.parse(
            body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True
        )
    except Exception as exc:  # feedparser is robust, but a feed is untrusted input
        return ParsedFeed(None, problem=f"feed parser error: {type(exc).__name__}: {exc}")
    result = ParsedFeed(_text(parsed.feed.get("title"), 500))
    result.entries = [_entry(e, url) for e in parsed.entries[:MAX_ENTRIES]]
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        result.problem = f"ill-formed feed: {type(error).__name__}: {str(error)[:200]}"
    if len(parsed.entries) > MAX_ENTRIES:
        cut = f"{len(parsed.entries)} entries, only the first {MAX_ENTRIES} are used"
        result.problem = f"{result.problem}; {cut}" if result.problem else f"feed has {cut}"
    if not result.entries:
        result.problem = result.problem or EMPTY_FEED
    return result
