"""Wiring between settings, the catalogue and the analysis backends."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from belmon.catalog import Catalog, load_catalog
from belmon.errors import ConfigError
from belmon.settings import Settings
from extractors.fetch import FetchPolicy
from extractors.novelty import FACTS_VERSION, ClaimIndex
from extractors.theme_terms import load_term_model
from extractors.themes import (
    LexicalThemeClassifier,
    Prototype,
    ThemeClassifier,
    ThemeModel,
    ThemeSpec,
    theme_model_from_toml,
    with_model,
)
from warehouse.claim_facts import fingerprint

LEXICON_FILE = "theme_lexicon.toml"
THRESHOLDS_FILE = "theme_thresholds.toml"
TERMS_FILE = "theme_terms.json"  # the learned term model of the lexical backend
VECTORS_FILE = "theme_vectors.json"  # the learned vector model of the embeddings backend


def catalog_for(settings: Settings) -> Catalog:
    return load_catalog(settings.catalog_dir)


def load_theme_model(folder: Path, backend: str = "lexical") -> ThemeModel:
    """The lexicon and the learned thresholds of one backend; missing files mean defaults."""
    lexicon = _read_optional_toml(folder / LEXICON_FILE)
    learned = _read_optional_toml(folder / THRESHOLDS_FILE).get(backend, {})
    try:
        model = theme_model_from_toml(lexicon, learned)
        terms = load_term_model(folder / TERMS_FILE) if backend == "lexical" else None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"malformed theme model in {folder}: {exc!r}") from exc
    return replace(model, terms=terms)


def _read_optional_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def theme_specs(catalog: Catalog, model: ThemeModel) -> list[ThemeSpec]:
    """The catalogue's themes with the backend's cues and thresholds."""
    specs = [
        ThemeSpec(t.id, t.key_phrases, t.negative_phrases, t.description)
        for t in catalog.themes
    ]
    return with_model(specs, model)


def build_classifier(
    settings: Settings,
    catalog: Catalog,
    prototypes: Mapping[str, Sequence[Prototype | str]] | None = None,
) -> ThemeClassifier:
    """The theme classifier chosen in settings; prototypes come from the warehouse when given.

    Without prototypes (an empty warehouse) the themes' own words in themes.toml and the
    lexicon are all the classifier knows.
    """
    model = load_theme_model(settings.catalog_dir, settings.classifier)
    specs = theme_specs(catalog, model)
    if settings.classifier == "embeddings":
        from extractors.themes_embeddings import EmbeddingThemeClassifier, EmbeddingWeights

        learned = _read_optional_toml(settings.catalog_dir / THRESHOLDS_FILE)
        weights = EmbeddingWeights.from_mapping(
            learned.get("embeddings", {}).get("weights", {}))
        lexical = None
        if weights.lexical_weight:  # the hybrid adds the lexical backend's score
            lexical_model = load_theme_model(settings.catalog_dir, "lexical")
            lexical = LexicalThemeClassifier(
                theme_specs(catalog, lexical_model), catalog.aliases, 0.0, prototypes,
                lexical_model.global_negatives, lexical_model.weights, lexical_model.terms,
            )
        return EmbeddingThemeClassifier(
            specs, catalog.aliases, embedding_model_path(settings.embedding_model),
            threshold=settings.theme_threshold, prototypes=prototypes,
            global_negatives=model.global_negatives, weights=weights, lexical=lexical,
            vectors=_vector_model(settings),
        )
    return LexicalThemeClassifier(
        specs, catalog.aliases, settings.theme_threshold, prototypes,
        model.global_negatives, model.weights, model.terms,
    )


def _vector_model(settings: Settings) -> Any:
    from extractors.theme_vectors import load_vector_model

    try:
        return load_vector_model(settings.catalog_dir / VECTORS_FILE, settings.embedding_model)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def embedding_model_path(name: str) -> str:
    """A local model directory: the path given, else the one the gt-* package ships."""
    from extractors.themes_embeddings import locate_model

    return locate_model(name)


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


def fetch_policy(settings: Settings, for_feeds: bool = False) -> FetchPolicy:
    """The fetcher's limits, from settings. Feeds get `feed_retries`: a failing feed is asked
    again next cycle anyway, and retrying within the cycle delays every cycle."""
    return FetchPolicy(
        user_agent=f"{settings.user_agent} (+{settings.contact_url})",
        max_concurrency=settings.max_concurrency,
        per_host=settings.per_host,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        total_timeout=settings.total_timeout,
        max_bytes=settings.max_bytes,
        max_redirects=settings.max_redirects,
        retries=settings.feed_retries if for_feeds else settings.retries,
        backoff_base=settings.backoff_base,
        backoff_max=settings.backoff_max,
        allow_private_networks=settings.allow_private_networks,
    )


def claim_index(claims: Sequence[tuple[str, str, Any]],
                recommendations: Sequence[tuple[str, str, Any]],
                aliases: Mapping[str, list[str]], parsed: Mapping | None = None) -> ClaimIndex:
    """Novelty index over the warehouse's claims, each dated by its document; seeded
    recommendations count as known (prescriptive) statements. `belmon analyze`, `belmon eval`
    and the monitoring cycle all judge against this same index."""
    dates = {row[0]: row[2] for row in [*claims, *recommendations] if row[2]}
    return ClaimIndex([(i, t) for i, t, _ in claims], aliases, dates,
                      recommendations=[(i, t) for i, t, _ in recommendations], parsed=parsed)


def claim_facts_key(catalog: Catalog) -> str:
    """The key of cached claim facts: the parser's version and the alias table."""
    return fingerprint(FACTS_VERSION, catalog.aliases)
