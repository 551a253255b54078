"""Glue for the monitoring flow: turns fetch results into candidates, articles and rows.

Everything here is plain Python over extractors/; the flow decides when each step runs and
warehouse/ does the SQL.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from belmon.catalog import Catalog
from belmon.feedlist import FeedSpec, FolderSpec
from belmon.settings import Settings
from belmon.workers import Analyser, AnalysisPool, Fetched, ParsedClaims, WorkResult
from extractors.analysis import DocumentAnalysis, DocumentInput
from extractors.cycle import (
    FeedOutcome,
    entry_row,
    feed_state_row,
    fetch_row,
    link_syndicated,
    outlet,
)
from extractors.dedup import sketch
from extractors.feeds import parse_feed
from extractors.fetch import FetchResult
from extractors.ingest import (
    Article,
    Candidate,
    build_article,
    candidates_from_feed,
    folder_document,
    folder_files,
    unique_candidates,
)
from extractors.novelty import ClaimIndex

Row = dict[str, Any]


@dataclass
class CycleBatch:
    """Everything a cycle computed, ready to be written in one transaction."""

    analyses: list[DocumentAnalysis] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    folder_docs: list[DocumentInput] = field(default_factory=list)
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)
    alert_items: list[Row] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    claim_facts: ParsedClaims = field(default_factory=dict)


def parse_feed_result(feed: FeedSpec, result: FetchResult) -> FeedOutcome:
    outcome = FeedOutcome(feed.name, feed.url, result)
    if result.ok and result.body is not None:
        outcome.parsed = parse_feed(result.body, result.headers, result.final_url)
        outcome.candidates = candidates_from_feed(feed.name, outcome.parsed)
    return outcome


def slowest_first(feeds: Sequence[FeedSpec], states: dict[str, Row]) -> list[int]:
    """Indexes of the feeds, slowest to answer last time first: a slow feed started late
    would make the whole cycle wait for it (feeds never fetched count as slow)."""
    def last(index: int) -> float:
        elapsed = (states.get(feeds[index].name) or {}).get("last_elapsed_ms")
        return float("inf") if elapsed is None else elapsed

    return sorted(range(len(feeds)), key=lambda i: -last(i))


def unique_candidates_of(outcomes: Sequence[FeedOutcome]) -> list[Candidate]:
    return unique_candidates([c for o in outcomes for c in o.candidates])


def folder_candidates(folders: Sequence[FolderSpec]) -> tuple[list[DocumentInput], list[str]]:
    """Documents of every folder source, and problems with unreadable folders or files."""
    docs, problems = [], []
    for folder in folders:
        if not folder.path.is_dir():
            problems.append(f"folder {folder.name}: {folder.path} is not a directory")
            continue
        for path in folder_files(folder.path):
            try:
                doc = folder_document(path, folder.name)
            except OSError as exc:
                problems.append(f"folder {folder.name}: cannot read {path.name}: {exc.strerror}")
                continue
            if doc is not None:
                docs.append(doc)
    return docs, problems


def analyse_batch(pool: AnalysisPool, fetched: Sequence[Fetched],
                  folder_docs: list[DocumentInput],
                  sketches: Sequence[tuple[str, Sequence[int]]]) -> CycleBatch:
    """Extract and analyse a batch's pages and folder documents, linking syndicated copies
    to their original. `timings` splits the wall time between extraction and analysis in
    proportion to the CPU time the (possibly parallel) workers spent on each."""
    now = datetime.now()
    started = time.perf_counter()
    work = pool.articles(fetched, now) if fetched else WorkResult()
    pooled = time.perf_counter() - started
    batch = CycleBatch(articles=[w.article for w in work.works], folder_docs=folder_docs,
                       claim_facts=work.claim_facts)
    links = link_syndicated([(w.article.document.doc_id, w.signature) for w in work.works],
                            sketches)
    for item in work.works:
        article, analysis = item.article, item.analysis
        signature, original, similarity = links[article.document.doc_id]
        analysis.document.update({
            "canonical_url": article.candidate.canonical, "site_name": outlet(article),
            "feed_name": article.candidate.feed_name, "duplicate_of": original,
            "similarity_to_original": similarity, "fallback": article.fallback,
            "sketch": signature,
        })
        batch.duplicates += original is not None
        batch.analyses.append(analysis)
    for doc in folder_docs:
        analysis = pool.local.analyse(doc, now)
        analysis.document.update({"feed_name": doc.source_id, "site_name": doc.source_id})
        batch.analyses.append(analysis)
    cpu = work.extraction_seconds + work.analysis_seconds
    extraction = pooled * work.extraction_seconds / cpu if cpu else 0.0
    batch.timings = {"extraction": extraction,
                     "analysis": time.perf_counter() - started - extraction}
    return batch


def without_bodies(fetched: Sequence[Fetched]) -> list[Fetched]:
    """The fetch records of a batch without the page bodies, which extraction has turned
    into articles (with their compressed pages): only the outcome is written from here on."""
    return [(c, replace(r, body=None) if r is not None else None) for c, r in fetched]


def _article_fetch_rows(run_id: str, fetched: Sequence, articles: Sequence[Article]) -> list[Row]:
    fallback = {a.document.doc_id: a.fallback for a in articles if a.fallback}
    rows = []
    for candidate, result in fetched:
        if result is None:
            continue
        reason = fallback.get(candidate.doc_id)
        outcome = "fallback" if reason and result.ok else None
        rows.append(fetch_row(run_id, result, "article", outcome, reason or result.reason))
    return rows


def article_tables(run_id: str, batch: CycleBatch, fetched: Sequence) -> dict[str, list[Row]]:
    """Rows per named insert query for one batch of articles: documents go in with their
    entries, raw pages and alerts, so a batch is stored whole or not at all."""
    now = datetime.now()
    stored = {a.document.doc_id for a in batch.articles}
    return {
        "insert_fetches": _article_fetch_rows(run_id, fetched, batch.articles),
        "insert_entries": [entry_row(c, run_id, now) for c, _ in fetched if c.doc_id in stored],
        "upsert_raw_pages": [
            {"doc_id": a.document.doc_id, "url": a.final_url, "content_type": a.content_type,
             "fetched_at": now, "body_gzip": a.raw_gzip}
            for a in batch.articles if a.raw_gzip is not None and a.final_url
        ],
        "insert_alerts": batch.alerts,
        "insert_alert_items": batch.alert_items,
    }


def feed_tables(run_id: str, outcomes: Sequence[FeedOutcome], states: dict[str, Row]
                ) -> dict[str, list[Row]]:
    """Feed state (validators, failure counts) and feed fetch records, written last: a feed's
    new ETag is stored only once every article it listed is stored, or a crash in between
    would make the next run's 304 hide the articles that were not."""
    now = datetime.now()
    return {
        "upsert_feeds": [feed_state_row(o, states.get(o.name), now) for o in outcomes],
        "insert_fetches": [fetch_row(run_id, o.result, "feed", o.status, o.problem)
                           for o in outcomes],
    }


def add_counts(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Counts of several batches added up (lists concatenated)."""
    merged = dict(total)
    for key, value in part.items():
        merged[key] = merged[key] + value if key in merged else value
    return merged


def feed_counts(outcomes: Sequence[FeedOutcome]) -> dict[str, Any]:
    statuses = [o.status for o in outcomes]
    return {
        "feeds_ok": statuses.count("ok"),
        "feeds_not_modified": statuses.count("not_modified"),
        "feeds_empty": statuses.count("empty"),
        "feeds_failed": statuses.count("failed"),
        "entries_seen": sum(len(o.candidates) for o in outcomes),
        "errors": [f"{o.name}: {o.problem}" for o in outcomes if o.status == "failed"],
    }


def batch_counts(batch: CycleBatch, fetched: Sequence) -> dict[str, Any]:
    return {
        "new_articles": len(batch.articles),
        "folder_documents": len(batch.folder_docs),
        "duplicates": batch.duplicates,
        "fallbacks": sum(1 for a in batch.articles if a.fallback),
        "articles_without_text": len(fetched) - len(batch.articles),
        "new_figures": sum(1 for a in batch.analyses for f in a.figures if f.get("is_new")),
        "new_claims": sum(1 for a in batch.analyses for c in a.claims if c.get("novel")),
        "alerts_created": len(batch.alerts),
        "errors": list(batch.problems),
    }


def summary_markdown(counts: dict[str, Any]) -> str:
    lines = ["# Monitoring cycle", "", "| count | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in counts.items() if not isinstance(v, list | dict)]
    lines += ["", "## Problems"] + [f"- {e}" for e in counts["errors"]] if counts["errors"] else []
    return "\n".join(lines)


def reanalyse_pages(settings: Settings, pages: Sequence[Row],
                    prototypes: Sequence[tuple[str, str, list[str]]] = ()
                    ) -> list[DocumentAnalysis]:
    """Re-extract stored pages and re-analyse them, keeping their identity and syndication;
    themes use the same reference prototypes as the monitoring cycle."""
    import gzip

    analyser = Analyser(settings, prototypes)
    now = datetime.now()
    analyses = []
    for page in pages:
        candidate = Candidate(
            feed_name=page["feed_name"] or page["source_id"] or "", entry_key=page["doc_id"],
            doc_id=page["doc_id"], guid=None, url=page["entry_url"] or page["url"],
            canonical=page["canonical_url"], title=page["title"], summary=None,
            published=page["published"], published_raw=None, date_problem=None,
        )
        body = gzip.decompress(page["body_gzip"])
        article = build_article(candidate, body, page["url"], page["content_type"], None)
        if article is None:
            continue
        analysis = analyser.analyse(article.document, now)
        analysis.document.update({
            "canonical_url": page["canonical_url"], "site_name": outlet(article),
            "feed_name": candidate.feed_name, "duplicate_of": page["duplicate_of"],
            "similarity_to_original": page["similarity_to_original"],
            "fallback": article.fallback, "sketch": sketch(article.document.text),
        })
        analyses.append(analysis)
    return analyses


def judge_and_plan(settings: Settings, catalog: Catalog, batch: CycleBatch,
                   known_figures: list[Row], claims: ClaimIndex, unannounced: Any) -> None:
    """Decide which figures and claims are news and plan the alerts for them."""
    from belmon.alerts.evaluate import Thresholds, figure_lookup, plan_alerts
    from belmon.alerts.novelty import judge_batch

    nearest = judge_batch(batch.analyses, known_figures, claims)
    if settings.alert_mode != "per_article":
        return
    labels = {m.id: m.label for m in catalog.metrics}
    limits = Thresholds(settings.alert_min_theme_score, settings.alert_min_novelty,
                        settings.alert_max_chars)
    planned = plan_alerts(batch.analyses, labels, figure_lookup(known_figures, batch.analyses),
                          limits, unannounced, datetime.now(), nearest)
    batch.alerts = [p.alert for p in planned]
    batch.alert_items = [item for p in planned for item in p.items]
