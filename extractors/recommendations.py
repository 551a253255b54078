"""Recommendation detection: sentences and list items that prescribe action, and who should act."""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESCRIPTIVE = re.compile(
    r"\b(should|must|ought to|needs? to|has to|have to|call(?:s|ed)? (?:on|for|upon)|urge[sd]?|"
    r"it is (?:essential|crucial|vital|important|imperative|necessary|time) (?:to|that|for)|"
    r"recommend(?:s|ed)?|policy must include|would do well to|is needed|are needed)\b",
    re.IGNORECASE,
)
# List items that start with an imperative or a gerund of action ("Maintain...", "Targeting...").
IMPERATIVE_START = re.compile(
    r"^(?:\d+\.\s*)?(maintain|expand|support|develop|keep|let|create|establish|impose|"
    r"introduce|toughen(?:ing)?|target(?:ing)?|creat(?:e|ing)|establish(?:ing)?|provide|"
    r"help|demand|release|recognise|recognize|refuse|increase|strengthen|engage|unequivocally|"
    r"invest|offer|open|fund|facilitate|freeze|ban|suspend|condemn|summon|investigate|prosecute|"
    r"coordinate|apply|close|closing|extend|adopt|assist|protect|ensure|avoid|continue)\b",
    re.IGNORECASE,
)
NOT_PRESCRIPTIVE = re.compile(r"\b(should have|must have|would have)\b|\?\s*$", re.IGNORECASE)

ACTORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("EU", r"\b(the )?(EU|European Union|Europeans?|Brussels|EU states|member states)\b"),
        ("US", r"\b(the )?(US|U\.S\.|United States|Washington|American)\b"),
        ("the West", r"\b(the West|Western (governments|democracies|leaders|states|countries))\b"),
        ("international community", r"\b(international|global) community\b|\bthe world\b"),
        ("OSCE", r"\bOSCE\b"),
        ("UN", r"\b(UN|United Nations|Security Council|General Assembly)\b"),
        ("NATO", r"\bNATO\b"),
        ("Russia", r"\b(Russia|Moscow|the Kremlin)\b"),
        ("Belarusians", r"\b(Belarusians|the people of Belarus|Belarusian society)\b"),
        ("opposition", r"\b(the )?opposition\b"),
        ("states", r"\bstates\b"),
    )
)


@dataclass(frozen=True)
class Recommendation:
    """A prescribing sentence, with the actor asked to act when the text names one."""

    text: str
    actor: str | None


def is_recommendation(sentence: str, in_list: bool = False) -> bool:
    """Prescriptive modal or call, or an imperative list item."""
    if NOT_PRESCRIPTIVE.search(sentence):
        return False
    if PRESCRIPTIVE.search(sentence):
        return True
    return in_list and bool(IMPERATIVE_START.match(sentence.strip()))


def find_actor(sentence: str) -> str | None:
    """The actor named before the prescribing verb (the subject), else the first one named."""
    modal = PRESCRIPTIVE.search(sentence)
    subject_part = sentence[: modal.start()] if modal else ""
    for part in (subject_part, sentence):
        hits = [(m.start(), name) for name, rx in ACTORS if (m := rx.search(part))]
        if hits:
            return min(hits)[1]
    return None


def find_recommendations(
    sentences: list[str], in_list: bool = False, lead_in: bool = False
) -> list[Recommendation]:
    """Recommendations among a passage's sentences; a list under a prescribing lead-in counts."""
    found = []
    for sentence in sentences:
        if is_recommendation(sentence, in_list) or (in_list and lead_in):
            found.append(Recommendation(sentence, find_actor(sentence)))
    return found
