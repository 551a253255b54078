"""The daily digest: new figures as a table, new claims by theme, article counts per theme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from belmon.alerts.messages import ArticleAlert, ClaimNews, FigureNews, Rendered, render_digest

Row = dict[str, Any]


def _article(row: Row) -> ArticleAlert:
    return ArticleAlert(doc_id=row["doc_id"], title=row.get("title"), outlet=row.get("site_name"),
                        url=row.get("url"), published=row.get("published"))


def _figure(row: Row, labels: Mapping[str, str], sources: Mapping[str, Row]) -> FigureNews:
    previous = sources.get(row.get("previous_figure_id") or "")
    return FigureNews(
        metric=row["metric_id"], metric_label=labels.get(row["metric_id"], row["metric_id"]),
        value=row["value"], value_high=row.get("value_high"), qualifier=row.get("qualifier"),
        unit=row["unit"], subject=row.get("subject"), as_of=row.get("as_of"),
        sentence=row["sentence"], previous_value=row.get("previous_value"),
        previous_qualifier=previous.get("qualifier") if previous else None,
        previous_as_of=row.get("previous_as_of"),
        previous_source=(("reference document: " if previous.get("kind") == "reference" else "")
                         + (previous.get("title") or "")) if previous else None,
    )


def build_digest(day: date, inputs: Mapping[str, list], labels: Mapping[str, str],
                 sources: Mapping[str, Row]) -> Rendered | None:
    """The digest for `day`, or None when nothing is new."""
    figures = [(_figure(r, labels, sources), _article(r)) for r in inputs["figures"]]
    claims: dict[str, list[tuple[ClaimNews, ArticleAlert]]] = defaultdict(list)
    for row in inputs["claims"]:
        news = ClaimNews(row["text"], tuple(row["themes"]), row.get("nearest"),
                         row.get("similarity"))
        for theme in row["themes"]:
            claims[theme].append((news, _article(row)))
    counts = dict(inputs["themes"])
    return render_digest(day, figures, claims, counts)


def digest_alert_row(day: date, rendered: Rendered, now: datetime) -> Row:
    return {
        "alert_id": f"digest-{day.isoformat()}", "dedup_key": f"digest:{day.isoformat()}",
        "kind": "digest", "doc_id": None, "tags": ["digest"], "title": rendered.title,
        "body": rendered.markdown, "body_text": rendered.text, "body_html": rendered.html,
        "status": "pending", "attempts": 0, "created_at": now,
    }


def previous_ids(inputs: Mapping[str, Sequence[Row]]) -> list[str]:
    return [r["previous_figure_id"] for r in inputs["figures"] if r.get("previous_figure_id")]
