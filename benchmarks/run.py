"""Benchmark belmon's monitoring cycle: ``python -m benchmarks.run [--quick] [--runs 3]``.

Scenarios (each run in a fresh process against a local server, medians over ``--runs``):

1. cold: an empty warehouse, every feed new (default 200 feeds x 50 entries, each article
   listed by 5 feeds, so 2,000 distinct articles, ~10% of them syndicated near-copies);
2. unchanged: the same feeds again, which answer 304 (no article should be fetched);
3. incremental: 5% new articles on top of the feeds.

Baselines on the same corpus: the extraction floor (trafilatura over the pages already in
memory, on ``--workers`` processes) and the naive script (benchmarks/naive.py) on a subset,
extrapolated. Targets are printed PASS/FAIL. Results go to benchmarks/out/results-<date>.json
and, for full runs, to the generated part of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.corpus import PORT_TOKEN, CorpusSpec, article_url, build, load_manifest
from benchmarks.measure import machine, median
from benchmarks.server import BenchServer, selftest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DOC = ROOT / "docs" / "benchmarks.md"
SCENARIOS = ("cold", "unchanged", "incremental")
BUCKETS = ("feeds", "article_fetch", "extraction", "analysis", "database", "other")
BUCKET_TITLES = {"feeds": "feeds fetch+parse", "article_fetch": "article fetch",
                 "extraction": "extraction", "analysis": "analysis", "database": "database",
                 "other": "other work"}
START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass
class Options:
    quick: bool = False
    runs: int = 3
    feeds: int = 200
    entries: int = 50
    fanout: int = 5
    outlets: int = 40
    seed: int = CorpusSpec.seed
    latency: float = 0.05
    slow: float = 2.0
    concurrency: int = 16
    workers: int = 2
    naive_share: float = 0.1
    skip_naive: bool = False
    skip_floor: bool = False
    profile: bool = False
    profile_only: bool = False
    quote_args: bool = False
    code: str = str(ROOT)  # where the children import belmon from (a snapshot, see main)
    scenarios: tuple[str, ...] = SCENARIOS
    keep_db: bool = False
    docs: bool = True
    note: str = ""
    settings: tuple[str, ...] = ()  # extra NAME=VALUE for the cycle (experiments)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# ------------------------------------------------------------------ one scenario run


def feeds_toml(manifest: dict, port: int) -> str:
    lines = []
    for feed in manifest["feeds"]:
        url = feed["url"].replace(PORT_TOKEN, str(port))
        lines += ["[[feed]]", f"name = {json.dumps(feed['name'])}", f'url = "{url}"',
                  'tags = ["benchmark"]', ""]
    return "\n".join(lines)


CODE = ("belmon", "extractors", "flows", "warehouse", "seeds", "benchmarks")


def snapshot_code(stamp: str) -> dict[str, Any]:
    """Copy the project's packages once, so every scenario run measures the same code even
    while the working tree is being edited; returns where and which commit (and if dirty)."""
    target = OUT / "runs" / stamp / "code"
    shutil.rmtree(target, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "out", "documents")
    for name in CODE:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if line[3:].split("/", 1)[0] in CODE]
    return {"path": str(target), "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": changed}


def child_env(opts: Options, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BELMON_")}
    env.update({
        "PYTHONPATH": opts.code + os.pathsep + env.get("PYTHONPATH", ""),
        "BELMON_ALLOW_PRIVATE_NETWORKS": "true",
        "BELMON_DB": str(workdir / "belmon.duckdb"),
        "BELMON_FEEDS": str(workdir / "feeds.toml"),
        "BELMON_MAX_CONCURRENCY": str(opts.concurrency),
        "PREFECT_HOME": str(OUT / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    env.update(setting.split("=", 1) for setting in opts.settings)
    return env


def run_cycle(opts: Options, workdir: Path, name: str, server: BenchServer,
              profile: Path | None = None) -> dict[str, Any]:
    """One scenario run in a fresh process; adds the server's view (requests, delays, CPU)."""
    out = workdir / f"{name}.json"
    cmd = [sys.executable, "-m", "benchmarks.cycle", "--db", str(workdir / "belmon.duckdb"),
           "--feeds", str(workdir / "feeds.toml"), "--out", str(out)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    if opts.quote_args:
        cmd += ["--quote-args"]
    server.stats(reset=True)
    server_cpu = server.cpu_seconds()
    started = time.perf_counter()
    with open(workdir / f"{name}.log", "w") as logfile:
        proc = subprocess.run(cmd, cwd=workdir, env=child_env(opts, workdir), stdout=logfile,
                              stderr=subprocess.STDOUT, timeout=3600, check=False)
    process_wall = time.perf_counter() - started
    if proc.returncode != 0 or not out.exists():
        tail = (workdir / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} cycle failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(out.read_text())
    stats = server.stats()
    result["process_wall_seconds"] = process_wall
    result["server"] = stats
    result["server_cpu_seconds"] = server.cpu_seconds() - server_cpu
    result["article_requests"] = sum(v for k, v in stats.items()
                                     if k.startswith("page:") and not k.endswith(":bytes"))
    result["feed_requests"] = sum(v for k, v in stats.items()
                                  if k.startswith("feed:") and not k.endswith(":bytes"))
    result.setdefault("orchestration_seconds",
                      result["wall_seconds"] - sum(result["stages"].values()))
    new = result["counts"].get("new_articles", 0)
    result["articles_per_second"] = new / result["wall_seconds"] if result["wall_seconds"] else 0
    return result


def run_scenarios(opts: Options, manifest: dict, server: BenchServer, stamp: str
                  ) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {s: [] for s in SCENARIOS}
    for r in range(opts.runs):
        workdir = OUT / "runs" / stamp / f"run{r + 1}"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        (workdir / "feeds.toml").write_text(feeds_toml(manifest, server.port), "utf-8")
        for scenario in opts.scenarios:
            server.set_state("incremental" if scenario == "incremental" else "base")
            log(f"run {r + 1}/{opts.runs}: {scenario} ...")
            result = run_cycle(opts, workdir, scenario, server)
            results[scenario].append(result)
            c = result["counts"]
            log(f"  {scenario}: cycle {result['wall_seconds']:.1f} s (process "
                f"{result['process_wall_seconds']:.1f} s, Prefect start "
                f"{result['prefect_startup_seconds']:.1f} s), new articles "
                f"{c.get('new_articles')}, duplicates {c.get('duplicates')}, article requests "
                f"{result['article_requests']}, feeds 304 {c.get('feeds_not_modified')}")
        server.set_state("base")
    return results


def profile_cold(opts: Options, manifest: dict, server: BenchServer, stamp: str) -> dict:
    workdir = OUT / "runs" / stamp / "profile"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    (workdir / "feeds.toml").write_text(feeds_toml(manifest, server.port), "utf-8")
    server.set_state("base")
    target = OUT / f"profile-cold-{stamp}"
    log("profiling one cold cycle (pyinstrument) ...")
    result = run_cycle(opts, workdir, "cold", server, profile=target)
    return {"wall_seconds": result["wall_seconds"], "text": str(target.with_suffix(".txt")),
            "html": str(target.with_suffix(".html")), "summary": result.get("profile"),
            "stages": result["stages"], "task_seconds": result["task_seconds"]}


def profile_text(profile: dict, top: int = 12) -> str:
    """Where a profiled cold cycle spent its time: self time by package and by function."""
    summary = profile.get("summary") or {}
    total = summary.get("duration") or profile["wall_seconds"]
    lines = [f"Profile of one cold cycle (pyinstrument, {total:.0f} s sampled; "
             f"full tree: {Path(profile['html']).name}):", "",
             "| self time by package / module | s | share |", "|---|---|---|"]
    lines += [f"| {name} | {sec:.1f} | {sec / total:.0%} |"
              for name, sec in summary.get("by_owner", [])[:top]]
    lines += ["", "| self time by function | s | share |", "|---|---|---|"]
    lines += [f"| `{name}` | {sec:.1f} | {sec / total:.0%} |"
              for name, sec in summary.get("by_function", [])[:top]]
    return "\n".join(lines)


# ------------------------------------------------------------------ baselines


def naive_links(manifest: dict) -> tuple[int, int]:
    """(distinct links as written in the base feeds, entries): what the naive script sees."""
    articles = manifest["articles"]
    links, entries = set(), 0
    for feed in manifest["feeds"]:
        for index in manifest["states"]["base"][str(feed["index"])]:
            links.add(article_url(_Spec(articles[index]), feed["index"]).replace("&amp;", "&"))
            entries += 1
    return len(links), entries


class _Spec:
    """Enough of an ArticleSpec for article_url."""

    def __init__(self, row: dict) -> None:
        self.outlet, self.path = row["outlet"], row["path"]


def run_naive(opts: Options, manifest: dict, server: BenchServer, stamp: str) -> dict:
    from benchmarks.naive import extrapolate

    workdir = OUT / "runs" / stamp / "naive"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    urls = [f["url"].replace(PORT_TOKEN, str(server.port)) for f in manifest["feeds"]]
    (workdir / "feeds.json").write_text(json.dumps(urls), "utf-8")
    links, entries = naive_links(manifest)
    limit = None if opts.naive_share >= 1 else max(1, round(links * opts.naive_share))
    server.set_state("base")
    server.stats(reset=True)
    log(f"naive script on {'all' if limit is None else limit} of {links} article links ...")
    cmd = [sys.executable, "-m", "benchmarks.naive", "--feeds", str(workdir / "feeds.json"),
           "--db", str(workdir / "naive.duckdb"), "--out", str(workdir / "naive.json")]
    if limit is not None:
        cmd += ["--max-articles", str(limit)]
    subprocess.run(cmd, cwd=ROOT, env=child_env(opts, workdir), check=True, timeout=3600)
    result = json.loads((workdir / "naive.json").read_text())
    full = extrapolate(result, len(urls), links, entries) if limit is not None \
        else result["wall_seconds"]
    result.update({"links_full": links, "entries_full": entries, "feeds_full": len(urls),
                   "subset_share": None if limit is None else result["fetched"] / links,
                   "extrapolated": limit is not None, "full_seconds": full,
                   "server": server.stats()})
    log(f"  naive: {result['wall_seconds']:.1f} s for {result['fetched']} articles and "
        f"{result['feeds']} feeds -> {full:.0f} s for the whole corpus"
        + (" (extrapolated)" if limit is not None else ""))
    return result


def run_floor(opts: Options, folder: Path, manifest: dict) -> dict:
    from benchmarks.floor import extraction_floor

    paths = [folder / "pages" / a["path"].lstrip("/") for a in manifest["articles"]
             if a["in_base"]]
    log(f"extraction floor: trafilatura over {len(paths)} pages on {opts.workers} processes ...")
    result = extraction_floor(paths, opts.workers)
    log(f"  floor: {result['wall_seconds']:.1f} s ({result['ms_per_page_per_core']:.1f} ms "
        "per page per core)")
    return result


# ------------------------------------------------------------------ summary and targets


def summarise(runs: list[dict]) -> dict[str, Any]:
    def med(get: Any) -> float | None:
        return median([get(r) for r in runs])

    out = {
        "runs": len(runs),
        "wall_seconds": med(lambda r: r["wall_seconds"]),
        "wall_seconds_all": [round(r["wall_seconds"], 2) for r in runs],
        "cpu_seconds": med(lambda r: r["cpu_seconds"]),
        "cpu_children_seconds": med(lambda r: r["cpu_children_seconds"]),
        "peak_rss_mb": med(lambda r: r["peak_rss_mb"]),
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
        "prefect_server_peak_rss_mb": med(lambda r: r["prefect_server_peak_rss_mb"]),
        "articles_per_second": med(lambda r: r["articles_per_second"]),
        "orchestration_seconds": med(lambda r: r["orchestration_seconds"]),
        "prefect_startup_seconds": med(lambda r: r["prefect_startup_seconds"]),
        "import_seconds": med(lambda r: r["import_seconds"]),
        "process_wall_seconds": med(lambda r: r["process_wall_seconds"]),
        "server_cpu_seconds": med(lambda r: r["server_cpu_seconds"]),
        "article_requests": [r["article_requests"] for r in runs],
        "feed_requests": med(lambda r: r["feed_requests"]),
        "delay_seconds": med(lambda r: r["server"].get("delay_ms", 0) / 1000),
        "stages": {b: med(lambda r, b=b: r["stages"].get(b, 0.0)) for b in BUCKETS},
        "task_seconds": {t: med(lambda r, t=t: r["task_seconds"].get(t, 0.0))
                         for t in runs[0]["task_seconds"]},
        "counts": runs[-1]["counts"],
        "errors": runs[-1]["errors"],
        "flow_stage_seconds": runs[-1].get("flow_stage_seconds"),
    }
    return out


def targets(opts: Options, summary: dict, floor: dict | None, naive: dict | None) -> list[dict]:
    if "cold" not in summary or "unchanged" not in summary:
        return []
    cold, unchanged = summary["cold"], summary["unchanged"]
    out = []

    def add(name: str, ok: bool | None, measured: str, goal: str) -> None:
        out.append({"target": name, "result": "n/a" if ok is None else "PASS" if ok else "FAIL",
                    "measured": measured, "goal": goal})

    if floor:
        bound = 1.3 * (floor["wall_seconds"] + cold["delay_seconds"] / opts.concurrency)
        add("cold wall vs floor", cold["wall_seconds"] <= bound,
            f"{cold['wall_seconds']:.1f} s",
            f"<= 1.3 x ({floor['wall_seconds']:.1f} s floor + {cold['delay_seconds']:.0f} s "
            f"latency / {opts.concurrency}) = {bound:.1f} s")
    else:
        add("cold wall vs floor", None, "floor skipped", "")
    if naive:
        speedup = naive["full_seconds"] / cold["wall_seconds"]
        add("cold vs naive", speedup >= 8, f"{speedup:.1f}x faster",
            f">= 8x (naive {naive['full_seconds']:.0f} s"
            + (", extrapolated)" if naive["extrapolated"] else ")"))
    else:
        add("cold vs naive", None, "naive skipped", "")
    fetched = max(unchanged["article_requests"])
    add(f"unchanged ({opts.feeds} feeds)",
        unchanged["wall_seconds"] <= 3 and fetched == 0,
        f"{unchanged['wall_seconds']:.2f} s, {fetched} article fetches",
        "<= 3 s wall and 0 article fetches")
    add("cold peak RSS", cold["peak_rss_mb_max"] <= 600, f"{cold['peak_rss_mb_max']:.0f} MB",
        "<= 600 MB (flow process, worst run)")
    share = cold["orchestration_seconds"] / cold["wall_seconds"]
    add("orchestration overhead", share <= 0.10,
        f"{share:.1%} ({cold['orchestration_seconds']:.2f} s)", "<= 10% of the cold cycle")
    return out


def table(summary: dict) -> list[str]:
    head = ["scenario", "wall s", "CPU s", "peak RSS MB", "articles/s", "new", "article GETs"]
    head += [BUCKET_TITLES[b] + " s" for b in BUCKETS] + ["orchestration s", "Prefect start s"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in summary:
        s = summary[name]
        cells = [name, f"{s['wall_seconds']:.2f}", f"{s['cpu_seconds']:.2f}",
                 f"{s['peak_rss_mb']:.0f}", f"{s['articles_per_second']:.1f}",
                 str(s["counts"].get("new_articles")),
                 "/".join(str(n) for n in s["article_requests"])]
        cells += [f"{s['stages'][b]:.2f}" for b in BUCKETS]
        cells += [f"{s['orchestration_seconds']:.2f}", f"{s['prefect_startup_seconds']:.1f}"]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def report(opts: Options, results: dict) -> str:
    m, spec = results["machine"], results["corpus"]
    lines = [
        f"Measured {results['date']} on {m['nproc']} cores ({m['cpu_model']}), "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, prefect {m['packages']['prefect']}, "
        f"trafilatura {m['packages']['trafilatura']}, duckdb {m['packages']['duckdb']}; "
        f"code {results['code']['commit']}"
        + (f" plus {len(results['code']['uncommitted_files'])} uncommitted file(s)"
           if results["code"]["uncommitted_files"] else "") + "; "
        f"load average at start {m['load_average_at_start']}, at the end "
        f"{results['load_average_at_end']}." + (f" {results['note']}" if results["note"] else ""),
        "",
        f"Corpus: {spec['feeds']} feeds ({spec['feeds'] // 2 + spec['feeds'] % 2} RSS 2.0, "
        f"{spec['feeds'] // 2} Atom) x {spec['entries']} entries, each article listed by "
        f"{spec['fanout']} feeds: {results['expected']['distinct_base']} distinct articles "
        f"({results['expected']['duplicates_base']} syndicated near-copies), pages "
        f"{results['expected']['page_bytes_mean'] / 1000:.0f} KB on average, on "
        f"{spec['outlets']} hosts; {results['expected']['failing_feeds']} feeds and "
        f"{results['expected']['failing_articles_base']} articles fail (404/500), "
        f"{results['expected']['slow_articles_base']} articles are slow (+{opts.slow:g} s). "
        f"Server latency {opts.latency * 1000:.0f} ms per request; belmon max_concurrency "
        f"{opts.concurrency}, per_host 2. Medians of {opts.runs} run(s), each scenario in a "
        "fresh process; \"wall\" is the cycle (`monitor_feeds`) without Prefect's start-up, "
        "shown in its own column.",
        "",
        *table(results["summary"]),
        "",
        "| target | result | measured | goal |",
        "|---|---|---|---|",
        *[f"| {t['target']} | {t['result']} | {t['measured']} | {t['goal']} |"
          for t in results["targets"]],
    ]
    floor, naive = results.get("floor"), results.get("naive")
    lines.append("")
    if floor:
        lines.append(f"Extraction floor: {floor['pages']} pages in {floor['wall_seconds']:.1f} s "
                     f"on {floor['workers']} processes ({floor['ms_per_page_per_core']:.1f} ms "
                     "per page per core).")
    if naive:
        lines.append(
            f"Naive script: {naive['wall_seconds']:.1f} s for {naive['fetched']} articles from "
            f"{naive['feeds']} feeds; whole corpus {naive['full_seconds']:.0f} s"
            + (f" (extrapolated linearly from {naive['subset_share']:.0%} of its "
               f"{naive['links_full']} links)." if naive["extrapolated"] else "."))
    if results.get("profile"):
        lines += ["", profile_text(results["profile"])]
    srv = results["server_capacity"]
    cold_cpu = (f"; server CPU during the cold cycle "
                f"{results['summary']['cold']['server_cpu_seconds']:.1f} s."
                if "cold" in results["summary"] else ".")
    lines += ["", f"Server capacity (no latency): {srv['requests_per_second']} requests/s, "
                  f"{srv['server_cpu_ms_per_request']} ms CPU per request{cold_cpu}"]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    block = f"{START}\n{text}\n{END}"
    if DOC.exists():
        current = DOC.read_text("utf-8")
        if START in current and END in current:
            head, rest = current.split(START, 1)
            DOC.write_text(head + block + rest.split(END, 1)[1], "utf-8")
            return
        DOC.write_text(current.rstrip() + "\n\n## Latest results\n\n" + block + "\n", "utf-8")
        return
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("# Benchmarks\n\nRun `python -m benchmarks.run`.\n\n## Latest results\n\n"
                   + block + "\n", "utf-8")


# ------------------------------------------------------------------ main


def parse(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 feeds x 10 entries, 1 run")
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help="comma-separated subset of cold,unchanged,incremental (in that order)")
    p.add_argument("--runs", type=int, help="runs per scenario (default 3; 1 with --quick)")
    p.add_argument("--feeds", type=int)
    p.add_argument("--entries", type=int)
    p.add_argument("--fanout", type=int, default=5, help="feeds listing each article")
    p.add_argument("--outlets", type=int, default=40, help="hosts (127.0.0.2 ...)")
    p.add_argument("--seed", type=int, default=CorpusSpec.seed)
    p.add_argument("--latency", type=float, default=0.05, help="server latency, seconds")
    p.add_argument("--concurrency", type=int, default=16, help="BELMON_MAX_CONCURRENCY")
    p.add_argument("--workers", type=int, default=2, help="processes for the extraction floor")
    p.add_argument("--naive-share", type=float, default=0.1,
                   help="share of articles the naive script fetches before extrapolating (1 = all)")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--skip-floor", action="store_true")
    p.add_argument("--profile", action="store_true", help="also profile one cold cycle")
    p.add_argument("--profile-only", action="store_true", help="only profile one cold cycle")
    p.add_argument("--quote-args", action="store_true",
                   help="experiment: hand task arguments to Prefect in quote() (see docs)")
    p.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    p.add_argument("--keep-db", action="store_true",
                   help="keep the scenario runs' warehouses under benchmarks/out/runs/")
    p.add_argument("--note", default="", help="a sentence for the report (e.g. contention)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="experiment: a setting for the cycles, e.g. BELMON_ARTICLE_BATCH_SIZE=125"
                        " (repeatable; recorded in the results)")
    p.add_argument("--rerender", metavar="RESULTS_JSON",
                   help="only rewrite docs/benchmarks.md from a results file (first argument)")
    a = p.parse_args(argv)
    return Options(
        quick=a.quick, runs=a.runs or (1 if a.quick else 3),
        feeds=a.feeds or (20 if a.quick else 200), entries=a.entries or (10 if a.quick else 50),
        fanout=a.fanout, outlets=a.outlets, seed=a.seed, latency=a.latency,
        concurrency=a.concurrency, workers=a.workers, naive_share=a.naive_share,
        skip_naive=a.skip_naive, skip_floor=a.skip_floor, profile=a.profile,
        profile_only=a.profile_only, quote_args=a.quote_args,
        scenarios=tuple(x for x in SCENARIOS if x in a.scenarios.split(",")), keep_db=a.keep_db,
        docs=not a.no_docs and not a.quick and not a.quote_args and not a.set, note=a.note,
        settings=tuple(_setting(x) for x in a.set),
    )


def _setting(text: str) -> str:
    name, sep, _ = text.partition("=")
    if not sep or not name.strip():
        raise SystemExit(f"--set wants NAME=VALUE, not {text!r}")
    return text


def rerender(path: Path) -> int:
    """Write docs/benchmarks.md again from a results file (e.g. after a report change)."""
    results = json.loads(path.read_text("utf-8"))
    fields = {k: v for k, v in results["options"].items() if k in Options.__dataclass_fields__}
    opts = Options(**fields)
    text = report(opts, results)
    write_doc(text + f"\n\nThe whole benchmark took {results['total_seconds'] / 60:.1f} min.")
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["--rerender"]:
        return rerender(Path(args[1]))
    opts = parse(argv)
    started = time.perf_counter()
    now = datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    info = machine()
    spec = CorpusSpec(opts.seed, opts.feeds, opts.entries, opts.fanout, opts.outlets)
    t = time.perf_counter()
    folder = build(spec, log=log)
    manifest = load_manifest(folder)
    log(f"corpus {folder.name} ready in {time.perf_counter() - t:.1f} s: "
        f"{manifest['expected']}")
    code = snapshot_code(stamp)
    opts.code = code["path"]
    log(f"code snapshot of {code['commit']} with {len(code['uncommitted_files'])} uncommitted "
        f"file(s) in {code['path']}")
    capacity = selftest(folder, requests=2000 if opts.quick else 4000)
    log(f"server capacity: {capacity['requests_per_second']} requests/s at 0 ms latency")
    results: dict[str, Any] = {
        "date": now.isoformat(timespec="seconds"), "options": asdict(opts), "machine": info,
        "corpus": asdict(spec), "corpus_dir": str(folder), "expected": manifest["expected"],
        "server_capacity": capacity, "code": code,
        "note": opts.note,
    }
    if opts.profile_only:
        with BenchServer(folder, latency=opts.latency, slow=opts.slow) as server:
            results["profile"] = profile_cold(opts, manifest, server, stamp)
        print(profile_text(results["profile"]))
        return 0
    with BenchServer(folder, latency=opts.latency, slow=opts.slow) as server:
        raw = run_scenarios(opts, manifest, server, stamp)
        results["raw"] = raw
        results["summary"] = {s: summarise(raw[s]) for s in opts.scenarios}
        results["naive"] = None if opts.skip_naive else run_naive(opts, manifest, server, stamp)
        if opts.profile:
            results["profile"] = profile_cold(opts, manifest, server, stamp)
    results["floor"] = None if opts.skip_floor else run_floor(opts, folder, manifest)
    results["targets"] = targets(opts, results["summary"], results["floor"], results["naive"])
    results["total_seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = report(opts, results)
    print()
    print(text)
    print(f"\nbenchmark took {results['total_seconds']:.0f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "".join(tag for flag, tag in ((opts.quick, "-quick"), (opts.quote_args, "-quote-args"))
                     if flag)
    name = f"results-{now:%Y-%m-%d}{suffix}.json"
    (OUT / name).write_text(json.dumps(results, indent=1, default=str), "utf-8")
    print(f"results: {OUT / name}")
    if not opts.keep_db:  # ~100 MB per scenario run; the JSON keeps every number
        for path in (OUT / "runs" / stamp).rglob("*.duckdb*"):
            path.unlink()
    if opts.docs:
        write_doc(text + f"\n\nThe whole benchmark took {results['total_seconds'] / 60:.1f} min.")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
