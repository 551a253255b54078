"""One fetch attempt's HTTP exchanges: redirects followed by hand, every hop vetted and timed.

Following redirects manually lets the SSRF guard see each hop before it is requested, and lets
one wall-clock budget cover the whole chain so slow-drip servers cannot stall a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from extractors.bodies import read_body
from extractors.fetch_errors import FetchFailure, seconds
from extractors.fetch_types import FetchPolicy, FetchRequest
from extractors.netguard import Guard

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Context:
    """Shared state of one ``fetch_all`` run."""

    policy: FetchPolicy
    client: httpx.AsyncClient
    slots: asyncio.Semaphore
    guard: Guard
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
class Hop:
    """The interesting parts of one HTTP exchange."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None


@dataclass
class Trail:
    """Where an attempt got to, so failures can report the last URL, status and headers."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    queued: float = 0.0  # seconds spent waiting for a connection slot, not for the server


def _request_headers(request: FetchRequest) -> dict[str, str]:
    """Conditional-GET validators, so unchanged feeds cost a 304 instead of a body."""
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


async def _send(ctx: Context, request: FetchRequest, url: httpx.URL, trail: Trail) -> Hop:
    """One GET; the body is read only for 2xx, since error pages are of no use."""
    headers = _request_headers(request)
    async with ctx.client.stream("GET", url, headers=headers) as response:
        received = {name.lower(): value for name, value in response.headers.items()}
        trail.status, trail.headers = response.status_code, received
        hop = Hop(str(url), response.status_code, received)
        if response.status_code in REDIRECT_STATUSES:
            hop.location = received.get("location")
        elif 200 <= response.status_code < 300:
            hop.body = await read_body(response, ctx.policy.max_bytes)
        return hop


async def _exchange(
    ctx: Context, request: FetchRequest, url: httpx.URL, trail: Trail, budget: float
) -> Hop:
    """Run one exchange under the remaining wall-clock budget, so slow drips cannot stall us."""
    timed_out = FetchFailure(f"timed out after {seconds(ctx.policy.total_timeout)}", retry=True)
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
        raise FetchFailure(f"invalid redirect location: {exc}") from None


def _parse_url(url: str) -> httpx.URL:
    """Parse a requested URL, turning malformed ones into failures."""
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchFailure(f"invalid URL: {exc}") from None


async def follow(ctx: Context, request: FetchRequest, trail: Trail) -> Hop:
    """Follow redirects by hand, vetting every hop, within one per-attempt time budget."""
    policy = ctx.policy
    url = _parse_url(request.url)
    budget = policy.total_timeout
    for _ in range(policy.max_redirects + 1):
        trail.url = str(url)
        await ctx.guard.check_url(url, policy)
        asked = time.monotonic()
        async with ctx.slot(url.host):
            started = time.monotonic()
            trail.queued += started - asked
            hop = await _exchange(ctx, request, url, trail, budget)
            budget -= time.monotonic() - started
        if hop.location is None:
            return hop
        url = _next_url(url, hop.location)
    raise FetchFailure(f"too many redirects ({policy.max_redirects + 1})")
