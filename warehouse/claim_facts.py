"""Parsed claim facts kept beside the warehouse file (`<db>.claim-facts`).

A monitoring cycle judges new claims against every stored one, and parsing every stored
claim again made each cycle's cost grow with the warehouse (about 4 s at 32,000 claims, on
every cycle that has anything new). The facts of a claim are a pure function of its
sentence, its date, the alias table and the parser's version; the last two key the file, so
a stale file is ignored. The file is only a cache: when it is missing, stale or unreadable,
the cycle parses the claims again and rewrites it. It is written atomically (a temporary
file renamed over it) and, like the warehouse beside it, trusted: it is a pickle.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SUFFIX = ".claim-facts"


def cache_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


def fingerprint(version: str, aliases: Mapping[str, list[str]]) -> str:
    """What the cached facts depend on besides the sentence and its date."""
    text = json.dumps([version, aliases], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load(db: Path, key: str) -> dict[Any, Any]:
    """Cached facts for this fingerprint; empty when there are none usable."""
    try:
        with cache_path(db).open("rb") as handle:
            stored_key, facts = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
            ImportError):
        return {}
    return facts if stored_key == key and isinstance(facts, dict) else {}


def save(db: Path, key: str, facts: Mapping[Any, Any]) -> None:
    path = cache_path(db)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        pickle.dump((key, dict(facts)), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
