"""Which figures are news: representative figures, new values, dates and disagreements."""

from __future__ import annotations

from datetime import date

from extractors.figure_news import index_known, judge_figures, mark_representative


def fig(fid: str, value: float, as_of: date, doc: str = "d1", explicit: bool = True,
        qualifier: str | None = None, subject: str | None = None,
        metric: str = "political_prisoners") -> dict:
    return {"figure_id": fid, "doc_id": doc, "metric_id": metric, "subject": subject,
            "value": value, "value_high": None, "qualifier": qualifier, "as_of": as_of,
            "as_of_explicit": explicit}


def test_precise_dated_figure_outranks_rounded_restatement() -> None:
    precise = fig("a", 1372, date(2024, 8, 26))
    rounded = fig("b", 1400, date(2024, 8, 28), explicit=False, qualifier="nearly")
    mark_representative([precise, rounded])
    assert precise["representative"] and not rounded["representative"]


def test_subjects_are_separate_series() -> None:
    rows = [fig("a", 80.1, date(2020, 8, 9), subject="lukashenka", metric="vote_share"),
            fig("b", 10.1, date(2020, 8, 9), subject="tsikhanouskaya", metric="vote_share")]
    mark_representative(rows)
    assert all(r["representative"] for r in rows)


def test_new_value_is_news_with_previous_value() -> None:
    known = [fig("old", 1372, date(2024, 8, 26), doc="ref")]
    new = fig("new", 1187, date(2025, 10, 1), doc="art")
    new["representative"] = True
    latest, by_date = index_known(known)
    assert judge_figures([new], latest, by_date) == [new]
    assert new["previous_value"] == 1372 and new["previous_figure_id"] == "old"


def test_same_value_and_date_is_not_news_and_older_figures_are_not_news() -> None:
    known = [fig("old", 1187, date(2025, 10, 1), doc="ref")]
    same = fig("same", 1187, date(2025, 10, 1), doc="art")
    older = fig("older", 900, date(2023, 1, 1), doc="art2")
    for row in (same, older):
        row["representative"] = True
    latest, by_date = index_known(known)
    assert judge_figures([same, older], latest, by_date) == []


def test_disagreement_on_the_same_date_is_recorded() -> None:
    known = [fig("old", 1187, date(2025, 10, 1), doc="ref")]
    other = fig("other", 1190, date(2025, 10, 1), doc="art")
    other["representative"] = True
    latest, by_date = index_known(known)
    judge_figures([other], latest, by_date)
    assert other["disagrees_with"] == "old"


def test_first_value_of_a_metric_is_news() -> None:
    row = fig("x", 12, date(2025, 1, 1), metric="journalists_imprisoned")
    row["representative"] = True
    assert judge_figures([row], {}, {}) == [row]
