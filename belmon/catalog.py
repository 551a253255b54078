"""The curated catalogue in seeds/: reference-document manifest, themes, metrics, aliases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from belmon.errors import ConfigError
from extractors.documents import Source
from extractors.figures import MetricSpec, metrics_from_toml
from extractors.segment import SectionRule


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    key_phrases: tuple[str, ...]
    negative_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Everything curated by hand that analysis and seeding rely on."""

    sources: tuple[Source, ...]
    themes: tuple[Theme, ...]
    metrics: tuple[MetricSpec, ...]
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def source_for_file(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.file == name), None)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"missing catalogue file {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _source(entry: dict) -> Source:
    sections = tuple(
        SectionRule(
            heading=s["heading"],
            authors=tuple(s.get("authors", ())),
            prefix=s.get("match", "exact") == "prefix",
            skip=bool(s.get("skip", False)),
        )
        for s in entry.get("section", [])
    )
    published = entry.get("published")
    return Source(
        id=entry["id"],
        title=entry["title"],
        authors=tuple(entry.get("authors", ())),
        publisher=entry.get("publisher", ""),
        published=date.fromisoformat(str(published)) if published else None,
        kind=entry.get("kind", "document"),
        url=entry.get("url", ""),
        file=entry["file"],
        sha256=entry.get("sha256", ""),
        sections=sections,
    )


def _theme(entry: dict) -> Theme:
    return Theme(
        id=entry["id"],
        label=entry["label"],
        description=entry["description"],
        key_phrases=tuple(entry.get("key_phrases", ())),
        negative_phrases=tuple(entry.get("negative_phrases", ())),
    )


def load_catalog(folder: Path) -> Catalog:
    """Read sources.toml, themes.toml and metrics.toml; a malformed file names itself."""
    sources_data = _read_toml(folder / "sources.toml")
    themes_data = _read_toml(folder / "themes.toml")
    metrics_data = _read_toml(folder / "metrics.toml")
    try:
        return Catalog(
            sources=tuple(_source(e) for e in sources_data.get("source", [])),
            themes=tuple(_theme(e) for e in themes_data.get("theme", [])),
            metrics=tuple(metrics_from_toml(metrics_data)),
            aliases=dict(themes_data.get("aliases", {})),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"malformed catalogue in {folder}: {exc!r}") from exc
