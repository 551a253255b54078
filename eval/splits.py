"""Assign `split` to evaluation records that have none, by the rule in eval/README.md.

Usage: ``python eval/splits.py`` rewrites the three files in place. Records that already
have a split keep it (they still count towards their buckets), so adding examples never
moves an old one from test to tune or back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TUNE_SHARE = 0.4


def _theme_buckets(record: dict) -> list[str]:
    return list(record["themes"]) or ["(none)"]


def _figure_buckets(record: dict) -> list[str]:
    return ["figures" if record["figures"] else "distractors"]


def _novelty_buckets(record: dict) -> list[str]:
    return [record["kind"]]


def assign(records: list[dict], buckets_of: Callable[[dict], list[str]]) -> int:
    """Walk records in id order; a record without a split goes to tune when its buckets are,
    on average, more than half an item short of 40% tune. Returns how many were assigned."""
    seen: Counter[str] = Counter()
    tune: Counter[str] = Counter()
    assigned = 0
    for record in sorted(records, key=lambda r: (len(r["id"]), r["id"])):
        buckets = buckets_of(record)
        for bucket in buckets:
            seen[bucket] += 1
        if "split" not in record:
            shortfall = sum(TUNE_SHARE * seen[b] - tune[b] for b in buckets) / len(buckets)
            record["split"] = "tune" if shortfall > 0.5 else "test"
            assigned += 1
        if record["split"] == "tune":
            for bucket in buckets:
                tune[bucket] += 1
    return assigned


def rewrite(name: str, buckets_of: Callable[[dict], list[str]]) -> None:
    path = HERE / name
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    count = assign(records, buckets_of)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    print(f"{name}: {count} record(s) given a split")


if __name__ == "__main__":
    rewrite("themes.jsonl", _theme_buckets)
    rewrite("figures.jsonl", _figure_buckets)
    rewrite("novelty.jsonl", _novelty_buckets)
