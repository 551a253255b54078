"""`belmon analyze`, `belmon eval` and `belmon explain` on a warehouse seeded from the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from belmon.analysis_context import AnalysisError
from belmon.cli import app
from belmon.theme_learning import thresholds_toml

pytestmark = pytest.mark.usefixtures("prefect_harness")

# Measured on the test split (docs/analysis.md); these floors catch regressions.
FLOORS = {"macro_f1": 0.84, "figure_f1": 0.89, "novelty": 0.78}


@pytest.fixture(scope="module")
def seeded(seed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.seed import seed_warehouse

    path = tmp_path_factory.mktemp("analysis") / "warehouse.duckdb"
    seed_warehouse(db_path=str(path), seed_dir=str(seed_dir))
    return path


def test_analyze_streams_one_line_per_input(seeded: Path) -> None:
    lines = [
        {"id": "a1", "text": "As of 26 August 2024, rights defenders counted 1,372 political "
                             "prisoners in Belarus.", "published": "2024-08-28"},
        "{not json",
        {"id": "a3", "text": 42},
        {"id": "a4", "text": "The EU imposed an asset freeze and travel ban on 25 judges."},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = CliRunner().invoke(app, ["analyze", "--db", str(seeded)], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", None, "a3", "a4"]
    assert "error" in out[1] and "error" in out[2]
    first = out[0]
    assert {"metric": "political_prisoners", "value": 1372.0}.items() <= first["figures"][0].items()
    assert first["figures"][0]["as_of"] == "2024-08-26"
    assert "political_prisoners" in [t["id"] for t in first["themes"]]
    assert first["claims"] and first["claims"][0]["novel"] is False
    assert [t["id"] for t in out[3]["themes"]][0] == "sanctions"


def test_eval_json_on_the_test_split(seeded: Path) -> None:
    args = ["eval", "--db", str(seeded), "--split", "test", "--backend", "lexical", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["split"] == "test"
    assert report["themes"]["lexical"]["macro_f1"] >= FLOORS["macro_f1"]
    assert report["figures"]["f1"] >= FLOORS["figure_f1"]
    assert report["novelty"]["accuracy"] >= FLOORS["novelty"]
    assert set(report["themes"]["lexical"]["per_theme"]) >= {"sanctions", "russia"}


def test_eval_table_and_bad_eval_dir(seeded: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "--db", str(seeded), "--backend", "lexical"])
    assert result.exit_code == 0 and "macro F1" in result.stdout
    bad = runner.invoke(app, ["eval", "--db", str(seeded), "--eval-dir", str(tmp_path)])
    assert isinstance(bad.exception, AnalysisError)


def test_explain_shows_evidence(seeded: Path) -> None:
    result = CliRunner().invoke(app, ["explain", "ref:principled-pressure-2024", "--db",
                                      str(seeded)])
    assert result.exit_code == 0, result.output
    assert "political_prisoners" in result.stdout and "phrase" in result.stdout
    missing = CliRunner().invoke(app, ["explain", "ref:nope", "--db", str(seeded)])
    assert isinstance(missing.exception, AnalysisError)


def test_thresholds_toml_keeps_other_backends() -> None:
    current = {"embeddings": {"thresholds": {"sanctions": 0.5}}}
    text = thresholds_toml(current, "lexical", {"sanctions": 0.6})
    assert "[embeddings.thresholds]" in text and "[lexical.thresholds]" in text


def test_learn_thresholds_fits_the_term_model_on_tune_only(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Learning writes thresholds, the term weight and the term model into the catalogue
    directory it was given (a copy here), from a small tune split and training file."""
    import shutil

    from belmon.settings import PROJECT_ROOT
    from extractors.theme_terms import load_term_model

    catalog = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", catalog)
    training = (catalog / "theme_examples.jsonl").read_text(encoding="utf-8").splitlines()
    (catalog / "theme_examples.jsonl").write_text("\n".join(training[::20]) + "\n")
    (catalog / "theme_terms.json").unlink()
    records = [json.loads(line) for line in
               (PROJECT_ROOT / "eval" / "themes.jsonl").read_text().splitlines()]
    tune = [r for r in records if r["split"] == "tune"][:60]
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    (eval_dir / "themes.jsonl").write_text("\n".join(json.dumps(r) for r in tune) + "\n")
    for name in ("figures", "novelty"):
        shutil.copy(PROJECT_ROOT / "eval" / f"{name}.jsonl", eval_dir)
    monkeypatch.setenv("BELMON_CATALOG_DIR", str(catalog))
    result = CliRunner().invoke(app, [
        "eval", "--learn-thresholds", "--backend", "lexical", "--split", "tune",
        "--db", str(seeded), "--eval-dir", str(eval_dir), "--json",
    ])
    assert result.exit_code == 0, result.output
    model = load_term_model(catalog / "theme_terms.json")
    assert model is not None and len(model.vocabulary) > 100
    learned = (catalog / "theme_thresholds.toml").read_text(encoding="utf-8")
    assert "term_weight = " in learned
    assert json.loads(result.stdout)["themes"]["lexical"]["macro_f1"] > 0
