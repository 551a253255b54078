"""Feed parsing, canonical URLs, the feed list and OPML round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from belmon.errors import ConfigError
from belmon.feedlist import (
    FeedList,
    FeedSpec,
    export_opml,
    import_opml,
    load_feed_list,
    save_feed_list,
)
from extractors.feeds import EMPTY_FEED, parse_feed
from extractors.ingest import candidates_from_feed, unique_candidates
from extractors.urls import canonical_url, redact_url

FEEDS = Path(__file__).parent / "fixtures" / "site" / "feeds"


def test_charset_is_taken_from_the_xml_declaration() -> None:
    body = (FEEDS / "windows-1251.rss").read_bytes()
    assert parse_feed(body, {"content-type": "application/rss+xml"}).problem is None
    # text/xml without charset means us-ascii by RFC 3023: recorded, and the entries are kept
    parsed = parse_feed(body, {"content-type": "text/xml"})
    assert "encoding" in (parsed.problem or "").lower()
    assert any("Беларус" in (e.title or "") for e in parsed.entries)


def test_html_page_is_not_a_feed() -> None:
    parsed = parse_feed((FEEDS / "not-a-feed.html").read_bytes(), {"content-type": "text/html"})
    assert parsed.entries == [] and "not a feed" in (parsed.problem or "")


def test_empty_and_ill_formed_feeds() -> None:
    assert parse_feed((FEEDS / "empty.rss").read_bytes()).problem == EMPTY_FEED
    parsed = parse_feed((FEEDS / "illformed.rss").read_bytes())
    assert parsed.entries and "ill-formed" in (parsed.problem or "")


def test_garbage_never_raises() -> None:
    for body in (b"", b"\x00\xff\xfe", b"{not json"):
        assert parse_feed(body).entries == []
    assert parse_feed(b"<rss><channel><item>").problem


def test_duplicate_guid_and_link_across_feeds_make_one_candidate() -> None:
    base = "http://example.org"
    a = parse_feed((FEEDS / "belarus-news.rss").read_bytes().replace(b"{base}", base.encode()))
    b = parse_feed((FEEDS / "policy-watch.atom").read_bytes().replace(b"{base}", base.encode()))
    both = candidates_from_feed("a", a) + candidates_from_feed("b", b)
    unique = unique_candidates(both)
    assert len(unique) < len(both)
    assert len({c.doc_id for c in unique}) == len(unique)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://WWW.Example.org:80/a?utm_source=x&id=3#top", "https://www.example.org/a?id=3"),
        ("https://example.org/a?fbclid=abc", "https://example.org/a"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_redact_url() -> None:
    assert redact_url("https://user:secret@host/x") == "https://***@host/x"


def test_feed_list_round_trip_through_toml_and_opml(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    feeds = FeedList([FeedSpec("One", "https://one.example/rss", ("media",)),
                      FeedSpec("Two \"quoted\"", "https://two.example/atom")])
    save_feed_list(path, feeds)
    assert load_feed_list(path).feeds == feeds.feeds
    fresh = FeedList()
    added = import_opml(export_opml(feeds), fresh)
    expected = [(f.name, f.url, f.tags) for f in feeds.feeds]
    assert [(f.name, f.url, f.tags) for f in added] == expected


def test_bad_feed_files_name_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feed]]\nname = "x"\nurl = "https://x"\ncolour = "red"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_feed_list(path)
    path.write_text('[[feed]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"feeds.toml: .*line 1"):
        load_feed_list(path)
    path.write_text('[[feed]]\nname = "x"\nurl = "file:///etc/passwd"\n')
    with pytest.raises(ConfigError, match="http"):
        load_feed_list(path)
    with pytest.raises(ConfigError, match="not a valid OPML"):
        import_opml("<opml><body>", FeedList())
