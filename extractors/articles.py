"""Article extraction with trafilatura: main text and metadata, without navigation or comments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors.documents import decode

EXTRACTOR_VERSION = "trafilatura-2.3.1/1"
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


def extract_article(body: bytes, url: str | None = None) -> ExtractedArticle:
    """Extract an HTML page. Precision first: comments and tables are left out, because
    reader comments would otherwise be analysed as the outlet's own claims."""
    import trafilatura

    html = decode(body)
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            deduplicate=False,
        )
    except Exception:  # untrusted markup must not stop a run: treat it as "no text"
        document = None
    if document is None:
        return ExtractedArticle("", None, None, None, None, _language(body, None))
    data = document.as_dict()
    lines = (data.get("text") or "").splitlines()
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    return ExtractedArticle(
        text=text if len(text) >= MIN_TEXT_CHARS else "",
        title=data.get("title"),
        author=data.get("author"),
        published=_date(data.get("date")),
        site_name=data.get("sitename") or data.get("hostname"),
        language=_language(body, data.get("language")),
    )
