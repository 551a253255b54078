"""The extraction floor: ``trafilatura.extract`` over pages already in memory, N processes.

No network, no parsing of feeds, no analysis, no database: the least time any pipeline that
extracts these pages with trafilatura on this many cores can take.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from pathlib import Path

OPTIONS = {"include_comments": False, "include_tables": False, "with_metadata": True,
           "deduplicate": False}  # belmon's choices (extractors/articles.py)


def _worker(paths: list[str], barrier: mp.synchronize.Barrier, results: mp.Queue) -> None:
    import trafilatura

    pages = [Path(p).read_bytes().decode("utf-8") for p in paths]
    trafilatura.extract("<html><body><article><p>warm up</p></article></body></html>")
    barrier.wait()
    wall, cpu = time.perf_counter(), time.process_time()
    chars = sum(len(trafilatura.extract(page, **OPTIONS) or "") for page in pages)
    results.put({"pages": len(pages), "chars": chars, "wall": time.perf_counter() - wall,
                 "cpu": time.process_time() - cpu,
                 "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def extraction_floor(paths: list[Path], workers: int = 2) -> dict:
    """Wall time from the moment every worker holds its pages to the last one finishing."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(workers + 1), ctx.Queue()
    shares = [[str(p) for p in paths[i::workers]] for i in range(workers)]
    procs = [ctx.Process(target=_worker, args=(share, barrier, results)) for share in shares]
    for p in procs:
        p.start()
    barrier.wait()
    started = time.perf_counter()
    parts = [results.get() for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join()
    pages = sum(r["pages"] for r in parts)
    return {"workers": workers, "pages": pages, "wall_seconds": wall,
            "cpu_seconds": sum(r["cpu"] for r in parts),
            "ms_per_page_per_core": sum(r["cpu"] for r in parts) / max(pages, 1) * 1000,
            "pages_per_second": pages / wall if wall else None,
            "chars": sum(r["chars"] for r in parts)}
