"""One analysis for every text belmon reads: seeds, articles, folder files and `belmon analyze`.

Text in, rows out: passages, theme scores, recommendations, claims and figures, each with
a stable id derived from the document id and its position, so that re-running is an upsert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractors.claims import claim_fingerprint, is_claim
from extractors.figure_news import mark_representative
from extractors.figures import MetricSpec, extract_figures
from extractors.recommendations import PRESCRIPTIVE, find_recommendations
from extractors.segment import Passage, SectionRule, segment
from extractors.text import split_sentences
from extractors.themes import ThemeClassifier, ThemeScore

ANALYSIS_VERSION = "2026.11.2"

Row = dict[str, Any]


@dataclass(frozen=True)
class DocumentInput:
    """A normalised text and what is known about it."""

    doc_id: str
    kind: str
    text: str
    content_sha256: str
    extractor_version: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    source_id: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    language: str | None = "en"
    sections: tuple[SectionRule, ...] = ()


@dataclass
class DocumentAnalysis:
    """All rows one document contributes to the warehouse."""

    document: Row
    passages: list[Row] = field(default_factory=list)
    passage_themes: list[Row] = field(default_factory=list)
    recommendations: list[Row] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)


def _assigned(scores: list[ThemeScore]) -> list[str]:
    return [s.theme for s in scores if s.assigned]


def _document_row(doc: DocumentInput, ingested_at: Any) -> Row:
    return {
        "doc_id": doc.doc_id, "kind": doc.kind, "source_id": doc.source_id,
        "title": doc.title, "authors": list(doc.authors), "publisher": doc.publisher,
        "url": doc.url, "published": doc.published, "language": doc.language,
        "content_sha256": doc.content_sha256, "text": doc.text,
        "extractor_version": doc.extractor_version, "analysis_version": ANALYSIS_VERSION,
        "ingested_at": ingested_at,
    }


def analyse_document(
    doc: DocumentInput,
    classifier: ThemeClassifier,
    metrics: Sequence[MetricSpec],
    ingested_at: Any = None,
) -> DocumentAnalysis:
    """Segment, classify, and extract recommendations, claims and figures from one document."""
    default_author = ", ".join(doc.authors) or None
    passages = segment(doc.text, default_author, doc.sections)
    result = DocumentAnalysis(_document_row(doc, ingested_at))
    passage_scores = classifier.classify([p.text for p in passages])
    lead_in = False
    for passage, scores in zip(passages, passage_scores, strict=True):
        pid = f"{doc.doc_id}#{passage.idx}"
        result.passages.append(_passage_row(doc.doc_id, pid, passage))
        result.passage_themes.extend(_theme_rows(doc.doc_id, pid, scores))
        sentences = split_sentences(passage.text)
        in_list = passage.kind == "list_item"
        _add_recommendations(result, doc, pid, passage, sentences, in_list and lead_in, scores)
        _add_claims(result, doc.doc_id, pid, sentences, _assigned(scores))
        _add_figures(result, doc, pid, sentences, metrics)
        if not in_list:
            lead_in = passage.text.rstrip().endswith(":") and bool(
                PRESCRIPTIVE.search(passage.text)
            )
    _theme_recommendations(result, classifier)
    mark_representative(result.figures)
    return result


def _passage_row(doc_id: str, pid: str, passage: Passage) -> Row:
    return {
        "passage_id": pid, "doc_id": doc_id, "idx": passage.idx, "kind": passage.kind,
        "section": passage.section, "author": passage.author, "text": passage.text,
    }


def _theme_rows(doc_id: str, pid: str, scores: list[ThemeScore]) -> list[Row]:
    return [
        {
            "passage_id": pid, "doc_id": doc_id, "theme_id": s.theme, "score": s.score,
            "assigned": s.assigned, "evidence": "; ".join(s.evidence),
        }
        for s in scores
    ]


def _add_recommendations(
    result: DocumentAnalysis, doc: DocumentInput, pid: str, passage: Passage,
    sentences: list[str], lead_in: bool, scores: list[ThemeScore],
) -> None:
    found = find_recommendations(sentences, passage.kind == "list_item", lead_in)
    for n, rec in enumerate(found):
        result.recommendations.append({
            "rec_id": f"{pid}.r{n}", "doc_id": doc.doc_id, "passage_id": pid,
            "text": rec.text, "actor": rec.actor, "author": passage.author,
            "themes": _assigned(scores),
        })


def _theme_recommendations(result: DocumentAnalysis, classifier: ThemeClassifier) -> None:
    """A recommendation's own themes, or its passage's when the sentence alone has none."""
    scores = classifier.classify([r["text"] for r in result.recommendations])
    for rec, own in zip(result.recommendations, scores, strict=True):
        rec["themes"] = _assigned(own) or rec["themes"]


def _add_claims(
    result: DocumentAnalysis, doc_id: str, pid: str, sentences: list[str], themes: list[str]
) -> None:
    for n, sentence in enumerate(s for s in sentences if is_claim(s)):
        result.claims.append({
            "claim_id": f"{pid}.c{n}", "doc_id": doc_id, "passage_id": pid, "text": sentence,
            "fingerprint": claim_fingerprint(sentence), "themes": themes,
            "novel": None, "nearest_claim_id": None, "similarity": None,
        })


def _add_figures(
    result: DocumentAnalysis, doc: DocumentInput, pid: str, sentences: list[str],
    metrics: Sequence[MetricSpec],
) -> None:
    n = 0
    for sentence in sentences:
        for figure in extract_figures(sentence, metrics, doc.published):
            result.figures.append({
                "figure_id": f"{pid}.f{n}", "doc_id": doc.doc_id, "passage_id": pid,
                "metric_id": figure.metric, "value": figure.value,
                "value_high": figure.value_high, "qualifier": figure.qualifier,
                "unit": figure.unit, "subject": figure.subject, "as_of": figure.as_of,
                "as_of_explicit": figure.as_of_explicit, "phrase": figure.phrase,
                "sentence": figure.sentence, "published": doc.published,
            })
            n += 1
