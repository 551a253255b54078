"""A learned linear model over sentence embeddings, per theme (embeddings backend).

Cosines to descriptions, prototypes and examples use the labelled passages one at a time;
this model learns from all of them at once (seeds/theme_examples.jsonl, the seeded passages
and the tune split): one-vs-rest logistic regression on the unit-length embeddings, fitted
by `belmon eval --learn-thresholds --backend embeddings` and stored as JSON (a weight per
embedding dimension and theme). Plain numpy; the encoder itself lives in themes_embeddings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractors.logistic import FORMAT, LogisticFit, parse_stored

VECTOR_FIT = LogisticFit(l2=1e-3, positive_weight=5.0, steps=400, step_size=4.0)


@dataclass(frozen=True)
class VectorModel:
    """Weights (dimensions x themes) and biases, and the encoder they were fitted for."""

    encoder: str
    themes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(theme) per embedding row (rows x themes)."""
        return 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))

    def to_json(self) -> str:
        """JSON with one embedding dimension per line."""
        head = json.dumps({"format": FORMAT, "encoder": self.encoder, "themes": list(self.themes),
                           "bias": [round(float(b), 4) for b in self.bias]})
        rows = [json.dumps([round(float(w), 4) for w in row], separators=(",", ":"))
                for row in self.weights]
        return head[:-1] + ', "weights": [\n' + ",\n".join(rows) + "\n]}"

    @classmethod
    def from_json(cls, text: str) -> VectorModel:
        data = parse_stored(text, "vector model")
        return cls(str(data["encoder"]), tuple(data["themes"]),
                   np.array(data["weights"], dtype=np.float32),
                   np.array(data["bias"], dtype=np.float32))


def load_vector_model(path: Path, encoder: str) -> VectorModel | None:
    """The stored model when it was fitted for this encoder, else None (not used)."""
    if not path.is_file():
        return None
    try:
        model = VectorModel.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{path}: not a vector model ({exc})") from None
    return model if model.encoder == encoder else None


def fit_vector_model(
    vectors: np.ndarray, labels: Sequence[Iterable[str]], themes: Sequence[str],
    encoder: str, training: LogisticFit = VECTOR_FIT,
) -> VectorModel:
    """Full-batch gradient descent on the weighted logistic loss."""
    target = np.array([[1.0 if t in set(ids) else 0.0 for t in themes] for ids in labels])
    sample_weight = np.where(target > 0, training.positive_weight, 1.0)
    weights = np.zeros((vectors.shape[1], len(themes)))
    bias = np.full(len(themes), -2.0)
    n = max(len(vectors), 1)
    for _ in range(training.steps):
        gradient = (1.0 / (1.0 + np.exp(-(vectors @ weights + bias))) - target) * sample_weight
        weights -= training.step_size * (vectors.T @ gradient / n + training.l2 * weights)
        bias -= training.step_size * gradient.mean(axis=0)
    return VectorModel(encoder, tuple(themes), weights.astype(np.float32),
                       bias.astype(np.float32))
