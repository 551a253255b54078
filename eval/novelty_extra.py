"""Novelty accuracy on eval/novelty_extra.jsonl, a second set never used for tuning.

Usage: ``python eval/novelty_extra.py --db WAREHOUSE`` (a warehouse seeded from the five
reference documents, e.g. ``belmon seed --seed-dir ../shared/seeds`` first).

The 868 cases were written by four writers (helper agents) against the seeded claims
themselves, each identified by `claim_id`: for every known claim, two paraphrases (not
novel) and one changed version (number, date, actor or a reversed position: novel), plus 100
unrelated claims. They were measured once, after the rules were settled, and are kept out of
`belmon eval` so that nobody tunes against them by accident.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from belmon.analysis_context import claim_index, read_knowledge  # noqa: E402
from belmon.pipeline import catalog_for  # noqa: E402
from belmon.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    settings = load_settings(db=args.db)
    index = claim_index(read_knowledge(args.db, settings.lock_timeout), catalog_for(settings))
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for line in (HERE / "novelty_extra.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        seen[case["kind"]] += 1
        right[case["kind"]] += index.judge(case["text"]).novel == case["novel"]
    for kind in sorted(seen):
        print(f"{kind:16} {right[kind] / seen[kind]:.3f} ({seen[kind]})")
    print(f"{'all':16} {sum(right.values()) / sum(seen.values()):.3f} ({sum(seen.values())})")


if __name__ == "__main__":
    main()
