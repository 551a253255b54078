"""The public value types of ``extractors.fetch``: what to fetch, how politely, and what came back.

They live apart from the fetching machinery so every fetch module can share them without import
cycles; import them from ``extractors.fetch``.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    queued_ms: float = 0.0  # part of elapsed_ms spent waiting for a connection slot

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, which parsers need to pick a decoder."""
        return self.headers.get("content-type")

    @property
    def ok(self) -> bool:
        """True when a fresh body was fetched."""
        return self.outcome == "ok"
