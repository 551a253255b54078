"""The lexical theme classifier: cues on stems, aliases, negatives, prototypes, thresholds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from belmon.pipeline import build_classifier, load_theme_model, theme_specs
from belmon.settings import PROJECT_ROOT, load_settings
from extractors.themes import (
    LexicalThemeClassifier,
    Prototype,
    ThemeSpec,
    prototypes_from_rows,
    stem,
    theme_model_from_toml,
)

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="module")
def classifier(catalog):  # noqa: ANN001, ANN201 - catalog fixture from conftest
    return build_classifier(load_settings(catalog_dir=SEEDS), catalog)


def _assigned(classifier, text: str) -> list[str]:  # noqa: ANN001
    return [s.theme for s in classifier.classify([text])[0] if s.assigned]


def test_stem_folds_inflections() -> None:
    assert stem("jailed") == stem("jailing") == stem("jails") == "jail"
    assert stem("sanctions") == stem("sanctioned") == "sanction"


def test_key_phrases_decide_and_explain(classifier) -> None:  # noqa: ANN001
    scores = classifier.classify(["The EU froze the assets of 25 judges and imposed a travel ban."])
    top = scores[0][0]
    assert top.theme == "sanctions" and top.assigned
    assert any(e.startswith("phrase: ") for e in top.evidence)


def test_transliteration_variants_give_the_same_scores(classifier) -> None:  # noqa: ANN001
    a, b = classifier.classify([
        "Lukashenko refused to recognise Tikhanovskaya as the winner of the rigged election.",
        "Lukashenka refused to recognise Tsikhanouskaya as the winner of the rigged election.",
    ])
    assert [(s.theme, s.score) for s in a] == [(s.theme, s.score) for s in b]
    assert "elections_legitimacy" in [s.theme for s in a if s.assigned]


@pytest.mark.parametrize(
    "text",
    [
        "UEFA sanctioned the club after fans threw flares onto the pitch.",
        "Coach Marshall said the defence let the team down in the league match.",
        "The student union election was won by a history student from Hrodna.",
        "Heavy rain flooded several streets in Brest on Sunday.",
    ],
)
def test_hard_negatives_get_no_theme(classifier, text: str) -> None:  # noqa: ANN001
    assert _assigned(classifier, text) == []


def test_at_most_three_themes(classifier) -> None:  # noqa: ANN001
    text = (
        "Sanctions, political prisoners, rigged elections, journalists, the Kremlin, NATO, "
        "ambassadors and a Marshall Plan were all on the agenda of the conference."
    )
    assert len(_assigned(classifier, text)) <= 3


def test_prototypes_add_similarity_evidence() -> None:
    spec = ThemeSpec("diplomacy", ("ambassador",), threshold=0.1)
    protos = {"diplomacy": [Prototype("ref:x#1.r0", "Embassies should reopen channels to Minsk")]}
    classifier = LexicalThemeClassifier([spec], prototypes=protos)
    (score,) = classifier.classify(["Reopen the embassies and channels in Minsk"])[0]
    assert score.assigned
    assert any("nearest: ref:x#1.r0" in e for e in score.evidence)


def test_prototypes_from_rows_group_by_theme() -> None:
    rows = [("r1", "text one", ["sanctions", "russia"]), ("r2", "text two", [])]
    protos = prototypes_from_rows(rows)
    assert [p.id for p in protos["sanctions"]] == ["r1"] and "russia" in protos


def test_theme_model_reads_cues_negatives_and_thresholds() -> None:
    model = theme_model_from_toml(
        {"cues": {"sanctions": {"asset freeze": 1.5}}, "negative": {"global": ["uefa"]}},
        {"thresholds": {"sanctions": 0.6}, "weights": {"prototype_weight": 2.0}},
    )
    assert model.cues["sanctions"] == (("asset freeze", 1.5),)
    assert model.global_negatives == ("uefa",)
    assert model.thresholds == {"sanctions": 0.6} and model.weights.prototype_weight == 2.0


def test_shipped_model_covers_every_theme(catalog) -> None:  # noqa: ANN001
    model = load_theme_model(SEEDS)
    specs = theme_specs(catalog, model)
    assert {s.id for s in specs} == set(model.thresholds)
    assert all(s.cues for s in specs)


def test_missing_model_files_fall_back_to_themes_toml(tmp_path: Path, catalog) -> None:  # noqa: ANN001
    model = load_theme_model(tmp_path)
    assert model.thresholds == {} and model.cues == {}


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="embeddings extra not installed",
)
def test_embeddings_backend_scores_with_evidence(catalog) -> None:  # noqa: ANN001
    settings = load_settings(catalog_dir=SEEDS, classifier="embeddings")
    protos = {"media_freedom": ["Journalists lost their accreditation and were expelled."]}
    classifier = build_classifier(settings, catalog, protos)
    (scores,) = classifier.classify(["Reporters were stripped of their press cards."])
    best = max(scores, key=lambda s: s.score)
    assert best.theme == "media_freedom"
    assert best.evidence[0].startswith("nearest: media_freedom:0")
