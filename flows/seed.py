"""The `seed-warehouse` flow: reference documents -> passages, themes, claims, figures."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from belmon.catalog import Catalog
from belmon.errors import BelmonError
from belmon.pipeline import build_classifier, catalog_for, metric_rows, theme_rows
from belmon.settings import Settings, load_settings
from extractors.analysis import ANALYSIS_VERSION, DocumentAnalysis, analyse_document
from extractors.documents import SeedLoad, load_seed_documents
from warehouse import db, writers
from warehouse.status import table_counts


@task(name="load-seed-documents", cache_policy=NO_CACHE)
def load_documents(settings: Settings, catalog: Catalog) -> SeedLoad:
    if not settings.seed_dir.is_dir():
        raise BelmonError(f"seed directory {settings.seed_dir} does not exist")
    return load_seed_documents(settings.seed_dir, catalog.sources)


@task(name="analyse-documents", cache_policy=NO_CACHE)
def analyse_documents(
    settings: Settings, catalog: Catalog, load: SeedLoad, stored: dict[str, tuple[str, str]]
) -> list[DocumentAnalysis]:
    """Analyse only documents whose text or analysis version changed since the last seed."""
    classifier = build_classifier(settings, catalog)
    now = datetime.now()
    return [
        analyse_document(doc, classifier, catalog.metrics, ingested_at=now)
        for doc in load.documents
        if stored.get(doc.doc_id) != (doc.content_sha256, ANALYSIS_VERSION)
    ]


@task(name="read-document-versions", cache_policy=NO_CACHE)
def read_versions(settings: Settings) -> dict[str, tuple[str, str]]:
    with db.writer(settings.db, settings.lock_timeout) as conn:
        return writers.document_versions(conn)


@task(name="write-seed", cache_policy=NO_CACHE)
def write_seed(
    settings: Settings, catalog: Catalog, analyses: list[DocumentAnalysis], counts: dict[str, Any]
) -> dict[str, int]:
    run_id = f"seed-{uuid.uuid4().hex[:12]}"
    with db.writer(settings.db, settings.lock_timeout) as conn:
        writers.start_run(conn, run_id, "seed-warehouse")
        writers.sync_catalog(conn, theme_rows(catalog), metric_rows(catalog))
        writers.replace_documents(conn, analyses)
        tables = table_counts(conn)
        writers.finish_run(conn, run_id, "completed", counts | {"tables": tables})
    return tables


@flow(name="seed-warehouse")
def seed_warehouse(db_path: str | None = None, seed_dir: str | None = None) -> dict[str, Any]:
    """Seed the warehouse from the reference documents; re-running changes nothing."""
    logger = get_run_logger()
    settings = load_settings(db=db_path, seed_dir=seed_dir)
    catalog = catalog_for(settings)
    load = load_documents(settings, catalog)
    for warning in load.warnings:
        logger.warning(warning)
    analyses = analyse_documents(settings, catalog, load, read_versions(settings))
    counts = {
        "documents_found": len(load.documents),
        "documents_written": len(analyses),
        "warnings": load.warnings,
    }
    tables = write_seed(settings, catalog, analyses, counts)
    summary = counts | {"tables": tables}
    create_markdown_artifact(key="seed-summary", markdown=_summary_markdown(summary))
    return summary


def _summary_markdown(summary: dict[str, Any]) -> str:
    lines = [
        "# Seed summary",
        f"documents found: {summary['documents_found']}, "
        f"written: {summary['documents_written']}",
        "",
        "| table | rows |",
        "|---|---|",
    ]
    lines += [f"| {name} | {rows} |" for name, rows in summary["tables"].items()]
    lines += [f"- warning: {w}" for w in summary["warnings"]]
    return "\n".join(lines)
