"""Judging a cycle's new documents: which figures and claims are news (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from extractors.analysis import DocumentAnalysis
from extractors.figure_news import index_known, judge_figures
from extractors.novelty import ClaimIndex

Row = dict[str, Any]


def _is_copy(analysis: DocumentAnalysis) -> bool:
    return analysis.document.get("duplicate_of") is not None


def judge_batch(analyses: Sequence[DocumentAnalysis], known_figures: Sequence[Row],
                index: ClaimIndex) -> dict[str, str]:
    """Set figure and claim novelty on the batch's rows, oldest document first; returns the
    text of each claim's nearest known claim (for messages). The batch's claims are then
    added to the index, so that the next batch of the cycle is judged against them too.

    Syndicated copies are never news: they add an outlet to a story, nothing else."""
    ordered = sorted(analyses, key=lambda a: (a.document.get("published") or date.min,
                                              a.document["doc_id"]))
    latest, by_date = index_known(known_figures)
    seen_fingerprints: set[str] = set()
    nearest: dict[str, str] = {}
    for analysis in ordered:
        copy = _is_copy(analysis)
        judge_figures([] if copy else analysis.figures, latest, by_date)
        for row in analysis.figures:
            row.setdefault("is_new", False)
        for claim in analysis.claims:
            text = _judge_claim(claim, index, copy, seen_fingerprints,
                                analysis.document.get("published"))
            if text:
                nearest[claim["claim_id"]] = text
    index.add([(c["claim_id"], c["text"]) for a in analyses for c in a.claims],
              {c["claim_id"]: a.document.get("published") for a in analyses for c in a.claims})
    return nearest


def _judge_claim(claim: Row, index: ClaimIndex, copy: bool, seen: set[str],
                 published: date | None) -> str | None:
    judgement = index.judge(claim["text"], published)
    novel = judgement.novel and not copy and claim["fingerprint"] not in seen
    seen.add(claim["fingerprint"])
    claim.update(novel=novel, nearest_claim_id=judgement.nearest_id,
                 similarity=judgement.similarity)
    return judgement.nearest_text
