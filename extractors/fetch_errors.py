"""Per-URL fetch failures and their one-line, credential-free reasons.

Every problem with one URL becomes a ``FetchFailure`` carrying a human reason and a retry
decision, so the batch never fails because one third-party site misbehaves.
"""

from __future__ import annotations

import re
import socket
import ssl

import httpx

from extractors.fetch_types import FetchPolicy

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]*@")
_MAX_REASON = 300


class FetchFailure(Exception):
    """A per-URL failure with a human reason; ``retry`` marks transient ones."""

    def __init__(self, reason: str, *, retry: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.retry_after = retry_after


def redact_url(url: str) -> str:
    """Drop user:password@ from a URL so it can appear in logs and reasons."""
    return _USERINFO.sub(r"\1", url)


def one_line(reason: str) -> str:
    """Make a reason safe to store: no credentials, no newlines, bounded length."""
    text = " ".join(redact_url(reason).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def seconds(value: float) -> str:
    """Format a duration the way reasons print it ("60 s", "0.5 s")."""
    return f"{value:g} s"


def status_line(status: int) -> str:
    """A standard "HTTP 404 Not Found" line (never the server's own, possibly junk, phrase)."""
    phrase = httpx.codes.get_reason_phrase(status)
    return f"HTTP {status} {phrase}" if phrase else f"HTTP {status}"


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


def httpx_failure(exc: httpx.HTTPError, policy: FetchPolicy) -> FetchFailure:
    """Translate an httpx error into a reason and a retry decision."""
    if isinstance(exc, httpx.ConnectTimeout):
        reason = f"connect timed out after {seconds(policy.connect_timeout)}"
        return FetchFailure(reason, retry=True)
    if isinstance(exc, httpx.ReadTimeout):
        return FetchFailure(f"read timed out after {seconds(policy.read_timeout)}", retry=True)
    if isinstance(exc, httpx.WriteTimeout):
        return FetchFailure(f"write timed out after {seconds(policy.read_timeout)}", retry=True)
    if isinstance(exc, httpx.PoolTimeout):
        return FetchFailure("timed out waiting for a free connection", retry=True)
    if isinstance(exc, httpx.ConnectError):
        reason, retry = _connect_reason(exc)
        return FetchFailure(reason, retry=retry)
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchFailure(f"server broke the HTTP exchange: {exc}", retry=True)
    if isinstance(exc, httpx.NetworkError):
        return FetchFailure(f"network error: {type(exc).__name__}: {exc}", retry=True)
    return FetchFailure(f"{type(exc).__name__}: {exc}")
