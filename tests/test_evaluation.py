"""Scores of the evaluation harness (pure functions)."""

from __future__ import annotations

import pytest

from extractors.evaluation import (
    PRF,
    accuracy,
    figure_prf,
    learn_assignment,
    learn_threshold,
    learn_thresholds,
    parse_records,
    select_split,
    theme_report,
)


def test_prf_scores() -> None:
    prf = PRF(tp=3, fp=1, fn=2)
    assert prf.precision == 0.75 and prf.recall == 0.6
    assert prf.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert PRF().f1 == 0.0


def test_theme_report_micro_and_macro() -> None:
    gold = [["a"], ["a", "b"], []]
    predicted = [["a"], ["b"], ["b"]]
    report = theme_report(gold, predicted, ["a", "b"])
    assert report.per_theme["a"] == PRF(1, 0, 1)
    assert report.per_theme["b"] == PRF(1, 1, 0)
    assert report.micro_f1 == pytest.approx(PRF(2, 1, 1).f1)
    assert report.macro_f1 == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_figure_pairs_match_once_each() -> None:
    gold = [[("vote_share", 80.1), ("vote_share", 10)], []]
    predicted = [[("vote_share", 80.1), ("vote_share", 80.1)], [("detained", 5)]]
    assert figure_prf(gold, predicted) == PRF(tp=1, fp=2, fn=1)


def test_accuracy_and_length_checks() -> None:
    assert accuracy([True, False], [True, True]) == 0.5
    with pytest.raises(ValueError):
        accuracy([True], [])


def test_parse_records_names_the_bad_line() -> None:
    with pytest.raises(ValueError, match="themes.jsonl:2"):
        parse_records(['{"split": "tune"}', "{oops"], "themes.jsonl")
    records = parse_records(['{"split": "tune"}', "", '{"split": "test"}'])
    assert len(select_split(records, "test")) == 1 and len(select_split(records, "all")) == 2
    with pytest.raises(ValueError, match="unknown split"):
        select_split(records, "dev")


def test_learned_threshold_separates_the_classes() -> None:
    threshold = learn_threshold([0.9, 0.8, 0.3, 0.2], [True, True, False, False],
                                [0.1, 0.25, 0.5, 0.75, 0.95])
    assert 0.3 < threshold <= 0.8


def test_learned_thresholds_are_pulled_towards_the_common_one() -> None:
    scores = [{"a": 0.9, "b": 0.4}, {"a": 0.2, "b": 0.9}, {"a": 0.6, "b": 0.1}]
    learned = learn_thresholds(scores, [["a"], ["b"], []], ["a", "b"])
    assert set(learned) == {"a", "b"} and all(0.2 <= t <= 0.95 for t in learned.values())


def test_learned_assignment_keeps_the_best_knobs() -> None:
    from extractors.themes import choose_themes

    rows = [
        [("a", 0.9, True), ("b", 0.3, True)],
        [("b", 0.8, True), ("a", 0.7, True)],
        [("a", 0.35, True)],
        [("b", 0.45, True)],
    ]
    gold = [["a"], ["b", "a"], ["a"], []]
    runs = [(rows, [True, True, True, False])]
    learned = learn_assignment(runs, gold, ["a", "b"], lambda *x: choose_themes(*x).themes)
    assert set(learned.thresholds) == {"a", "b"}
    assert 0 < learned.fallback_floor <= 0.5 and 0 <= learned.relative_floor < 1
    assert learned.macro_f1 > 0.5
