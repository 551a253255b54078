"""TF-IDF cosine search over term lists, for claim novelty.

Postings are numpy arrays, so a query costs a few vector operations per query term instead
of a Python loop over every posting: in a warehouse of tens of thousands of claims written
in one domain's vocabulary, a common term ('election', 'prison') is in thousands of them.
The arithmetic is the same float64 arithmetic as a plain loop, so scores and ranks are too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np


class TermIndex:
    """Documents (term lists) ranked by TF-IDF cosine to a query; documents can be added
    at any time, and the weights are recomputed over all of them on the next query."""

    def __init__(self) -> None:
        self._docs: list[tuple[str, ...]] = []
        self._idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._stale = True

    def __len__(self) -> int:
        return len(self._docs)

    def extend(self, documents: Iterable[Sequence[str]]) -> None:
        self._docs.extend(tuple(d) for d in documents)
        self._stale = True

    def _rebuild(self) -> None:
        df: Counter[str] = Counter()
        for terms in self._docs:
            df.update(set(terms))
        n = len(self._docs) + 1
        self._idf = {t: math.log(n / c) + 1.0 for t, c in df.items()}
        indexes: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, list[float]] = defaultdict(list)
        for index, terms in enumerate(self._docs):
            for term, weight in self.vector(terms).items():
                indexes[term].append(index)
                weights[term].append(weight)
        self._postings = {
            t: (np.asarray(indexes[t], dtype=np.int64), np.asarray(weights[t], dtype=np.float64))
            for t in indexes
        }
        self._stale = False

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF weights of a term list; unseen words count as rare words."""
        counts: Counter[str] = Counter(terms)
        default_idf = math.log(len(self._docs) + 1) + 1.0
        raw = {t: (1 + math.log(c)) * self._idf.get(t, default_idf) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def nearest(self, terms: Sequence[str], k: int) -> list[tuple[float, int]]:
        """The k most similar documents as (cosine, index), best first (ties: later first)."""
        if self._stale:
            self._rebuild()
        sims = np.zeros(len(self._docs), dtype=np.float64)
        for term, weight in self.vector(terms).items():
            posting = self._postings.get(term)
            if posting is not None:
                sims[posting[0]] += weight * posting[1]
        hits = np.flatnonzero(sims)
        if hits.size > k:
            kth = np.partition(sims[hits], hits.size - k)[hits.size - k]
            hits = hits[sims[hits] >= kth]
        return sorted(((float(sims[i]), int(i)) for i in hits), reverse=True)[:k]
