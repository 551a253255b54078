"""Near-duplicate detection for syndicated copies: the same story under another headline.

Each text gets a bottom-k sketch of its word 5-gram shingles (the k smallest 64-bit hashes).
Two sketches estimate the Jaccard similarity of the shingle sets; an extra paragraph or a new
headline leaves it high, a different story leaves it near zero.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from extractors.text import words

SHINGLE = 5
SKETCH_SIZE = 128
DUPLICATE_JACCARD = 0.6


def _hash(shingle: str) -> int:
    digest = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # 63 bits: fits signed 64-bit columns


def sketch(text: str, size: int = SKETCH_SIZE) -> list[int]:
    """Bottom-k sketch of the text's word shingles (empty for texts too short to compare)."""
    tokens = words(text)
    if len(tokens) < SHINGLE * 4:
        return []
    hashes = {_hash(" ".join(tokens[i : i + SHINGLE])) for i in range(len(tokens) - SHINGLE + 1)}
    return sorted(hashes)[:size]


def similarity(a: Sequence[int], b: Sequence[int], size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of two bottom-k sketches."""
    if not a or not b:
        return 0.0
    union_bottom = sorted(set(a) | set(b))[:size]
    shared = set(a) & set(b)
    return sum(1 for h in union_bottom if h in shared) / len(union_bottom)


def find_original(
    candidate: Sequence[int], known: Iterable[tuple[str, Sequence[int]]],
    threshold: float = DUPLICATE_JACCARD,
) -> tuple[str, float] | None:
    """The most similar known document when it is similar enough to be the same story."""
    best: tuple[str, float] | None = None
    for doc_id, other in known:
        score = similarity(candidate, other)
        if score >= threshold and (best is None or score > best[1]):
            best = (doc_id, score)
    return best


class SketchIndex:
    """Finds near-duplicates among many sketches without comparing against every one:
    documents are only compared when they share one of their smallest shingle hashes."""

    PROBE = 32
    MAX_CANDIDATES = 20

    def __init__(self, threshold: float = DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self._sketches: dict[str, list[int]] = {}
        self._postings: dict[int, list[str]] = {}

    def add(self, doc_id: str, signature: list[int]) -> None:
        if not signature:
            return
        self._sketches[doc_id] = signature
        for value in signature[: self.PROBE]:
            self._postings.setdefault(value, []).append(doc_id)

    def best_match(self, signature: list[int]) -> tuple[str, float] | None:
        """The most similar indexed document above the threshold, if any.

        Only documents sharing several of the probed hashes are compared: a near-copy shares
        most of them, while templated text (boilerplate, common phrases) shares one or two."""
        if not signature:
            return None
        shared = Counter(d for v in signature[: self.PROBE] for d in self._postings.get(v, ()))
        needed = max(2, int(len(signature[: self.PROBE]) * self.threshold / 2))
        candidates = sorted(d for d, n in shared.most_common(self.MAX_CANDIDATES) if n >= needed)
        return find_original(signature, ((d, self._sketches[d]) for d in candidates),
                             self.threshold)
