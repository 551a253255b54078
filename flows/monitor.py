"""The `monitor-feeds` flow: feeds -> entries -> new articles -> extract -> dedupe -> analyse
-> write. Work is batched per task (one task per stage, not per article): a Prefect task run
costs ~10 ms, more than extracting a small page."""

from __future__ import annotations

import pickle
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from belmon import monitoring
from belmon.alerts import outbox
from belmon.feed_parsing import ParseAsFetched
from belmon.feedlist import FeedList, load_feed_list
from belmon.pipeline import catalog_for, claim_facts_key, claim_index, fetch_policy
from belmon.progress import progress
from belmon.runlock import exclusive_run
from belmon.settings import Settings, load_settings
from belmon.workers import AnalysisPool, analysis_pool
from extractors.cycle import FeedOutcome
from extractors.fetch import FetchRequest, FetchResult, fetch_all_sync
from extractors.ingest import Candidate
from extractors.novelty import ClaimIndex
from warehouse import alerts as alert_store
from warehouse import analysis as analysis_store
from warehouse import claim_facts, db, writers
from warehouse import monitor as store


@task(name="read-state", cache_policy=NO_CACHE)
def read_state(settings: Settings, run_id: str) -> dict[str, Any]:
    since = datetime.now() - timedelta(days=settings.dedup_window_days)
    with db.writer(settings.db, settings.lock_timeout) as conn:
        writers.start_run(conn, run_id, "monitor-feeds")
        return {"feeds": store.feed_states(conn), "sketches": store.recent_sketches(conn, since),
                "prototypes": analysis_store.prototype_rows(conn)}


@task(name="fetch-feeds", cache_policy=NO_CACHE)
def fetch_feeds(settings: Settings, feeds: list, states: dict) -> list[FeedOutcome]:
    order = monitoring.slowest_first(feeds, states)
    ordered = [feeds[i] for i in order]
    requests = [
        FetchRequest(f.url, (states.get(f.name) or {}).get("etag"),
                     (states.get(f.name) or {}).get("last_modified"), kind="feed")
        for f in ordered
    ]
    with (progress("feeds", len(requests), get_run_logger()) as advance,
          ParseAsFetched(ordered, requests) as parsing):
        def done(result: FetchResult) -> None:
            advance()
            parsing(result)

        fetched = fetch_all_sync(requests, fetch_policy(settings, for_feeds=True), on_done=done)
        outcomes = dict(zip(order, parsing.outcomes(fetched), strict=True))
    return [outcomes[i] for i in range(len(feeds))]


@task(name="select-new", cache_policy=NO_CACHE)
def select_new(settings: Settings, outcomes: list[FeedOutcome], folders: list) -> tuple:
    """New feed entries and new folder files: one anti-join each against the warehouse."""
    candidates = monitoring.unique_candidates_of(outcomes)
    keys = [{"doc_id": c.doc_id, "entry_key": c.entry_key, "guid": c.guid} for c in candidates]
    folder_docs, problems = monitoring.folder_candidates(folders)
    with db.writer(settings.db, settings.lock_timeout) as conn:
        fresh = store.new_candidate_indexes(conn, keys)
        known = store.known_documents(conn, [d.doc_id for d in folder_docs])
    unique_docs = {d.doc_id: d for d in folder_docs if d.doc_id not in known}
    return [candidates[i] for i in fresh], list(unique_docs.values()), problems


@task(name="fetch-articles", cache_policy=NO_CACHE)
def fetch_articles(settings: Settings, candidates: list[Candidate]) -> list:
    linked = [c for c in candidates if c.url]
    requests = [FetchRequest(c.url, kind="article") for c in linked]
    with progress("articles", len(requests), get_run_logger()) as advance:
        results = fetch_all_sync(requests, fetch_policy(settings), on_done=advance)
    by_doc = {c.doc_id: r for c, r in zip(linked, results, strict=True)}
    return [(c, by_doc.get(c.doc_id)) for c in candidates]


@task(name="extract-and-analyse", cache_policy=NO_CACHE)
def extract_and_analyse(pool: AnalysisPool, fetched: list, sketches: list, folder_docs: list,
                        problems: list[str]) -> monitoring.CycleBatch:
    batch = monitoring.analyse_batch(pool, fetched, folder_docs, sketches)
    batch.problems.extend(problems)
    return batch


@task(name="judge-novelty", cache_policy=NO_CACHE)
def judge_novelty(settings: Settings, batch: monitoring.CycleBatch, claims: ClaimIndex | None
                  ) -> tuple[monitoring.CycleBatch, ClaimIndex | None]:
    """Figures and claims that are news, and the alerts they raise (not yet sent). The claim
    index is read from the warehouse once per cycle, at the first batch with something new,
    and grows with each batch: parsing every known claim again per batch cost more than
    judging the new ones."""
    if not batch.analyses:
        return batch, claims
    catalog = catalog_for(settings)
    with db.writer(settings.db, settings.lock_timeout) as conn:
        figures = alert_store.representative_figures(conn)
        if claims is None:
            parsed = claim_facts.load(settings.db, claim_facts_key(catalog))
            claims = claim_index(analysis_store.known_claims(conn),
                                 analysis_store.known_recommendations(conn), catalog.aliases,
                                 parsed)
        claims.remember(batch.claim_facts)
        batch.claim_facts = {}

        def unannounced(keys: list[str]) -> set[str]:
            return alert_store.unannounced(conn, keys)

        monitoring.judge_and_plan(settings, catalog, batch, figures, claims, unannounced)
    return batch, claims


@task(name="save-claim-facts", cache_policy=NO_CACHE)
def save_claim_facts(settings: Settings, claims: ClaimIndex) -> None:
    """Keep the parsed facts of every known claim for the next cycle (see
    warehouse/claim_facts.py); a cache, so a failure to write it is only logged."""
    key = claim_facts_key(catalog_for(settings))
    try:
        claim_facts.save(settings.db, key, claims.parsed())
    except (OSError, pickle.PicklingError) as exc:
        get_run_logger().warning("could not keep parsed claim facts: %s", exc)


@task(name="deliver-alerts", cache_policy=NO_CACHE)
def deliver_alerts(settings: Settings) -> dict[str, int]:
    """Send what the outbox holds: this cycle's alerts and earlier failures that are due."""
    return outbox.deliver_due(settings, outbox.channels_for(settings))


@task(name="write-articles", cache_policy=NO_CACHE)
def write_articles(settings: Settings, run_id: str, batch: monitoring.CycleBatch,
                   fetched: list) -> dict[str, Any]:
    """One batch of articles with their entries, raw pages and alerts, in one transaction."""
    with db.writer(settings.db, settings.lock_timeout) as conn:
        store.write_cycle(conn, batch.analyses, monitoring.article_tables(run_id, batch, fetched))
    return monitoring.batch_counts(batch, fetched)


@task(name="write-feed-state", cache_policy=NO_CACHE)
def write_feed_state(settings: Settings, run_id: str, outcomes: list[FeedOutcome],
                     states: dict, counts: dict[str, Any]) -> None:
    """Last write of a cycle: feed validators and health, and the run's counts."""
    with db.writer(settings.db, settings.lock_timeout) as conn:
        store.write_cycle(conn, [], monitoring.feed_tables(run_id, outcomes, states))
        writers.finish_run(conn, run_id, "completed", counts)


@flow(name="monitor-feeds")
def monitor_feeds(db_path: str | None = None, feeds_path: str | None = None) -> dict[str, Any]:
    """One monitoring cycle over the configured feeds and folders."""
    settings = load_settings(db=db_path, feeds=feeds_path)
    feed_list = load_feed_list(settings.feeds)
    outbox.channels_for(settings)  # a broken apprise configuration stops the run before any work
    with exclusive_run(settings.db, settings.run_lock_wait):
        return _cycle(settings, feed_list)


def _cycle(settings: Settings, feed_list: FeedList) -> dict[str, Any]:
    """The stages of one cycle, in order, each timed. Large arguments are quoted so that
    Prefect does not walk them looking for futures (that walk cost 20% of a cold cycle)."""
    run_id = f"monitor-{uuid.uuid4().hex[:12]}"
    clock = StageClock()
    with clock("database_reads"):
        state = read_state(settings, run_id)
    feeds = [f for f in feed_list.feeds if f.enabled]
    with clock("feed_fetch_parse"):
        outcomes = fetch_feeds(settings, quote(feeds), quote(state["feeds"]))
    with clock("database_reads"):
        candidates, folder_docs, problems = select_new(settings, quote(outcomes),
                                                       feed_list.folders)
    counts = monitoring.feed_counts(outcomes)
    size = settings.article_batch_size
    chunks = [candidates[i : i + size] for i in range(0, len(candidates), size)] or [[]]
    with analysis_pool(settings, state["prototypes"]) as pool:
        pool.warm_up(len(chunks[0]))
        pipeline = _Pipeline(settings, run_id, clock, state, pool, chunks)
        counts = monitoring.add_counts(counts, pipeline.run(folder_docs, problems))
        counts["analysis_processes"] = pool.processes
        counts["errors"] = counts.get("errors", []) + pool.problems
    if state.get("claims") is not None:
        with clock("novelty"):
            save_claim_facts(settings, quote(state["claims"]))
    with clock("database_writes"):
        write_feed_state(settings, run_id, quote(outcomes), quote(state["feeds"]), quote(counts))
    with clock("alert_delivery"):
        counts |= deliver_alerts(settings)
    create_markdown_artifact(key="monitor-summary", markdown=monitoring.summary_markdown(counts))
    return counts | {"run_id": run_id, "stage_seconds": clock.report(pipeline.timings)}


class _Pipeline:
    """New articles in batches of `article_batch_size`, overlapped: while this thread judges
    and stores batch k, worker processes extract and analyse batch k+1 and the network
    fetches batch k+2. Batches are still stored one at a time, in order, each whole in one
    transaction, so an interrupted run keeps every batch it finished and memory holds at
    most three batches."""

    def __init__(self, settings: Settings, run_id: str, clock: StageClock, state: dict,
                 pool: AnalysisPool, chunks: list[list[Candidate]]) -> None:
        self.settings, self.run_id, self.clock = settings, run_id, clock
        self.state, self.pool, self.chunks = state, pool, chunks
        self.fetching: dict[int, Any] = {}
        self.timings: dict[str, float] = {}

    def _fetch(self, number: int) -> None:
        if number < len(self.chunks):
            self.fetching[number] = fetch_articles.submit(self.settings,
                                                          quote(self.chunks[number]))

    def _analyse(self, number: int, folder_docs: list, problems: list[str]) -> tuple:
        """Start extracting and analysing batch `number` once it is fetched."""
        with self.clock("article_fetch"):
            fetched = self.fetching.pop(number).result()
        self._fetch(number + 1)
        return fetched, extract_and_analyse.submit(quote(self.pool), quote(fetched),
                                                   quote(self.state["sketches"]),
                                                   quote(folder_docs), problems)

    def run(self, folder_docs: list, problems: list[str]) -> dict[str, Any]:
        if not self.chunks[0] and not folder_docs:
            return self._nothing_new(problems)
        counts: dict[str, Any] = {}
        self._fetch(0)
        current = self._analyse(0, folder_docs, problems)
        for number in range(len(self.chunks)):
            fetched, analysing = current
            with self.clock("extract_analyse"):
                batch = analysing.result()
            fetched = monitoring.without_bodies(fetched)  # the pages are in the batch now
            self.state["sketches"] = self.state["sketches"] + [
                (a.document["doc_id"], a.document["sketch"]) for a in batch.analyses
                if a.document.get("sketch") and not a.document.get("duplicate_of")
            ]
            if number + 1 < len(self.chunks):
                current = self._analyse(number + 1, [], [])
            counts = monitoring.add_counts(counts, self._store(batch, fetched))
        return counts

    @staticmethod
    def _nothing_new(problems: list[str]) -> dict[str, Any]:
        """The counts an empty batch gives, without its four task runs and its empty write
        transaction: ~0.15 s of a cycle in which no feed lists anything new."""
        return monitoring.batch_counts(monitoring.CycleBatch(problems=list(problems)), [])

    def _store(self, batch: monitoring.CycleBatch, fetched: list) -> dict[str, Any]:
        """Judge one analysed batch and write it."""
        with self.clock("novelty"):
            batch, self.state["claims"] = judge_novelty(self.settings, quote(batch),
                                                        quote(self.state.get("claims")))
        with self.clock("database_writes"):
            counts = write_articles(self.settings, self.run_id, quote(batch), quote(fetched))
        for key, value in batch.timings.items():
            self.timings[key] = self.timings.get(key, 0.0) + value
        return counts


class StageClock:
    """Wall time per stage of the cycle, for the summary and the benchmark."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        begin = time.perf_counter()
        try:
            yield
        finally:
            self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - begin

    def report(self, work: dict[str, float]) -> dict[str, float]:
        """Seconds this thread spent in each stage or waiting for it; the wait for
        extraction and analysis is split between them in proportion to the work done in
        the background (`*_work`: that work's own seconds, overlapping the other stages).
        `other` is the rest of the wall time: orchestration and bookkeeping."""
        stages = dict(self.stages)
        waited = stages.pop("extract_analyse", 0.0)
        total_work = sum(work.values())
        for key, seconds in work.items():
            stages[key] = waited * seconds / total_work if total_work else 0.0
        if not work:
            stages["extraction"] = waited
        total = time.perf_counter() - self.started
        stages["other"] = max(0.0, total - sum(stages.values()))
        stages |= {f"{key}_work": seconds for key, seconds in work.items()}
        stages["total"] = total
        return {k: round(v, 3) for k, v in stages.items()}
