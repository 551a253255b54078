"""Extraction quality on the trafilatura evaluation corpus: belmon vs plain trafilatura.

Scoring is upstream's (trafilatura tests/comparison.py): every "with" snippet found by plain
substring match in the output is a true positive (else a false negative), every "without"
snippet found is a false positive (else a true negative); counts are summed over all pages.

Three outputs are scored per page: the baseline ``trafilatura.extract(html_bytes)`` with
defaults, belmon's extraction (``extract_article(...).text``) and the text belmon stores
(``build_article(...).document.text``, i.e. after ``normalise``). Run from the repository:

    .venv/bin/python benchmarks/extraction_eval.py            # print the table
    .venv/bin/python benchmarks/extraction_eval.py --write    # and update the figures file
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from belmon.settings import PROJECT_ROOT
from extractors.articles import EXTRACTOR_VERSION, extract_article
from extractors.evaluation import PRF
from extractors.feeds import FeedEntry
from extractors.ingest import build_article, candidate_from_entry

CORPUS = PROJECT_ROOT.parent / "shared" / "corpora" / "trafilatura-eval"
FIGURES = PROJECT_ROOT / "docs" / "reliability-corpora.json"
BELMON_SETTINGS = (
    "bare_extraction(html bytes, url, with_metadata=True, include_comments=False, "
    "include_tables=True, favor_precision=True, deduplicate=False); when that leaves under "
    "MIN_TEXT_CHARS=200, the same with favor_precision=False"
)


@dataclass
class Score:
    """Snippet counts summed over pages; the ratios are upstream's definitions."""

    tp: int = 0
    fn: int = 0
    tn: int = 0
    fp: int = 0
    pages_all_snippets_right: int = 0
    empty_pages: int = 0

    def add(self, text: str, with_: Iterable[str], without: Iterable[str]) -> None:
        """Score one page's output against its expected and unexpected snippets."""
        found = [s in text for s in with_]
        leaked = [s in text for s in without]
        self.tp += sum(found)
        self.fn += len(found) - sum(found)
        self.fp += sum(leaked)
        self.tn += len(leaked) - sum(leaked)
        self.pages_all_snippets_right += all(found) and not any(leaked)
        self.empty_pages += not text.strip()

    @property
    def _prf(self) -> PRF:
        return PRF(self.tp, self.fp, self.fn)

    @property
    def precision(self) -> float:
        """Share of snippets in the output that should be there."""
        return self._prf.precision

    @property
    def recall(self) -> float:
        """Share of expected snippets that made it into the output."""
        return self._prf.recall

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall: the figure upstream ranks extractors by."""
        return self._prf.f1

    @property
    def accuracy(self) -> float:
        """Share of all snippet decisions that were right."""
        total = self.tp + self.fn + self.tn + self.fp
        return (self.tp + self.tn) / total if total else 0.0

    def figures(self) -> dict[str, Any]:
        """Counts and rounded ratios, as written to the figures file."""
        ratios = {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                  "accuracy": self.accuracy}
        return asdict(self) | {k: round(v, 4) for k, v in ratios.items()}


@dataclass(frozen=True)
class Page:
    """One archived page with its original URL and annotated snippets."""

    name: str
    body: bytes
    url: str | None
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass
class Run:
    """One extractor over the corpus: its score, its failures and its slowest page."""

    name: str
    score: Score = field(default_factory=Score)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    slowest_page_seconds: float = 0.0


def load_pages(corpus: Path = CORPUS) -> list[Page]:
    """Read every annotated page as bytes (the extractor must detect the charset itself)."""
    expectations = json.loads((corpus / "expectations.json").read_text(encoding="utf-8"))
    sources = json.loads((corpus / "sources.json").read_text(encoding="utf-8"))
    return [
        Page(name, (corpus / "html" / name).read_bytes(), sources.get(name, {}).get("url"),
             tuple(e["with"]), tuple(e["without"]))
        for name, e in sorted(expectations.items())
    ]


def baseline_text(page: Page) -> str:
    """What upstream measures: trafilatura with its defaults on the raw bytes."""
    import trafilatura

    return trafilatura.extract(page.body) or ""


def belmon_extracted_text(page: Page) -> str:
    """belmon's extraction step alone (settings of extractors/articles.py)."""
    return extract_article(page.body, page.url).text


def belmon_stored_text(page: Page) -> str:
    """The text belmon would store for this page as a feed article (after normalise)."""
    entry = FeedEntry(guid=None, link=page.url, title=None, summary=None, published=None,
                      published_raw=None)
    candidate = candidate_from_entry("trafilatura-eval", entry)
    article = build_article(candidate, page.body, page.url, "text/html", None)
    return article.document.text if article is not None else ""


def run(name: str, extract: Callable[[Page], str], pages: list[Page]) -> Run:
    """Score one extractor; an exception is recorded per page, never raised."""
    result = Run(name)
    started = time.perf_counter()
    for page in pages:
        page_started = time.perf_counter()
        try:
            text = extract(page)
        except Exception as exc:  # the figure we want is "how many pages raised"
            result.errors.append(f"{page.name}: {type(exc).__name__}: {exc}")
            text = ""
        result.score.add(text, page.with_, page.without)
        elapsed = time.perf_counter() - page_started
        result.slowest_page_seconds = max(result.slowest_page_seconds, elapsed)
    result.seconds = time.perf_counter() - started
    return result


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "baseline": baseline_text,
    "belmon_extracted": belmon_extracted_text,
    "belmon_stored": belmon_stored_text,
}


def evaluate(pages: list[Page], names: Iterable[str] = tuple(EXTRACTORS)) -> dict[str, Run]:
    """Run the named extractors over the pages."""
    return {name: run(name, EXTRACTORS[name], pages) for name in names}


def table(runs: dict[str, Run]) -> str:
    """A plain-text table of the scores, one extractor per row."""
    lines = [f"{'extractor':<18} {'tp':>4} {'fn':>4} {'tn':>4} {'fp':>4} "
             f"{'prec':>6} {'recall':>6} {'F1':>6} {'acc':>6} {'pages ok':>8} {'errors':>6} "
             f"{'seconds':>7}"]
    for name, r in runs.items():
        s = r.score
        lines.append(f"{name:<18} {s.tp:>4} {s.fn:>4} {s.tn:>4} {s.fp:>4} "
                     f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.accuracy:>6.3f} "
                     f"{s.pages_all_snippets_right:>8} {len(r.errors):>6} {r.seconds:>7.1f}")
    return "\n".join(lines)


def figures(runs: dict[str, Run], pages: list[Page]) -> dict[str, Any]:
    """The trafilatura section of docs/reliability-corpora.json."""
    return {
        "corpus": "trafilatura-eval (trafilatura e90b0ef, tests/eval + tests/cache)",
        "pages": len(pages),
        "snippets_with": sum(len(p.with_) for p in pages),
        "snippets_without": sum(len(p.without) for p in pages),
        "extractor_version": EXTRACTOR_VERSION,
        "belmon_settings": BELMON_SETTINGS,
        "baseline_settings": "trafilatura.extract(html bytes) with defaults",
        "runs": {
            name: r.score.figures() | {
                "exceptions": len(r.errors),
                "seconds": round(r.seconds, 1),
                "slowest_page_seconds": round(r.slowest_page_seconds, 2),
            }
            for name, r in runs.items()
        },
    }


def record_figures(section: str, data: dict[str, Any], path: Path = FIGURES) -> None:
    """Replace one section of the figures file, keeping the others (shared by corpus tests).

    Only with BELMON_RECORD_FIGURES=1: a test run must not change tracked files."""
    if os.environ.get("BELMON_RECORD_FIGURES") != "1":
        return
    current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    current[section] = data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Print the score table; with --write, update docs/reliability-corpora.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--write", action="store_true", help=f"update {FIGURES.name}")
    args = parser.parse_args(argv)
    if not (args.corpus / "expectations.json").is_file():
        parser.error(f"corpus not found: {args.corpus}")
    pages = load_pages(args.corpus)
    runs = evaluate(pages)
    print(table(runs))
    if args.write:
        record_figures("trafilatura", figures(runs, pages))
    return 1 if any(r.errors for r in runs.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
