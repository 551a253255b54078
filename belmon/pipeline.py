"""Wiring between settings, the catalogue and the analysis backends."""

from __future__ import annotations

from typing import Any

from belmon.catalog import Catalog, load_catalog
from belmon.settings import Settings
from extractors.themes import LexicalThemeClassifier, ThemeClassifier, ThemeSpec


def catalog_for(settings: Settings) -> Catalog:
    return load_catalog(settings.catalog_dir)


def build_classifier(settings: Settings, catalog: Catalog) -> ThemeClassifier:
    """The theme classifier chosen in settings."""
    specs = [ThemeSpec(t.id, t.key_phrases, t.negative_phrases) for t in catalog.themes]
    return LexicalThemeClassifier(specs, catalog.aliases)


def theme_rows(catalog: Catalog) -> list[dict[str, Any]]:
    return [
        {"theme_id": t.id, "label": t.label, "description": t.description,
         "key_phrases": list(t.key_phrases)}
        for t in catalog.themes
    ]


def metric_rows(catalog: Catalog) -> list[dict[str, Any]]:
    return [
        {"metric_id": m.id, "label": m.label, "description": m.description, "unit": m.unit,
         "has_subject": m.has_subject}
        for m in catalog.metrics
    ]
