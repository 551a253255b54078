"""Hostile and malformed input through fetch + parse + extract, and through the monitor flow.

Every case is bounded in time and memory. Covered elsewhere, not repeated here: a gzip bomb
sent with Content-Encoding (tests/test_fetch.py::test_gzip_bomb_aborted_by_max_bytes), a
slow drip at fetch level (test_slow_drip_bounded_by_total_timeout), redirects to file:// and to
169.254.169.254 at fetch level (test_redirect_to_file_scheme_refused,
test_redirect_to_metadata_address_refused) and DNS rebinding.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from belmon.settings import PROJECT_ROOT
from extractors import fetch
from extractors.articles import extract_article
from extractors.feeds import MAX_ENTRIES
from extractors.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all_sync
from extractors.ingest import build_article
from tests.support.httpserver import LocalServer, Route

T = TypeVar("T")
MB = 1_000_000
POLICY = FetchPolicy(
    allow_private_networks=True, retries=0, connect_timeout=2.0, read_timeout=2.0,
    total_timeout=5.0, max_bytes=5 * MB,
)
RSS = {"content-type": "application/rss+xml"}
SQL_TITLE = "'); DROP TABLE documents; --"
PARAGRAPH = ("Ministers discussed further restrictive measures and the release of detained "
             "journalists at a meeting on Thursday, officials said afterwards. ")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


def bounded(action: Callable[[], T], seconds: float, megabytes: float) -> T:
    """Run ``action`` and fail if it took longer or allocated more (Python heap peak)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes, f"peak {peak:.0f} MB"
    return result


def fetch_one(url: str, policy: FetchPolicy = POLICY) -> FetchResult:
    """One URL through belmon's fetcher."""
    [result] = fetch_all_sync([FetchRequest(url, kind="feed")], policy)
    return result


# Runs belmon's feed path in a fresh interpreter: time and peak RSS are the parse's alone
# (tracemalloc would slow feedparser down 7-17 fold).
CHILD = """
import json, resource, sys, time
from extractors.feeds import parse_feed
from extractors.ingest import candidates_from_feed
body, headers, url = open(sys.argv[1], "rb").read(), json.loads(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
parsed = parse_feed(body, headers, url)
candidates = candidates_from_feed("hostile", parsed)
seconds = time.perf_counter() - started
fields = [parsed.title, parsed.problem] + [
    v for c in candidates for v in (c.guid, c.url, c.title, c.summary)]
try:  # VmHWM belongs to this process image; ru_maxrss keeps the parent's peak across exec
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak_mb = int(status.split()[0]) / 1024
except (OSError, IndexError):
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "entries": len(parsed.entries), "problem": parsed.problem,
                  "text": "\\n".join(v for v in fields if v), "rss_mb": peak_mb}))
"""


def parse_in_child(result: FetchResult, scratch: Path) -> dict[str, Any]:
    """parse_feed + candidates_from_feed on a fetched body, measured in a child process."""
    body = scratch / "body.xml"
    body.write_bytes(result.body or b"")
    args = [str(body), json.dumps(result.headers), result.final_url]
    done = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]  # an exception escaped belmon's feed path
    return json.loads(done.stdout)


def fetch_and_parse(url: str, scratch: Path, policy: FetchPolicy = POLICY) -> dict[str, Any]:
    """Fetch (bounded here) then parse (bounded in a child); both must stay within limits."""
    result = bounded(lambda: fetch_one(url, policy), seconds=5, megabytes=4 * policy.max_bytes / MB)
    assert result.ok, result.reason
    parsed = parse_in_child(result, scratch)
    assert parsed["seconds"] < 5 and parsed["rss_mb"] < 250, parsed
    return parsed


def rss(items: str, doctype: str = "") -> bytes:
    """A small RSS 2.0 document around ``items``."""
    return (f'<?xml version="1.0"?>\n{doctype}<rss version="2.0"><channel><title>t</title>'
            f"<link>http://example.org/</link>{items}</channel></rss>").encode()


# --------------------------------------------------------------------------- XML entities


def billion_laughs(link: str = "http://example.org/a", levels: int = 10) -> bytes:
    """Ten levels of ten-fold entity references: 10**9 "lol"s if a parser expanded them."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    doctype = "<!DOCTYPE rss [\n" + "\n".join(entities) + "\n]>\n"
    last = f"&lol{levels - 1};"
    item = f"<item><title>{last}</title><link>{link}</link><description>{last}</description></item>"
    return rss(item, doctype)


def test_billion_laughs_is_not_expanded(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/laughs.rss", Route(body=billion_laughs(), headers=RSS))
    parsed = fetch_and_parse(url, tmp_path)
    assert "lollollol" not in parsed["text"] and len(parsed["text"]) < 1000
    assert parsed["problem"].startswith("ill-formed feed")


def external_entity_feeds(
    secret_file: Path, secret_url: str, link: str = "http://example.org/a"
) -> dict[str, bytes]:
    """XXE variants: general and parameter entities pointing at files and at a local URL."""
    item = (f"<item><title>a &xxe;</title><link>{link}</link>"
            "<description>d &xxe;</description></item>")
    plain = f"<item><title>a</title><link>{link}</link></item>"
    return {
        "passwd": rss(item, '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'),
        "file": rss(item, f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>\n'),
        "http": rss(item, f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_url}">]>\n'),
        "parameter": rss(plain, f'<!DOCTYPE rss [<!ENTITY % xxe SYSTEM "{secret_url}"> %xxe;]>\n'),
    }


@pytest.mark.parametrize("variant", ["passwd", "file", "http", "parameter"])
def test_external_entities_are_never_resolved(
    server: LocalServer, tmp_path: Path, variant: str
) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("MARKER-7f3a local secret\n", encoding="utf-8")
    secret_url = server.route(f"/secret-{variant}", Route(body=b"MARKER-7f3a served secret"))
    body = external_entity_feeds(secret_file, secret_url)[variant]
    url = server.route(f"/xxe-{variant}.rss", Route(body=body, headers=RSS))
    text = fetch_and_parse(url, tmp_path)["text"]
    assert "MARKER-7f3a" not in text and "root:x:0:0" not in text
    assert server.hits(f"/secret-{variant}") == 0


@pytest.mark.parametrize(
    "body",
    [
        rss("<item>" + "<x>" * 50_000 + "</x>" * 50_000 + "<title>t</title></item>"),
        rss("<item><title>" + "&lt;div&gt;" * 50_000 + "</title></item>"),
        rss("<item><title>t</title><description><![CDATA[never closed"),
        b"\xef\xbb\xbf\xff\xfe\x00<rss>\x00\x00",
    ],
    ids=["50k-nested", "50k-escaped-tags", "open-cdata", "bom-and-nul"],
)
def test_malformed_feeds_never_raise(server: LocalServer, tmp_path: Path, body: bytes) -> None:
    url = server.route(f"/junk-{len(body)}.rss", Route(body=body, headers=RSS))
    parsed = fetch_and_parse(url, tmp_path)
    assert parsed["entries"] or parsed["problem"]


# --------------------------------------------------------------------------- size limits


@contextmanager
def firehose(size: int, with_length: bool) -> Iterator[str]:
    """A raw HTTP server streaming a ``size``-byte page, its end marked by Content-Length or
    (without it) by closing the connection; it never holds the page in memory."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
    head += f"Content-Length: {size}\r\n\r\n".encode() if with_length else b"\r\n"

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                stream(conn, head, size)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/page.html"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def stream(conn: socket.socket, head: bytes, size: int) -> None:
    """Send the head, then ``size`` bytes of markup until the client hangs up."""
    block = b"<p>" + b"x" * 65_529 + b"</p>"
    try:
        conn.recv(65_536)
        conn.sendall(head)
        for _ in range(0, size, len(block)):
            conn.sendall(block)
    except OSError:
        pass  # the client stopped reading at max_bytes: that is the point


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "until-close"])
def test_50_mb_page_is_cut_at_max_bytes(with_length: bool) -> None:
    with firehose(50 * MB, with_length) as url:
        result = bounded(lambda: fetch_one(url), seconds=10, megabytes=4 * POLICY.max_bytes / MB)
    assert result.outcome == "failed" and result.body is None
    assert result.reason.startswith(f"body larger than {POLICY.max_bytes} bytes")
    assert ("Content-Length 50000000" in result.reason) is with_length


def big_feed(entries: int) -> bytes:
    """An RSS feed with ``entries`` distinct items (about 137 bytes each)."""
    item = ("<item><title>Entry {0}</title><link>http://example.org/{0}</link><guid>g{0}</guid>"
            "<description>Short text {0}</description></item>")
    return rss("".join(item.format(i) for i in range(entries)))


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_100k_entry_feed_is_refused_by_max_bytes(server: LocalServer, gzipped: bool) -> None:
    body = big_feed(100_000)
    assert len(body) > 2 * POLICY.max_bytes
    url = server.route(f"/huge-{gzipped}.rss", Route(body=body, headers=RSS, gzip=gzipped))
    result = bounded(lambda: fetch_one(url), seconds=10, megabytes=4 * POLICY.max_bytes / MB)
    assert result.outcome == "failed"
    assert result.reason.startswith(f"body larger than {POLICY.max_bytes} bytes")


def test_largest_feed_under_the_cap_parses_in_bounded_time_and_memory(
    server: LocalServer, tmp_path: Path
) -> None:
    """7,000 entries fit under a 1 MB cap: fetched, parsed in bounded time, entries capped."""
    body = big_feed(7_000)
    policy = replace(POLICY, max_bytes=MB)
    assert len(body) <= policy.max_bytes
    url = server.route("/largest.rss", Route(body=body, headers=RSS))
    parsed = fetch_and_parse(url, tmp_path, policy)
    assert parsed["entries"] == MAX_ENTRIES
    assert f"only the first {MAX_ENTRIES}" in parsed["problem"]


def gzip_bomb(size: int = 50 * MB) -> bytes:
    """``size`` zero bytes gzip-compressed (about 50 kB), built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * MB
    return b"".join(packer.compress(block) for _ in range(size // MB)) + packer.flush()


def test_gzip_bomb_without_content_encoding_is_bounded_in_the_extractor(
    server: LocalServer,
) -> None:
    """Sent as text/html with no Content-Encoding the fetcher passes ~50 kB; trafilatura then
    sniffs the gzip magic itself, and must stop at its own MAX_FILE_SIZE (20 MB)."""
    url = server.route("/bomb.html", Route(body=gzip_bomb(), headers={"Content-Type": "text/html"}))
    result = fetch_one(url)
    assert result.ok and result.body is not None and len(result.body) < 100_000
    page = bounded(lambda: extract_article(result.body or b"", url), seconds=5, megabytes=80)
    assert page.text == ""


# --------------------------------------------------------------------------- markup


def test_markup_and_sql_in_a_page_are_inert_text() -> None:
    page = hostile_page().encode()
    article = bounded(lambda: extract_article(page, "http://example.org/a"), seconds=5,
                      megabytes=50)
    assert article.title == SQL_TITLE
    assert "<script>alert('x')</script>" in article.text  # escaped in the page: text
    assert "real script" not in article.text  # a real <script> element: markup, dropped
    assert "onerror" not in article.text


def hostile_page() -> str:
    """An article whose title, author and text carry SQL and script-looking content."""
    return (
        f'<html lang="en"><head><title>{SQL_TITLE}</title>'
        "<meta name=\"author\" content=\"Anna O'Brien; DROP TABLE passages\">"
        "<script>document.write('real script')</script></head><body><article>"
        f"<h1>{SQL_TITLE}</h1><p>{PARAGRAPH * 3}</p>"
        f"<p>Quoted: &lt;script&gt;alert('x')&lt;/script&gt; and {SQL_TITLE} as words. "
        f"{PARAGRAPH}</p><img src=x onerror=\"alert(1)\"><p>{PARAGRAPH * 2}</p>"
        "</article></body></html>"
    )


# --------------------------------------------------------------------------- monitor flow

MARKUP_TITLES = (SQL_TITLE, "<script>alert(1)</script> Sanctions",
                 "<img src=x onerror=alert(1)>Visa ban")
REFUSED = {
    "/go/loopback": "http://127.0.0.2:9/secret",
    "/go/private": "http://10.0.0.1/admin",
    "/go/metadata": "http://169.254.169.254/latest/meta-data/",
    "/go/file": "file:///etc/passwd",
}


def markup_feed(base: str) -> bytes:
    """Linkless items with hostile titles (stored from the feed) and one hostile article."""
    items = "".join(
        f'<item><title>{escape(title)}</title><guid isPermaLink="false">m{i}</guid>'
        f"<description>{PARAGRAPH}</description></item>"
        for i, title in enumerate(MARKUP_TITLES)
    )
    items += f"<item><title>page</title><link>{base}/articles/hostile.html</link></item>"
    return rss(items)


def ssrf_feed(base: str) -> bytes:
    """Article links that bounce to private addresses or file://, one that drips forever."""
    links = [base + path for path in REFUSED] + ["http://10.0.0.1/direct", base + "/drip.html"]
    return rss("".join(f"<item><title>s{i}</title><link>{link}</link></item>"
                       for i, link in enumerate(links)))


def escape(text: str) -> str:
    """XML-escape a title so the feed carries it as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hostile_site(server: LocalServer, secret_file: Path) -> dict[str, str]:
    """Route every hostile feed and page; returns feed name -> URL."""
    base = server.base_url
    server.route("/articles/hostile.html",
                 Route(body=hostile_page().encode(), headers={"Content-Type": "text/html"}))
    server.route("/drip.html", Route(body=b"<html><p>", drip=0.05, drip_forever=True))
    for path, target in REFUSED.items():
        server.route(path, Route(redirect_to=target))
    secret_url = server.route("/secret-flow", Route(body=b"MARKER-7f3a served secret"))
    page = server.url("/articles/hostile.html")  # never example.org: tests stay offline
    xxe = external_entity_feeds(secret_file, secret_url, page)["file"]
    feeds = {
        "markup": Route(body=markup_feed(base), headers=RSS),
        "ssrf": Route(body=ssrf_feed(base), headers=RSS),
        "xxe": Route(body=xxe, headers=RSS),
        "laughs": Route(body=billion_laughs(page), headers=RSS),
        "huge": Route(body=big_feed(100_000), headers=RSS),
        "drip": Route(body=b"<rss>", drip=0.05, drip_forever=True),
    }
    return {name: server.route(f"/feeds/{name}.rss", route) for name, route in feeds.items()}


def only_loopback_is_public(real: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """Let the test server on 127.0.0.1 pass the private-network guard, nothing else."""
    server_ip = ipaddress.ip_address("127.0.0.1")
    return lambda ip: None if ip == server_ip else real(ip)


FLOW_ENV = {
    "BELMON_ALLOW_PRIVATE_NETWORKS": "false", "BELMON_RETRIES": "0",
    "BELMON_CONNECT_TIMEOUT": "1", "BELMON_READ_TIMEOUT": "1", "BELMON_TOTAL_TIMEOUT": "2",
    "BELMON_PER_HOST": "8", "BELMON_UNHEALTHY_AFTER": "2",
}


@pytest.fixture(scope="module")
def cycle(
    server: LocalServer, tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> Iterator[dict[str, Any]]:
    """One monitor cycle over every hostile feed, private networks refused."""
    from flows.monitor import monitor_feeds

    root = tmp_path_factory.mktemp("hostile")
    secret_file = root / "secret.txt"
    secret_file.write_text("MARKER-7f3a local secret\n", encoding="utf-8")
    urls = hostile_site(server, secret_file)
    feeds = root / "feeds.toml"
    feeds.write_text("".join(f'[[feed]]\nname = "{n}"\nurl = "{u}"\n\n' for n, u in urls.items()),
                     encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in FLOW_ENV.items():
            patch.setenv(key, value)
        patch.setattr(fetch, "_address_problem", only_loopback_is_public(fetch._address_problem))
        started = time.perf_counter()
        counts = monitor_feeds(db_path=str(root / "w.duckdb"), feeds_path=str(feeds))
        seconds = time.perf_counter() - started
    yield {"db": root / "w.duckdb", "counts": counts, "seconds": seconds, "server": server}


def rows(path: Path, query: str, *params: object) -> list[tuple]:
    """Read-only query against the cycle's warehouse."""
    from warehouse import db

    with db.reader(path) as conn:
        return conn.execute(query, list(params)).fetchall()


def test_flow_completes_in_bounded_time(cycle: dict[str, Any]) -> None:
    print(f"\nhostile monitor cycle: {cycle['seconds']:.1f} s")
    assert cycle["seconds"] < 30
    assert rows(cycle["db"], "SELECT count(*) FROM documents")[0][0] >= len(MARKUP_TITLES)


def test_flow_stores_sql_and_markup_titles_verbatim(cycle: dict[str, Any]) -> None:
    titles = {t for (t,) in rows(cycle["db"], "SELECT title FROM documents")}
    assert set(MARKUP_TITLES) <= titles
    [(authors, text)] = rows(cycle["db"], "SELECT authors, text FROM documents WHERE url LIKE ?",
                             "%/articles/hostile.html")
    assert authors == [extract_article(hostile_page().encode()).author]
    assert "<script>alert('x')</script>" in text


@pytest.mark.parametrize(
    ("feed", "expected"),
    [("huge", "body larger than"), ("drip", "timed out after 2 s"), ("laughs", "ill-formed"),
     ("xxe", "ill-formed")],
)
def test_flow_records_each_hostile_feed(cycle: dict[str, Any], feed: str, expected: str) -> None:
    [(error,)] = rows(cycle["db"], "SELECT last_error FROM feeds WHERE name = ?", feed)
    assert expected in (error or "")


def test_flow_never_stores_local_secrets(cycle: dict[str, Any]) -> None:
    leaked = rows(
        cycle["db"],
        "SELECT count(*) FROM documents WHERE text LIKE ? OR title LIKE ? OR text LIKE ?",
        "%MARKER-7f3a%", "%MARKER-7f3a%", "%root:x:0:0%",
    )
    assert leaked == [(0,)]
    assert cycle["server"].hits("/secret-flow") == 0


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://127.0.0.2:9/secret", "127.0.0.2 is a loopback address"),
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("file:/etc/passwd", "unsupported scheme 'file'"),  # httpx's spelling of file:///
        ("http://10.0.0.1/direct", "10.0.0.1 is a private address"),
        ("/drip.html", "timed out after 2 s"),
    ],
)
def test_flow_refuses_article_redirects_to_private_networks(
    cycle: dict[str, Any], target: str, expected: str
) -> None:
    found = rows(cycle["db"], "SELECT outcome, reason FROM fetches WHERE kind = 'article' "
                 "AND url LIKE ?", f"%{target}")
    assert found and all(o == "failed" and expected in (r or "") for o, r in found), found


def test_article_path_survives_hostile_page_bodies() -> None:
    """build_article on junk bodies: no exception, and a summary fallback says why."""
    from extractors.feeds import FeedEntry
    from extractors.ingest import candidate_from_entry

    entry = FeedEntry("g", "http://example.org/x", "t", PARAGRAPH, None, None)
    candidate = candidate_from_entry("hostile", entry)
    deep = b"<div>" * 50_000 + PARAGRAPH.encode() * 3 + b"</div>" * 50_000
    for body in (b"", b"\0" * 10_000, b"\xff\xfe" * 5000, b"<" * 100_000, deep):
        article = bounded(lambda b=body: build_article(candidate, b, entry.link, "text/html",
                                                       None), seconds=5, megabytes=80)
        assert article is not None and article.fallback == "no extractable text on the page"

