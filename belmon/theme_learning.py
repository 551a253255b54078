"""Learning the theme backends' thresholds and knobs on the tune split, by cross-validation.

Run by `belmon eval --learn-thresholds`; writes `seeds/theme_thresholds.toml`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from belmon.analysis_context import (
    Knowledge,
    classifier_for,
    read_eval,
    replace_backend,
    select_tune,
)
from belmon.catalog import Catalog
from belmon.settings import Settings
from belmon.term_learning import TERM_WEIGHTS


def learn_and_write_thresholds(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, backend: str, eval_dir: Path
) -> dict[str, float]:
    """Learn per-theme thresholds on the tune split and store them for the backend.

    The lexical backend also stores its decision knobs (fallback and relative floors) and the
    labelled tune passages it uses as examples; everything is learned from cross-validated
    scores (see `cross_validated_runs`), never from scores of passages the classifier knew.
    """
    from belmon.pipeline import THRESHOLDS_FILE

    records = select_tune(read_eval(eval_dir, "themes"))
    path = settings.catalog_dir / THRESHOLDS_FILE
    current = _read_thresholds(path)
    if backend == "lexical":
        learned, knobs, examples = learn_lexical(settings, catalog, knowledge, records)
        weights = dict(current.get(backend, {}).get("weights", {})) | knobs
        text = thresholds_toml(current, backend, learned, weights, examples)
    elif backend == "embeddings":
        from belmon.embedding_learning import learn_embeddings

        learned, knobs, examples = learn_embeddings(settings, catalog, knowledge, records)
        text = thresholds_toml(current, backend, learned, knobs, examples)
    else:
        learned = learn_plain(settings, catalog, knowledge, backend, records)
        text = thresholds_toml(current, backend, learned)
    path.write_text(text, encoding="utf-8")
    return learned


def learn_plain(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, backend: str,
    records: list[dict[str, Any]],
) -> dict[str, float]:
    """Thresholds from the backend's scores of the tune records (embeddings backend)."""
    from extractors.evaluation import learn_thresholds

    classifier = classifier_for(replace_backend(settings, backend), catalog, knowledge)
    scores = [{s.theme: s.score for s in row} for row in
              classifier.classify([r["text"] for r in records])]
    return learn_thresholds(scores, [r["themes"] for r in records],
                            [t.id for t in catalog.themes])


def _folds(count: int, seed: int) -> list[set[int]]:
    """The held-out records of each fold of one repetition (as in `cross_validated_runs`)."""
    import random

    folds = CV_FOLDS
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [set(order[fold::folds]) for fold in range(folds)]


def _ranked(matrix: Any, themes: list[str]) -> list[list[tuple[str, float, bool]]]:
    """Rows of (theme, score, True), best first, from a texts x themes score matrix."""
    return [
        sorted(((t, float(v), True) for t, v in zip(themes, row, strict=True) if v > 0),
               key=lambda item: (-item[1], item[0]))
        for row in matrix
    ]


THRESHOLD_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # blended scores spread wider


def learn_lexical(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, records: list[dict[str, Any]],
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, Any]]]:
    """Thresholds, decision knobs, the term model's share and examples of the lexical
    backend, all from cross-validated tune scores; the term model is written beside them."""
    from belmon.pipeline import TERMS_FILE
    from belmon.term_learning import blended_runs, fit_and_write
    from extractors.evaluation import learn_assignment
    from extractors.themes import choose_themes

    themes = [t.id for t in catalog.themes]
    gold = [r["themes"] for r in records]
    runs, probabilities, training = _lexical_parts(settings, catalog, knowledge, records)
    best = None
    for weight in TERM_WEIGHTS:
        assignment = learn_assignment(
            blended_runs(runs, probabilities, themes, weight), gold, themes,
            lambda *args: choose_themes(*args).themes, thresholds=THRESHOLD_GRID,
        )
        typer.echo(f"lexical, term weight {weight}: cross-validated tune macro F1 "
                   f"{assignment.macro_f1:.3f}", err=True)
        if best is None or assignment.macro_f1 > best[0].macro_f1 + 1e-9:
            best = (assignment, weight)
    assert best is not None
    assignment, weight = best
    fit_and_write(catalog, knowledge, training, records, settings.catalog_dir / TERMS_FILE)
    knobs = {"fallback_floor": assignment.fallback_floor,
             "relative_floor": assignment.relative_floor, "term_weight": weight}
    examples = {r["id"]: {"themes": list(r["themes"]), "text": r["text"]}
                for r in records if r["themes"]}
    return assignment.thresholds, knobs, examples


def _lexical_parts(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, records: list[dict[str, Any]],
) -> tuple[Any, Any, list[dict[str, Any]]]:
    """Cross-validated lexical runs (without the term model), the term model's
    cross-validated probabilities on the same folds, and its training passages."""
    from dataclasses import replace

    from belmon.pipeline import load_theme_model
    from belmon.term_learning import (
        TRAINING_FILE,
        cross_validated_probabilities,
        read_training,
    )

    model = replace(load_theme_model(settings.catalog_dir, "lexical"), examples={}, terms=None)
    runs = cross_validated_runs(catalog, model, knowledge, records)
    training = read_training(settings.catalog_dir / TRAINING_FILE,
                             [t.id for t in catalog.themes])
    folds = [_folds(len(records), seed) for seed in range(len(runs))]
    probabilities = cross_validated_probabilities(catalog, knowledge, training, records, folds)
    return runs, probabilities, training


CV_FOLDS = 5
CV_REPEATS = 5


def cross_validated_runs(
    catalog: Catalog, model: Any, knowledge: Knowledge, records: list[dict[str, Any]],
    folds: int = CV_FOLDS, repeats: int = CV_REPEATS,
) -> list[tuple[list[list[tuple[str, float, bool]]], list[bool]]]:
    """Every tune record scored by a lexical classifier that has not seen it, per repetition.

    The classifier of a fold gets the other folds' records as examples, and it loses every
    lexicon cue and global negative that only the held-out records contain: those stand
    for wording the lexicon's authors would not have thought of without seeing the record,
    which is the situation of the test split and of real news. Without that, thresholds
    learned on tune come out too strict for unseen text.
    """
    import random
    from dataclasses import replace

    from extractors.themes import has_phrase, prototypes_from_rows

    prototypes = prototypes_from_rows(knowledge.prototypes)
    texts = [r["text"] for r in records]
    hits: dict[tuple[str, str], set[int]] = {}
    full = _lexical(catalog, model, None)
    for index, text in enumerate(texts):
        for key in full.cue_matches(text):
            hits.setdefault(key, set()).add(index)
    runs = []
    for seed in range(repeats):
        order = list(range(len(records)))
        random.Random(seed).shuffle(order)
        rows: list[list[tuple[str, float, bool]]] = [[] for _ in records]
        contexts = [False] * len(records)
        for fold in range(folds):
            held = set(order[fold::folds])
            unseen = {key for key, where in hits.items() if where <= held}
            fold_model = replace(
                model,
                cues={theme: tuple((p, w) for p, w in cues if (theme, p) not in unseen)
                      for theme, cues in model.cues.items()},
                global_negatives=tuple(
                    n for n in model.global_negatives
                    if ("*", n if isinstance(n, str) else n[0]) not in unseen
                ),
                examples=_examples([r for i, r in enumerate(records) if i not in held]),
            )
            classifier = _lexical(catalog, fold_model, prototypes)
            chosen = sorted(held)
            scores = classifier.classify([texts[i] for i in chosen])
            for i, row in zip(chosen, scores, strict=True):
                rows[i] = [(s.theme, s.score, has_phrase(s.evidence)) for s in row]
                contexts[i] = classifier.in_policy_context(texts[i])
        runs.append((rows, contexts))
    return runs


def _examples(records: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    from extractors.themes import examples_from_toml

    return examples_from_toml({r["id"]: r for r in records})


def _lexical(catalog: Catalog, model: Any, prototypes: Any) -> Any:
    from belmon.pipeline import theme_specs
    from extractors.themes import LexicalThemeClassifier

    return LexicalThemeClassifier(
        theme_specs(catalog, model), catalog.aliases, 0.0, prototypes,
        model.global_negatives, model.weights,
    )


def _read_thresholds(path: Path) -> dict[str, Any]:
    import tomllib

    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def thresholds_toml(
    current: dict[str, Any], backend: str, learned: dict[str, float],
    weights: dict[str, float] | None = None, examples: dict[str, Any] | None = None,
) -> str:
    """theme_thresholds.toml with one backend's tables replaced, other backends kept."""
    tables = {name: dict(value) for name, value in current.items() if isinstance(value, dict)}
    table = tables.setdefault(backend, {})
    table["thresholds"] = learned
    if weights is not None:
        table["weights"] = weights
    if examples is not None:
        table["examples"] = examples
    lines = [
        "# Learned on the tune split of eval/themes.jsonl: per-theme score thresholds, the",
        "# lexical decision knobs (from cross-validated scores) and the labelled tune passages",
        "# the lexical backend uses as examples.",
        "# Written by `belmon eval --learn-thresholds --backend NAME`; edit by hand with care.",
    ]
    for name in sorted(tables):
        for section in sorted(tables[name]):
            lines += ["", f"[{name}.{section}]"]
            lines += [f"{_toml_key(key)} = {_toml_value(value)}"
                      for key, value in tables[name][section].items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """A TOML value for floats, strings, lists and (inline) tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    raise TypeError(f"cannot write {value!r} to TOML")
