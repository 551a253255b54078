"""Passages per second of the lexical theme classifier on one core (target: >= 500/s).

Run: .venv/bin/python benchmarks/lexical_throughput.py [--passages N]
The passages are the evaluation texts, repeated; the classifier carries the shipped lexicon,
thresholds and a realistic set of prototypes (the evaluation's tune texts stand in for the
seeded recommendations, so no warehouse is needed).
"""

from __future__ import annotations

import argparse
import json
import time

from belmon.pipeline import build_classifier, catalog_for
from belmon.settings import PROJECT_ROOT, load_settings


def main() -> None:
    """Classify N passages in batches of 100 and print the rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=5000)
    args = parser.parse_args()
    records = [
        json.loads(line)
        for line in (PROJECT_ROOT / "eval" / "themes.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    prototypes: dict[str, list[str]] = {}
    for record in records:
        for theme in record["themes"]:
            prototypes.setdefault(theme, []).append(record["text"])
    settings = load_settings(classifier="lexical")
    classifier = build_classifier(settings, catalog_for(settings), prototypes)
    texts = [records[i % len(records)]["text"] for i in range(args.passages)]
    start = time.perf_counter()
    for offset in range(0, len(texts), 100):
        classifier.classify(texts[offset : offset + 100])
    elapsed = time.perf_counter() - start
    print(f"lexical theme classifier: {len(texts) / elapsed:.0f} passages/s "
          f"({len(texts)} passages, {elapsed:.2f} s, one core)")


if __name__ == "__main__":
    main()
