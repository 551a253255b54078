"""What analysis needs from the warehouse and the evaluation set, shared by the CLI and learning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from belmon.catalog import Catalog
from belmon.errors import BelmonError
from belmon.settings import Settings


class AnalysisError(BelmonError):
    """Bad evaluation data or an analysis backend that cannot run."""


@dataclass(frozen=True)
class Knowledge:
    """What the warehouse contributes to analysis: known claims and theme prototypes."""

    claims: list[tuple[str, str, date | None]]
    recommendations: list[tuple[str, str, date | None]]
    prototypes: list[tuple[str, str, list[str]]]


def read_knowledge(path: Path, lock_timeout: float) -> Knowledge:
    """Known claims, recommendations and prototypes, over one read-only connection."""
    from warehouse import analysis as queries
    from warehouse import db as warehouse_db

    with warehouse_db.reader(path, lock_timeout) as conn:
        return Knowledge(
            queries.known_claims(conn), queries.known_recommendations(conn),
            queries.prototype_rows(conn),
        )


def claim_index(knowledge: Knowledge, catalog: Catalog) -> Any:
    """Novelty index over the warehouse's claims; recommendations count as known statements."""
    from belmon.pipeline import claim_index as build_index

    return build_index(knowledge.claims, knowledge.recommendations, catalog.aliases)


def classifier_for(settings: Settings, catalog: Catalog, knowledge: Knowledge) -> Any:
    """The configured theme classifier with prototypes from the warehouse."""
    from belmon.pipeline import build_classifier
    from extractors.themes import prototypes_from_rows
    from extractors.themes_embeddings import EmbeddingsUnavailable

    try:
        return build_classifier(settings, catalog, prototypes_from_rows(knowledge.prototypes))
    except EmbeddingsUnavailable as exc:
        raise AnalysisError(str(exc)) from exc


def replace_backend(settings: Settings, backend: str) -> Settings:
    return settings.model_copy(update={"classifier": backend})


def read_eval(folder: Path, name: str) -> list[dict[str, Any]]:
    """One file of the evaluation set, parsed."""
    from extractors.evaluation import parse_records

    path = folder / f"{name}.jsonl"
    try:
        with path.open(encoding="utf-8") as handle:
            return parse_records(handle, str(path))
    except FileNotFoundError:
        raise AnalysisError(f"missing evaluation file {path}") from None
    except ValueError as exc:
        raise AnalysisError(str(exc)) from exc



def select_tune(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from extractors.evaluation import select_split

    return select_split(records, "tune")

