"""Agreement between the theme labels of eval/themes.jsonl and two blind re-annotations.

Usage: ``python eval/agreement.py``. The files in eval/agreement/ hold the labels two
annotators gave every passage of themes.jsonl, working from the theme descriptions and the
labelling rule of eval/README.md only (they saw neither these labels nor any model output).
Macro F1 of one label set against another shows how far a perfect reader could agree with
the gold labels: a classifier's score is bounded by it in practice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from extractors.evaluation import theme_report  # noqa: E402


def labels(path: Path) -> dict[str, list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["id"]: row["themes"] for row in rows}


def main() -> None:
    records = [json.loads(line) for line in (HERE / "themes.jsonl").read_text().splitlines()]
    gold = {r["id"]: r["themes"] for r in records}
    split = {r["id"]: r["split"] for r in records}
    themes = sorted({t for r in records for t in r["themes"]})
    a = labels(HERE / "agreement" / "annotator_a.jsonl")
    b = labels(HERE / "agreement" / "annotator_b.jsonl")
    pairs = {"annotator A vs gold": (gold, a), "annotator B vs gold": (gold, b),
             "annotator A vs B": (a, b)}
    print(f"{'':22} {'tune':>12} {'test':>12} {'all':>12}   (macro F1 / micro F1)")
    for name, (reference, other) in pairs.items():
        cells = []
        for part in ("tune", "test", "all"):
            ids = [i for i in gold if part in ("all", split[i])]
            report = theme_report([reference[i] for i in ids], [other[i] for i in ids], themes)
            cells.append(f"{report.macro_f1:.3f}/{report.micro_f1:.3f}")
        print(f"{name:22} " + " ".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    main()
