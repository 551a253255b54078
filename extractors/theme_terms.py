"""Learned term weights: per theme, how much each stem and stem pair of a passage counts.

The lexicon says which phrases signal a theme; labelled passages (seeds/theme_examples.jsonl,
the tune split of the evaluation set and the seeded recommendations) say how much every word
and word pair counts for each theme, including indirect wording no lexicon lists. The model
is one-vs-rest logistic regression over sublinear TF-IDF rows of stems and adjacent stem
pairs, trained with plain numpy on sparse rows (no heavy dependency), stored as JSON by
`belmon eval --learn-thresholds` and blended into the lexical score (see themes.py).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from extractors.logistic import FORMAT, LogisticFit, parse_stored

INITIAL_BIAS = -2.0  # most passages are not about a given theme


def term_features(content: Sequence[str]) -> list[str]:
    """A passage's content stems and its adjacent pairs of them ('asset freez')."""
    return [*content, *(f"{a} {b}" for a, b in zip(content, content[1:], strict=False))]


MIN_DF = 2  # a term must occur in this many labelled passages to get a weight
TERM_FIT = LogisticFit(l2=1e-4, positive_weight=5.0, steps=300, step_size=2.0)


@dataclass(frozen=True)
class TermModel:
    """Weights (terms x themes) and biases of a fitted model, with its vocabulary and IDF."""

    themes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    bias: np.ndarray

    @cached_property
    def terms(self) -> list[str]:
        """The vocabulary in index order (built once: evidence looks terms up by index)."""
        return list(self.vocabulary)

    def _row(self, features: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(j for j in map(self.vocabulary.get, features) if j is not None)
        index = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = np.log1p(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        values *= self.idf[index]
        norm = math.sqrt(float(values @ values)) or 1.0
        return index, values / norm

    def probabilities(self, features: Iterable[str]) -> np.ndarray:
        """P(theme) for every theme, in the order of `themes`."""
        return self.score(features).probabilities

    def score(self, features: Iterable[str]) -> TermScores:
        """Probabilities and the per-term contributions behind them."""
        index, values = self._row(features)
        parts = values[:, None] * self.weights[index]
        logits = parts.sum(axis=0) + self.bias
        return TermScores(self, index, parts, 1.0 / (1.0 + np.exp(-logits)))

    def to_json(self) -> str:
        """JSON with one term per line (idf, then a weight per theme), so diffs stay readable."""
        head = json.dumps({"format": FORMAT, "themes": list(self.themes),
                           "bias": [round(float(b), 4) for b in self.bias]})
        rows = [
            f"{json.dumps(term, ensure_ascii=False)}:"
            + json.dumps([round(float(self.idf[i]), 4),
                          *(round(float(w), 4) for w in self.weights[i])], separators=(",", ":"))
            for i, term in enumerate(self.vocabulary)
        ]
        return head[:-1] + ', "terms": {\n' + ",\n".join(rows) + "\n}}"

    @classmethod
    def from_json(cls, text: str) -> TermModel:
        data = parse_stored(text, "term model")
        rows = data["terms"]
        matrix = np.array(list(rows.values()), dtype=np.float64).reshape(len(rows), -1)
        return cls(tuple(data["themes"]), {t: i for i, t in enumerate(rows)},
                   matrix[:, 0].copy(), matrix[:, 1:].copy(), np.array(data["bias"]))


@dataclass(frozen=True)
class TermScores:
    """One passage scored by a TermModel."""

    model: TermModel
    index: np.ndarray  # the passage's known terms
    parts: np.ndarray  # their contributions to each theme's logit (terms x themes)
    probabilities: np.ndarray

    def top_terms(self, theme: str, count: int = 3) -> list[str]:
        """The terms that raised a theme's score most, for the evidence shown to analysts."""
        column = self.parts[:, self.model.themes.index(theme)]
        best = np.argsort(-column, kind="stable")[:count]
        terms = self.model.terms
        return [terms[self.index[i]] for i in best if column[i] > 0]


def load_term_model(path: Path) -> TermModel | None:
    """The stored model, or None when there is none yet (the lexical score stands alone)."""
    if not path.is_file():
        return None
    try:
        return TermModel.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{path}: not a term model ({exc})") from None


def fit_term_model(
    documents: Sequence[Sequence[str]], labels: Sequence[Iterable[str]],
    themes: Sequence[str], training: LogisticFit = TERM_FIT, min_df: int = MIN_DF,
) -> TermModel:
    """Fit the model on featurised documents and their theme labels."""
    df = Counter(t for features in documents for t in set(features))
    vocabulary = {t: i for i, t in enumerate(sorted(t for t, c in df.items()
                                                    if c >= min_df))}
    n = len(documents)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary])
    model = TermModel(tuple(themes), vocabulary, idf,
                      np.zeros((len(vocabulary), len(themes))),
                      np.full(len(themes), INITIAL_BIAS))
    rows = _SparseRows([model._row(features) for features in documents], len(vocabulary))
    target = np.array([[1.0 if t in set(theme_ids) else 0.0 for t in themes]
                       for theme_ids in labels])
    _descend(rows, target, model, training)
    return model


class _SparseRows:
    """Documents as sparse rows, with the two products a gradient step needs: sums over
    runs of a sorted index (np.add.reduceat), tens of times faster than np.add.at."""

    def __init__(self, rows: Sequence[tuple[np.ndarray, np.ndarray]], width: int) -> None:
        self.shape = (len(rows), width)
        row = np.repeat(np.arange(len(rows)), [len(i) for i, _ in rows])
        column = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
        value = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        self._by_row = (row, column, value)
        order = np.argsort(column, kind="stable")
        self._by_column = (column[order], row[order], value[order])

    @staticmethod
    def _sums(keys: np.ndarray, others: np.ndarray, values: np.ndarray,
              matrix: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros((size, matrix.shape[1]))
        if len(keys):
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            out[keys[starts]] = np.add.reduceat(values[:, None] * matrix[others], starts)
        return out

    def times(self, matrix: np.ndarray) -> np.ndarray:
        """X @ matrix."""
        return self._sums(*self._by_row, matrix, self.shape[0])

    def transposed_times(self, matrix: np.ndarray) -> np.ndarray:
        """X.T @ matrix."""
        return self._sums(*self._by_column, matrix, self.shape[1])


def _descend(rows: _SparseRows, target: np.ndarray, model: TermModel,
             training: LogisticFit) -> None:
    """Nesterov-accelerated full-batch gradient descent on the weighted logistic loss (in
    place): it reaches in 300 steps what plain descent needs thousands of steps for."""
    sample_weight = np.where(target > 0, training.positive_weight, 1.0)
    n = max(rows.shape[0], 1)
    weights, bias = model.weights.copy(), model.bias.copy()
    for step in range(1, training.steps + 1):
        momentum = (step - 1) / (step + 2)
        ahead_w = model.weights + momentum * (model.weights - weights)
        ahead_b = model.bias + momentum * (model.bias - bias)
        weights, bias = model.weights.copy(), model.bias.copy()
        gradient = (1.0 / (1.0 + np.exp(-(rows.times(ahead_w) + ahead_b))) - target)
        gradient *= sample_weight
        model.weights[:] = ahead_w - training.step_size * (
            rows.transposed_times(gradient) / n + training.l2 * ahead_w)
        model.bias[:] = ahead_b - training.step_size * gradient.mean(axis=0)
