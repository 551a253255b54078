"""Scores of the analysis against the hand-labelled set in eval/ (pure: no files, no database).

Themes are scored per theme (precision, recall, F1) and overall (micro and macro F1),
figures as (metric, value) pairs matched once each, novelty as plain accuracy. Records
are parsed here so that a malformed line fails with its line number, whoever reads it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SPLITS = ("tune", "test", "all")


@dataclass(frozen=True)
class PRF:
    """Counts of one confusion table and the scores derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }


@dataclass(frozen=True)
class ThemeReport:
    """Per-theme scores and the two usual averages."""

    per_theme: dict[str, PRF] = field(default_factory=dict)

    @property
    def micro_f1(self) -> float:
        return sum(self.per_theme.values(), PRF()).f1

    @property
    def macro_f1(self) -> float:
        scores = [prf.f1 for prf in self.per_theme.values()]
        return sum(scores) / len(scores) if scores else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_theme": {theme: prf.as_dict() for theme, prf in self.per_theme.items()},
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
        }


def parse_records(lines: Iterable[str], source: str = "<input>") -> list[dict[str, Any]]:
    """JSON Lines records; blank lines are skipped, a bad line names itself."""
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or "split" not in record:
            raise ValueError(f"{source}:{number}: expected an object with a 'split'")
        records.append(record)
    return records


def select_split(records: Sequence[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The records of one split ('all' keeps every record)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    return [r for r in records if split == "all" or r["split"] == split]


def theme_report(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], themes: Sequence[str]
) -> ThemeReport:
    """Per-theme confusion counts over passages (a passage may carry several themes)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    counts = {theme: [0, 0, 0] for theme in themes}
    for gold_set, predicted_set in zip(map(set, gold), map(set, predicted), strict=True):
        for theme, row in counts.items():
            row[0] += theme in gold_set and theme in predicted_set
            row[1] += theme not in gold_set and theme in predicted_set
            row[2] += theme in gold_set and theme not in predicted_set
    return ThemeReport({theme: PRF(*row) for theme, row in counts.items()})


def figure_key(metric: str, value: float) -> tuple[str, float]:
    """What a figure is matched on: the metric and the value, rounded against float noise."""
    return metric, round(float(value), 3)


def figure_prf(
    gold: Sequence[Iterable[tuple[str, float]]], predicted: Sequence[Iterable[tuple[str, float]]]
) -> PRF:
    """(metric, value) pairs matched once each, sentence by sentence."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    total = PRF()
    for gold_pairs, predicted_pairs in zip(gold, predicted, strict=True):
        g = Counter(figure_key(*pair) for pair in gold_pairs)
        p = Counter(figure_key(*pair) for pair in predicted_pairs)
        hits = sum((g & p).values())
        total += PRF(hits, sum(p.values()) - hits, sum(g.values()) - hits)
    return total


def accuracy(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    """Share of judgements that agree with the labels."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def learn_threshold(scores: Sequence[float], gold: Sequence[bool], grid: Sequence[float]) -> float:
    """The threshold with the best F1; on a plateau of equal F1, its middle (less overfit)."""
    best_f1, best = -1.0, []
    for threshold in grid:
        tp = sum(s >= threshold and g for s, g in zip(scores, gold, strict=True))
        fp = sum(s >= threshold and not g for s, g in zip(scores, gold, strict=True))
        fn = sum(s < threshold and g for s, g in zip(scores, gold, strict=True))
        f1 = PRF(tp, fp, fn).f1
        if f1 > best_f1 + 1e-9:
            best_f1, best = f1, [threshold]
        elif abs(f1 - best_f1) <= 1e-9:
            best.append(threshold)
    return best[len(best) // 2] if best else grid[len(grid) // 2]


def threshold_grid(low: float = 0.2, high: float = 0.95, step: float = 0.025) -> list[float]:
    """Candidate thresholds, evenly spaced."""
    count = int(round((high - low) / step)) + 1
    return [round(low + i * step, 4) for i in range(count)]


def learn_thresholds(
    scores: Sequence[dict[str, float]], gold: Sequence[Iterable[str]], themes: Sequence[str]
) -> dict[str, float]:
    """Per theme, the F1-best threshold pulled halfway to the F1-best common one.

    A theme has only a handful of labelled positives, so its own best threshold is noisy;
    averaging it with the threshold that is best for all themes together generalises better
    (two-fold cross-validation on the tune split).
    """
    gold_sets = [set(g) for g in gold]
    grid = threshold_grid()
    common = learn_threshold(
        [s.get(t, 0.0) for s in scores for t in themes],
        [t in g for g in gold_sets for t in themes],
        grid,
    )
    own = {
        theme: learn_threshold(
            [s.get(theme, 0.0) for s in scores], [theme in g for g in gold_sets], grid
        )
        for theme in themes
    }
    return {theme: round((own[theme] + common) / 2, 4) for theme in themes}


# ---------------------------------------------------------------------------- assignment
# The lexical classifier assigns a theme when its score passes the theme's threshold (and is
# near enough to the best theme), and falls back to the best theme of a passage that is
# clearly about Belarus policy. Those knobs are learned from cross-validated scores: every
# tune record is scored by a classifier that has not seen it (see belmon/theme_learning.py).

Ranked = Sequence[tuple[str, float, bool]]  # (theme, score, has a cue phrase), best first


@dataclass(frozen=True)
class Assignment:
    """Learned decision knobs and the cross-validated macro F1 they reached."""

    thresholds: dict[str, float]
    fallback_floor: float
    relative_floor: float
    macro_f1: float


def _macro_f1(
    runs: Sequence[tuple[Sequence[Ranked], Sequence[bool]]], gold: Sequence[Iterable[str]],
    themes: Sequence[str], choose: Any, limits: dict[str, float], relative: float,
    fallback: float,
) -> tuple[float, dict[str, float]]:
    """Macro F1 and per-theme F1, averaged over the cross-validation runs."""
    macro, per_theme = 0.0, dict.fromkeys(themes, 0.0)
    for rows, contexts in runs:
        predicted = [list(choose(row, limits, relative, fallback, ctx))
                     for row, ctx in zip(rows, contexts, strict=True)]
        report = theme_report(gold, predicted, themes)
        macro += report.macro_f1 / len(runs)
        for theme, prf in report.per_theme.items():
            per_theme[theme] += prf.f1 / len(runs)
    return macro, per_theme


def _neighbourhood_mean(grid: dict[tuple[int, int, int], float], point: tuple[int, ...]) -> float:
    """Mean of a grid value and its neighbours one step away along each axis."""
    values = [grid[point]]
    for axis in range(len(point)):
        for step in (-1, 1):
            neighbour = tuple(p + step if a == axis else p for a, p in enumerate(point))
            if neighbour in grid:
                values.append(grid[neighbour])
    return sum(values) / len(values)


def learn_assignment(
    runs: Sequence[tuple[Sequence[Ranked], Sequence[bool]]],
    gold: Sequence[Iterable[str]],
    themes: Sequence[str],
    choose: Any,
    fallbacks: Sequence[float] = (0.2, 0.3, 0.4, 0.5),
    thresholds: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9),
    relatives: Sequence[float] = (0.0, 0.5, 0.7, 0.85),
) -> Assignment:
    """Fallback floor, relative floor and thresholds with the best cross-validated macro F1.

    `runs` holds, per repetition of the cross-validation, every tune record's ranked scores
    from a classifier that did not see the record, and whether the record is in policy
    context; `choose(ranked, limits, relative_floor, fallback_floor, in_context)` returns the
    assigned themes. First one threshold common to all themes is chosen with the two floors;
    then each theme's own best threshold (the others kept at the common one) is averaged with
    the common one, since a theme has only a handful of positives on tune. The common knobs
    are chosen on the grid smoothed over each point's neighbours, so that a lucky isolated
    point does not win over a broad plateau; ties go to the lower fallback and threshold and
    the higher relative floor (the grid's order).
    """
    gold = [set(g) for g in gold]
    relatives = sorted(relatives, reverse=True)
    grid: dict[tuple[int, int, int], float] = {}
    for i, fallback in enumerate(fallbacks):
        for j, threshold in enumerate(thresholds):
            for k, relative in enumerate(relatives):
                limits = dict.fromkeys(themes, threshold)
                grid[i, j, k] = _macro_f1(runs, gold, themes, choose, limits, relative,
                                          fallback)[0]
    best: tuple[float, float, float, float] | None = None
    for (i, j, k), _ in grid.items():
        smoothed = _neighbourhood_mean(grid, (i, j, k))
        if best is None or smoothed > best[0] + 1e-9:
            best = (smoothed, fallbacks[i], thresholds[j], relatives[k])
    assert best is not None
    _, fallback, common, relative = best
    learned = {}
    for theme in themes:
        scores = []
        for threshold in thresholds:
            limits = dict.fromkeys(themes, common) | {theme: threshold}
            _, per_theme = _macro_f1(runs, gold, themes, choose, limits, relative, fallback)
            scores.append((per_theme[theme], threshold))
        top = max(f1 for f1, _ in scores)
        plateau = [t for f1, t in scores if f1 >= top - 1e-9]
        learned[theme] = round((plateau[len(plateau) // 2] + common) / 2, 4)
    macro, _ = _macro_f1(runs, gold, themes, choose, learned, relative, fallback)
    return Assignment(learned, fallback, relative, round(macro, 4))
