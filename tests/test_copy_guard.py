"""The reference documents are copyrighted: no 12-word run of them may be in a tracked file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from belmon.settings import PROJECT_ROOT

RUN = 12


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    return [PROJECT_ROOT / name for name in listed]


def test_no_sentence_of_a_reference_document_is_in_the_project(seed_dir: Path) -> None:
    reference = set()
    for path in seed_dir.iterdir():
        if path.suffix in (".txt", ".md", ".html") and path.name != "README.md":
            reference |= _runs(_words(path.read_text(encoding="utf-8", errors="ignore")))
    assert reference, "no reference texts found"
    copied = {}
    for path in _tracked_files():
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        hits = _runs(_words(path.read_text(encoding="utf-8", errors="ignore"))) & reference
        if hits:
            copied[str(path.relative_to(PROJECT_ROOT))] = sorted(hits)[:2]
    assert copied == {}, f"reference text copied into the project: {copied}"
