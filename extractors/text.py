"""Shared text helpers: entity aliases, word tokens and sentence splitting."""

from __future__ import annotations

import re
from collections.abc import Mapping

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = (
    "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "col", "lt",
    "sen", "rep", "gov", "jr", "sr", "inc", "ltd", "co", "approx", "ca", "art", "para", "fig",
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9À-ÖØ-Þ])")


def words(text: str) -> list[str]:
    """Lower-case word tokens (hyphenated words stay whole)."""
    return [w.lower() for w in WORD.findall(text)]


def _ends_with_abbreviation(fragment: str) -> bool:
    tail = fragment.rstrip().rsplit(None, 1)[-1].lower().rstrip(".") if fragment.strip() else ""
    tail = tail.lstrip("(\"“")
    return tail in ABBREVIATIONS or (len(tail) == 1 and tail.isalpha())


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentences, keeping abbreviations such as 'U.S.' and 'Aug.' intact."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        if _ends_with_abbreviation(candidate):
            continue
        pieces.append(candidate.strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def compile_aliases(aliases: Mapping[str, list[str]]) -> list[tuple[re.Pattern[str], str]]:
    """Patterns that rewrite transliteration variants to one canonical spelling."""
    compiled = []
    for canonical, variants in aliases.items():
        for variant in sorted(variants, key=len, reverse=True):
            if variant.endswith(("'s", "’s")):
                continue  # possessives are handled by the stem
            pattern = re.compile(rf"\b{re.escape(variant)}\b", re.IGNORECASE)
            compiled.append((pattern, canonical))
    return compiled


def canonicalise(text: str, aliases: list[tuple[re.Pattern[str], str]]) -> str:
    """Replace name variants (Lukashenko -> lukashenka) so they do not split themes or claims."""
    for pattern, canonical in aliases:
        text = pattern.sub(canonical, text)
    return text
