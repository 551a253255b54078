"""Learning the embeddings backend on the tune split, by cross-validation.

Every tune record is scored as unseen text would be: its example cosines come from the other
folds' records, its lexical score is the lexical backend's cross-validated (blended) score,
and its vector-model probability comes from a model fitted without its fold. The weights of
the parts, the thresholds and the floors with the best cross-validated macro F1 win; the
vector model is then fitted on everything labelled and written to seeds/theme_vectors.json.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import typer

from belmon.analysis_context import AnalysisError, Knowledge
from belmon.catalog import Catalog
from belmon.settings import Settings
from belmon.theme_learning import _folds, _lexical_parts, _ranked

LEXICAL_WEIGHTS = (0.0, 1.0, 1.5, 2.0, 3.0)  # hybrid weights tried
LEARNED_WEIGHTS = (0.0, 0.5, 1.0, 2.0)  # vector model weights tried


@dataclass
class _Parts:
    """Cross-validated score parts of the tune records (texts x themes, per repetition)."""

    described: Any
    near: Any
    examples: list[Any]
    lexical: list[Any]
    contexts: list[list[bool]]
    learned: list[Any]


def learn_embeddings(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, records: list[dict[str, Any]],
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, Any]]]:
    """Weights, thresholds, floors and examples of the embeddings backend (cross-validated),
    and its vector model written beside them."""
    from belmon.pipeline import VECTORS_FILE
    from belmon.term_learning import TRAINING_FILE, read_training

    themes = [t.id for t in catalog.themes]
    classifier = _bare_classifier(settings, catalog, knowledge)
    training = read_training(settings.catalog_dir / TRAINING_FILE, themes)
    labelled = _labelled_vectors(classifier, training, knowledge)
    parts = _parts(settings, catalog, knowledge, records, classifier, labelled)
    assignment, weights, micro = _best_weights(parts, records, themes)
    typer.echo(f"embeddings: lexical weight {weights.lexical_weight}, learned weight "
               f"{weights.learned_weight}, cross-validated tune macro F1 "
               f"{assignment.macro_f1:.3f}, micro F1 {micro:.3f}", err=True)
    vectors, labels = labelled
    model = _fit(np.vstack([vectors, classifier.embed([r["text"] for r in records])]),
                 labels + [r["themes"] for r in records], themes, settings.embedding_model)
    (settings.catalog_dir / VECTORS_FILE).write_text(model.to_json() + "\n", encoding="utf-8")
    knobs = replace(weights, relative_floor=assignment.relative_floor,
                    fallback_floor=assignment.fallback_floor).as_dict()
    examples = {r["id"]: {"themes": list(r["themes"]), "text": r["text"]}
                for r in records if r["themes"]}
    return assignment.thresholds, knobs, examples


def _bare_classifier(settings: Settings, catalog: Catalog, knowledge: Knowledge) -> Any:
    """The backend with the seeded prototypes and no learned parts, for its similarities."""
    from belmon.pipeline import embedding_model_path, load_theme_model, theme_specs
    from extractors.themes import prototypes_from_rows
    from extractors.themes_embeddings import EmbeddingsUnavailable, EmbeddingThemeClassifier

    model = replace(load_theme_model(settings.catalog_dir, "embeddings"), examples={})
    try:
        return EmbeddingThemeClassifier(
            theme_specs(catalog, model), catalog.aliases,
            embedding_model_path(settings.embedding_model),
            prototypes=prototypes_from_rows(knowledge.prototypes),
        )
    except EmbeddingsUnavailable as exc:
        raise AnalysisError(str(exc)) from exc


def _labelled_vectors(classifier: Any, training: list[dict[str, Any]],
                      knowledge: Knowledge) -> tuple[Any, list[list[str]]]:
    """Embeddings and labels of the training passages and the seeded prototypes."""
    from belmon.progress import progress
    from belmon.term_learning import labelled_passages

    labelled = labelled_passages(training, knowledge)
    texts = [text for text, _ in labelled]
    batch = 256
    chunks = []
    starts = range(0, len(texts), batch)
    with progress(f"embedding {len(texts)} labelled passages", len(starts)) as advance:
        for start in starts:
            chunks.append(classifier.embed(texts[start:start + batch]))
            advance()
    vectors = np.vstack(chunks) if chunks else np.zeros((0, 1))
    return vectors, [ids for _, ids in labelled]


def _fit(vectors: Any, labels: list[list[str]], themes: list[str], encoder: str) -> Any:
    from extractors.theme_vectors import fit_vector_model

    return fit_vector_model(vectors, labels, themes, encoder)


def _parts(settings: Settings, catalog: Catalog, knowledge: Knowledge,
           records: list[dict[str, Any]], classifier: Any, labelled: Any) -> _Parts:
    from belmon.pipeline import load_theme_model
    from belmon.term_learning import blended_runs

    themes = [t.id for t in catalog.themes]
    gold = [set(r["themes"]) for r in records]
    texts = [r["text"] for r in records]
    described, near = classifier.similarities(texts)
    vectors = classifier.embed(texts)
    cosines = vectors @ vectors.T
    term_weight = load_theme_model(settings.catalog_dir, "lexical").weights.term_weight
    runs, probabilities, _ = _lexical_parts(settings, catalog, knowledge, records)
    parts = _Parts(described, near, [], [], [], [])
    for seed, (rows, contexts) in enumerate(blended_runs(runs, probabilities, themes,
                                                         term_weight)):
        example = np.zeros_like(described)
        learned = np.zeros_like(described)
        for held in _folds(len(records), seed):
            kept = [m for m in range(len(records)) if m not in held]
            for column, theme in enumerate(themes):
                own = [m for m in kept if theme in gold[m]]
                for i in held:
                    example[i, column] = max((cosines[i, m] for m in own), default=0.0)
            model = _fit(np.vstack([labelled[0], vectors[kept]]),
                         labelled[1] + [records[m]["themes"] for m in kept], themes,
                         settings.embedding_model)
            rows_held = sorted(held)
            learned[rows_held] = model.probabilities(vectors[rows_held])
        lexical = np.zeros_like(described)
        for i, row in enumerate(rows):
            for theme, score, _ in row:
                lexical[i, themes.index(theme)] = score
        parts.examples.append(example)
        parts.lexical.append(lexical)
        parts.contexts.append(list(contexts))
        parts.learned.append(learned)
    return parts


def _best_weights(parts: _Parts, records: list[dict[str, Any]], themes: list[str]) -> Any:
    """The weights, thresholds and floors with the best cross-validated macro F1."""
    from extractors.evaluation import learn_assignment, theme_report
    from extractors.themes import choose_themes
    from extractors.themes_embeddings import EmbeddingWeights, combine

    gold = [set(r["themes"]) for r in records]

    def choose(*args: Any) -> tuple[str, ...]:
        return choose_themes(*args).themes

    best = None
    for lexical_weight, learned_weight in itertools.product(LEXICAL_WEIGHTS, LEARNED_WEIGHTS):
        weights = EmbeddingWeights(lexical_weight=lexical_weight, learned_weight=learned_weight)
        scores = [combine(weights, parts.described, parts.near, example, lexical, learned)
                  for example, lexical, learned in zip(parts.examples, parts.lexical,
                                                       parts.learned, strict=True)]
        runs = [(_ranked(matrix, themes),
                 contexts if lexical_weight else [True] * len(records))
                for matrix, contexts in zip(scores, parts.contexts, strict=True)]
        pooled = np.concatenate(scores)
        cut = [round(float(q), 4) for q in
               np.quantile(pooled, (0.8, 0.84, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98))]
        floors = [round(float(q), 4) for q in np.quantile(pooled.max(axis=1), (0.1, 0.2, 0.3))]
        assignment = learn_assignment(runs, gold, themes, choose, fallbacks=[0.0, *floors],
                                      thresholds=cut, relatives=(0.0, 0.7, 0.8, 0.9))
        if best is None or assignment.macro_f1 > best[0].macro_f1 + 1e-9:
            best = (assignment, weights, runs)
    assert best is not None
    assignment, weights, runs = best
    micro = sum(
        theme_report(gold, [choose(row, assignment.thresholds, assignment.relative_floor,
                                   assignment.fallback_floor, context)
                            for row, context in zip(rows, contexts, strict=True)],
                     themes).micro_f1
        for rows, contexts in runs
    ) / len(runs)
    return assignment, weights, micro
