"""Polite, bounded HTTP fetching of feeds and articles (network only: no database, no Prefect).

Every per-URL problem (HTTP error, timeout, refusal, oversize body, bad redirect, unexpected
exception) becomes a ``FetchResult`` with ``outcome == "failed"`` and a one-line ``reason``;
``fetch_all`` never raises because one of hundreds of third-party URLs misbehaves.

Safety: redirects are followed by hand so that every hop is vetted (scheme, resolved addresses)
before it is requested, and, unless ``allow_private_networks`` is set, the connection itself is
vetted again at connect time, so a DNS answer that changes between the check and the connection
(DNS rebinding) cannot reach an internal address either. Bodies are streamed and bounded both
on the wire and after gzip/deflate decoding, so compression bombs cannot exhaust memory.

This module is the public API and runs the batch; the parts live in ``fetch_types`` (public
types), ``fetch_errors`` (failures and reasons), ``netguard`` (SSRF guard), ``bodies`` (bounded
decoding), ``hops`` (redirects), ``outcomes`` (classification) and ``retry`` (backoff).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from extractors.bodies import ACCEPT_ENCODING
from extractors.fetch_errors import FetchFailure, httpx_failure
from extractors.fetch_errors import one_line as _one_line
from extractors.fetch_errors import redact_url as redact_url
from extractors.fetch_types import DEFAULT_POLICY, FetchPolicy, FetchRequest, FetchResult
from extractors.hops import Context, Trail, follow
from extractors.netguard import Guard, GuardedTransport
from extractors.netguard import address_problem as _address_problem
from extractors.netguard import resolve_host as _resolve
from extractors.outcomes import Attempt, classify, failure_attempt
from extractors.retry import backoff
from extractors.retry import parse_retry_after as parse_retry_after

__all__ = [
    "DEFAULT_POLICY",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "fetch_all",
    "fetch_all_sync",
]

log = logging.getLogger(__name__)


def _guard() -> Guard:
    """Built per run from this module's names, so patching ``fetch._address_problem`` or
    ``fetch._resolve`` (as the tests do) reaches both the pre-check and the connect-time check."""
    return Guard(classify=_address_problem, resolve=_resolve)


async def _attempt(ctx: Context, request: FetchRequest, trail: Trail) -> Attempt:
    """One attempt (all its redirect hops); every exception becomes a failed attempt."""
    try:
        return classify(await follow(ctx, request, trail))
    except FetchFailure as failure:
        return failure_attempt(trail, failure)
    except httpx.HTTPError as exc:
        return failure_attempt(trail, httpx_failure(exc, ctx.policy))
    except Exception as exc:  # one bad URL must never sink the batch
        log.debug("unexpected error fetching %s", redact_url(request.url), exc_info=True)
        return failure_attempt(trail, FetchFailure(f"{type(exc).__name__}: {exc}"))


async def _fetch_one(ctx: Context, request: FetchRequest) -> FetchResult:
    """Fetch one request with retries, returning a result whatever happens."""
    started = time.perf_counter()
    attempts, queued = 0, 0.0
    while True:
        attempts += 1
        trail = Trail(request.url)
        outcome = await _attempt(ctx, request, trail)
        queued += trail.queued
        if not outcome.retry or attempts > ctx.policy.retries:
            break
        delay = backoff(ctx.policy, attempts, outcome.retry_after)
        log.debug("retrying %s in %.2f s: %s", redact_url(request.url), delay, outcome.reason)
        await asyncio.sleep(delay)
    return _result(request, outcome, attempts, started, queued)


def _result(request: FetchRequest, outcome: Attempt, attempts: int, started: float,
            queued: float = 0.0) -> FetchResult:
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
        queued_ms=queued * 1000.0,
    )


async def _run(
    ctx: Context, request: FetchRequest, on_done: Callable[[FetchResult], None] | None
) -> FetchResult:
    """Fetch one request and report it; a failing callback is logged, not propagated."""
    started = time.perf_counter()
    try:
        result = await _fetch_one(ctx, request)
    except Exception as exc:  # last-resort net; _fetch_one should not raise
        failure = FetchFailure(f"internal error: {type(exc).__name__}: {exc}")
        result = _result(request, failure_attempt(Trail(request.url), failure), 1, started)
    if on_done is not None:
        try:
            on_done(result)
        except Exception:  # a caller's callback bug must not abort the batch
            log.exception("on_done callback failed for %s", redact_url(request.url))
    return result


def _client(policy: FetchPolicy, guard: Guard) -> httpx.AsyncClient:
    """One shared client per run: pooled connections, manual redirects, no env proxies."""
    limits = httpx.Limits(
        max_connections=policy.max_concurrency, max_keepalive_connections=policy.max_concurrency
    )
    transport = (
        httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
        if policy.allow_private_networks
        else GuardedTransport(policy, limits, guard)
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
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
    guard = _guard()
    async with _client(policy, guard) as client:
        ctx = Context(policy, client, asyncio.Semaphore(policy.max_concurrency), guard)
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
