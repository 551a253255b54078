"""Reading reference documents from the seed directory and matching them to the manifest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from extractors.analysis import DocumentInput
from extractors.normalise import normalise
from extractors.segment import SectionRule

EXTRACTOR_VERSION = "normalise-1"
SEED_SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass(frozen=True)
class Source:
    """One reference document as the manifest (seeds/sources.toml) describes it."""

    id: str
    title: str
    authors: tuple[str, ...]
    publisher: str
    published: date | None
    kind: str
    url: str
    file: str
    sha256: str
    sections: tuple[SectionRule, ...] = ()


@dataclass
class SeedLoad:
    """Documents ready for analysis, and what the user should be warned about."""

    documents: list[DocumentInput] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 when valid, else windows-1251 when that reads as Cyrillic
    (Belarusian and Russian texts often come so), else windows-1252, else latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    cyrillic = data.decode("cp1251", errors="replace")
    letters = [c for c in cyrillic if c.isalpha()]
    if letters and sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters) > 0.5:
        return cyrillic
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def html_to_text(html: str) -> str:
    """Main text of an HTML document, paragraphs separated by blank lines."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def _first_line_title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return "untitled"


def _document_input(path: Path, data: bytes, source: Source | None) -> DocumentInput:
    raw = decode(data)
    if path.suffix.lower() in (".html", ".htm"):
        raw = html_to_text(raw)
    text = normalise(raw)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if source is None:
        mtime = datetime.fromtimestamp(path.stat().st_mtime).date()
        return DocumentInput(
            doc_id=f"file:{path.name}", kind="reference", text=text, content_sha256=digest,
            extractor_version=EXTRACTOR_VERSION, title=_first_line_title(text),
            published=mtime, source_id=None,
        )
    return DocumentInput(
        doc_id=f"ref:{source.id}", kind="reference", text=text, content_sha256=digest,
        extractor_version=EXTRACTOR_VERSION, title=source.title, authors=source.authors,
        source_id=source.id, publisher=source.publisher or None, url=source.url or None,
        published=source.published, sections=source.sections,
    )


def load_seed_documents(seed_dir: Path, sources: tuple[Source, ...]) -> SeedLoad:
    """Every .txt/.md/.html file of the seed directory; missing or changed files are warned
    about by name, and seeding goes on with what is there."""
    load = SeedLoad()
    files = sorted(p for p in seed_dir.iterdir() if p.suffix.lower() in SEED_SUFFIXES)
    files = [p for p in files if p.name.lower() != "readme.md"]
    present = {p.name for p in files}
    for source in sources:
        if source.file not in present:
            load.warnings.append(f"missing reference document {source.file} ({source.id})")
    by_file = {s.file: s for s in sources}
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            load.warnings.append(f"cannot read {path}: {exc.strerror or exc}")
            continue
        source = by_file.get(path.name)
        if source and source.sha256 and hashlib.sha256(data).hexdigest() != source.sha256:
            load.warnings.append(
                f"{path.name} differs from the catalogued copy of {source.id} (sha256 changed)"
            )
        load.documents.append(_document_input(path, data, source))
    return load
