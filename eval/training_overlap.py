"""Keep training passages apart from the evaluation set and from the reference texts.

Usage: ``python eval/training_overlap.py seeds/theme_examples.jsonl [--seed-dir DIR] [--drop]``

A training passage (seeds/theme_examples.jsonl) is reported when it shares a run of 8 words
with any evaluation record, or its TF-IDF cosine to one exceeds 0.4: training on a near
copy of a test passage would make the test score a measure of memory, not of unseen text.
With ``--seed-dir`` it is also reported when it shares a run of 12 words with a reference
document (the copy rule of eval/README.md). ``--drop`` rewrites the file without them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL_FILES = ("themes.jsonl", "figures.jsonl", "novelty.jsonl")
SHARED_WORDS = 8
COPIED_WORDS = 12
MAX_COSINE = 0.4


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(text: str, length: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i:i + length]) for i in range(len(tokens) - length + 1)}


class Cosine:
    """Binary TF-IDF vectors of the evaluation texts, and the best cosine of a new text."""

    def __init__(self, texts: list[str]) -> None:
        self.documents = [set(words(t)) for t in texts]
        self.df = Counter(w for d in self.documents for w in d)
        self.vectors = [self._vector(d) for d in self.documents]

    def _vector(self, terms: set[str]) -> dict[str, float]:
        n = len(self.documents)
        raw = {t: math.log(n / self.df.get(t, 1)) + 1.0 for t in terms}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def best(self, text: str) -> float:
        query = self._vector(set(words(text)))
        return max((sum(w * v.get(t, 0.0) for t, w in query.items()) for v in self.vectors),
                   default=0.0)


def problems(records: list[dict], seed_dir: Path | None) -> dict[int, str]:
    """Line index -> why the passage is too close to an evaluation record or a seed text."""
    evaluation = [json.loads(line)["text"] for name in EVAL_FILES
                  for line in (HERE / name).read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    shared = set().union(*(runs(t, SHARED_WORDS) for t in evaluation))
    copied: set[tuple[str, ...]] = set()
    for path in sorted(seed_dir.glob("*.txt")) if seed_dir else ():
        copied |= runs(path.read_text(encoding="utf-8", errors="replace"), COPIED_WORDS)
    cosine = Cosine(evaluation)
    found = {}
    for index, record in enumerate(records):
        text = record["text"]
        if runs(text, COPIED_WORDS) & copied:
            found[index] = "12 words in a row from a reference document"
        elif runs(text, SHARED_WORDS) & shared:
            found[index] = "8 words in a row from an evaluation record"
        elif (similarity := cosine.best(text)) > MAX_COSINE:
            found[index] = f"cosine {similarity:.2f} to an evaluation record"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training", type=Path)
    parser.add_argument("--seed-dir", type=Path)
    parser.add_argument("--drop", action="store_true", help="rewrite the file without them")
    args = parser.parse_args()
    lines = [line for line in args.training.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    records = [json.loads(line) for line in lines]
    found = problems(records, args.seed_dir)
    for index, why in found.items():
        print(f"{records[index].get('id', index + 1)}: {why}")
    print(f"{len(found)} of {len(records)} passages too close")
    if args.drop and found:
        kept = [line for index, line in enumerate(lines) if index not in found]
        args.training.write_text("\n".join(kept) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
