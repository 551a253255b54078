"""extractors.fetch against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from extractors import fetch
from extractors.fetch import (
    FetchPolicy,
    FetchRequest,
    FetchResult,
    fetch_all,
    fetch_all_sync,
    parse_retry_after,
    redact_url,
)
from tests.support.httpserver import LocalServer, Route, free_port

# Local tests must opt in to private networks (the server is on loopback); tiny backoffs keep
# the suite fast.
FAST = FetchPolicy(
    allow_private_networks=True,
    retries=2,
    backoff_base=0.01,
    backoff_max=0.05,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
)


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


def fetch_one(url: str, policy: FetchPolicy = FAST, **request: str) -> FetchResult:
    """Fetch a single URL synchronously."""
    [result] = fetch_all_sync([FetchRequest(url, **request)], policy)
    return result


def port_of(server: LocalServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


# --------------------------------------------------------------------------- success paths


def test_ok_returns_body_headers_and_metadata(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"}))
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert result.status_code == 200
    assert result.body == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    assert result.headers["content-length"] == "6"  # names lower-cased
    assert result.reason is None
    assert result.attempts == 1
    assert result.final_url == url
    assert result.elapsed_ms > 0


def test_user_agent_and_accept_encoding_sent(server: LocalServer) -> None:
    url = server.route("/ua", Route(body=b"x"))
    fetch_one(url, replace(FAST, user_agent="belmon-test/9"))
    [(_, headers)] = server.requests
    assert headers["user-agent"] == "belmon-test/9"
    assert headers["accept-encoding"] == "gzip, deflate"


def test_gzip_response_is_decoded(server: LocalServer) -> None:
    body = b"<feed>" + b"Minsk " * 1000 + b"</feed>"
    url = server.route("/gz", Route(body=body, gzip=True))
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert result.body == body
    assert result.headers["content-encoding"] == "gzip"


def test_conditional_get_not_modified(server: LocalServer) -> None:
    url = server.route("/feed", Route(body=b"<rss/>", etag="v1", last_modified="Wed, 01 Oct 2025"))
    first = fetch_one(url)
    assert first.outcome == "ok"
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    second = fetch_one(url, etag=etag, last_modified=modified)
    assert second.outcome == "not_modified"
    assert second.status_code == 304
    assert second.body is None
    assert second.reason is None
    sent = server.requests[-1][1]
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == modified


def test_results_in_request_order_and_on_done_called(server: LocalServer) -> None:
    urls = [
        server.route("/slow", Route(body=b"slow", delay=0.3)),
        server.route("/missing", Route(status=404)),
        server.route("/fast", Route(body=b"fast")),
        "file:///etc/passwd",
    ]
    seen: list[str] = []
    results = fetch_all_sync(
        [FetchRequest(u) for u in urls], FAST, on_done=lambda r: seen.append(r.request.url)
    )
    assert [r.request.url for r in results] == urls
    assert [r.outcome for r in results] == ["ok", "failed", "ok", "failed"]
    assert sorted(seen) == sorted(urls)
    assert seen[-1] == urls[0]  # on_done fires in completion order: the slow one last


def test_failing_callback_does_not_sink_the_batch(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"x"))

    def explode(_: FetchResult) -> None:
        raise RuntimeError("callback bug")

    results = fetch_all_sync([FetchRequest(url), FetchRequest(url)], FAST, on_done=explode)
    assert [r.outcome for r in results] == ["ok", "ok"]


def test_empty_batch() -> None:
    assert fetch_all_sync([], FAST) == []


def test_sync_wrapper_works_inside_a_running_loop(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"x"))

    async def framework_code() -> list[FetchResult]:
        return fetch_all_sync([FetchRequest(url)], FAST)

    [result] = asyncio.run(framework_code())
    assert result.body == b"x"


def test_async_api(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"x"))
    [result] = asyncio.run(fetch_all([FetchRequest(url)], FAST))
    assert result.outcome == "ok"


def test_per_host_limit_serialises_requests(server: LocalServer) -> None:
    urls = [server.route(f"/d{i}", Route(body=b"x", delay=0.2)) for i in range(3)]
    started = time.perf_counter()
    results = fetch_all_sync([FetchRequest(u) for u in urls], replace(FAST, per_host=1))
    assert all(r.outcome == "ok" for r in results)
    assert time.perf_counter() - started >= 0.55


def test_waiting_for_a_slot_is_told_apart_from_the_server_time(server: LocalServer) -> None:
    """A feed queued behind a slow one of its host is not slow itself: the cycle orders
    feeds by their own response time (elapsed minus queued)."""
    slow = server.route("/slow", Route(body=b"x", delay=0.4))
    quick = server.route("/quick", Route(body=b"x"))
    first, second = fetch_all_sync([FetchRequest(slow), FetchRequest(quick)],
                                   replace(FAST, per_host=1))
    assert first.queued_ms < 100 and first.elapsed_ms >= 400
    assert second.queued_ms >= 300
    assert second.elapsed_ms - second.queued_ms < 200


# --------------------------------------------------------------------------- HTTP failures


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone")]
)
def test_client_errors_fail_without_retry(server: LocalServer, status: int, reason: str) -> None:
    url = server.route("/gone", Route(status=status, body=b"nope"))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.status_code == status
    assert result.reason == reason
    assert result.body is None
    assert result.attempts == 1
    assert server.hits("/gone") == 1


def test_server_error_retried_then_failed(server: LocalServer) -> None:
    url = server.route("/boom", Route(status=500))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == "HTTP 500 Internal Server Error"
    assert result.attempts == 1 + FAST.retries
    assert server.hits("/boom") == 1 + FAST.retries


def test_503_honours_retry_after_then_succeeds(server: LocalServer) -> None:
    route = Route(body=b"ok", fail_times=1, fail_status=503, headers={"Retry-After": "1"})
    url = server.route("/busy", route)
    policy = replace(FAST, backoff_max=5.0)
    started = time.perf_counter()
    result = fetch_one(url, policy)
    assert result.outcome == "ok"
    assert result.body == b"ok"
    assert result.attempts == 2
    assert server.hits("/busy") == 2
    assert time.perf_counter() - started >= 0.95  # waited for Retry-After, not backoff_base


def test_retry_after_is_capped_by_backoff_max(server: LocalServer) -> None:
    route = Route(body=b"ok", fail_times=1, fail_status=503, headers={"Retry-After": "3600"})
    url = server.route("/busy", route)
    started = time.perf_counter()
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert time.perf_counter() - started < 2


def test_429_is_retried(server: LocalServer) -> None:
    url = server.route("/limited", Route(body=b"ok", fail_times=1, fail_status=429))
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert result.attempts == 2


def test_429_every_time_fails_with_last_reason(server: LocalServer) -> None:
    url = server.route("/limited", Route(fail_times=99, fail_status=429))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == "HTTP 429 Too Many Requests"
    assert server.hits("/limited") == 1 + FAST.retries


# --------------------------------------------------------------------------- network failures


def test_read_timeout(server: LocalServer) -> None:
    url = server.route("/sleepy", Route(body=b"late", delay=2.0))
    result = fetch_one(url, replace(FAST, read_timeout=0.3, retries=1))
    assert result.outcome == "failed"
    assert "timed out" in result.reason
    assert result.attempts == 2
    assert server.hits("/sleepy") == 2


def test_slow_drip_bounded_by_total_timeout(server: LocalServer) -> None:
    url = server.route("/drip", Route(body=b"<rss>", drip=0.05, drip_forever=True))
    policy = replace(FAST, read_timeout=1.0, total_timeout=0.5, retries=0)
    started = time.perf_counter()
    result = fetch_one(url, policy)
    assert result.outcome == "failed"
    assert result.reason == "timed out after 0.5 s"
    assert time.perf_counter() - started < 2


def test_connection_refused() -> None:
    result = fetch_one(f"http://127.0.0.1:{free_port()}/feed", replace(FAST, retries=1))
    assert result.outcome == "failed"
    assert result.reason == "connection refused"
    assert result.status_code is None
    assert result.attempts == 2


# --------------------------------------------------------------------------- size limits


def test_content_length_over_max_bytes(server: LocalServer) -> None:
    url = server.route("/big", Route(body=b"x" * 5000))
    result = fetch_one(url, replace(FAST, max_bytes=1000))
    assert result.outcome == "failed"
    assert "body larger than 1000 bytes" in result.reason
    assert result.body is None
    assert result.attempts == 1  # not retried


def test_streamed_body_over_max_bytes_without_content_length(server: LocalServer) -> None:
    url = server.route("/endless", Route(body=b"y" * 4096, drip=0.0, drip_forever=True))
    result = fetch_one(url, replace(FAST, max_bytes=100_000))
    assert result.outcome == "failed"
    assert result.reason == "body larger than 100000 bytes"


def test_gzip_bomb_aborted_by_max_bytes(server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    url = server.route("/bomb", Route(body=bomb, headers={"Content-Encoding": "gzip"}))
    started = time.perf_counter()
    result = fetch_one(url, replace(FAST, max_bytes=1_000_000))
    assert result.outcome == "failed"
    assert "body larger than 1000000 bytes" in result.reason
    assert time.perf_counter() - started < 3


def test_body_at_exactly_max_bytes_is_accepted(server: LocalServer) -> None:
    url = server.route("/exact", Route(body=b"z" * 1000, gzip=True))
    result = fetch_one(url, replace(FAST, max_bytes=1000))
    assert result.outcome == "ok"
    assert len(result.body) == 1000


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [("deflate", zlib.compress), ("deflate", _raw_deflate), ("x-gzip", gzip.compress)],
)
def test_other_content_encodings_decoded(server: LocalServer, encoding: str, encode) -> None:
    body = b"<html>" + b"Lukashenka " * 500 + b"</html>"
    url = server.route("/z", Route(body=encode(body), headers={"Content-Encoding": encoding}))
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert result.body == body


def test_unsupported_content_encoding_fails(server: LocalServer) -> None:
    url = server.route("/br", Route(body=b"\x1b\x00", headers={"Content-Encoding": "br"}))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == "unsupported content-encoding 'br'"


def test_corrupt_gzip_fails_cleanly(server: LocalServer) -> None:
    url = server.route("/bad", Route(body=b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason.startswith("could not decode gzip body")


# --------------------------------------------------------------------------- redirects


def test_relative_redirect_followed(server: LocalServer) -> None:
    target = server.route("/new", Route(body=b"moved here"))
    url = server.route("/old", Route(status=301, redirect_to="/new"))
    result = fetch_one(url)
    assert result.outcome == "ok"
    assert result.body == b"moved here"
    assert result.final_url == target
    assert server.hits("/old") == server.hits("/new") == 1


def test_redirect_keeps_conditional_headers(server: LocalServer) -> None:
    server.route("/new", Route(body=b"x", etag="v2"))
    url = server.route("/old", Route(redirect_to="/new"))
    result = fetch_one(url, etag='"v2"')
    assert result.outcome == "not_modified"


def test_redirect_loop_is_too_many_redirects(server: LocalServer) -> None:
    server.route("/a", Route(redirect_to="/b"))
    url = server.route("/b", Route(redirect_to="/a"))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == f"too many redirects ({FAST.max_redirects + 1})"
    assert result.attempts == 1
    assert server.hits("/a") + server.hits("/b") == FAST.max_redirects + 1


def test_redirect_to_file_scheme_refused(server: LocalServer) -> None:
    url = server.route("/evil", Route(redirect_to="file:///etc/passwd"))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == "unsupported scheme 'file'"
    assert result.status_code == 302
    assert result.final_url.startswith("file:")


def test_redirect_without_location_fails(server: LocalServer) -> None:
    url = server.route("/nowhere", Route(status=302))
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == "HTTP 302 Found without a Location header"


# --------------------------------------------------------------------------- SSRF guard


def test_loopback_refused_by_default(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"secret"))
    result = fetch_one(url, replace(FAST, allow_private_networks=False))
    assert result.outcome == "failed"
    assert "loopback" in result.reason
    assert "allow_private_networks" in result.reason
    assert result.attempts == 1
    assert server.hits("/a") == 0


def test_loopback_allowed_when_policy_says_so(server: LocalServer) -> None:
    url = server.route("/a", Route(body=b"fine"))
    assert fetch_one(url, replace(FAST, allow_private_networks=True)).body == b"fine"


def test_hostname_resolving_to_loopback_refused(server: LocalServer) -> None:
    server.route("/a", Route(body=b"secret"))
    url = f"http://localhost:{port_of(server)}/a"
    result = fetch_one(url, replace(FAST, allow_private_networks=False))
    assert result.outcome == "failed"
    assert "localhost resolves to" in result.reason
    assert "loopback" in result.reason
    assert server.hits("/a") == 0


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "0.0.0.0", "2130706433"])
def test_obfuscated_loopback_hosts_refused(server: LocalServer, host: str) -> None:
    server.route("/a", Route(body=b"secret"))
    result = fetch_one(
        f"http://{host}:{port_of(server)}/a", replace(FAST, allow_private_networks=False)
    )
    assert result.outcome == "failed"
    assert result.reason.startswith("refused:")
    assert server.hits("/a") == 0


def test_redirect_to_metadata_address_refused(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every hop is vetted: a public-looking start cannot bounce us to 169.254.169.254."""
    real = fetch._address_problem
    server_ip = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(fetch, "_address_problem", lambda ip: None if ip == server_ip else real(ip))
    url = server.route("/hop", Route(redirect_to="http://169.254.169.254/latest/meta-data/"))
    result = fetch_one(url, replace(FAST, allow_private_networks=False))
    assert server.hits("/hop") == 1
    assert result.outcome == "failed"
    assert "169.254.169.254 is a link-local address" in result.reason


def test_guarded_connections_still_fetch(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connect-time guard (used whenever private networks are refused) really connects."""
    monkeypatch.setattr(fetch, "_address_problem", lambda ip: None)
    server.route("/a", Route(body=b"through the guard"))
    result = fetch_one(
        f"http://localhost:{port_of(server)}/a", replace(FAST, allow_private_networks=False)
    )
    assert result.outcome == "ok"
    assert result.body == b"through the guard"
    assert server.requests[0][1]["host"] == f"localhost:{port_of(server)}"


def test_dns_rebinding_caught_at_connect_time(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that looks public at check time but loopback at connect time is still refused."""
    answers = iter([[ipaddress.ip_address("93.184.216.34")]])

    async def rebinding(host: str, port: int) -> list:
        return next(answers, [ipaddress.ip_address("127.0.0.1")])

    monkeypatch.setattr(fetch, "_resolve", rebinding)
    server.route("/a", Route(body=b"secret"))
    result = fetch_one(
        f"http://rebind.test:{port_of(server)}/a", replace(FAST, allow_private_networks=False)
    )
    assert result.outcome == "failed"
    assert "rebind.test resolves to 127.0.0.1, a loopback address" in result.reason
    assert server.hits("/a") == 0


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.1.2.3", "a private address"),
        ("10.0.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd00::1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a non-public address"),
        ("2002:7f00:1::", "a loopback address"),  # 6to4 wrapping 127.0.0.1
        ("93.184.216.34", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_classification(address: str, kind: str | None) -> None:
    assert fetch._address_problem(ipaddress.ip_address(address)) == kind


# --------------------------------------------------------------------------- odds and ends


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/feed", "unsupported scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("example.org/feed", "URL has no scheme"),
        ("http:///feed", "URL has no host"),
    ],
)
def test_bad_urls_fail_cleanly(url: str, reason: str) -> None:
    result = fetch_one(url)
    assert result.outcome == "failed"
    assert result.reason == reason
    assert result.attempts == 1


def test_credentials_never_in_reasons(server: LocalServer) -> None:
    url = f"http://alice:s3cr3t@localhost:{port_of(server)}/a"
    result = fetch_one(url, replace(FAST, allow_private_networks=False))
    assert result.outcome == "failed"
    assert "s3cr3t" not in result.reason
    assert (
        redact_url("see https://alice:s3cr3t@example.org/x now") == "see https://example.org/x now"
    )
    assert fetch._one_line("boom at http://u:p@h/x\nline two") == "boom at http://h/x line two"


def test_parse_retry_after() -> None:
    now = datetime(2025, 10, 1, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 Oct 2025 08:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 Oct 2025 07:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="per_host"):
        FetchPolicy(per_host=0)
    with pytest.raises(ValueError, match="total_timeout"):
        FetchPolicy(total_timeout=0)
