"""The 201 annotated pages of the trafilatura benchmark through belmon's article path.

Gate: no page raises, and belmon's extraction (and the text it stores) scores an F1 no worse
than plain ``trafilatura.extract`` with defaults, computed as upstream does
(benchmarks/extraction_eval.py). Run with ``-s`` for the table.
"""

from __future__ import annotations

import pytest

from benchmarks.extraction_eval import CORPUS, Run, evaluate, figures, load_pages, record_figures
from benchmarks.extraction_eval import table as score_table
from extractors.articles import extract_article

if not (CORPUS / "expectations.json").is_file():
    pytest.skip(f"trafilatura corpus not found at {CORPUS}", allow_module_level=True)

ALLOWED_F1_LOSS = 0.0
PAGES = 201


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Score the baseline and belmon once for the whole module (about 15 s)."""
    pages = load_pages()
    assert len(pages) == PAGES
    result = evaluate(pages)
    record_figures("trafilatura", figures(result, pages))
    print("\n" + score_table(result))
    return result


def test_no_page_raises(runs: dict[str, Run]) -> None:
    assert {name: r.errors for name, r in runs.items() if r.errors} == {}


@pytest.mark.parametrize("name", ["belmon_extracted", "belmon_stored"])
def test_belmon_is_not_worse_than_plain_trafilatura(runs: dict[str, Run], name: str) -> None:
    baseline, belmon = runs["baseline"].score, runs[name].score
    assert belmon.f1 >= baseline.f1 - ALLOWED_F1_LOSS, (belmon.figures(), baseline.figures())


def test_windows_1251_page_without_http_charset_is_decoded() -> None:
    """Belarusian and Russian outlets still serve cp1251; read as cp1252 it would be mojibake."""
    sentence = ("Праваабаронцы паведамляюць пра новыя затрыманні ў Мінску і пра суды над "
                "журналістамі незалежных выданняў. ")
    html = ('<html><head><meta charset="windows-1251"><title>Навіны</title></head><body>'
            f"<article><p>{sentence * 4}</p><p>{sentence * 3}</p></article></body></html>")
    page = extract_article(html.encode("cp1251"), "https://example.org/news/1")
    assert sentence.strip() in page.text
