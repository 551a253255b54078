"""Shared text helpers: entity aliases, word tokens and sentence splitting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class AliasFolder:
    """One pattern that finds every transliteration variant, and their canonical spellings:
    one regex pass per text instead of one per variant."""

    pattern: re.Pattern[str] | None
    canonical: dict[str, str]

    def fold(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.canonical.get(m.group(0).lower(), m.group(0)), text)


def compile_aliases(aliases: Mapping[str, list[str]]) -> AliasFolder:
    """The folder for a table of canonical name -> variants (seeds/themes.toml [aliases])."""
    lookup: dict[str, str] = {}
    for canonical, variants in aliases.items():
        for variant in variants:
            if not variant.endswith(("'s", "’s")):  # possessives are handled by the stem
                lookup[variant.lower()] = canonical
    if not lookup:
        return AliasFolder(None, {})
    alternatives = "|".join(re.escape(v) for v in sorted(lookup, key=len, reverse=True))
    return AliasFolder(re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE), lookup)


def canonicalise(text: str, aliases: AliasFolder) -> str:
    """Replace name variants (Lukashenko -> lukashenka) so they do not split themes or claims."""
    return aliases.fold(text)
