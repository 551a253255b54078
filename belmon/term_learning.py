"""The lexical backend's learned term model: its training passages, cross-validated
probabilities of the tune split, and the final fit written to seeds/theme_terms.json.

The model learns from the labelled passages of seeds/theme_examples.jsonl, the seeded
recommendations and passages of the warehouse, and the tune split. Its share in the lexical
score (`term_weight`) is chosen, with the thresholds, on cross-validated tune scores: in each
fold the model is fitted without the held-out tune passages, so the held-out scores are what
unseen text would get.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import typer

from belmon.analysis_context import AnalysisError, Knowledge
from belmon.catalog import Catalog

TRAINING_FILE = "theme_examples.jsonl"
TERM_WEIGHTS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.85, 0.95, 1.0)  # shares of the term model tried on tune

Runs = list[tuple[list[list[tuple[str, float, bool]]], list[bool]]]


def read_training(path: Path, themes: Sequence[str]) -> list[dict[str, Any]]:
    """The labelled training passages; a bad line names itself. No file: no passages."""
    if not path.is_file():
        return []
    known = set(themes)
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnalysisError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise AnalysisError(f"{where}: expected an object with a string 'text'")
        unknown = set(record.get("themes", ())) - known
        if unknown:
            raise AnalysisError(f"{where}: unknown theme(s) {', '.join(sorted(unknown))}")
        records.append(record)
    return records


def labelled_passages(training: list[dict[str, Any]],
                      knowledge: Knowledge) -> list[tuple[str, list]]:
    """(text, themes) the learned models always learn from: training and seeded passages."""
    return ([(r["text"], list(r.get("themes", ()))) for r in training]
            + [(text, list(themes)) for _, text, themes in knowledge.prototypes])


def _features(catalog: Catalog, texts: list[str]) -> list[list[str]]:
    from extractors.text import compile_aliases
    from extractors.themes import learned_features

    aliases = compile_aliases(catalog.aliases)
    return [learned_features(text, aliases) for text in texts]


def _fit(catalog: Catalog, documents: list[list[str]], labels: list[list[str]]) -> Any:
    from extractors.theme_terms import fit_term_model

    return fit_term_model(documents, labels, [t.id for t in catalog.themes])


def cross_validated_probabilities(
    catalog: Catalog, knowledge: Knowledge, training: list[dict[str, Any]],
    records: list[dict[str, Any]], folds: list[list[set[int]]],
) -> np.ndarray:
    """P(theme) of every tune record from a model fitted without its fold (repeat, record,
    theme); `folds` holds the held-out record indexes of each fold of each repetition.
    Every passage is featurised once, not once per fit."""
    from belmon.progress import progress

    always = labelled_passages(training, knowledge)
    always_features = _features(catalog, [text for text, _ in always])
    always_labels = [themes for _, themes in always]
    features = _features(catalog, [r["text"] for r in records])
    result = np.zeros((len(folds), len(records), len(catalog.themes)))
    total = sum(len(repeat) for repeat in folds)
    with progress("term model, cross-validation fits", total) as advance:
        for seed, repeat in enumerate(folds):
            for held in repeat:
                kept = [i for i in range(len(records)) if i not in held]
                model = _fit(catalog, always_features + [features[i] for i in kept],
                             always_labels + [records[i]["themes"] for i in kept])
                for i in held:
                    result[seed, i] = model.probabilities(features[i])
                advance()
    return result


def blended_runs(runs: Runs, probabilities: np.ndarray, themes: Sequence[str],
                 term_weight: float) -> Runs:
    """The lexical runs with each theme's score blended as the classifier blends it."""
    from extractors.themes import blend

    blended: Runs = []
    for seed, (rows, contexts) in enumerate(runs):
        new_rows = []
        for i, row in enumerate(rows):
            lexical = {t: (s, p) for t, s, p in row}
            new_row = []
            for j, theme in enumerate(themes):
                score, phrase = lexical.get(theme, (0.0, False))
                value = blend(score, float(probabilities[seed, i, j]), term_weight)
                if value is not None:
                    new_row.append((theme, value, phrase))
            new_rows.append(sorted(new_row, key=lambda item: (-item[1], item[0])))
        blended.append((new_rows, contexts))
    return blended


def fit_and_write(catalog: Catalog, knowledge: Knowledge, training: list[dict[str, Any]],
                  records: list[dict[str, Any]], path: Path) -> None:
    """The final model, fitted on everything labelled (training, seeded and tune passages)."""
    labelled = labelled_passages(training, knowledge) + [(r["text"], r["themes"])
                                                          for r in records]
    model = _fit(catalog, _features(catalog, [text for text, _ in labelled]),
                 [themes for _, themes in labelled])
    path.write_text(model.to_json() + "\n", encoding="utf-8")
    typer.echo(f"term model: {len(model.vocabulary)} terms, written to {path}", err=True)
