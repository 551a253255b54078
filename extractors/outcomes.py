"""Classifying one attempt: a final response or a failure becomes ok / not_modified / failed.

The classification also decides whether the attempt is worth retrying (timeouts, connection
errors, 429 and 5xx) and how long the server asked us to wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.fetch_errors import FetchFailure, status_line
from extractors.hops import REDIRECT_STATUSES, Hop, Trail
from extractors.retry import parse_retry_after


@dataclass
class Attempt:
    """The outcome of one attempt, before it becomes a public FetchResult."""

    url: str
    outcome: str
    status: int | None
    headers: dict[str, str]
    body: bytes | None = None
    reason: str | None = None
    retry: bool = False
    retry_after: float | None = None


def classify(hop: Hop) -> Attempt:
    """Map a final response to ok / not_modified / failed (and whether to retry)."""
    attempt = Attempt(hop.url, "failed", hop.status, hop.headers, reason=status_line(hop.status))
    if 200 <= hop.status < 300:
        attempt.outcome, attempt.body, attempt.reason = "ok", hop.body, None
    elif hop.status == 304:
        attempt.outcome, attempt.reason = "not_modified", None
    elif hop.status == 429 or hop.status >= 500:
        attempt.retry = True
        attempt.retry_after = parse_retry_after(hop.headers.get("retry-after"))
    elif hop.status in REDIRECT_STATUSES:
        attempt.reason += " without a Location header"
    return attempt


def failure_attempt(trail: Trail, failure: FetchFailure) -> Attempt:
    """A failed attempt that still reports where it got to."""
    return Attempt(
        trail.url,
        "failed",
        trail.status,
        trail.headers,
        reason=failure.reason,
        retry=failure.retry,
        retry_after=failure.retry_after,
    )
