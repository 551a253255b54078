"""The learned term model: sparse fitting, stored form, evidence, and its blend into scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from belmon.analysis_context import AnalysisError
from belmon.term_learning import read_training
from extractors.theme_terms import (
    TermModel,
    _SparseRows,
    fit_term_model,
    load_term_model,
    term_features,
)
from extractors.themes import (
    MIN_LEARNED_SCORE,
    LexicalThemeClassifier,
    LexicalWeights,
    ThemeSpec,
    blend,
)

THEMES = ["sanctions", "media_freedom"]
DOCUMENTS = [
    (["asset", "freez", "offici"], ["sanctions"]),
    (["export", "ban", "potash"], ["sanctions"]),
    (["asset", "freez", "judg"], ["sanctions"]),
    (["journalist", "jail", "newsroom"], ["media_freedom"]),
    (["newsroom", "raid", "report"], ["media_freedom"]),
    (["journalist", "extremist", "report"], ["media_freedom"]),
    (["weather", "rain", "minsk"], []),
]


@pytest.fixture(scope="module")
def model() -> TermModel:
    documents = [term_features(words) for words, _ in DOCUMENTS]
    return fit_term_model(documents, [labels for _, labels in DOCUMENTS], THEMES)


def test_sparse_products_equal_dense_ones() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(40):
        index = np.unique(rng.integers(0, 30, rng.integers(0, 6)))
        rows.append((index, rng.random(len(index))))
    dense = np.zeros((40, 30))
    for i, (index, values) in enumerate(rows):
        dense[i, index] = values
    sparse = _SparseRows(rows, 30)
    weights, gradient = rng.random((30, 3)), rng.random((40, 3))
    assert np.allclose(sparse.times(weights), dense @ weights)
    assert np.allclose(sparse.transposed_times(gradient), dense.T @ gradient)


def test_features_are_stems_and_adjacent_pairs() -> None:
    assert term_features(["asset", "freez", "judg"]) == [
        "asset", "freez", "judg", "asset freez", "freez judg"]


def test_fitted_model_ranks_the_right_theme_and_names_its_terms(model: TermModel) -> None:
    sanctions = model.probabilities(term_features(["asset", "freez"]))
    media = model.probabilities(term_features(["journalist", "newsroom"]))
    assert sanctions[0] > sanctions[1] and media[1] > media[0]
    assert "asset freez" in model.score(term_features(["asset", "freez"])).top_terms("sanctions")
    assert model.score([]).top_terms("sanctions") == []  # nothing known, nothing claimed


def test_stored_model_round_trips(model: TermModel, tmp_path: Path) -> None:
    path = tmp_path / "terms.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_term_model(path)
    assert loaded is not None and loaded.themes == model.themes
    features = term_features(["asset", "freez", "journalist"])
    assert np.allclose(loaded.probabilities(features), model.probabilities(features), atol=1e-3)
    assert load_term_model(tmp_path / "missing.json") is None
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a term model"):
        load_term_model(path)


def test_blend_keeps_lexical_scores_without_a_model_and_drops_negligible_ones() -> None:
    assert blend(0.6, None, 0.85) == 0.6
    assert blend(0.0, None, 0.0) is None
    assert blend(0.6, 0.9, 0.0) == 0.6
    assert blend(0.6, 0.9, 0.5) == pytest.approx(0.75)
    assert blend(0.0, MIN_LEARNED_SCORE / 2, 0.85) is None  # no lexical evidence, tiny P
    assert blend(0.0, 0.9, 0.85) == pytest.approx(0.765)


def test_classifier_blends_the_model_and_explains_it(model: TermModel) -> None:
    specs = [ThemeSpec("sanctions", ("sanction",)), ThemeSpec("media_freedom", ("journalist",))]
    text = "Brussels ordered an asset freeze on officials in Belarus."
    plain = LexicalThemeClassifier(specs).classify([text])[0]
    learned = LexicalThemeClassifier(specs, weights=LexicalWeights(term_weight=0.85),
                                     terms=model).classify([text])[0]
    assert not any(s.theme == "sanctions" for s in plain)  # no cue phrase of its own
    top = learned[0]
    assert top.theme == "sanctions"
    assert any(e.startswith("learned terms: ") and "asset freez" in e for e in top.evidence)


def test_training_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "examples.jsonl"
    assert read_training(path, THEMES) == []  # no file: no passages
    path.write_text('{"text": "ok", "themes": ["sanctions"]}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"examples.jsonl:2: expected an object"):
        read_training(path, THEMES)
    path.write_text('{"text": "ok", "themes": ["sport"]}\n', encoding="utf-8")
    with pytest.raises(AnalysisError, match="unknown theme"):
        read_training(path, THEMES)
    path.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="not JSON"):
        read_training(path, THEMES)
