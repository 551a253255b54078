"""Extraction and analysis of fetched articles, in this process or spread over processes.

trafilatura and the analysis are pure CPU work, one article at a time, and the cycle's other
stages wait on the network, so a large batch goes to a pool of worker processes (one per
core by default) that lives for the cycle. A small batch (a normal 30-minute cycle brings a
handful of articles) is done in-process: starting a worker costs about a second.
Both paths run the same `Analyser`, so their rows are identical.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from belmon.catalog import Catalog
from belmon.pipeline import build_classifier, catalog_for
from belmon.settings import Settings
from extractors.analysis import DocumentAnalysis, DocumentInput, analyse_document
from extractors.dedup import sketch
from extractors.fetch import FetchResult
from extractors.ingest import Article, Candidate, build_article
from extractors.novelty import ClaimFacts, ClaimParser
from extractors.themes import prototypes_from_rows

Fetched = tuple[Candidate, FetchResult | None]
ParsedClaims = dict[tuple[str, Any], ClaimFacts]  # facts by (sentence, publication date)
CHUNK = 8  # articles per message to a worker: enough to amortise pickling, small for balance


@dataclass
class ArticleWork:
    """One article built from its page and analysed, with its syndication sketch."""

    article: Article
    analysis: DocumentAnalysis
    signature: list[int]


@dataclass
class WorkResult:
    """Articles of a batch in input order, the facts of their claims (parsed here so that
    novelty judging, which runs one batch behind in the cycle's own process, need not), and
    the CPU seconds spent on each kind of work."""

    works: list[ArticleWork] = field(default_factory=list)
    claim_facts: ParsedClaims = field(default_factory=dict)
    extraction_seconds: float = 0.0
    analysis_seconds: float = 0.0

    def merge(self, other: WorkResult) -> None:
        self.works.extend(other.works)
        self.claim_facts.update(other.claim_facts)
        self.extraction_seconds += other.extraction_seconds
        self.analysis_seconds += other.analysis_seconds


class Analyser:
    """Turns fetch results into analysed articles; holds the theme classifier, which is
    built once per cycle (or once per worker) rather than once per batch."""

    def __init__(self, settings: Settings, prototypes: Sequence[tuple[str, str, list[str]]]):
        self.catalog: Catalog = catalog_for(settings)
        self.classifier = build_classifier(settings, self.catalog,
                                           prototypes_from_rows(prototypes) or None)
        self.claim_parser = ClaimParser(self.catalog.aliases)

    def analyse(self, doc: DocumentInput, now: datetime) -> DocumentAnalysis:
        return analyse_document(doc, self.classifier, self.catalog.metrics, now)

    def articles(self, fetched: Sequence[Fetched], now: datetime) -> WorkResult:
        result = WorkResult()
        for candidate, fetch in fetched:
            started = time.perf_counter()
            article = _article(candidate, fetch)
            built = time.perf_counter()
            result.extraction_seconds += built - started
            if article is None:
                continue
            analysis = self.analyse(article.document, now)
            result.works.append(ArticleWork(article, analysis, sketch(article.document.text)))
            self._parse_claims(analysis, result.claim_facts)
            result.analysis_seconds += time.perf_counter() - built
        return result

    def _parse_claims(self, analysis: DocumentAnalysis, into: ParsedClaims) -> None:
        published = analysis.document.get("published")
        for claim in analysis.claims:
            key = (claim["text"], published)
            if key not in into:
                facts = into[key] = self.claim_parser.facts(*key)
                _ = facts.opposites  # cached on the facts: every comparison needs them


def _article(candidate: Candidate, result: FetchResult | None) -> Article | None:
    body = result.body if result is not None and result.ok else None
    problem = result.reason if result is not None and not result.ok else None
    return build_article(candidate, body, result.final_url if result else None,
                         result.content_type if result else None, problem)


# A worker process's own Analyser, set once by its initializer: the one piece of
# module state, and it only exists inside pool workers.
_WORKER_ANALYSER: Analyser | None = None


def _start_worker(settings: Settings, prototypes: Sequence[tuple[str, str, list[str]]]) -> None:
    global _WORKER_ANALYSER
    _WORKER_ANALYSER = Analyser(settings, prototypes)


def _work_in_worker(fetched: Sequence[Fetched], now: datetime) -> WorkResult:
    if _WORKER_ANALYSER is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without its analyser")
    return _WORKER_ANALYSER.articles(fetched, now)


def _ready() -> bool:
    return True


class AnalysisPool:
    """In-process analysis for small batches, worker processes for large ones."""

    def __init__(self, settings: Settings, prototypes: Sequence[tuple[str, str, list[str]]],
                 workers: int, min_parallel: int) -> None:
        self._settings = settings
        self._prototypes = list(prototypes)
        self.workers = workers
        self.min_parallel = min_parallel
        self._local: Analyser | None = None
        self._pool: ProcessPoolExecutor | None = None
        self.problems: list[str] = []
        self.started_workers = 0

    @property
    def local(self) -> Analyser:
        if self._local is None:
            self._local = Analyser(self._settings, self._prototypes)
        return self._local

    def warm_up(self, expected: int) -> None:
        """Start the workers now when that many articles are coming, so that they load
        while the first batch is being fetched."""
        if self._parallel(expected):
            try:
                self._executor().submit(_ready)
            except (RuntimeError, OSError) as exc:
                self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        """Worker processes cannot start or died: the rest of the cycle runs in-process
        (slower, same rows), and the cycle's problems say why."""
        self.problems.append(f"analysis workers unavailable, continuing in-process: "
                             f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}")
        self.workers = 1
        self.close()

    def _parallel(self, count: int) -> bool:
        return self.workers > 1 and count >= self.min_parallel

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self.started_workers = self.workers
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self._settings, self._prototypes),
            )
        return self._pool

    def articles(self, fetched: Sequence[Fetched], now: datetime) -> WorkResult:
        """Build and analyse a batch's articles, in input order."""
        if self._parallel(len(fetched)):
            chunks = [fetched[i : i + CHUNK] for i in range(0, len(fetched), CHUNK)]
            total = WorkResult()
            try:
                for part in self._executor().map(_work_in_worker, chunks, [now] * len(chunks)):
                    total.merge(part)
                return total
            except (BrokenProcessPool, RuntimeError, OSError) as exc:
                self._give_up(exc)
        return self.local.articles(fetched, now)

    @property
    def processes(self) -> int:
        """Worker processes this cycle started (0: everything ran in-process)."""
        return self.started_workers

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def default_workers(configured: int) -> int:
    """0 means one worker per core this process may use."""
    if configured:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def analysis_pool(settings: Settings, prototypes: Sequence[Any]) -> Iterator[AnalysisPool]:
    """An AnalysisPool for one cycle; its workers (if any started) stop when it ends."""
    pool = AnalysisPool(settings, prototypes, default_workers(settings.analysis_workers),
                        settings.parallel_min_articles)
    try:
        yield pool
    finally:
        pool.close()
