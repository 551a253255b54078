"""CLI commands for monitoring: `run`, `serve`, `reprocess` and the `feeds` group."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.text import Text

from belmon.errors import BelmonError, ConfigError
from belmon.feedlist import (
    FeedSpec,
    export_opml,
    import_opml,
    load_feed_list,
    name_from_url,
    save_feed_list,
)
from belmon.local_prefect import local_prefect
from belmon.output import console, table
from belmon.settings import load_settings

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (BELMON_DB).")]
FeedsOption = Annotated[Path | None, typer.Option("--feeds", help="Feed list (BELMON_FEEDS).")]
SeedDirOption = Annotated[
    Path | None, typer.Option("--seed-dir", help="Reference texts (BELMON_SEED_DIR).")
]

feeds_app = typer.Typer(help="List, add, remove, import and export feeds.", no_args_is_help=True)


def print_cycle(counts: dict[str, Any]) -> None:
    """The summary table of one monitoring cycle, then one line per problem."""
    out = console()
    rows = [(k, v) for k, v in counts.items()
            if not isinstance(v, list | dict) and k != "run_id"]
    out.print(table(f"monitoring cycle {counts.get('run_id', '')}", ["count", "value"], rows))
    for problem in counts.get("errors", []):
        out.print(Text(f"problem: {problem}", style="yellow"), soft_wrap=True)
    stages = counts.get("stage_seconds", {})
    if stages:
        out.print("seconds per stage: " + ", ".join(f"{k} {v}" for k, v in stages.items()),
                  soft_wrap=True)
    if counts.get("feeds_failed"):
        out.print(Text(f"{counts['feeds_failed']} feed(s) failed; see `belmon status`.",
                       style="yellow"))


def run(
    db: DbOption = None, feeds: FeedsOption = None, seed_dir: SeedDirOption = None,
    seed_first: Annotated[bool, typer.Option("--seed", help="Seed the warehouse first.")] = False,
) -> None:
    """Run one monitoring cycle (with --seed: seed first) and print its summary."""
    from belmon.cli_seed import run_seed

    settings = load_settings(db=db, feeds=feeds, seed_dir=seed_dir)
    load_feed_list(settings.feeds)  # a broken feeds file is reported before anything starts
    from belmon.alerts.outbox import channels_for

    channels_for(settings)
    from flows.monitor import monitor_feeds

    with local_prefect():
        if seed_first:
            run_seed(str(settings.db), str(settings.seed_dir))
        print_cycle(monitor_feeds(db_path=str(settings.db), feeds_path=str(settings.feeds)))


def serve(db: DbOption = None, feeds: FeedsOption = None) -> None:
    """Run the monitoring schedule in this process, every schedule_minutes.

    With a Prefect server (PREFECT_API_URL set) the flow is served as a deployment whose runs
    the server schedules; without one, this process runs the cycles itself, because Prefect's
    temporary server cannot schedule runs."""
    settings = load_settings(db=db, feeds=feeds)
    from flows.monitor import monitor_feeds

    minutes = settings.schedule_minutes
    parameters = {"db_path": str(settings.db), "feeds_path": str(settings.feeds)}
    console().print(f"serving monitor-feeds every {minutes} minutes (Ctrl-C stops)")
    with local_prefect():
        if os.environ.get("PREFECT_API_URL"):
            monitor_feeds.serve(name="monitor-feeds", interval=minutes * 60,
                                parameters=parameters)
            return
        run_forever(lambda: print_cycle(monitor_feeds(**parameters)), minutes * 60)


def run_forever(cycle: Callable[[], None], interval: float) -> None:
    """Run `cycle` every `interval` seconds; a failed cycle is reported and the next one runs."""
    while True:
        started = time.monotonic()
        try:
            cycle()
        except BelmonError as exc:
            console().print(Text(f"cycle failed: {exc}", style="red"), soft_wrap=True)
        wait = max(0.0, interval - (time.monotonic() - started))
        console().print(f"next cycle at {datetime.now() + timedelta(seconds=wait):%H:%M:%S}")
        time.sleep(wait)


def reprocess(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Pages fetched since YYYY-MM-DD.")] = None,
) -> None:
    """Re-run extraction and analysis over stored pages, without fetching."""
    settings = load_settings(db=db)
    try:
        start = datetime.combine(date.fromisoformat(since), datetime.min.time()) if since else None
    except ValueError:
        raise ConfigError(f"--since must be a date like 2025-10-01, not {since!r}") from None
    from flows.reprocess import reprocess_pages

    with local_prefect():
        counts = reprocess_pages(db_path=str(settings.db),
                                 since=start.isoformat() if start else None)
    console().print(f"reprocessed {counts['documents']} stored pages")


@feeds_app.command("list")
def feeds_list(feeds: FeedsOption = None, db: DbOption = None) -> None:
    """The configured feeds, with their health when the warehouse knows them."""
    from warehouse import db as warehouse_db
    from warehouse.monitor import feed_health

    settings = load_settings(feeds=feeds, db=db)
    listed = load_feed_list(settings.feeds)
    health: dict[str, tuple] = {}
    if settings.db.exists():
        with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
            health = {row[0]: row for row in feed_health(conn, settings.unhealthy_after)}
    rows = []
    for feed in listed.feeds:
        state = health.get(feed.name)
        status = "never fetched" if state is None else (
            "UNHEALTHY" if state[4] else state[2] or "")
        rows.append((feed.name, feed.url, ", ".join(feed.tags), status))
    rows += [(f.name, str(f.path), ", ".join(f.tags), "folder") for f in listed.folders]
    console().print(table(f"feeds in {settings.feeds}", ["name", "url", "tags", "status"], rows))


@feeds_app.command("add")
def feeds_add(
    url: str, name: Annotated[str | None, typer.Option(help="Feed name.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Tag (repeatable).")] = None,
    feeds: FeedsOption = None,
) -> None:
    """Add a feed to the feed list."""
    settings = load_settings(feeds=feeds)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ConfigError(f"not an http(s) feed URL: {url}")
    listed = load_feed_list(settings.feeds)
    if any(f.url == url for f in listed.feeds):
        raise ConfigError(f"{url} is already in {settings.feeds}")
    if name and name in listed.names():
        raise ConfigError(f"a feed named {name!r} already exists in {settings.feeds}")
    spec = FeedSpec(name or name_from_url(url, listed.names()), url, tuple(tag or ()))
    listed.feeds.append(spec)
    save_feed_list(settings.feeds, listed)
    load_feed_list(settings.feeds)  # the saved file must read back: fail loudly if not
    console().print(f"added {spec.name}: {url}")


@feeds_app.command("remove")
def feeds_remove(name: str, feeds: FeedsOption = None) -> None:
    """Remove a feed (by name) from the feed list; its stored articles stay."""
    settings = load_settings(feeds=feeds)
    listed = load_feed_list(settings.feeds)
    kept = [f for f in listed.feeds if f.name != name]
    if len(kept) == len(listed.feeds):
        raise ConfigError(f"no feed named {name!r} in {settings.feeds}")
    listed.feeds = kept
    save_feed_list(settings.feeds, listed)
    console().print(f"removed {name}")


@feeds_app.command("import-opml")
def feeds_import(file: Path, feeds: FeedsOption = None) -> None:
    """Add every feed of an OPML file (what feed readers export); known URLs are skipped."""
    settings = load_settings(feeds=feeds)
    if not file.is_file():
        raise ConfigError(f"no such file: {file}")
    listed = load_feed_list(settings.feeds)
    added = import_opml(file.read_text(encoding="utf-8", errors="replace"), listed)
    save_feed_list(settings.feeds, listed)
    console().print(f"imported {len(added)} new feed(s) into {settings.feeds}")


@feeds_app.command("export-opml")
def feeds_export(file: Path, feeds: FeedsOption = None) -> None:
    """Write the feed list as OPML 2.0."""
    settings = load_settings(feeds=feeds)
    file.write_text(export_opml(load_feed_list(settings.feeds)), encoding="utf-8")
    console().print(f"exported {len(load_feed_list(settings.feeds).feeds)} feed(s) to {file}")


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(serve)
    app.command()(reprocess)
    app.command()(demo)
    app.add_typer(feeds_app, name="feeds")


def demo(
    seed_dir: SeedDirOption = None,
    workdir: Annotated[Path, typer.Option(help="Where the demo warehouse goes.")] = Path(
        "data/demo"),
) -> None:
    """Seed, run one cycle over a local demo site, and show the alerts a local webhook got."""
    from belmon.cli_seed import run_seed
    from belmon.demo import demo_site, feeds_toml

    settings = load_settings(seed_dir=seed_dir)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "demo.duckdb"
    db_path.unlink(missing_ok=True)
    with demo_site() as (base, inbox_url, received):
        feeds_path = workdir / "feeds.toml"
        feeds_path.write_text(feeds_toml(base), encoding="utf-8")
        os.environ.update(BELMON_ALLOW_PRIVATE_NETWORKS="true", BELMON_APPRISE_URLS=inbox_url)
        os.environ.pop("BELMON_APPRISE_CONFIG", None)
        from flows.monitor import monitor_feeds

        with local_prefect():
            if settings.seed_dir.is_dir():
                run_seed(str(db_path), str(settings.seed_dir))
            print_cycle(monitor_feeds(db_path=str(db_path), feeds_path=str(feeds_path)))
        out = console()
        out.print(f"\nthe local webhook received {len(received)} alert(s); the first one:\n")
        if received:
            out.print(Text(received[0].get("title", "")), style="bold")
            out.print(Text(received[0].get("message", "")))
