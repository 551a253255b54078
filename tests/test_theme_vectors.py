"""The embeddings backend's learned vector model: fit, stored form, encoder check."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractors.theme_vectors import VectorModel, fit_vector_model, load_vector_model

THEMES = ["sanctions", "media_freedom"]


def _model() -> VectorModel:
    rng = np.random.default_rng(3)
    sanctions = rng.normal([1.0, 0.0, 0.0], 0.1, (20, 3))
    media = rng.normal([0.0, 1.0, 0.0], 0.1, (20, 3))
    vectors = np.vstack([sanctions, media])
    labels = [["sanctions"]] * 20 + [["media_freedom"]] * 20
    return fit_vector_model(vectors, labels, THEMES, "toy-encoder")


def test_fitted_model_separates_the_themes() -> None:
    model = _model()
    probabilities = model.probabilities(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    assert probabilities[0, 0] > 0.5 > probabilities[0, 1]
    assert probabilities[1, 1] > 0.5 > probabilities[1, 0]


def test_stored_model_round_trips_and_belongs_to_its_encoder(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "vectors.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_vector_model(path, "toy-encoder")
    assert loaded is not None and loaded.themes == tuple(THEMES)
    row = np.array([[0.7, 0.2, 0.1]])
    assert np.allclose(loaded.probabilities(row), model.probabilities(row), atol=1e-3)
    assert load_vector_model(path, "another-encoder") is None  # other dimensions, not used
    assert load_vector_model(tmp_path / "missing.json", "toy-encoder") is None
    path.write_text(json.dumps({"format": 7}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a vector model"):
        load_vector_model(path, "toy-encoder")
