"""Article extraction with trafilatura: main text and metadata, without navigation or comments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

EXTRACTOR_VERSION = "trafilatura-2.3.1/2"
HTML_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", re.IGNORECASE)
MIN_TEXT_CHARS = 200


@dataclass(frozen=True)
class ExtractedArticle:
    """Main text and metadata of one page; `text` is empty when nothing could be extracted."""

    text: str
    title: str | None
    author: str | None
    published: date | None
    site_name: str | None
    language: str | None


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _language(body: bytes, detected: str | None) -> str | None:
    if detected:
        return detected[:2].lower()
    match = HTML_LANG.search(body[:4096])
    return match.group(1).decode().lower() if match else None


def _bare(body: bytes, url: str | None, favor_precision: bool) -> dict[str, Any] | None:
    """One trafilatura pass; untrusted markup that makes it fail counts as "no text"."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            body, url=url, with_metadata=True, include_comments=False, include_tables=True,
            favor_precision=favor_precision, deduplicate=False,
        )
    except Exception:  # untrusted markup must not stop a run
        return None
    return document.as_dict() if document is not None else None


def _main_text(data: dict[str, Any] | None) -> str:
    """Paragraphs separated by blank lines; too little text counts as none."""
    lines = ((data or {}).get("text") or "").splitlines()
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    return text if len(text) >= MIN_TEXT_CHARS else ""


def extract_article(body: bytes, url: str | None = None) -> ExtractedArticle:
    """Extract an HTML page. Precision first: comments are left out, because reader comments
    would otherwise be analysed as the outlet's own claims, and favor_precision drops
    boilerplate; when that leaves too little text, trafilatura's balanced mode is tried.
    Tables stay: they carry figures. Bytes go in as they are, so trafilatura detects the charset
    (a windows-1251 page decoded as cp1252 is mojibake). docs/reliability.md has the scores."""
    data = _bare(body, url, favor_precision=True)
    text = _main_text(data)
    if not text:
        data = _bare(body, url, favor_precision=False) or data
        text = _main_text(data)
    if data is None:
        return ExtractedArticle("", None, None, None, None, _language(body, None))
    return ExtractedArticle(
        text=text,
        title=data.get("title"),
        author=data.get("author"),
        published=_date(data.get("date")),
        site_name=data.get("sitename") or data.get("hostname"),
        language=_language(body, data.get("language")),
    )
