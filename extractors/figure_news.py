"""Which reported figures are news: per (metric, subject), compared with the latest known value.

Rules (documented in the README):
- within one document only the representative figure of a (metric, subject) counts: a stated
  as-of date beats an implied one, an exact value beats a rounded restatement ('almost 1,400'
  after '1,372 as of 26 August'), then the later as-of date;
- a figure is new when its (metric, subject) has no earlier value, or when its as-of date is
  not older than the latest known one and its value or date differs from it;
- an older figure that differs from a known one for the same date is a disagreement: it is
  recorded (`disagrees_with`) but raises no alert of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

Row = dict[str, Any]
Key = tuple[str, str]


def series_key(row: Row) -> Key:
    return (row["metric_id"], row.get("subject") or "")


def _precision(row: Row) -> tuple:
    return (bool(row.get("as_of_explicit")), row.get("qualifier") is None,
            row.get("as_of") or date.min, -len(row.get("figure_id", "")))


def mark_representative(figures: Sequence[Row]) -> None:
    """Flag the one figure per (metric, subject) that speaks for its document."""
    best: dict[Key, Row] = {}
    for row in figures:
        key = series_key(row)
        if key not in best or _precision(row) > _precision(best[key]):
            best[key] = row
    chosen = {id(row) for row in best.values()}
    for row in figures:
        row["representative"] = id(row) in chosen


def _same_value(a: Row, b: Row) -> bool:
    return a["value"] == b["value"] and a.get("value_high") == b.get("value_high")


def judge_figures(new: Iterable[Row], latest: dict[Key, Row],
                  by_date: dict[tuple[Key, date | None], list[Row]]) -> list[Row]:
    """Set is_new / previous_* / disagrees_with on new representative figures, in the order
    given (oldest source first); returns the figures that are news."""
    news = []
    for row in new:
        row.update(is_new=False, previous_figure_id=None, previous_value=None,
                   previous_as_of=None, disagrees_with=None)
        if not row.get("representative"):
            continue
        key = series_key(row)
        same_day = [f for f in by_date.get((key, row.get("as_of")), [])
                    if f["doc_id"] != row["doc_id"] and not _same_value(f, row)]
        if same_day:
            row["disagrees_with"] = same_day[0]["figure_id"]
        previous = latest.get(key)
        if previous is not None:
            row.update(previous_figure_id=previous["figure_id"], previous_value=previous["value"],
                       previous_as_of=previous.get("as_of"))
        if _is_news(row, previous):
            row["is_new"] = True
            news.append(row)
        if _newer_or_same(row, previous):
            latest[key] = row
        by_date.setdefault((key, row.get("as_of")), []).append(row)
    return news


def _newer_or_same(row: Row, previous: Row | None) -> bool:
    if previous is None:
        return True
    return (row.get("as_of") or date.min) >= (previous.get("as_of") or date.min)


def index_known(known: Iterable[Row]) -> tuple[dict, dict]:
    """Latest figure per (metric, subject) and figures per date, from stored figures."""
    latest: dict[Key, Row] = {}
    by_date: dict[tuple[Key, date | None], list[Row]] = {}
    for row in known:
        key = series_key(row)
        if _newer_or_same(row, latest.get(key)):
            latest[key] = row
        by_date.setdefault((key, row.get("as_of")), []).append(row)
    return latest, by_date


def _is_news(row: Row, previous: Row | None) -> bool:
    if previous is None:
        return True
    old, new = previous.get("as_of") or date.min, row.get("as_of") or date.min
    if new < old:
        return False
    return not _same_value(row, previous) or new != old
