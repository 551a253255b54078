"""Canonical URLs: one identity per article, whatever tracking parameters a feed adds."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

TRACKING_PREFIXES = ("utm_", "mc_", "fbclid", "gclid", "yclid", "_hs", "mkt_tok", "ref_src")


def canonical_url(url: str) -> str:
    """Lower-case host, no default port, no fragment, no tracking parameters, https scheme.

    The scheme is folded to https because feeds mix http and https links to the same page;
    the canonical form is an identity, the original URL is still what gets fetched.
    """
    url = url.strip()
    try:
        normalised = normalize_url(url, strict=True)
    except Exception:  # courlan raises various errors on junk; fall back to the raw form
        normalised = url
    parts = urlsplit(normalised)
    query = "&".join(
        p for p in parts.query.split("&") if p and not p.lower().startswith(TRACKING_PREFIXES)
    )
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", query, ""))


def article_id(canonical: str) -> str:
    """Stable document id of an article: derived from its canonical URL."""
    return "art:" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def redact_url(url: str) -> str:
    """The URL without user:password, for logs and error messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
