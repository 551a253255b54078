"""How the learned theme models are fitted: one-vs-rest logistic regression settings.

Shared by the term model (sparse stems, theme_terms.py) and the vector model (dense
embeddings, theme_vectors.py), which differ only in their rows and their defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LogisticFit:
    """L2 penalty, weight of positive labels (most passages lack a given theme), number and
    size of the full-batch gradient steps."""

    l2: float
    positive_weight: float
    steps: int
    step_size: float


FORMAT = 1  # of the stored models; bump when their JSON changes


def parse_stored(text: str, what: str) -> dict[str, Any]:
    """A stored model's JSON, checked for its format (a clear error on anything else)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ValueError(f"unknown {what} format {found!r}")
    return data
