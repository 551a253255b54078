"""Seeding the warehouse from the real reference documents (CI: BELMON_SEED_DIR)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.seed import seed_warehouse
from warehouse import db
from warehouse.status import table_counts

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def seeded(seed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "warehouse.duckdb"
    seed_warehouse(db_path=str(path), seed_dir=str(seed_dir))
    return path


def _query(path: Path, query: str, params: list | None = None) -> list[tuple]:
    with db.reader(path) as conn:
        return conn.execute(query, params or []).fetchall()


def test_five_documents(seeded: Path) -> None:
    assert _query(seeded, "SELECT count(*) FROM documents WHERE kind = 'reference'") == [(5,)]


def test_political_prisoners_as_of_2024_08_26(seeded: Path) -> None:
    rows = _query(
        seeded,
        "SELECT value, as_of FROM figures WHERE metric_id = 'political_prisoners' "
        "AND doc_id = 'ref:principled-pressure-2024'",
    )
    assert (1372.0, date(2024, 8, 26)) in rows


def test_prosecuted_37000_in_2021_oped(seeded: Path) -> None:
    rows = _query(
        seeded,
        "SELECT value FROM figures WHERE metric_id = 'prosecuted' "
        "AND doc_id = 'ref:repression-oped-2021'",
    )
    assert (37000.0,) in rows


def test_lukashenka_claimed_80_1_percent_in_2020_blog(seeded: Path) -> None:
    rows = _query(
        seeded,
        "SELECT value, subject FROM figures WHERE metric_id = 'vote_share' "
        "AND doc_id = 'ref:dadonau-2020-blog'",
    )
    assert (80.1, "lukashenka") in rows


def test_recommendations(seeded: Path) -> None:
    assert _query(seeded, "SELECT count(*) FROM recommendations")[0][0] >= 40
    authors = _query(
        seeded,
        "SELECT DISTINCT author FROM recommendations "
        "WHERE doc_id = 'ref:ies-policy-papers-2020' AND list_contains(themes, 'sanctions')",
    )
    assert len(authors) >= 3, authors


def test_no_boilerplate_passages(seeded: Path) -> None:
    assert _query(
        seeded,
        "SELECT count(*) FROM passages WHERE text ILIKE '%Latest Blogs%' "
        "OR text ILIKE '%Cambridge Analytica%' OR text = 'Comments' "
        "OR text ILIKE '%Table of contents%'",
    ) == [(0,)]


def test_hyphenated_page_breaks_are_rejoined(seeded: Path) -> None:
    assert _query(seeded, "SELECT count(*) FROM passages WHERE text LIKE '%seri- ous%'") == [(0,)]
    assert _query(seeded, "SELECT count(*) FROM passages WHERE text LIKE '%serious funding%'")[0][0]


def test_latest_figures_view(seeded: Path) -> None:
    rows = dict(_query(seeded, "SELECT metric, value FROM latest_figures WHERE subject IS NULL"))
    assert rows["political_prisoners"] == 1372.0


def test_second_seed_changes_nothing(seeded: Path, seed_dir: Path) -> None:
    with db.reader(seeded) as conn:
        before = table_counts(conn)
    summary = seed_warehouse(db_path=str(seeded), seed_dir=str(seed_dir))
    with db.reader(seeded) as conn:
        after = table_counts(conn)
    assert summary["documents_written"] == 0
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }


def test_changed_document_replaces_its_rows(tmp_path: Path, seed_dir: Path) -> None:
    local = tmp_path / "docs"
    local.mkdir()
    source = next(seed_dir.glob("000_*.txt"))
    target = local / source.name
    target.write_bytes(source.read_bytes())
    path = tmp_path / "w.duckdb"
    seed_warehouse(db_path=str(path), seed_dir=str(local))
    first = _query(path, "SELECT count(*) FROM passages")[0][0]
    target.write_text(
        source.read_text(encoding="utf-8") + "\n\nA closing paragraph added for this test.\n",
        encoding="utf-8",
    )
    summary = seed_warehouse(db_path=str(path), seed_dir=str(local))
    assert any("sha256 changed" in w for w in summary["warnings"])
    assert any("missing reference document" in w for w in summary["warnings"])
    assert _query(path, "SELECT count(*) FROM documents") == [(1,)]
    assert _query(path, "SELECT count(*) FROM passages")[0][0] == first + 1
