"""TF-IDF cosine search over term lists, for claim novelty.

Postings are numpy arrays, so a query costs a few vector operations per query term instead
of a Python loop over every posting: in a warehouse of tens of thousands of claims written
in one domain's vocabulary, a common term ('election', 'prison') is in thousands of them.
Adding documents re-weights all of them (the IDF changes) with array arithmetic. The
operations are the float64 operations of a plain loop, in the same order, so scores and
ranks are exactly those of the straightforward implementation.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


class TermIndex:
    """Documents (term lists) ranked by TF-IDF cosine to a query; documents can be added
    at any time, and the weights are recomputed over all of them on the next query."""

    def __init__(self) -> None:
        self._count = 0
        self._df: Counter[str] = Counter()
        self._term_ids: dict[str, int] = {}
        # One entry per (document, distinct term), in document order, then first occurrence;
        # typed arrays, not lists: 24 bytes an entry instead of about 100.
        self._entry_doc = array("q")
        self._entry_term = array("q")
        self._entry_tf = array("d")
        self._idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._stale = True

    def __len__(self) -> int:
        return self._count

    def extend(self, documents: Iterable[Sequence[str]]) -> None:
        for terms in documents:
            counts = Counter(terms)
            self._df.update(counts.keys())
            for term, count in counts.items():
                self._entry_doc.append(self._count)
                self._entry_term.append(self._term_ids.setdefault(term, len(self._term_ids)))
                self._entry_tf.append(1 + math.log(count))
            self._count += 1
        self._stale = True

    def _rebuild(self) -> None:
        n = self._count + 1
        self._idf = {t: math.log(n / c) + 1.0 for t, c in self._df.items()}
        names = list(self._term_ids)
        idf = np.array([self._idf[t] for t in names], dtype=np.float64)
        docs = np.asarray(self._entry_doc, dtype=np.int64)
        terms = np.asarray(self._entry_term, dtype=np.int64)
        raw = np.asarray(self._entry_tf, dtype=np.float64) * idf[terms]
        norms = np.sqrt(np.bincount(docs, weights=raw * raw, minlength=self._count))
        norms[norms == 0] = 1.0
        weights = raw / norms[docs]
        order = np.argsort(terms, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(terms, minlength=len(names)))))
        docs, weights = docs[order], weights[order]
        self._postings = {name: (docs[bounds[i]:bounds[i + 1]], weights[bounds[i]:bounds[i + 1]])
                          for i, name in enumerate(names)}
        self._stale = False

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF weights of a term list; unseen words count as rare words."""
        counts: Counter[str] = Counter(terms)
        default_idf = math.log(self._count + 1) + 1.0
        raw = {t: (1 + math.log(c)) * self._idf.get(t, default_idf) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def nearest(self, terms: Sequence[str], k: int) -> list[tuple[float, int]]:
        """The k most similar documents as (cosine, index), best first (ties: later first)."""
        if self._stale:
            self._rebuild()
        sims = np.zeros(self._count, dtype=np.float64)
        for term, weight in self.vector(terms).items():
            posting = self._postings.get(term)
            if posting is not None:
                sims[posting[0]] += weight * posting[1]
        hits = np.flatnonzero(sims)
        if hits.size > k:
            kth = np.partition(sims[hits], hits.size - k)[hits.size - k]
            hits = hits[sims[hits] >= kth]
        return sorted(((float(sims[i]), int(i)) for i in hits), reverse=True)[:k]
