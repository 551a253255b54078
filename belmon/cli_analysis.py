"""CLI commands for analysis quality (`analyze`, `eval`, `explain`); registered by belmon.cli."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from belmon.analysis_context import (
    AnalysisError,
    Knowledge,
    claim_index,
    classifier_for,
    read_eval,
    read_knowledge,
    replace_backend,
)
from belmon.catalog import Catalog
from belmon.settings import PROJECT_ROOT, Settings, load_settings
from belmon.theme_learning import learn_and_write_thresholds

EVAL_DIR = PROJECT_ROOT / "eval"
BACKENDS = ("lexical", "embeddings")


class Split(StrEnum):
    test = "test"
    tune = "tune"
    all = "all"


class Backend(StrEnum):
    lexical = "lexical"
    embeddings = "embeddings"
    all = "all"


DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (BELMON_DB).")]


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
