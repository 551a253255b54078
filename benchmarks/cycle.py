"""One monitoring cycle in a fresh process, measured: ``python -m benchmarks.cycle ...``.

The process first runs a tiny warm-up flow, so that starting Prefect's temporary API server
is measured apart from the cycle, then runs belmon's real ``monitor_feeds`` flow. Per-stage
times come from timing wrappers put around the functions the flow calls (module attributes
looked up at call time, so the flow's code is unchanged). Whatever is not inside a stage is
orchestration: Prefect's task and flow engines, run states, logging, the summary artifact.
The wrappers time the work inside the task bodies; when the flow reports its own
``stage_seconds`` (timed around whole task calls), they are recorded next to them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from belmon.local_prefect import local_prefect
from benchmarks.measure import (
    children_cpu,
    current_rss_mb,
    descendants,
    finished_children_cpu,
    peak_rss_mb,
)

# Stage of each wrapped function, by module and attribute. Missing attributes are skipped,
# so the harness keeps working while the flow evolves.
STAGES: dict[str, dict[str, str]] = {
    "belmon.monitoring": {
        "parse_feed_result": "feed_parse", "unique_candidates_of": "feed_parse",
        "folder_candidates": "feed_parse",
        # analyse_batch runs extraction and analysis (in worker processes for large
        # batches); run() moves the extraction share the flow reports into "extraction".
        "analyse_batch": "analysis", "judge_and_plan": "analysis",
        "cycle_tables": "database", "cycle_counts": "database",
    },
    "warehouse.monitor": {
        "feed_states": "database", "recent_sketches": "database",
        "new_candidate_indexes": "database", "known_documents": "database",
        "write_cycle": "database",
    },
    "warehouse.writers": {"start_run": "database", "finish_run": "database"},
    "warehouse.alerts": {},
    "belmon.alerts.outbox": {"deliver_due": "other", "channels_for": "other"},
    "flows.monitor": {"catalog_for": "analysis", "load_settings": "other",
                      "load_feed_list": "other"},
}
#: Stage of the public functions of these modules that STAGES does not name (new glue
#: must not be mistaken for orchestration).
DEFAULT_STAGE = {"belmon.monitoring": "other", "warehouse.monitor": "database",
                 "warehouse.writers": "database", "warehouse.alerts": "database"}
#: Report buckets, in table order; "orchestration" is the cycle wall time minus their sum.
BUCKETS = ("feeds", "article_fetch", "extraction", "analysis", "database", "other")
_BUCKET_OF = {"feed_fetch": "feeds", "feed_parse": "feeds", "article_fetch": "article_fetch",
              "extraction": "extraction", "analysis": "analysis", "database": "database",
              "other": "other"}


class StageClock:
    """Accumulates wall time per stage; nested wrapped calls count for the outermost one."""

    def __init__(self) -> None:
        self.current = "start"  # the main thread's stage, for the memory trace
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.functions: defaultdict[str, float] = defaultdict(float)
        self.tasks: defaultdict[str, float] = defaultdict(float)
        self.engine_seconds: defaultdict[str, float] = defaultdict(float)
        self.requests: Counter[str] = Counter()
        self._local = threading.local()

    @contextlib.contextmanager
    def stage(self, name: str, detail: str | None = None) -> Iterator[None]:
        if getattr(self._local, "depth", 0):
            yield
            return
        self._local.depth = 1
        if threading.current_thread() is threading.main_thread():
            self.current = detail or name
        started = time.perf_counter()
        try:
            yield
        finally:
            self._local.depth = 0
            elapsed = time.perf_counter() - started
            self.seconds[name] += elapsed
            self.functions[detail or name] += elapsed
            self.calls[detail or name] += 1

    def wrap(self, owner: Any, attr: str, stage: str) -> bool:
        original = getattr(owner, attr, None)
        if original is None or getattr(original, "__bench_wrapped__", False):
            return False

        detail = f"{getattr(owner, '__name__', owner)}.{attr}"

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(stage, detail):
                return original(*args, **kwargs)

        timed.__bench_wrapped__ = True  # type: ignore[attr-defined]
        setattr(owner, attr, timed)
        return True

    def wrap_fetch(self, owner: Any) -> None:
        """fetch_all_sync serves both feeds and articles: the stage is the requests' kind."""
        original = owner.fetch_all_sync

        @functools.wraps(original)
        def timed(requests: Any, *args: Any, **kwargs: Any) -> Any:
            kind = requests[0].kind if requests else "article"
            self.requests[kind] += len(requests)
            stage = "feed_fetch" if kind == "feed" else "article_fetch"
            with self.stage(stage, f"fetch_all_sync ({kind}s)"):
                return original(requests, *args, **kwargs)

        owner.fetch_all_sync = timed

    def wrap_writer(self, db_module: Any) -> None:
        """Opening (connect + migrations) and closing (checkpoint) a DuckDB writer."""
        original = db_module.writer
        clock = self

        @contextlib.contextmanager
        def timed_writer(*args: Any, **kwargs: Any) -> Iterator[Any]:
            manager = original(*args, **kwargs)
            with clock.stage("database", "warehouse.db.writer (open)"):
                conn = manager.__enter__()
            try:
                yield conn
            except BaseException:
                with clock.stage("database", "warehouse.db.writer (close)"):
                    if not manager.__exit__(*sys.exc_info()):
                        raise
            else:
                with clock.stage("database", "warehouse.db.writer (close)"):
                    manager.__exit__(None, None, None)

        db_module.writer = timed_writer

    def wrap_tasks(self, module: Any, quote_args: bool = False) -> None:
        """Measure Prefect's own cost per task run: for a direct call, the call's wall time
        minus the task body's; for `.submit`, the time from submitting to the body starting
        plus from the body ending to the future being done. With ``quote_args``, pass
        collections wrapped in ``quote`` (an experiment: what not walking data saves)."""
        from prefect import Task

        for attr, value in list(vars(module).items()):
            if isinstance(value, Task):
                setattr(module, attr, _TaskProbe(value, self, quote_args))

    def buckets(self) -> dict[str, float]:
        out = dict.fromkeys(BUCKETS, 0.0)
        for stage, seconds in self.seconds.items():
            out[_BUCKET_OF.get(stage, "other")] += seconds
        return out


def flow_buckets(stages: dict[str, float]) -> dict[str, float]:
    """The flow's own stage clock (time its thread spent in, or waiting for, each stage:
    stages overlap in the background) in the report's buckets."""
    return {
        "feeds": stages.get("feed_fetch_parse", 0.0),
        "article_fetch": stages.get("article_fetch", 0.0),
        "extraction": stages.get("extraction", 0.0),
        "analysis": stages.get("analysis", 0.0) + stages.get("novelty", 0.0),
        "database": stages.get("database_reads", 0.0) + stages.get("database_writes", 0.0),
        "other": stages.get("alert_delivery", 0.0) + stages.get("other", 0.0),
    }


class _TaskProbe:
    """Stands in for a Prefect task in the flow module and times the engine around it."""

    def __init__(self, task: Any, clock: StageClock, quote_args: bool) -> None:
        self._clock, self._quote_args, self._name = clock, quote_args, task.name
        self._bodies: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        original = task.fn

        @functools.wraps(original)
        def body(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with self._lock:
                    self._bodies.append((started, time.perf_counter()))

        self._task = task.with_options()
        self._task.fn = body

    def _args(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        from prefect.utilities.annotations import quote

        def maybe(value: Any) -> Any:
            data = isinstance(value, (list, tuple, dict, set)) or hasattr(
                value, "__dataclass_fields__")
            return quote(value) if self._quote_args and data else value

        return tuple(maybe(a) for a in args), {k: maybe(v) for k, v in kwargs.items()}

    def _body(self) -> tuple[float, float]:
        with self._lock:
            return self._bodies.pop(0) if self._bodies else (0.0, 0.0)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = self._args(args, kwargs)
        started = time.perf_counter()
        try:
            return self._task(*args, **kwargs)
        finally:
            wall = time.perf_counter() - started
            begin, end = self._body()
            self._clock.tasks[self._name] += wall
            self._clock.engine_seconds[self._name] += max(0.0, wall - (end - begin))

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = self._args(args, kwargs)
        submitted = time.perf_counter()
        future = self._task.submit(*args, **kwargs)

        def done(_: Any) -> None:
            finished = time.perf_counter()
            begin, end = self._body()
            self._clock.tasks[self._name] += finished - submitted
            overhead = (begin - submitted) + (finished - end) if end else 0.0
            self._clock.engine_seconds[self._name] += max(0.0, overhead)

        future.add_done_callback(done)
        return future


def instrument(clock: StageClock, quote_args: bool = False) -> list[str]:
    """Put the timing wrappers in place; returns what was wrapped (for the record)."""
    import importlib

    import flows.monitor as monitor
    from warehouse import db

    wrapped = []
    clock.wrap_fetch(monitor)
    clock.wrap_writer(db)
    for module_name, attrs in STAGES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        names = dict(attrs)
        if module_name in DEFAULT_STAGE:
            for n, v in vars(module).items():
                if (n not in names and not n.startswith("_") and callable(v)
                        and not isinstance(v, type)
                        and getattr(v, "__module__", None) == module_name):
                    names[n] = DEFAULT_STAGE[module_name]
        for attr, stage in names.items():
            if clock.wrap(module, attr, stage):
                wrapped.append(f"{module_name}.{attr}")
    clock.wrap_tasks(monitor, quote_args)
    return wrapped


def _owner(path: str | None) -> str:
    """Where a frame's code lives: a package name, or a path inside this project."""
    if not path:
        return "(unknown)"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    root = str(Path(__file__).resolve().parent.parent) + "/"
    if path.startswith(root):
        return path[len(root):]
    if "/lib/python" in path:
        return "stdlib:" + path.rsplit("/", 1)[-1].removesuffix(".py")
    return path


def summarise_profile(session: Any, top: int = 25) -> dict[str, Any]:
    """Self time by package or project module, and by function, from a pyinstrument session."""
    by_owner: defaultdict[str, float] = defaultdict(float)
    by_function: defaultdict[str, float] = defaultdict(float)
    root = session.root_frame()
    stack = [root] if root else []
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic:  # "[self]" time is already in its parent's total_self_time
            continue
        own = frame.total_self_time
        if own <= 0:
            continue
        source = frame  # built-in and frozen code counts for the nearest real caller
        while (not source.file_path or source.file_path.startswith("<")) and source.parent:
            source = source.parent
        owner = _owner(source.file_path)
        by_owner[owner] += own
        name = frame.function if source is frame else f"{frame.function} (in {source.function})"
        by_function[f"{owner}:{name}"] += own

    def ranked(table: dict[str, float]) -> list[tuple[str, float]]:
        return [(k, round(v, 3)) for k, v in sorted(table.items(), key=lambda kv: -kv[1])[:top]]

    return {"duration": session.duration, "by_owner": ranked(by_owner),
            "by_function": ranked(by_function)}


class MemoryTrace:
    """Samples this process's RSS every 0.2 s with the stage running, to say where the peak
    is reached, and every second the peak RSS (VmHWM) of its live children other than
    `exclude` (Prefect's server): the analysis workers. Their own peak must be read while
    they live: once ended, the kernel reports for a spawned child at least the parent's RSS
    at the time of the spawn (exec carries the old peak over), not the child's own."""

    def __init__(self, clock: StageClock, exclude: Iterable[int] = ()) -> None:
        self.clock = clock
        self.exclude = set(exclude)
        self.worker_peak = 0.0
        self.peak = (0.0, "")
        self.timeline: list[tuple[float, float, str]] = []  # (s, MB, stage) every 25 MB up
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(0.2):
            ticks += 1
            if ticks % 5 == 0:
                self._sample_workers()
            rss = current_rss_mb()
            if rss > self.peak[0]:
                self.peak = (rss, self.clock.current)
            if not self.timeline or rss >= self.timeline[-1][1] + 25:
                self.timeline.append((round(time.perf_counter() - self._started, 1),
                                      round(rss), self.clock.current))

    def _sample_workers(self) -> None:
        for pid in descendants(os.getpid()):
            if pid not in self.exclude:
                self.worker_peak = max(self.worker_peak, peak_rss_mb(pid))

    def __enter__(self) -> MemoryTrace:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_now() -> tuple[float, dict[int, float]]:
    """This process's CPU, and each child's: live ones by pid, ended ones under pid 0."""
    return time.process_time(), children_cpu() | {0: finished_children_cpu()}


def run(db_path: str, feeds_path: str, profile: str | None = None, quote_args: bool = False
        ) -> dict[str, Any]:
    """One measured cycle, with Prefect set up as belmon's commands set it up (its start,
    the temporary server's included, is measured apart from the cycle)."""
    started = time.perf_counter()
    import flows.monitor  # noqa: F401  (the import time is reported on its own)

    imported = time.perf_counter()
    with local_prefect():
        return _measure(db_path, feeds_path, profile, quote_args, (started, imported))


def _measure(db_path: str, feeds_path: str, profile: str | None, quote_args: bool,
             times: tuple[float, float]) -> dict[str, Any]:
    from prefect import flow

    import flows.monitor as monitor

    started, imported = times
    clock = StageClock()
    wrapped = instrument(clock, quote_args)

    @flow(name="bench-warmup")
    def warmup() -> int:
        return 1

    warmup()
    warmed = time.perf_counter()
    prefect_children = descendants(os.getpid())
    cpu0, kids0 = _cpu_now()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    t0 = time.perf_counter()
    with MemoryTrace(clock, prefect_children) as memory:
        counts = monitor.monitor_feeds(db_path=db_path, feeds_path=feeds_path)
    wall = time.perf_counter() - t0
    profile_summary = None
    if profiler is not None:
        profiler.stop()
        Path(profile).with_suffix(".html").write_text(profiler.output_html(), "utf-8")
        Path(profile).with_suffix(".txt").write_text(
            profiler.output_text(unicode=False, color=False, show_all=False), "utf-8")
        profile_summary = summarise_profile(profiler.last_session)
    cpu1, kids1 = _cpu_now()
    child_cpu = sum(v - kids0.get(pid, 0.0) for pid, v in kids1.items())
    errors = counts.get("errors") or []
    stages = flow_buckets(counts.get("stage_seconds") or {})
    orchestration = sum(clock.engine_seconds.values())
    return {
        "wall_seconds": wall,
        "cpu_seconds": (cpu1 - cpu0) + child_cpu,
        "cpu_self_seconds": cpu1 - cpu0,
        "cpu_children_seconds": child_cpu,
        "prefect_server_cpu_seconds": sum(kids1.get(pid, 0.0) - kids0.get(pid, 0.0)
                                          for pid in prefect_children),
        "worker_cpu_seconds": kids1[0] - kids0[0],  # children that ended: the analysis workers
        "peak_rss_mb": peak_rss_mb(),
        "prefect_server_peak_rss_mb": max((peak_rss_mb(p) for p in prefect_children), default=0),
        "worker_peak_rss_mb": memory.worker_peak,
        "peak_rss_stage": memory.peak[1],
        "rss_timeline": memory.timeline,
        "import_seconds": imported - started,
        "prefect_startup_seconds": warmed - imported,
        "stages": stages,
        "orchestration_seconds": orchestration,
        "engine_seconds": dict(clock.engine_seconds),
        "work_buckets": clock.buckets(),
        "flow_stage_seconds": counts.get("stage_seconds"),
        "stage_detail": dict(clock.seconds),
        "function_seconds": dict(clock.functions),
        "function_calls": dict(clock.calls),
        "task_seconds": dict(clock.tasks),
        "requests": dict(clock.requests),
        "counts": {k: v for k, v in counts.items() if k not in ("errors", "stage_seconds")},
        "errors": len(errors),
        "error_sample": errors[:5],
        "wrapped": wrapped,
        "profile": profile_summary,
        "quote_args": quote_args,
        "flow_file": monitor.__file__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--feeds", required=True)
    parser.add_argument("--out", required=True, help="JSON file for the measurements")
    parser.add_argument("--profile", help="write a pyinstrument profile (.html/.txt) here")
    parser.add_argument("--quote-args", action="store_true",
                        help="experiment: pass task arguments in prefect's quote()")
    args = parser.parse_args()
    result = run(args.db, args.feeds, args.profile, args.quote_args)
    Path(args.out).write_text(json.dumps(result, indent=1, default=str), "utf-8")


if __name__ == "__main__":
    main()
