"""From a judged batch to outbox rows: one alert per article with all its new figures and
claims, each item keyed so that it is announced once whatever re-runs happen."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from belmon.alerts.messages import ArticleAlert, ClaimNews, FigureNews, render_alert
from extractors.analysis import DocumentAnalysis

Row = dict[str, Any]


@dataclass(frozen=True)
class Thresholds:
    min_theme_score: float
    min_novelty: float
    max_chars: int = 3500


@dataclass
class PlannedAlert:
    alert: Row
    items: list[Row]


def figure_item_key(row: Row) -> str:
    high = "" if row.get("value_high") is None else f"-{row['value_high']:g}"
    return (f"new_figure:{row['metric_id']}:{row.get('subject') or ''}:"
            f"{row['value']:g}{high}:{row.get('as_of')}")


def claim_item_key(row: Row) -> str:
    return f"new_claim:{row['fingerprint']}"


def _source_label(row: Row) -> str:
    prefix = "reference document: " if row.get("kind") == "reference" else ""
    return f"{prefix}{row.get('title') or row.get('doc_id')}"


def figure_lookup(known: Sequence[Row], analyses: Sequence[DocumentAnalysis]) -> dict[str, Row]:
    """figure_id -> value, date and source label, for the 'previously' part of messages."""
    lookup = {r["figure_id"]: {**r, "source": _source_label(r)} for r in known}
    for analysis in analyses:
        doc = analysis.document
        for row in analysis.figures:
            lookup[row["figure_id"]] = {**row, "source": _source_label(doc)}
    return lookup


def _figure_news(row: Row, labels: Mapping[str, str], lookup: Mapping[str, Row]) -> FigureNews:
    previous = lookup.get(row.get("previous_figure_id") or "")
    other = lookup.get(row.get("disagrees_with") or "")
    return FigureNews(
        metric=row["metric_id"], metric_label=labels.get(row["metric_id"], row["metric_id"]),
        value=row["value"], value_high=row.get("value_high"), qualifier=row.get("qualifier"),
        unit=row["unit"], subject=row.get("subject"), as_of=row.get("as_of"),
        sentence=row["sentence"],
        previous_value=previous["value"] if previous else None,
        previous_qualifier=previous.get("qualifier") if previous else None,
        previous_as_of=previous.get("as_of") if previous else None,
        previous_source=previous["source"] if previous else None,
        disagreement=(f"{other['source']} reports {other['value']:g} for the same date"
                      if other else None),
    )


def _passage_scores(analysis: DocumentAnalysis) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {}
    for row in analysis.passage_themes:
        if row["assigned"]:
            scores.setdefault(row["passage_id"], {})[row["theme_id"]] = row["score"]
    return scores


def _news_claims(analysis: DocumentAnalysis, limits: Thresholds
                 ) -> list[tuple[Row, tuple[str, ...]]]:
    """Novel claims on at least one theme scored above the threshold, novel enough."""
    scores = _passage_scores(analysis)
    found = []
    for claim in analysis.claims:
        themes = {t: s for t, s in scores.get(claim["passage_id"], {}).items()
                  if s >= limits.min_theme_score}
        novelty = 1.0 - (claim.get("similarity") or 0.0)
        if claim.get("novel") and themes and novelty >= limits.min_novelty:
            found.append((claim, tuple(sorted(themes))))
    return found


def plan_alerts(
    analyses: Sequence[DocumentAnalysis], labels: Mapping[str, str], lookup: Mapping[str, Row],
    limits: Thresholds, unannounced: Callable[[list[str]], set[str]], now: datetime,
    nearest: Mapping[str, str] | None = None,
) -> list[PlannedAlert]:
    """One alert per article that has unannounced new figures or claims; whether an item
    was announced is asked once for the whole batch (one anti-join, not one per article)."""
    news = [([r for r in a.figures if r.get("is_new")], _news_claims(a, limits))
            for a in analyses]
    keys = [figure_item_key(r) for figures, _ in news for r in figures]
    keys += [claim_item_key(c) for _, claims in news for c, _ in claims]
    fresh = unannounced(keys) if keys else set()
    planned = []
    for analysis, (figures, claims) in zip(analyses, news, strict=True):
        figures = [r for r in figures if figure_item_key(r) in fresh]
        claims = [(c, t) for c, t in claims if claim_item_key(c) in fresh]
        if figures or claims:
            planned.append(_planned(analysis, figures, claims, labels, lookup, limits, now,
                                    nearest or {}))
    return planned


def _planned(analysis: DocumentAnalysis, figures: list[Row], claims: list, labels: Mapping,
             lookup: Mapping, limits: Thresholds, now: datetime, nearest: Mapping[str, str]
             ) -> PlannedAlert:
    doc = analysis.document
    message = ArticleAlert(
        doc_id=doc["doc_id"], title=doc.get("title"), outlet=doc.get("site_name"),
        url=doc.get("url"), published=doc.get("published"),
        figures=tuple(_figure_news(r, labels, lookup) for r in figures),
        claims=tuple(ClaimNews(c["text"], themes, nearest.get(c["claim_id"]), c.get("similarity"))
                     for c, themes in claims),
    )
    rendered = render_alert(message, max_chars=limits.max_chars)
    keys = sorted([figure_item_key(r) for r in figures] + [claim_item_key(c) for c, _ in claims])
    dedup = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
    alert_id = f"alert-{dedup[:16]}"
    kinds = (["new_figure"] if figures else []) + (["new_claim"] if claims else [])
    themes = sorted({t for _, ts in claims for t in ts})
    alert = {
        "alert_id": alert_id, "dedup_key": f"{doc['doc_id']}:{dedup}", "kind": kinds[0],
        "doc_id": doc["doc_id"], "tags": kinds + themes, "title": rendered.title,
        "body": rendered.markdown, "body_text": rendered.text, "body_html": rendered.html,
        "status": "pending", "attempts": 0, "created_at": now,
    }
    items = [{"item_key": figure_item_key(r), "alert_id": alert_id, "kind": "new_figure",
              "doc_id": doc["doc_id"], "ref_id": r["figure_id"], "created_at": now}
             for r in figures]
    items += [{"item_key": claim_item_key(c), "alert_id": alert_id, "kind": "new_claim",
               "doc_id": doc["doc_id"], "ref_id": c["claim_id"], "created_at": now}
              for c, _ in claims]
    return PlannedAlert(alert, items)

