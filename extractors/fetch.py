"""Polite, bounded HTTP fetching of feeds and articles (network only: no database, no Prefect).

Every per-URL problem (HTTP error, timeout, refusal, oversize body, bad redirect, unexpected
exception) becomes a ``FetchResult`` with ``outcome == "failed"`` and a one-line ``reason``;
``fetch_all`` never raises because one of hundreds of third-party URLs misbehaves.

Safety: redirects are followed by hand so that every hop is vetted (scheme, resolved addresses)
before it is requested, and, unless ``allow_private_networks`` is set, the connection itself is
vetted again at connect time, so a DNS answer that changes between the check and the connection
(DNS rebinding) cannot reach an internal address either. Bodies are streamed and bounded both
on the wire and after gzip/deflate decoding, so compression bombs cannot exhaust memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import logging
import math
import random
import re
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

__all__ = [
    "DEFAULT_POLICY",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "fetch_all",
    "fetch_all_sync",
]

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_ALLOWED_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT_ENCODING = "gzip, deflate"  # only what _Decoder can bound; never br/zstd
_GZIP_WBITS = zlib.MAX_WBITS | 16
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]*@")
_MAX_REASON = 300
_HINT = "set allow_private_networks to fetch it"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and manners for one ``fetch_all`` run; defaults suit unattended feed polling."""

    user_agent: str = "belmon/0.1 (+https://github.com/belmon-project/belmon)"
    max_concurrency: int = 16
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # wall-clock cap per attempt, defeats slow-drip responses
    max_bytes: int = 5_000_000  # on the wire and after decoding, so gzip bombs are bounded
    max_redirects: int = 5
    retries: int = 3  # extra attempts on timeouts, connection errors, 429 and 5xx only
    backoff_base: float = 0.5
    backoff_max: float = 30.0  # also caps Retry-After
    allow_private_networks: bool = False

    def __post_init__(self) -> None:
        """Reject nonsensical limits early: they are programming errors, not per-URL failures."""
        for name in ("max_concurrency", "per_host"):
            if getattr(self, name) < 1:
                raise ValueError(f"FetchPolicy.{name} must be at least 1")
        for name in ("max_bytes", "max_redirects", "retries", "backoff_base", "backoff_max"):
            if getattr(self, name) < 0:
                raise ValueError(f"FetchPolicy.{name} must not be negative")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be positive")


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators remembered from the previous successful fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    kind: str = "article"  # "feed" or "article"; only informational


@dataclass(frozen=True)
class FetchResult:
    """What happened to one request; ``reason`` is a single credential-free line on failure."""

    request: FetchRequest
    final_url: str
    outcome: str  # "ok", "not_modified" or "failed"
    status_code: int | None
    body: bytes | None  # decoded (gzip/deflate removed); None unless outcome == "ok"
    headers: dict[str, str]  # lower-cased names, as received from the last response
    reason: str | None
    elapsed_ms: float
    attempts: int

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, which parsers need to pick a decoder."""
        return self.headers.get("content-type")

    @property
    def ok(self) -> bool:
        """True when a fresh body was fetched."""
        return self.outcome == "ok"


# --------------------------------------------------------------------------- failures


class _Failure(Exception):
    """A per-URL failure with a human reason; ``retry`` marks transient ones."""

    def __init__(self, reason: str, *, retry: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.retry_after = retry_after


def redact_url(url: str) -> str:
    """Drop user:password@ from a URL so it can appear in logs and reasons."""
    return _USERINFO.sub(r"\1", url)


def _one_line(reason: str) -> str:
    """Make a reason safe to store: no credentials, no newlines, bounded length."""
    text = " ".join(redact_url(reason).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def _seconds(value: float) -> str:
    """Format a duration the way reasons print it ("60 s", "0.5 s")."""
    return f"{value:g} s"


# --------------------------------------------------------------------------- SSRF guard


def _address_problem(ip: IPAddress) -> str | None:
    """Name the kind of non-public address ``ip`` is, or None when it is safe to contact."""
    embedded: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):  # judge a wrapped IPv4 by its own kind first
        embedded[:0] = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    for candidate in embedded:
        for attribute, label in (
            ("is_unspecified", "an unspecified"),
            ("is_loopback", "a loopback"),
            ("is_link_local", "a link-local"),
            ("is_multicast", "a multicast"),
            ("is_reserved", "a reserved"),
            ("is_private", "a private"),
        ):
            if getattr(candidate, attribute):
                return f"{label} address"
        if not candidate.is_global:
            return "a non-public address"
    return None


def _parse_ip(text: str) -> IPAddress | None:
    """Parse a literal IP host (brackets and IPv6 zone ids tolerated), else None."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` the way the connection will, returning every address it may use."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [_parse_ip(str(info[4][0])) for info in infos]
    return list(dict.fromkeys(a for a in addresses if a is not None))


async def _vetted_addresses(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Resolve a host and refuse it if ANY of its addresses is non-public."""
    literal = _parse_ip(host)
    if literal is not None:
        problem = _address_problem(literal)
        if problem:
            raise _Failure(f"refused: {literal} is {problem} ({_HINT})")
        return [literal]
    addresses = await _lookup(host, port, timeout)
    for address in addresses:
        problem = _address_problem(address)
        if problem:
            raise _Failure(f"refused: {host} resolves to {address}, {problem} ({_HINT})")
    return addresses


async def _lookup(host: str, port: int, timeout: float) -> list[IPAddress]:
    """DNS lookup with its own timeout and readable failures (temporary ones are retried)."""
    try:
        async with asyncio.timeout(timeout):
            addresses = await _resolve(host, port)
    except TimeoutError:
        raise _Failure(f"DNS lookup for {host} timed out", retry=True) from None
    except socket.gaierror as exc:
        transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise _Failure(f"could not resolve host {host}: {exc.strerror}", retry=transient) from None
    if not addresses:
        raise _Failure(f"could not resolve host {host}: no addresses")
    return addresses


def _check_scheme(url: httpx.URL) -> None:
    """Only plain web URLs may be fetched: file://, ftp://, gopher:// etc. are refused."""
    if url.scheme not in _ALLOWED_SCHEMES:
        raise _Failure(f"unsupported scheme '{url.scheme}'" if url.scheme else "URL has no scheme")
    if not url.host:
        raise _Failure("URL has no host")


async def _guard_url(url: httpx.URL, policy: FetchPolicy) -> None:
    """Vet one hop before it is requested: scheme always, addresses unless explicitly allowed."""
    _check_scheme(url)
    if not policy.allow_private_networks:
        await _vetted_addresses(url.host, url.port or _default_port(url), policy.connect_timeout)


def _default_port(url: httpx.URL) -> int:
    """The implicit port of an http(s) URL."""
    return 443 if url.scheme == "https" else 80


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to vetted addresses, so a DNS answer changed after the pre-check is moot."""

    def __init__(self, connect_timeout: float) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._connect_timeout = connect_timeout

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and vet ``host``, then connect to the first vetted address that answers."""
        addresses = await _vetted_addresses(host, port, timeout or self._connect_timeout)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are local by definition, hence refused."""
        raise _Failure("refused: unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        """Delegate pool housekeeping sleeps."""
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with connections made through ``_GuardedBackend``."""

    def __init__(self, policy: FetchPolicy, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx 0.28 offers no public hook for the network backend; swap its (unused) pool.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(policy.connect_timeout),
        )


# --------------------------------------------------------------------------- body decoding


class _Inflater:
    """One gzip/deflate layer that never emits more than the remaining byte budget."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._raw_deflate_fallback = coding == "deflate"
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if coding == "deflate" else _GZIP_WBITS)

    def feed(self, data: bytes, budget: int, max_bytes: int) -> bytes:
        """Inflate a chunk; ``max_length`` stops a bomb after budget + 1 bytes."""
        if not data:
            return b""
        try:
            out = self._obj.decompress(data, budget + 1)
        except zlib.error:
            if not self._raw_deflate_fallback:
                raise
            # Some servers send raw deflate without the zlib header (httpx tolerates it too).
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, budget + 1)
        self._raw_deflate_fallback = False
        if len(out) > budget:
            raise _Failure(f"body larger than {max_bytes} bytes (after {self.coding} decoding)")
        return out

    def flush(self, budget: int, max_bytes: int) -> bytes:
        """Emit whatever the decompressor still buffers, within budget."""
        out = self._obj.flush()
        if len(out) > budget:
            raise _Failure(f"body larger than {max_bytes} bytes (after {self.coding} decoding)")
        return out


class _Decoder:
    """Undo a Content-Encoding chain incrementally, bounding every layer's output."""

    def __init__(self, header: str | None, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (header or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise _Failure(f"unsupported content-encoding '{coding}'")
        self._layers = [_Inflater(c) for c in reversed(codings)]
        self._max = max_bytes
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        """Decode one raw chunk and count it against max_bytes."""
        for layer in self._layers:
            data = layer.feed(data, self._max - self.size, self._max)
        return self._count(data)

    def flush(self) -> bytes:
        """Drain the buffered tail of every layer, innermost last."""
        data = b""
        for layer in self._layers:
            budget = self._max - self.size
            data = layer.feed(data, budget, self._max) + layer.flush(budget, self._max)
        return self._count(data)

    def _count(self, data: bytes) -> bytes:
        """Enforce the decoded-size cap (the wire cap is enforced by the reader)."""
        self.size += len(data)
        if self.size > self._max:
            raise _Failure(f"body larger than {self._max} bytes")
        return data


def _check_declared_length(headers: httpx.Headers, max_bytes: int) -> None:
    """Refuse before downloading when the server already admits the body is too big."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Failure(f"body larger than {max_bytes} bytes (Content-Length {int(declared)})")


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """Stream the body, bounded on the wire and after decoding."""
    _check_declared_length(response.headers, max_bytes)
    decoder = _Decoder(response.headers.get("content-encoding"), max_bytes)
    chunks: list[bytes] = []
    wire = 0
    try:
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > max_bytes:
                raise _Failure(f"body larger than {max_bytes} bytes")
            chunks.append(decoder.feed(chunk))
        chunks.append(decoder.flush())
    except zlib.error as exc:
        coding = response.headers.get("content-encoding", "")
        raise _Failure(f"could not decode {coding} body: {exc}") from None
    return b"".join(chunks)


# --------------------------------------------------------------------------- one attempt


@dataclass
class _Context:
    """Shared state of one ``fetch_all`` run."""

    policy: FetchPolicy
    client: httpx.AsyncClient
    slots: asyncio.Semaphore
    host_slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold a per-host slot, then a global one (never holding a global slot while queueing
        for a busy host, so one slow site cannot starve the others)."""
        key = host.lower()
        if key not in self.host_slots:
            self.host_slots[key] = asyncio.Semaphore(self.policy.per_host)
        async with self.host_slots[key], self.slots:
            yield


@dataclass
class _Hop:
    """The interesting parts of one HTTP exchange."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None


@dataclass
class _Trail:
    """Where an attempt got to, so failures can report the last URL, status and headers."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _request_headers(request: FetchRequest) -> dict[str, str]:
    """Conditional-GET validators, so unchanged feeds cost a 304 instead of a body."""
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


async def _send(ctx: _Context, request: FetchRequest, url: httpx.URL, trail: _Trail) -> _Hop:
    """One GET; the body is read only for 2xx, since error pages are of no use."""
    headers = _request_headers(request)
    async with ctx.client.stream("GET", url, headers=headers) as response:
        received = {name.lower(): value for name, value in response.headers.items()}
        trail.status, trail.headers = response.status_code, received
        hop = _Hop(str(url), response.status_code, received)
        if response.status_code in _REDIRECT_STATUSES:
            hop.location = received.get("location")
        elif 200 <= response.status_code < 300:
            hop.body = await _read_body(response, ctx.policy.max_bytes)
        return hop


async def _exchange(
    ctx: _Context, request: FetchRequest, url: httpx.URL, trail: _Trail, budget: float
) -> _Hop:
    """Run one exchange under the remaining wall-clock budget, so slow drips cannot stall us."""
    timed_out = _Failure(f"timed out after {_seconds(ctx.policy.total_timeout)}", retry=True)
    if budget <= 0:
        raise timed_out
    deadline = asyncio.timeout(budget)
    try:
        async with deadline:
            return await _send(ctx, request, url, trail)
    except TimeoutError:
        if deadline.expired():
            raise timed_out from None
        raise


def _next_url(current: httpx.URL, location: str) -> httpx.URL:
    """Resolve a (possibly relative) Location header against the URL that sent it."""
    try:
        return current.join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise _Failure(f"invalid redirect location: {exc}") from None


def _parse_url(url: str) -> httpx.URL:
    """Parse a requested URL, turning malformed ones into failures."""
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _Failure(f"invalid URL: {exc}") from None


async def _follow(ctx: _Context, request: FetchRequest, trail: _Trail) -> _Hop:
    """Follow redirects by hand, vetting every hop, within one per-attempt time budget."""
    policy = ctx.policy
    url = _parse_url(request.url)
    budget = policy.total_timeout
    for _ in range(policy.max_redirects + 1):
        trail.url = str(url)
        await _guard_url(url, policy)
        async with ctx.slot(url.host):
            started = time.monotonic()
            hop = await _exchange(ctx, request, url, trail, budget)
            budget -= time.monotonic() - started
        if hop.location is None:
            return hop
        url = _next_url(url, hop.location)
    raise _Failure(f"too many redirects ({policy.max_redirects + 1})")


# --------------------------------------------------------------------------- classification


@dataclass
class _Attempt:
    """The outcome of one attempt, before it becomes a public FetchResult."""

    url: str
    outcome: str
    status: int | None
    headers: dict[str, str]
    body: bytes | None = None
    reason: str | None = None
    retry: bool = False
    retry_after: float | None = None


def _status_line(status: int) -> str:
    """A standard "HTTP 404 Not Found" line (never the server's own, possibly junk, phrase)."""
    phrase = httpx.codes.get_reason_phrase(status)
    return f"HTTP {status} {phrase}" if phrase else f"HTTP {status}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), else None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _classify(hop: _Hop) -> _Attempt:
    """Map a final response to ok / not_modified / failed (and whether to retry)."""
    attempt = _Attempt(hop.url, "failed", hop.status, hop.headers, reason=_status_line(hop.status))
    if 200 <= hop.status < 300:
        attempt.outcome, attempt.body, attempt.reason = "ok", hop.body, None
    elif hop.status == 304:
        attempt.outcome, attempt.reason = "not_modified", None
    elif hop.status == 429 or hop.status >= 500:
        attempt.retry = True
        attempt.retry_after = parse_retry_after(hop.headers.get("retry-after"))
    elif hop.status in _REDIRECT_STATUSES:
        attempt.reason += " without a Location header"
    return attempt


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (bounded, cycle-safe)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 20:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _connect_reason(exc: httpx.HTTPError) -> tuple[str, bool]:
    """Explain a connection failure in plain words; TLS verification failures are not retried."""
    for cause in _chain(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused", True
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host: {cause.strerror}", True
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed: {cause.verify_message}", False
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause.reason or cause}", True
        if isinstance(cause, ConnectionResetError):
            return "connection reset by peer", True
    return f"connection failed: {exc}", True


def _httpx_failure(exc: httpx.HTTPError, policy: FetchPolicy) -> _Failure:
    """Translate an httpx error into a reason and a retry decision."""
    if isinstance(exc, httpx.ConnectTimeout):
        return _Failure(f"connect timed out after {_seconds(policy.connect_timeout)}", retry=True)
    if isinstance(exc, httpx.ReadTimeout):
        return _Failure(f"read timed out after {_seconds(policy.read_timeout)}", retry=True)
    if isinstance(exc, httpx.WriteTimeout):
        return _Failure(f"write timed out after {_seconds(policy.read_timeout)}", retry=True)
    if isinstance(exc, httpx.PoolTimeout):
        return _Failure("timed out waiting for a free connection", retry=True)
    if isinstance(exc, httpx.ConnectError):
        reason, retry = _connect_reason(exc)
        return _Failure(reason, retry=retry)
    if isinstance(exc, httpx.RemoteProtocolError):
        return _Failure(f"server broke the HTTP exchange: {exc}", retry=True)
    if isinstance(exc, httpx.NetworkError):
        return _Failure(f"network error: {type(exc).__name__}: {exc}", retry=True)
    return _Failure(f"{type(exc).__name__}: {exc}")


def _failure_attempt(trail: _Trail, failure: _Failure) -> _Attempt:
    """A failed attempt that still reports where it got to."""
    return _Attempt(
        trail.url,
        "failed",
        trail.status,
        trail.headers,
        reason=failure.reason,
        retry=failure.retry,
        retry_after=failure.retry_after,
    )


async def _attempt(ctx: _Context, request: FetchRequest) -> _Attempt:
    """One attempt (all its redirect hops); every exception becomes a failed attempt."""
    trail = _Trail(request.url)
    try:
        return _classify(await _follow(ctx, request, trail))
    except _Failure as failure:
        return _failure_attempt(trail, failure)
    except httpx.HTTPError as exc:
        return _failure_attempt(trail, _httpx_failure(exc, ctx.policy))
    except Exception as exc:  # one bad URL must never sink the batch
        log.debug("unexpected error fetching %s", redact_url(request.url), exc_info=True)
        return _failure_attempt(trail, _Failure(f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- retries


def _backoff(policy: FetchPolicy, attempt: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: Retry-After if given, else full-jitter exponential;
    both capped by backoff_max so a hostile header cannot park a worker for hours."""
    if retry_after is not None:
        return min(retry_after, policy.backoff_max)
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0 ** min(attempt - 1, 60))
    return random.uniform(0.0, ceiling)


async def _fetch_one(ctx: _Context, request: FetchRequest) -> FetchResult:
    """Fetch one request with retries, returning a result whatever happens."""
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        outcome = await _attempt(ctx, request)
        if not outcome.retry or attempts > ctx.policy.retries:
            break
        delay = _backoff(ctx.policy, attempts, outcome.retry_after)
        log.debug("retrying %s in %.2f s: %s", redact_url(request.url), delay, outcome.reason)
        await asyncio.sleep(delay)
    return _result(request, outcome, attempts, started)


def _result(request: FetchRequest, outcome: _Attempt, attempts: int, started: float) -> FetchResult:
    """Freeze an internal attempt into the public result type."""
    return FetchResult(
        request=request,
        final_url=outcome.url,
        outcome=outcome.outcome,
        status_code=outcome.status,
        body=outcome.body if outcome.outcome == "ok" else None,
        headers=dict(outcome.headers),
        reason=_one_line(outcome.reason) if outcome.reason else None,
        elapsed_ms=(time.perf_counter() - started) * 1000.0,
        attempts=attempts,
    )


async def _run(
    ctx: _Context, request: FetchRequest, on_done: Callable[[FetchResult], None] | None
) -> FetchResult:
    """Fetch one request and report it; a failing callback is logged, not propagated."""
    started = time.perf_counter()
    try:
        result = await _fetch_one(ctx, request)
    except Exception as exc:  # last-resort net; _fetch_one should not raise
        failure = _Failure(f"internal error: {type(exc).__name__}: {exc}")
        result = _result(request, _failure_attempt(_Trail(request.url), failure), 1, started)
    if on_done is not None:
        try:
            on_done(result)
        except Exception:  # a caller's callback bug must not abort the batch
            log.exception("on_done callback failed for %s", redact_url(request.url))
    return result


# --------------------------------------------------------------------------- public API


def _client(policy: FetchPolicy) -> httpx.AsyncClient:
    """One shared client per run: pooled connections, manual redirects, no env proxies."""
    limits = httpx.Limits(
        max_connections=policy.max_concurrency, max_keepalive_connections=policy.max_concurrency
    )
    transport = (
        httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
        if policy.allow_private_networks
        else _GuardedTransport(policy, limits)
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": policy.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
        timeout=httpx.Timeout(
            connect=policy.connect_timeout,
            read=policy.read_timeout,
            write=policy.read_timeout,
            pool=policy.connect_timeout,
        ),
    )


async def fetch_all(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy = DEFAULT_POLICY,
    on_done: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch every request concurrently (politely bounded); results come back in request order.

    ``on_done`` is called with each result as soon as it is ready (completion order).
    """
    if not requests:
        return []
    async with _client(policy) as client:
        ctx = _Context(policy, client, asyncio.Semaphore(policy.max_concurrency))
        return list(await asyncio.gather(*(_run(ctx, r, on_done) for r in requests)))


def fetch_all_sync(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy = DEFAULT_POLICY,
    on_done: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Blocking ``fetch_all``; inside a running event loop it runs in a worker thread instead
    (``asyncio.run`` cannot nest), in which case ``on_done`` is called from that thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(fetch_all(requests, policy, on_done))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="belmon-fetch") as pool:
        return pool.submit(lambda: asyncio.run(fetch_all(requests, policy, on_done))).result()
