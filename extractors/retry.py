"""How long to wait before retrying a transient fetch failure (backoff and Retry-After)."""

from __future__ import annotations

import email.utils
import math
import random
from datetime import UTC, datetime

from extractors.fetch_types import FetchPolicy


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


def backoff(policy: FetchPolicy, attempt: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: Retry-After if given, else full-jitter exponential;
    both capped by backoff_max so a hostile header cannot park a worker for hours."""
    if retry_after is not None:
        return min(retry_after, policy.backoff_max)
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0 ** min(attempt - 1, 60))
    return random.uniform(0.0, ceiling)
