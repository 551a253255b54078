"""The script a user would write first: the baseline belmon has to beat.

For each feed ``feedparser.parse(url)``; for each entry not yet stored (looked up by its link,
as given), ``trafilatura.fetch_url`` then ``trafilatura.extract``, one INSERT per article into
DuckDB. Sequential, no conditional GET, no analysis. (The one line a user would not write:
trafilatura's SSRF protection is turned off, since the benchmark server is on loopback.)
``--max-articles`` stops after that many fetched articles, so that a subset can be timed and
extrapolated (see ``extrapolate``).

    python -m benchmarks.naive --feeds feeds.json --db naive.duckdb --out result.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def run(feed_urls: list[str], db_path: str, max_articles: int | None = None) -> dict:
    import duckdb
    import feedparser
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "SSRF_PROTECTION", "off")
    conn = duckdb.connect(db_path)
    conn.execute("CREATE TABLE IF NOT EXISTS articles (url VARCHAR PRIMARY KEY, feed VARCHAR,"
                 " title VARCHAR, published VARCHAR, text VARCHAR, fetched_at TIMESTAMP)")
    seconds = {"feeds": 0.0, "articles": 0.0, "skips": 0.0, "inserts": 0.0}
    feeds_done = fetched = skipped = empty = 0
    started = time.perf_counter()
    for url in feed_urls:
        t = time.perf_counter()
        parsed = feedparser.parse(url)
        seconds["feeds"] += time.perf_counter() - t
        feeds_done += 1
        for entry in parsed.entries:
            link = entry.get("link")
            t = time.perf_counter()
            if conn.execute("SELECT 1 FROM articles WHERE url = ?", [link]).fetchone():
                skipped += 1
                seconds["skips"] += time.perf_counter() - t
                continue
            seconds["skips"] += time.perf_counter() - t
            if max_articles is not None and fetched >= max_articles:
                break
            t = time.perf_counter()
            downloaded = trafilatura.fetch_url(link, config=config)
            text = trafilatura.extract(downloaded) if downloaded else None
            seconds["articles"] += time.perf_counter() - t
            fetched += 1
            empty += text is None
            t = time.perf_counter()
            conn.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, now())",
                         [link, url, entry.get("title"), entry.get("published"), text])
            seconds["inserts"] += time.perf_counter() - t
        if max_articles is not None and fetched >= max_articles:
            break
    wall = time.perf_counter() - started
    conn.close()
    return {"wall_seconds": wall, "seconds": seconds, "feeds": feeds_done, "fetched": fetched,
            "skipped": skipped, "without_text": empty}


def extrapolate(result: dict, feeds: int, links: int, entries: int) -> float:
    """Full-corpus time from a subset: per-feed, per-fetched-article and per-skipped-entry
    costs measured on the subset, times the full corpus's numbers of each."""
    s = result["seconds"]
    per_feed = s["feeds"] / max(result["feeds"], 1)
    per_article = (s["articles"] + s["inserts"]) / max(result["fetched"], 1)
    per_skip = s["skips"] / max(result["fetched"] + result["skipped"], 1)
    return per_feed * feeds + per_article * links + per_skip * entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=Path, required=True, help="JSON list of feed URLs")
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-articles", type=int)
    args = parser.parse_args()
    urls = json.loads(args.feeds.read_text("utf-8"))
    args.out.write_text(json.dumps(run(urls, args.db, args.max_articles), indent=1), "utf-8")


if __name__ == "__main__":
    main()
