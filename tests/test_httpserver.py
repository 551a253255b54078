"""The programmable local HTTP server that the network tests rely on."""

from __future__ import annotations

import gzip
import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.httpserver import DRIP_CHUNK, LAST_MODIFIED, LocalServer, Route, free_port

RSS = "application/rss+xml; charset=utf-8"


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


def test_serves_a_route_on_loopback(server: LocalServer, client: httpx.Client) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    url = server.route("/feed.rss", Route(body=b"<rss/>", headers={"Content-Type": RSS}))
    assert url == server.url("/feed.rss") == server.base_url + "/feed.rss"
    assert server.url("feed.rss") == url
    response = client.get(url)
    assert response.status_code == 200
    assert response.http_version == "HTTP/1.1"
    assert response.content == b"<rss/>"
    assert response.headers["Content-Type"] == RSS
    assert response.headers["Content-Length"] == "6"


def test_unknown_path_is_404(server: LocalServer, client: httpx.Client) -> None:
    response = client.get(server.url("/nowhere"))
    assert response.status_code == 404
    assert server.hits("/nowhere") == 1


def test_status_and_custom_headers(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/gone", Route(status=410, body=b"gone", headers={"X-Test": "yes"}))
    response = client.get(url)
    assert response.status_code == 410
    assert response.headers["X-Test"] == "yes"
    assert response.content == b"gone"


def test_route_can_be_replaced(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/a", Route(body=b"one"))
    assert client.get(url).content == b"one"
    server.route("/a", Route(body=b"two"))
    assert client.get(url).content == b"two"


def test_hits_requests_and_reset(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/feed", Route(body=b"x"))
    client.get(url, headers={"User-Agent": "belmon-test/1"})
    client.get(url + "?page=2")
    assert server.hits("/feed") == 2
    assert server.hits("/feed?page=2") == 1
    assert server.hits("/other") == 0
    assert [path for path, _ in server.requests] == ["/feed", "/feed?page=2"]
    headers = server.requests[0][1]
    assert headers["User-Agent"] == "belmon-test/1"
    assert headers["user-agent"] == "belmon-test/1"
    assert "HOST" in headers
    server.reset_counts()
    assert server.hits("/feed") == 0
    assert server.requests == []


def test_query_specific_route_wins(server: LocalServer, client: httpx.Client) -> None:
    server.route("/search", Route(body=b"plain"))
    server.route("/search?q=minsk", Route(body=b"minsk"))
    assert client.get(server.url("/search?q=minsk")).content == b"minsk"
    assert client.get(server.url("/search?q=brest")).content == b"plain"


def test_head_sends_headers_only(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/page", Route(body=b"hello", headers={"Content-Type": "text/plain"}))
    response = client.head(url)
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "5"
    assert response.content == b""


def test_keep_alive_connection_is_reused(server: LocalServer) -> None:
    server.route("/a", Route(body=b"first"))
    server.route("/b", Route(body=b"second"))
    conn = http.client.HTTPConnection("127.0.0.1", int(server.base_url.rsplit(":", 1)[1]))
    try:
        conn.request("GET", "/a")
        assert conn.getresponse().read() == b"first"
        conn.request("GET", "/b")
        assert conn.getresponse().read() == b"second"
    finally:
        conn.close()


def test_delay_triggers_client_timeout(server: LocalServer) -> None:
    url = server.route("/slow", Route(body=b"late", delay=0.5))
    with httpx.Client(timeout=0.2) as c, pytest.raises(httpx.ReadTimeout):
        c.get(url)
    started = time.monotonic()
    with httpx.Client(timeout=5) as c:
        assert c.get(url).content == b"late"
    assert time.monotonic() - started >= 0.45


def test_drip_sends_the_whole_body_slowly(server: LocalServer, client: httpx.Client) -> None:
    body = b"x" * (DRIP_CHUNK * 5)
    url = server.route("/drip", Route(body=body, drip=0.05))
    started = time.monotonic()
    with client.stream("GET", url) as response:
        assert response.headers["Content-Length"] == str(len(body))
        chunks = list(response.iter_raw())
    assert b"".join(chunks) == body
    assert time.monotonic() - started >= 0.2


def test_drip_forever_never_ends_until_the_client_leaves(server: LocalServer) -> None:
    url = server.route("/endless", Route(body=b"<rss>", drip=0.001, drip_forever=True))
    received = 0
    with httpx.Client(timeout=5) as c, c.stream("GET", url) as response:
        assert response.status_code == 200
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > 2_000:
                break
    assert received > 2_000
    # the server is still healthy afterwards
    server.route("/ok", Route(body=b"ok"))
    assert httpx.get(server.url("/ok")).content == b"ok"


def test_close_ends_a_pending_drip_forever_quickly() -> None:
    srv = LocalServer()
    url = srv.route("/endless", Route(body=b"y", drip=0.01, drip_forever=True))
    with httpx.Client(timeout=5) as c, c.stream("GET", url) as response:
        next(response.iter_raw())
        started = time.monotonic()
        srv.close()
        assert time.monotonic() - started < 3
    with pytest.raises(httpx.ConnectError):
        httpx.get(srv.url("/endless"), timeout=1)


def test_etag_conditional_get(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/feed", Route(body=b"<rss/>", etag='"abc"'))
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"] == '"abc"'
    second = client.get(url, headers={"If-None-Match": '"abc"'})
    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["ETag"] == '"abc"'
    assert client.get(url, headers={"If-None-Match": 'W/"abc"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"old"'}).status_code == 200


def test_unquoted_etag_is_quoted(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/feed", Route(body=b"a", etag="v2"))
    assert client.get(url).headers["ETag"] == '"v2"'
    assert client.get(url, headers={"If-None-Match": '"v2"'}).status_code == 304


def test_last_modified_conditional_get(server: LocalServer, client: httpx.Client) -> None:
    stamp = "Tue, 14 Oct 2025 09:30:00 GMT"
    url = server.route("/feed", Route(body=b"<rss/>", last_modified=stamp))
    assert client.get(url).headers["Last-Modified"] == stamp
    response = client.get(url, headers={"If-Modified-Since": stamp})
    assert response.status_code == 304
    other = "Mon, 13 Oct 2025 09:30:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": other}).status_code == 200


def test_redirects(server: LocalServer, client: httpx.Client) -> None:
    target = server.route("/new", Route(body=b"moved here"))
    old = server.route("/old", Route(redirect_to=target))
    perm = server.route("/perm", Route(status=301, redirect_to="/new"))
    response = client.get(old)
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert client.get(perm).status_code == 301
    followed = client.get(perm, follow_redirects=True)
    assert followed.content == b"moved here"
    assert str(followed.url) == target


def test_redirect_loop_is_detected_by_the_client(server: LocalServer) -> None:
    server.route("/a", Route(redirect_to="/b"))
    server.route("/b", Route(redirect_to="/a"))
    with httpx.Client(timeout=5, max_redirects=5) as c, pytest.raises(httpx.TooManyRedirects):
        c.get(server.url("/a"), follow_redirects=True)


def test_gzip(server: LocalServer, client: httpx.Client) -> None:
    body = b"<rss>" + b"belarus " * 200 + b"</rss>"
    url = server.route("/feed", Route(body=body, gzip=True))
    response = client.get(url)
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) < len(body)
    assert response.content == body
    with client.stream("GET", url) as raw:
        assert gzip.decompress(b"".join(raw.iter_raw())) == body


def test_fail_times_then_success(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/flaky", Route(body=b"fine", fail_times=2, headers={"Retry-After": "1"}))
    first = client.get(url)
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "1"
    assert client.get(url).status_code == 503
    assert client.get(url).content == b"fine"
    assert server.hits("/flaky") == 3
    server.reset_counts()
    assert client.get(url).status_code == 503


def test_fail_status_is_configurable(server: LocalServer, client: httpx.Client) -> None:
    url = server.route("/limited", Route(body=b"ok", fail_times=1, fail_status=429))
    assert client.get(url).status_code == 429
    assert client.get(url).status_code == 200


def test_mount_directory(server: LocalServer, client: httpx.Client, tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a.rss").write_text("<link>{base}/x.html</link>", encoding="utf-8")
    (tmp_path / "feeds" / "b.atom").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "x.html").write_text("<p>hi</p>", encoding="utf-8")
    (tmp_path / "note.txt").write_text("plain", encoding="utf-8")
    (tmp_path / "data.xml").write_text("<rss/>", encoding="utf-8")
    server.mount_directory(tmp_path, prefix="/site", replacements={"{base}": server.base_url})

    rss = client.get(server.url("/site/feeds/a.rss"))
    assert rss.text == f"<link>{server.base_url}/x.html</link>"
    assert rss.headers["Content-Type"] == "application/rss+xml"
    assert rss.headers["Last-Modified"] == LAST_MODIFIED
    expected = {
        "/site/feeds/b.atom": "application/atom+xml",
        "/site/x.html": "text/html; charset=utf-8",
        "/site/note.txt": "text/plain",
        "/site/data.xml": "application/rss+xml",
    }
    for path, content_type in expected.items():
        assert client.get(server.url(path)).headers["Content-Type"] == content_type
    assert client.get(server.url("/site/missing.html")).status_code == 404

    etag = rss.headers["ETag"]
    assert client.get(server.url("/site/feeds/a.rss")).headers["ETag"] == etag
    assert client.get(server.url("/site/x.html")).headers["ETag"] != etag
    again = client.get(server.url("/site/feeds/a.rss"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = client.get(server.url("/site/x.html"), headers={"If-Modified-Since": LAST_MODIFIED})
    assert since.status_code == 304


def test_mount_directory_at_root(server: LocalServer, client: httpx.Client, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(b"<html></html>")
    server.mount_directory(tmp_path)
    assert client.get(server.url("/index.html")).content == b"<html></html>"


def test_free_port_refuses_connections() -> None:
    port = free_port()
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect(("127.0.0.1", port))


def test_concurrent_requests_are_counted(server: LocalServer) -> None:
    import concurrent.futures

    url = server.route("/busy", Route(body=b"ok", delay=0.2))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: httpx.get(url, timeout=5).status_code, range(8)))
    assert codes == [200] * 8
    assert server.hits("/busy") == 8
    assert time.monotonic() - started < 1.5  # served in parallel


SITE = Path(__file__).parent / "fixtures" / "site"


def test_fixture_site_feeds_have_the_documented_properties(server: LocalServer) -> None:
    import feedparser

    server.mount_directory(SITE, replacements={"{base}": server.base_url})

    def parse(name: str) -> feedparser.FeedParserDict:
        response = httpx.get(server.url(f"/feeds/{name}"), timeout=5)
        assert response.status_code == 200
        return feedparser.parse(response.content)

    news, watch = parse("belarus-news.rss"), parse("policy-watch.atom")
    assert not news.bozo and not watch.bozo
    assert all("{base}" not in (e.get("link") or "") for e in news.entries + watch.entries)
    assert sum(1 for e in news.entries if not e.get("link")) == 1
    assert sum(1 for e in news.entries if not e.get("published_parsed")) == 1
    shared = {e.id for e in news.entries} & {e.id for e in watch.entries}
    assert shared == {"tag:belarus-weekly-monitor,2025-10-02:viasna-1187"}
    links = {e.link for e in news.entries + watch.entries if e.get("link")}
    for link in links:
        assert httpx.get(link, timeout=5).status_code == 200, link
    assert server.url("/articles/empty-page.html") in links
    assert server.url("/articles/us-brokered-prisoner-releases-syndicated.html") in links

    ill = parse("illformed.rss")
    assert ill.bozo == 1 and len(ill.entries) >= 1
    assert parse("empty.rss").entries == []
    assert not parse("empty.rss").bozo
    assert parse("not-a-feed.html").entries == []

    cp1251 = httpx.get(server.url("/feeds/windows-1251.rss"), timeout=5)
    assert "charset" not in cp1251.headers["Content-Type"]
    parsed = feedparser.parse(cp1251.content)
    assert parsed.encoding.lower() in ("windows-1251", "cp1251")
    assert any("палітвязняў" in e.title for e in parsed.entries)


def test_fixture_articles_are_complete_pages() -> None:
    pages = sorted((SITE / "articles").glob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 3_000 <= len(page.read_bytes()) <= 12_000, page.name
        for marker in (
            '<html lang="en">',
            "<title>",
            'name="author"',
            'property="article:published_time" content="2025-10-',
            'property="og:site_name"',
            "<nav",
            "<footer",
        ):
            assert marker in text, (page.name, marker)
    viasna = (SITE / "articles" / "viasna-political-prisoners-count.html").read_text("utf-8")
    assert "1,187 political prisoners as of 1 October 2025" in viasna
