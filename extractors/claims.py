"""Claim detection: declarative sentences asserting facts, figures or evaluations worth tracking."""

from __future__ import annotations

import hashlib
import re

from extractors.text import words

MIN_WORDS, MAX_WORDS = 7, 80
FACT_VERBS = re.compile(
    r"\b(is|are|was|were|has|have|had|will|remains?|became|reported|according|estimated?|"
    r"stated|announced|confirmed|found|shows?|showed|counts?|numbers?|reached|exceeds?|rose|"
    r"fell|increased|decreased|doubled|imposed|detained|arrested|sentenced|killed|released|"
    r"recognised|recognized|declared|labelled|labeled|banned|liquidated|\w{3,}ed)\b",
    re.IGNORECASE,
)
CHECKWORTHY = re.compile(
    r"\d|\b(per ?cent|percent|million|thousand|dozens|hundreds|sanction\w*|prisoners?|"
    r"elections?|vote|regime|protest\w*|repress\w*|detain\w*|arrest\w*|troops|army|"
    r"border|migrants?|journalists?|ngos?|exiled?|kremlin|russia\w*|eu|nato|osce|un|"
    r"referendum|constitution\w*|legitima\w*|falsif\w*|rigged|torture\w*|killed|"
    r"sovereignty|independence|economy|gdp|budget)\b",
    re.IGNORECASE,
)
HEDGED_OPINION = re.compile(r"^(i|we) (think|believe|hope|feel|appeal)\b", re.IGNORECASE)
PRESCRIPTIVE = re.compile(r"\b(should|must|ought to|need to|needs to)\b", re.IGNORECASE)


def is_claim(sentence: str) -> bool:
    """A check-worthy declarative sentence: not a question, a prescription or a bare opinion."""
    text = sentence.strip()
    count = len(words(text))
    if count < MIN_WORDS or count > MAX_WORDS or text.endswith(("?", ":")):
        return False
    if HEDGED_OPINION.match(text) or PRESCRIPTIVE.search(text):
        return False
    return bool(FACT_VERBS.search(text)) and bool(CHECKWORTHY.search(text))


def claim_fingerprint(sentence: str) -> str:
    """Hash of the lower-cased word sequence: identical claims from two sources share it."""
    return hashlib.sha256(" ".join(words(sentence)).encode()).hexdigest()[:32]
