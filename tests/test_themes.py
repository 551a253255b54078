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


def test_shipped_embeddings_model_is_learned_on_tune(catalog) -> None:  # noqa: ANN001
    from belmon.pipeline import THRESHOLDS_FILE, _read_optional_toml
    from extractors.themes_embeddings import EmbeddingWeights

    table = _read_optional_toml(SEEDS / THRESHOLDS_FILE)["embeddings"]
    weights = EmbeddingWeights.from_mapping(table["weights"])
    assert set(table["thresholds"]) == {t.id for t in catalog.themes}
    assert weights.lexical_weight >= 0 and 0 <= weights.relative_floor < 1
    model = load_theme_model(SEEDS, "embeddings")
    assert all(model.examples.get(t.id) for t in catalog.themes)


class _BagEncoder:
    """A stand-in sentence encoder: normalised word counts over a small vocabulary."""

    VOCAB = ("sanction", "prisoner", "journalist", "press", "border", "troops", "vote")

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts, **_: object):  # noqa: ANN001, ANN201
        import numpy as np

        self.seen += list(texts)
        rows = np.array([[t.lower().count(w) for w in self.VOCAB] for t in texts], float) + 0.01
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="embeddings extra not installed",
)
def test_embeddings_hybrid_caches_caps_and_shows_examples() -> None:
    from extractors.themes import ThemeScore
    from extractors.themes_embeddings import EmbeddingThemeClassifier, EmbeddingWeights

    class Lexical:
        def classify(self, texts):  # noqa: ANN001, ANN202
            return [[ThemeScore("sanctions", 1.0, True, ("phrase: asset freeze",))]
                    for _ in texts]

        def in_policy_context(self, text: str) -> bool:
            return "weather" not in text

    themes = [
        ThemeSpec(f"t{n}", (), description=word, threshold=0.1,
                  examples=(Prototype(f"example:e{n}", f"{word} {word}"),))
        for n, word in enumerate(_BagEncoder.VOCAB[1:])
    ] + [ThemeSpec("sanctions", (), description="sanction", threshold=0.1)]
    encoder = _BagEncoder()
    classifier = EmbeddingThemeClassifier(
        themes, None, "unused", encoder=encoder, lexical=Lexical(),
        weights=EmbeddingWeights(lexical_weight=1.0),
    )
    text = "A prisoner, a journalist and the press at the border saw troops vote on sanctions."
    (scores,) = classifier.classify([text])
    assert sum(s.assigned for s in scores) == 3
    assert scores[0].theme == "sanctions" and "phrase: asset freeze" in scores[0].evidence
    assert any(r.startswith("example: example:e") for s in scores for r in s.evidence)
    calls = len(encoder.seen)
    classifier.classify([text, text])
    assert len(encoder.seen) == calls  # embeddings are cached within the instance
    (off,) = classifier.classify(["Sanctions, troops and weather at the border."])
    assert not any(s.assigned for s in off)  # the lexical backend says: no policy context


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="embeddings extra not installed",
)
def test_embeddings_vector_model_adds_its_probability_with_evidence() -> None:
    import numpy as np

    from extractors.theme_vectors import VectorModel
    from extractors.themes_embeddings import EmbeddingThemeClassifier, EmbeddingWeights

    themes = [ThemeSpec("media_freedom", (), description="press", threshold=0.5),
              ThemeSpec("regional_security", (), description="border", threshold=0.5)]
    weights = np.zeros((len(_BagEncoder.VOCAB), 2))
    weights[_BagEncoder.VOCAB.index("journalist"), 0] = 8.0  # journalists mean media freedom
    vectors = VectorModel("bag", ("media_freedom", "regional_security"), weights,
                          np.array([-4.0, -4.0]))
    plain, learned = (
        EmbeddingThemeClassifier(themes, None, "unused", encoder=_BagEncoder(),
                                 weights=EmbeddingWeights(learned_weight=w), vectors=vectors)
        for w in (0.0, 1.0)
    )
    text = "Two journalists were held."
    base = {s.theme: s for s in plain.classify([text])[0]}
    scored = {s.theme: s for s in learned.classify([text])[0]}
    assert scored["media_freedom"].score > base["media_freedom"].score + 0.5
    assert any(e.startswith("learned: P 0.") for e in scored["media_freedom"].evidence)


def test_porter_stems_fold_british_spellings_and_derivations() -> None:
    from extractors.themes import theme_stem, tokens

    assert theme_stem("organisation") == theme_stem("organization")
    assert theme_stem("imprisoned") == theme_stem("imprisonment")
    assert theme_stem("news") != theme_stem("new")
    assert tokens("self-determination") == tokens("self determination")


def test_choose_themes_thresholds_relative_floor_and_fallback() -> None:
    from extractors.themes import choose_themes

    ranked = [("a", 0.9, True), ("b", 0.8, True), ("c", 0.5, False)]
    assert choose_themes(ranked, {"a": 0.5, "b": 0.5, "c": 0.4}, 0.85).themes == ("a", "b")
    weak = [("a", 0.35, True)]
    assert choose_themes(weak, {"a": 0.6}, 0.0, 0.3, in_context=True).fallback == "a"
    assert choose_themes(weak, {"a": 0.6}, 0.0, 0.3, in_context=False).themes == ()
    assert choose_themes([("a", 0.35, False)], {"a": 0.6}, 0.0, 0.3).themes == ()


def test_examples_and_weighted_negatives_come_from_the_model() -> None:
    model = theme_model_from_toml(
        {"negative": {"global": ["uefa"], "weak": {"match": 0.5, "league": 0.5}}},
        {"examples": {"t1": {"themes": ["sanctions"], "text": "Brussels froze the assets."}}},
    )
    assert model.global_negatives == ("uefa", ("match", 0.5), ("league", 0.5))
    assert [p.text for p in model.examples["sanctions"]] == ["Brussels froze the assets."]
    spec = ThemeSpec("sanctions", ("asset freeze",), threshold=0.3,
                     examples=model.examples["sanctions"])
    classifier = LexicalThemeClassifier([spec], global_negatives=model.global_negatives)
    (score,) = classifier.classify(["The EU froze the assets of officials in Minsk."])[0]
    assert score.assigned and any("example:t1" in e for e in score.evidence)
    damped = classifier.classify(["The league match in Minsk: an asset freeze of the club."])
    assert not any(s.assigned for s in damped[0])
