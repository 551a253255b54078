"""Wiring between settings, the catalogue and the analysis backends."""

from __future__ import annotations

from typing import Any

from belmon.catalog import Catalog, load_catalog
from belmon.settings import Settings
from extractors.fetch import FetchPolicy
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


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetcher's limits, from settings."""
    return FetchPolicy(
        user_agent=f"{settings.user_agent} (+{settings.contact_url})",
        max_concurrency=settings.max_concurrency,
        per_host=settings.per_host,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        total_timeout=settings.total_timeout,
        max_bytes=settings.max_bytes,
        max_redirects=settings.max_redirects,
        retries=settings.retries,
        backoff_base=settings.backoff_base,
        backoff_max=settings.backoff_max,
        allow_private_networks=settings.allow_private_networks,
    )
