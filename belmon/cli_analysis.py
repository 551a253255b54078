"""CLI commands for analysis quality (`analyze`, `eval`, `explain`); registered by belmon.cli."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from belmon.catalog import Catalog
from belmon.errors import BelmonError
from belmon.settings import PROJECT_ROOT, Settings, load_settings

EVAL_DIR = PROJECT_ROOT / "eval"
BACKENDS = ("lexical", "embeddings")


class AnalysisError(BelmonError):
    """Bad evaluation data or an analysis backend that cannot run."""


class Split(StrEnum):
    test = "test"
    tune = "tune"
    all = "all"


class Backend(StrEnum):
    lexical = "lexical"
    embeddings = "embeddings"
    all = "all"


DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (BELMON_DB).")]


@dataclass(frozen=True)
class Knowledge:
    """What the warehouse contributes to analysis: known claims and theme prototypes."""

    claims: list[tuple[str, str, date | None]]
    recommendations: list[tuple[str, str, date | None]]
    prototypes: list[tuple[str, str, list[str]]]


def read_knowledge(path: Path, lock_timeout: float) -> Knowledge:
    """Known claims, recommendations and prototypes, over one read-only connection."""
    from warehouse import analysis as queries
    from warehouse import db as warehouse_db

    with warehouse_db.reader(path, lock_timeout) as conn:
        return Knowledge(
            queries.known_claims(conn), queries.known_recommendations(conn),
            queries.prototype_rows(conn),
        )


def claim_index(knowledge: Knowledge, catalog: Catalog) -> Any:
    """Novelty index over the warehouse's claims; recommendations count as known statements."""
    from belmon.pipeline import claim_index as build_index

    return build_index(knowledge.claims, knowledge.recommendations, catalog.aliases)


def classifier_for(settings: Settings, catalog: Catalog, knowledge: Knowledge) -> Any:
    """The configured theme classifier with prototypes from the warehouse."""
    from belmon.pipeline import build_classifier
    from extractors.themes import prototypes_from_rows
    from extractors.themes_embeddings import EmbeddingsUnavailable

    try:
        return build_classifier(settings, catalog, prototypes_from_rows(knowledge.prototypes))
    except EmbeddingsUnavailable as exc:
        raise AnalysisError(str(exc)) from exc


# ---------------------------------------------------------------------------- analyze


def analyze_record(
    record: dict[str, Any], classifier: Any, catalog: Catalog, index: Any
) -> dict[str, Any]:
    """Themes, figures and claims (with novelty) of one input text."""
    from extractors.claims import is_claim
    from extractors.figures import extract_figures
    from extractors.text import split_sentences

    text = record["text"]
    published = _published(record.get("published"))
    scores = classifier.classify([text])[0]
    sentences = split_sentences(text)
    figures = [f for s in sentences for f in extract_figures(s, catalog.metrics, published)]
    claims = [_claim_json(s, index.judge(s, published)) for s in sentences if is_claim(s)]
    return {
        "id": record.get("id"),
        "themes": [{"id": s.theme, "score": s.score} for s in scores if s.assigned],
        "figures": [_figure_json(f) for f in figures],
        "claims": claims,
    }


def _published(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'published' is not an ISO date: {value!r}") from None


def _figure_json(figure: Any) -> dict[str, Any]:
    return {
        "metric": figure.metric, "value": figure.value, "value_high": figure.value_high,
        "qualifier": figure.qualifier, "unit": figure.unit, "subject": figure.subject,
        "as_of": figure.as_of.isoformat() if figure.as_of else None, "text": figure.phrase,
    }


def _claim_json(sentence: str, judgement: Any) -> dict[str, Any]:
    return {
        "text": sentence, "novel": judgement.novel, "nearest": judgement.nearest_text,
        "nearest_id": judgement.nearest_id, "similarity": judgement.similarity,
    }


def parse_input_line(line: str) -> dict[str, Any]:
    """One input record: an object with a string 'text' (and usually an 'id')."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    if not isinstance(record.get("text"), str):
        raise ValueError("missing string field 'text'")
    return record


def _line_id(line: str) -> Any:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    return record.get("id") if isinstance(record, dict) else None


def analyze_stream(
    lines: Iterable[str], out: TextIO, classifier: Any, catalog: Catalog, index: Any
) -> int:
    """One JSON line out per non-blank line in, in order; a bad line gets an error object."""
    count = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            result = analyze_record(parse_input_line(line), classifier, catalog, index)
        except ValueError as exc:
            result = {"id": _line_id(line), "error": str(exc)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
        count += 1
    return count


# ---------------------------------------------------------------------------- eval


def read_eval(folder: Path, name: str) -> list[dict[str, Any]]:
    """One file of the evaluation set, parsed."""
    from extractors.evaluation import parse_records

    path = folder / f"{name}.jsonl"
    try:
        with path.open(encoding="utf-8") as handle:
            return parse_records(handle, str(path))
    except FileNotFoundError:
        raise AnalysisError(f"missing evaluation file {path}") from None
    except ValueError as exc:
        raise AnalysisError(str(exc)) from exc


def evaluate_themes(classifier: Any, records: list[dict], themes: list[str]) -> dict[str, Any]:
    from extractors.evaluation import theme_report

    scores = classifier.classify([r["text"] for r in records])
    predicted = [[s.theme for s in row if s.assigned] for row in scores]
    return theme_report([r["themes"] for r in records], predicted, themes).as_dict()


def evaluate_figures(records: list[dict], catalog: Catalog) -> dict[str, Any]:
    from extractors.evaluation import figure_prf
    from extractors.figures import extract_figures

    predicted = [
        [(f.metric, f.value) for f in extract_figures(
            r["text"], catalog.metrics, _published(r.get("doc_date")))]
        for r in records
    ]
    gold = [[(f["metric"], f["value"]) for f in r["figures"]] for r in records]
    return figure_prf(gold, predicted).as_dict()


def evaluate_novelty(records: list[dict], index: Any) -> dict[str, Any]:
    from extractors.evaluation import accuracy

    judged = [index.judge(r["text"]).novel for r in records]
    gold = [bool(r["novel"]) for r in records]
    return {"accuracy": round(accuracy(gold, judged), 4), "n": len(records)}


def backend_available(backend: str) -> bool:
    """The embeddings backend needs its optional extra."""
    if backend != "embeddings":
        return True
    import importlib.util

    return importlib.util.find_spec("sentence_transformers") is not None


@contextmanager
def warehouse_for_eval(settings: Settings, db: Path | None) -> Iterator[Path]:
    """The warehouse given with --db, else a temporary one seeded from the seed directory."""
    if db is not None:
        yield settings.db
        return
    from belmon.local_prefect import local_prefect
    from flows.seed import seed_warehouse

    with tempfile.TemporaryDirectory(prefix="belmon-eval-") as folder:
        path = Path(folder) / "warehouse.duckdb"
        with local_prefect():
            seed_warehouse(db_path=str(path), seed_dir=str(settings.seed_dir))
        yield path


def run_eval(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, split: str,
    backends: list[str], eval_dir: Path,
) -> dict[str, Any]:
    """Every score of the evaluation set on one split."""
    from extractors.evaluation import select_split

    theme_records = select_split(read_eval(eval_dir, "themes"), split)
    themes = [t.id for t in catalog.themes]
    report: dict[str, Any] = {"split": split, "themes": {}}
    for backend in backends:
        classifier = classifier_for(replace_backend(settings, backend), catalog, knowledge)
        report["themes"][backend] = evaluate_themes(classifier, theme_records, themes)
    figures = select_split(read_eval(eval_dir, "figures"), split)
    report["figures"] = evaluate_figures(figures, catalog)
    novelty = select_split(read_eval(eval_dir, "novelty"), split)
    report["novelty"] = evaluate_novelty(novelty, claim_index(knowledge, catalog))
    return report


def replace_backend(settings: Settings, backend: str) -> Settings:
    return settings.model_copy(update={"classifier": backend})


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
        learned, knobs, examples = learn_embeddings(settings, catalog, knowledge, records)
        text = thresholds_toml(current, backend, learned, knobs, examples)
    else:
        learned = learn_plain(settings, catalog, knowledge, backend, records)
        text = thresholds_toml(current, backend, learned)
    path.write_text(text, encoding="utf-8")
    return learned


def select_tune(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from extractors.evaluation import select_split

    return select_split(records, "tune")


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


LEXICAL_WEIGHTS = (0.0, 0.75, 1.0, 1.5, 2.0)  # hybrid weights tried for the embeddings backend


def learn_embeddings(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, records: list[dict[str, Any]],
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, Any]]]:
    """Weights, thresholds, floors and examples of the embeddings backend (cross-validated).

    Every tune record is scored with the labelled examples of the other folds only (the
    same folds as `cross_validated_runs`), and, for the hybrid, with the lexical backend's
    cross-validated score of it. For each lexical weight in LEXICAL_WEIGHTS the thresholds
    and floors are learned with `learn_assignment` on those scores; the weight with the best
    cross-validated macro F1 wins. The tune passages become the backend's examples.
    """
    from dataclasses import replace

    import numpy as np

    from belmon.pipeline import embedding_model_path, load_theme_model, theme_specs
    from extractors.evaluation import learn_assignment, theme_report
    from extractors.themes import choose_themes, prototypes_from_rows
    from extractors.themes_embeddings import (
        EmbeddingsUnavailable,
        EmbeddingThemeClassifier,
        EmbeddingWeights,
        combine,
    )

    themes = [t.id for t in catalog.themes]
    gold = [set(r["themes"]) for r in records]
    texts = [r["text"] for r in records]
    model = replace(load_theme_model(settings.catalog_dir, "embeddings"), examples={})
    try:
        classifier = EmbeddingThemeClassifier(
            theme_specs(catalog, model), catalog.aliases,
            embedding_model_path(settings.embedding_model),
            prototypes=prototypes_from_rows(knowledge.prototypes),
        )
    except EmbeddingsUnavailable as exc:
        raise AnalysisError(str(exc)) from exc
    described, near = classifier.similarities(texts)
    vectors = classifier.embed(texts)
    cosines = vectors @ vectors.T
    lexical_model = replace(load_theme_model(settings.catalog_dir, "lexical"), examples={})
    lexical_runs = cross_validated_runs(catalog, lexical_model, knowledge, records)
    parts = []
    for seed, (lexical_rows, _) in enumerate(lexical_runs):
        example = np.zeros_like(described)
        for held in _folds(len(records), seed):
            for i in held:
                for column, theme in enumerate(themes):
                    sims = [cosines[i, m] for m in range(len(records))
                            if m not in held and theme in gold[m]]
                    example[i, column] = max(sims, default=0.0)
        lexical = np.zeros_like(described)
        for i, row in enumerate(lexical_rows):
            for theme, score, _ in row:
                lexical[i, themes.index(theme)] = score
        parts.append((example, lexical))

    def choose(*args: Any) -> tuple[str, ...]:
        return choose_themes(*args).themes

    best = None
    for lexical_weight in LEXICAL_WEIGHTS:
        weights = EmbeddingWeights(lexical_weight=lexical_weight)
        scores = [combine(weights, described, near, example, lexical)
                  for example, lexical in parts]
        runs = [(_ranked(matrix, themes), [True] * len(records)) for matrix in scores]
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
                                   assignment.fallback_floor, True) for row in rows],
                     themes).micro_f1
        for rows, _ in runs
    ) / len(runs)
    typer.echo(f"embeddings: lexical weight {weights.lexical_weight}, cross-validated tune "
               f"macro F1 {assignment.macro_f1:.3f}, micro F1 {micro:.3f}", err=True)
    knobs = replace(weights, relative_floor=assignment.relative_floor,
                    fallback_floor=assignment.fallback_floor).as_dict()
    examples = {r["id"]: {"themes": list(r["themes"]), "text": r["text"]}
                for r in records if r["themes"]}
    return assignment.thresholds, knobs, examples


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


def learn_lexical(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, records: list[dict[str, Any]],
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, Any]]]:
    """Thresholds, decision knobs and examples of the lexical backend (cross-validated)."""
    from dataclasses import replace

    from belmon.pipeline import load_theme_model
    from extractors.evaluation import learn_assignment
    from extractors.themes import choose_themes

    model = replace(load_theme_model(settings.catalog_dir, "lexical"), examples={})
    runs = cross_validated_runs(catalog, model, knowledge, records)
    assignment = learn_assignment(
        runs, [r["themes"] for r in records], [t.id for t in catalog.themes],
        lambda *args: choose_themes(*args).themes,
    )
    knobs = {"fallback_floor": assignment.fallback_floor,
             "relative_floor": assignment.relative_floor}
    typer.echo(f"lexical: cross-validated tune macro F1 {assignment.macro_f1:.3f}", err=True)
    examples = {r["id"]: {"themes": list(r["themes"]), "text": r["text"]}
                for r in records if r["themes"]}
    return assignment.thresholds, knobs, examples


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


def print_report(report: dict[str, Any]) -> None:
    """Per-theme table per backend, then the summary lines."""
    from belmon.output import console, table

    out = console()
    for backend, themes in report["themes"].items():
        rows = [
            (theme, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}")
            for theme, s in themes["per_theme"].items()
        ]
        rows += [("micro F1", "", "", f"{themes['micro_f1']:.3f}"),
                 ("macro F1", "", "", f"{themes['macro_f1']:.3f}")]
        title = f"themes, {backend} backend ({report['split']} split)"
        out.print(table(title, ["theme", "precision", "recall", "F1"], rows))
    fig, nov = report["figures"], report["novelty"]
    summary = [
        ("figures (metric, value)", f"P {fig['precision']:.3f}  R {fig['recall']:.3f}  "
                                     f"F1 {fig['f1']:.3f}"),
        ("novelty accuracy", f"{nov['accuracy']:.3f} ({nov['n']} claims)"),
    ]
    out.print(table(f"figures and novelty ({report['split']} split)", ["", "score"], summary))


# ---------------------------------------------------------------------------- explain


def explain_lines(evidence: list[tuple]) -> list[str]:
    """Per theme, its passages (best first) with the evidence that drove each score."""
    from extractors.themes import _snippet

    lines: list[str] = []
    current = None
    for theme, passage, score, why, text in evidence:
        if theme != current:
            count = sum(1 for row in evidence if row[0] == theme)
            lines += ["", f"{theme} ({count} passage{'s' if count != 1 else ''})"]
            current = theme
        lines.append(f"  {passage}  score {score:.2f}  {_snippet(text)}")
        lines += [f"      {item}" for item in (why or "").split("; ") if item]
    return lines


def recompute_evidence(
    settings: Settings, catalog: Catalog, knowledge: Knowledge, passages: list[tuple[str, str]]
) -> list[tuple]:
    """Evidence recomputed with the current classifier when none is stored."""
    classifier = classifier_for(settings, catalog, knowledge)
    scores = classifier.classify([text for _, text in passages])
    rows = [
        (s.theme, pid, s.score, "; ".join(s.evidence), text)
        for (pid, text), row in zip(passages, scores, strict=True) for s in row if s.assigned
    ]
    return sorted(rows, key=lambda r: (r[0], -r[2]))


# ---------------------------------------------------------------------------- register


def register(app: typer.Typer) -> None:
    """Attach the analysis commands to the main app."""
    app.command("analyze")(analyze_command)
    app.command("eval")(eval_command)
    app.command("explain")(explain_command)


def analyze_command(db: DbOption = None) -> None:
    """Analyse JSON Lines from stdin ({"id", "text"}): themes, figures, claims with novelty."""
    from belmon.pipeline import catalog_for

    settings = load_settings(db=db)
    catalog = catalog_for(settings)
    knowledge = read_knowledge(settings.db, settings.lock_timeout)
    classifier = classifier_for(settings, catalog, knowledge)
    index = claim_index(knowledge, catalog)
    analyze_stream(sys.stdin, sys.stdout, classifier, catalog, index)


def eval_command(
    split: Annotated[Split, typer.Option(help="Evaluation split to report.")] = Split.test,
    backend: Annotated[Backend, typer.Option(help="Theme classifier backend.")] = Backend.all,
    db: DbOption = None,
    seed_dir: Annotated[
        Path | None, typer.Option("--seed-dir", help="Seed a temporary warehouse from here.")
    ] = None,
    eval_dir: Annotated[Path, typer.Option(help="The labelled evaluation set.")] = EVAL_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    learn: Annotated[
        bool, typer.Option("--learn-thresholds", help="Learn theme thresholds on tune first.")
    ] = False,
) -> None:
    """Score themes, figures and novelty against the labelled set (tuned on tune)."""
    from belmon.pipeline import catalog_for

    settings = load_settings(db=db, seed_dir=seed_dir)
    catalog = catalog_for(settings)
    chosen = [b for b in BACKENDS if backend.value in (b, "all") and backend_available(b)]
    if not chosen:
        raise AnalysisError(f"backend {backend.value} is not installed: pip install -e "
                            "'.[embeddings]'")
    with warehouse_for_eval(settings, db) as path:
        knowledge = read_knowledge(path, settings.lock_timeout)
    if learn:
        for name in chosen:
            learn_and_write_thresholds(settings, catalog, knowledge, name, eval_dir)
    report = run_eval(settings, catalog, knowledge, split.value, chosen, eval_dir)
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)


def explain_command(
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. ref:dadonau-2020-blog.")],
    db: DbOption = None,
) -> None:
    """Why a document got its themes: passages, key phrases and nearest seed passages."""
    from belmon.pipeline import catalog_for
    from warehouse import analysis as queries
    from warehouse import db as warehouse_db

    settings = load_settings(db=db)
    with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
        header = queries.document_header(conn, doc_id)
        if header is None:
            raise AnalysisError(f"no document {doc_id!r} in {settings.db}")
        evidence = queries.document_theme_evidence(conn, doc_id)
        passages = queries.document_passages(conn, doc_id)
    if not evidence and passages:
        catalog = catalog_for(settings)
        knowledge = read_knowledge(settings.db, settings.lock_timeout)
        evidence = recompute_evidence(settings, catalog, knowledge, passages)
    print(f"{header[0]}: {header[1] or ''} ({header[3] or 'undated'})")
    for line in explain_lines(evidence) or ["", "no theme was assigned to any passage"]:
        print(line)
