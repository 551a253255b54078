"""Theme classification: every passage scored against every recommendation theme.

The lexical backend needs no heavy dependency: key phrases of each theme (after folding
transliteration variants into one spelling) are matched as whole words, weighted by how
specific they are, and damped by phrases that signal another sense (a club 'sanctioned' by
UEFA). Scores are in [0, 1]; a passage gets at most three themes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from extractors.text import canonicalise, compile_aliases

MAX_THEMES = 3


@dataclass(frozen=True)
class ThemeSpec:
    """What a classifier needs to know about one theme."""

    id: str
    key_phrases: tuple[str, ...]
    negative_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeScore:
    """A passage's score for one theme and the evidence behind it."""

    theme: str
    score: float
    assigned: bool
    evidence: tuple[str, ...]


class ThemeClassifier(Protocol):
    """Backends (lexical, embeddings) share this interface."""

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        """For each text, the non-zero theme scores, highest first."""
        ...


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    cleaned = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in cleaned)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


class LexicalThemeClassifier:
    """Key-phrase evidence, weighted by phrase length, damped by negative phrases."""

    def __init__(
        self,
        themes: Sequence[ThemeSpec],
        aliases: dict[str, list[str]] | None = None,
        threshold: float = 0.5,
    ) -> None:
        self.themes = list(themes)
        self.threshold = threshold
        self._aliases = compile_aliases(aliases or {})
        self._positive = {t.id: _phrase_pattern(t.key_phrases) for t in self.themes}
        self._negative = {t.id: _phrase_pattern(t.negative_phrases) for t in self.themes}

    def _score_one(self, text: str) -> list[ThemeScore]:
        folded = canonicalise(text, self._aliases).lower()
        scored = []
        for theme in self.themes:
            pattern = self._positive[theme.id]
            hits = sorted({m.group(0) for m in pattern.finditer(folded)}) if pattern else []
            if not hits:
                continue
            weight = sum(0.5 + 0.5 * min(len(h.split()), 3) for h in hits)
            score = 1.0 - math.exp(-0.7 * weight)
            negative = self._negative[theme.id]
            if negative and negative.search(folded):
                score *= 0.2
            scored.append((score, theme.id, tuple(hits)))
        scored.sort(reverse=True)
        return [
            ThemeScore(theme, round(score, 4), rank < MAX_THEMES and score >= self.threshold, ev)
            for rank, (score, theme, ev) in enumerate(scored)
        ]

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        return [self._score_one(text) for text in texts]
