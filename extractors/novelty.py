"""Claim novelty: is a sentence something the warehouse already knows, or news?

A paraphrase of a known claim is not new; the same sentence with another number, date,
actor or the opposite position is. So similarity alone does not decide: the nearest known
claims are found by TF-IDF cosine over content-word stems (names folded, a few synonyms
merged), and a candidate counts as known only when one of them is similar enough *and*
agrees on every hard fact: numbers (words and fractions included), years and months,
actors (states, institutions, named people) and polarity (negations, reversing verbs).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from extractors.dates import MONTHS
from extractors.recommendations import PRESCRIPTIVE
from extractors.text import canonicalise, compile_aliases
from extractors.themes import STOPWORDS, stem

SIMILARITY_THRESHOLD = 0.12  # tuned on the tune split of eval/novelty.jsonl
CANDIDATES = 8  # nearest known claims checked for agreement
RELATIVE = 0.5  # ... as long as they are this close to the best one
NUMBER_TOLERANCE = 0.05  # 80 and 80.1 per cent agree, 1,372 and 2,372 do not

SYNONYMS = {
    "jail": "prison", "imprison": "prison", "behind": "prison", "prisoner": "prison",
    "detain": "detain", "arrest": "detain", "custody": "detain", "detention": "detain",
    "vote": "election", "ballot": "election", "poll": "election", "electoral": "election",
    "ambassador": "envoy", "diplomat": "envoy", "sanction": "sanction", "penalty": "sanction",
    "blacklist": "sanction", "listing": "sanction", "protester": "protest",
    "demonstrator": "protest", "demonstration": "protest", "march": "protest",
    "rally": "protest", "kremlin": "russia", "moscow": "russia", "russian": "russia",
    "putin": "russia", "brussel": "eu", "europe": "eu", "european": "eu",
    "washington": "us", "american": "us", "reporter": "journalist",
    "correspondent": "journalist", "media": "journalist", "credential": "accreditation",
    "liquidat": "close", "shut": "close", "ngo": "organisation", "organization": "organisation",
    "prosecute": "prosecut", "prosecution": "prosecut", "convict": "convict",
    "sentence": "convict", "kill": "kill", "dead": "kill", "death": "kill",
    "missing": "missing", "unaccounted": "missing", "internet": "internet",
    "rating": "support", "approval": "support", "popular": "support",
    "accept": "recognis", "recognise": "recognis", "recognize": "recognis",
    "recognition": "recognis", "acknowledge": "recognis", "outcome": "result",
    "tally": "result", "count": "result", "firm": "company", "enterprise": "company",
    "state-own": "state", "state-owned": "state", "nomenklatura": "nomenclatura",
    "huge": "large", "big": "large", "massive": "large", "mass": "large",
    "release": "free", "freed": "free", "pardon": "free", "fled": "flee", "leave": "flee",
    "exile": "flee", "met": "meet", "meeting": "meet", "talk": "meet", "call": "meet",
    "conversation": "meet", "fund": "fund", "funding": "fund", "financial": "fund",
    "money": "fund", "assistance": "help", "aid": "help", "support": "help",
    "back": "help", "backing": "help", "courts": "court", "judge": "court",
    "president": "leader", "head": "leader", "figure": "number", "total": "number",
}

ACTOR_PATTERNS: tuple[tuple[str, str], ...] = (
    ("eu", r"\b(?:eu|european union|brussels|european commission|european council)\b"),
    ("european parliament", r"\beuropean parliament\b"),
    ("us", r"\b(?:u\.?s\.?a?|united states|washington|american|americans|white house)\b"),
    ("russia", r"\b(?:russia|russian|russians|moscow|kremlin|putin)(?:'s|’s)?\b"),
    ("uk", r"\b(?:uk|britain|british|united kingdom|london)\b"),
    ("germany", r"\b(?:germany|german|berlin|bundestag)\b"),
    ("france", r"\b(?:france|french|paris)\b"),
    ("poland", r"\b(?:poland|polish|warsaw)\b"),
    ("lithuania", r"\b(?:lithuania|lithuanian|vilnius)\b"),
    ("latvia", r"\b(?:latvia|latvian|riga)\b"),
    ("ukraine", r"\b(?:ukraine|ukrainian|kyiv|kiev)\b"),
    ("china", r"\b(?:china|chinese|beijing|xi jinping|xi)\b"),
    ("kazakhstan", r"\b(?:kazakhstan|kazakh|astana)\b"),
    ("cyprus", r"\b(?:cyprus|cypriot)\b"),
    ("malta", r"\b(?:malta|maltese)\b"),
    ("hungary", r"\b(?:hungary|hungarian|budapest)\b"),
    ("un", r"\b(?:un|united nations|security council|general assembly)\b"),
    ("osce", r"\bosce\b"),
    ("nato", r"\bnato\b"),
    ("tsikhanouskaya", r"\btsikhanouskaya\b"),
    ("tsikhanouski", r"\btsikhanouski\b"),
    ("kalesnikava", r"\bkalesnikava\b"),
    ("babaryka", r"\bbabaryka\b"),
    ("tsapkala", r"\btsapkala\b"),
    ("latushka", r"\blatushka\b"),
    ("yahorau", r"\byahorau\b"),
    ("bialiatski", r"\bbialiatski\b"),
    ("pratasevich", r"\bpratasevich\b"),
    ("yarmoshyna", r"\byarmoshyna\b"),
    ("tsimanouskaya", r"\btsimanouskaya\b"),
)
_ACTORS = tuple((name, re.compile(pattern)) for name, pattern in ACTOR_PATTERNS)

# Words that negate or reverse what a sentence says. Each occurrence flips polarity.
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|cannot|without|lack|lacks|lacked|refused?|rejected?|"
    r"failed|stayed out|turned down|no longer|nobody|none)\b|n[’']t\b"
)
# Wording that contains a negation word but does not negate the claim.
_NOT_NEGATION = re.compile(
    r"\b(?:no (?:fewer|less|more) than|not (?:only|just|merely)(?! not)|not just not|"
    r"not least|nor)\b"
)
_REVERSING = re.compile(
    r"\b(?:withdr[ae]wn?|withdrew|stripped|revoked?|lost|lifted|lift|drop|dropped|removed?|"
    r"stopped|halted|liberalis\w*|liberaliz\w*)\b"
)
_UP = re.compile(r"\b(?:increas\w*|ris(?:e|es|ing)|rose|grow\w*|grew|intensif\w*|"
                 r"worsen\w*|tighten\w*)\b")
_DOWN = re.compile(r"\b(?:decreas\w*|fall(?:s|ing)?|fell|declin\w*|eas(?:e|es|ed|ing)|"
                   r"weaken\w*|shrink\w*|improv\w*|soften\w*)\b")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_FRACTIONS = {
    "a half": 50, "half": 50, "a third": 100 / 3, "one third": 100 / 3, "two thirds": 200 / 3,
    "two-thirds": 200 / 3, "a quarter": 25, "one quarter": 25, "three quarters": 75,
    "a fifth": 20, "one fifth": 20, "a tenth": 10, "one tenth": 10,
}
_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_SCALE = "|".join(_SCALES)
NUMBER = re.compile(
    rf"(?P<fraction>\b(?:{'|'.join(sorted(_FRACTIONS, key=len, reverse=True))})\b)"
    rf"|(?P<ratio>\b(?P<num>{_WORD}|\d+) (?:in|out of) (?P<den>ten|10|a hundred|100)\b)"
    rf"|(?P<value>(?<![\w.,])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?"
    rf"|\b(?:{_WORD})(?:[- ](?:{_WORD}))?\b)"
    rf"(?:\s*(?P<scale>{_SCALE})\b)?"
    rf"(?:\s*[-–]?\s*(?P<duration>hours?|days?|weeks?)\b)?"
)
_HOURS = {"hour": 1, "day": 24, "week": 168}
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?")
_MONTH_NAME = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_LAST_MONTH = re.compile(rf"\blast\s+{_MONTH_NAME}")
_DAY_BEFORE_MONTH = re.compile(
    rf"(?i:\b[0-3]?\d(?:st|nd|rd|th)?(?=\s+(?:of\s+)?{_MONTH_NAME}))"
)
_DAY_AFTER_MONTH = re.compile(rf"(?i:(\b{_MONTH_NAME}\s+)([0-3]?\d(?:st|nd|rd|th)?)\b)")


@dataclass(frozen=True)
class NoveltyJudgement:
    """Whether a claim is new, and the known claim it was compared with."""

    novel: bool
    nearest_id: str | None
    nearest_text: str | None
    similarity: float
    reason: str = ""  # why a similar known claim did not count (number, date, actor, polarity)


@dataclass(frozen=True)
class ClaimFacts:
    """What must agree between two claims for one to restate the other."""

    terms: tuple[str, ...]
    numbers: tuple[float, ...]
    years: frozenset[int]
    months: frozenset[int]
    actors: frozenset[str]
    negative: bool
    trend: int  # +1 rising, -1 falling, 0 no direction stated
    prescriptive: bool  # a recommendation ('should', 'must') rather than a statement


def _number_value(match: re.Match[str]) -> float | None:
    """The value of one NUMBER match, or None for what is not a quantity."""
    if match.group("fraction"):
        return _FRACTIONS[match.group("fraction")]
    if match.group("ratio"):
        num = _word_value(match.group("num"))
        den = 10 if match.group("den") in ("ten", "10") else 100
        return None if num is None else num * 100 / den
    if match.group("value") == "one" and not match.group("scale"):
        return None  # 'one of the ways' is a pronoun, not a count
    value = _word_value(match.group("value"))
    if value is None:
        return None
    if match.group("scale"):
        value *= _SCALES[match.group("scale")]
    if match.group("duration"):
        value *= _HOURS[match.group("duration").rstrip("s")]
    return value


def _word_value(text: str) -> float | None:
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[- ]", text):
        value = _NUMBER_WORDS.get(part)
        if value is None:
            return None
        total = (total or 1) * value if value == 100 else total + value
    return float(total)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _masked(text: str) -> str:
    """The text with years and days of the month blanked out, so they are not quantities."""
    text = _YEAR.sub(_blank, text)
    text = _DAY_BEFORE_MONTH.sub(_blank, text)
    return _DAY_AFTER_MONTH.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)


def numbers_in(text: str) -> tuple[float, ...]:
    """Quantities stated in a (lower-cased) text: digits, number words, fractions, durations."""
    values = []
    masked = _masked(text)
    for match in NUMBER.finditer(masked):
        value = _number_value(match)
        if value is not None:
            values.append(value)
    return tuple(_scale_range_starts(masked, values))


def _scale_range_starts(text: str, values: list[float]) -> list[float]:
    """'between one hundred and two hundred thousand': the scale applies to both ends."""
    match = re.search(r"\b(?:between|from)\b[^,;]*?\b(?:and|to)\b([^,;]*)", text)
    scales = [_SCALES[w] for w in re.findall(rf"\b({_SCALE})\b", match.group(1))] if match else []
    if not scales or len(values) < 2:
        return values
    scale = max(scales)
    return [v * scale if v < scale and v * scale <= max(values) else v for v in values]


def months_in(text: str) -> frozenset[int]:
    """Month numbers named in the (original-case) text."""
    return frozenset(MONTHS[m.group(1)] for m in _MONTH.finditer(text))


def implied_years(text: str, published: date | None) -> set[int]:
    """'On 26 August' in a 2024 text means 2024; 'last August' in 2021 means 2020."""
    if published is None or not months_in(text):
        return set()
    if _LAST_MONTH.search(text):
        return {published.year - 1}
    return {published.year}


def actors_in(folded: str) -> frozenset[str]:
    """States, institutions and people named in a folded, lower-cased text."""
    found = {name for name, pattern in _ACTORS if pattern.search(folded)}
    if "european parliament" in found:
        found.discard("eu")
    return frozenset(found)


def is_negative(folded: str) -> bool:
    """Odd number of negations and reversing words: the sentence denies or reverses."""
    cleaned = _NOT_NEGATION.sub(" ", folded)
    flips = len(_NEGATION.findall(cleaned)) + len(_REVERSING.findall(cleaned))
    return flips % 2 == 1


def trend_of(folded: str) -> int:
    """+1 when the sentence says something rises, -1 when it falls, 0 when neither."""
    cleaned = _NOT_NEGATION.sub(" ", folded)
    balance = len(_UP.findall(cleaned)) - len(_DOWN.findall(cleaned))
    return (balance > 0) - (balance < 0)


def content_stems(folded: str) -> list[str]:
    """Stems of content words with a few synonyms merged."""
    stems = []
    for word in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", folded):
        if word in STOPWORDS or len(word) < 3:
            continue
        s = stem(word)
        stems.append(SYNONYMS.get(s, s))
    return stems


class ClaimIndex:
    """Known claims, searchable by meaning and checked fact by fact."""

    def __init__(
        self,
        known: Sequence[tuple[str, str]],
        aliases: Mapping[str, list[str]] | None = None,
        published: Mapping[str, date] | None = None,
        threshold: float = SIMILARITY_THRESHOLD,
        recommendations: Sequence[tuple[str, str]] = (),
    ) -> None:
        self._aliases = compile_aliases(aliases or {})
        self.threshold = threshold
        self._known = list(known) + list(recommendations)
        dates = published or {}
        self._facts = [self.facts(text, dates.get(claim_id)) for claim_id, text in known]
        self._facts += [
            replace(self.facts(text, dates.get(rec_id)), prescriptive=True)
            for rec_id, text in recommendations
        ]
        df: dict[str, int] = defaultdict(int)
        for facts in self._facts:
            for term in set(facts.terms):
                df[term] += 1
        n = len(self._known) + 1
        self._idf = {t: math.log(n / c) + 1.0 for t, c in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, facts in enumerate(self._facts):
            for term, weight in self._vector(facts.terms).items():
                self._postings[term].append((index, weight))

    def __len__(self) -> int:
        return len(self._known)

    def facts(self, text: str, published: date | None = None) -> ClaimFacts:
        """Terms, numbers, dates, actors and polarity of one claim."""
        folded = canonicalise(text, self._aliases).lower()
        years = {int(y) for y in _YEAR.findall(text)} or implied_years(text, published)
        months = months_in(text)
        return ClaimFacts(
            terms=tuple(content_stems(folded)),
            numbers=numbers_in(folded),
            years=frozenset(years),
            months=months,
            actors=actors_in(folded),
            negative=is_negative(folded),
            trend=trend_of(folded),
            prescriptive=bool(PRESCRIPTIVE.search(folded)),
        )

    def _vector(self, terms: Iterable[str]) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for term in terms:
            counts[term] += 1
        default_idf = math.log(len(self._known) + 1) + 1.0  # unseen words are rare words
        raw = {t: (1 + math.log(c)) * self._idf.get(t, default_idf) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def nearest(self, facts: ClaimFacts, k: int = CANDIDATES) -> list[tuple[float, int]]:
        """The k most similar known claims as (cosine, index), best first."""
        sims: dict[int, float] = defaultdict(float)
        for term, weight in self._vector(facts.terms).items():
            for index, known_weight in self._postings.get(term, ()):
                sims[index] += weight * known_weight
        return sorted(((s, i) for i, s in sims.items()), reverse=True)[:k]

    def judge(self, text: str, published: date | None = None) -> NoveltyJudgement:
        """Not novel when a similar known claim agrees on numbers, dates, actors and polarity."""
        facts = self.facts(text, published)
        ranked = self.nearest(facts)
        if not ranked:
            return NoveltyJudgement(True, None, None, 0.0, "nothing similar known")
        reason = "not similar enough"
        for sim, index in ranked:
            if sim < max(self.threshold, RELATIVE * ranked[0][0]):
                break
            conflict = disagreement(facts, self._facts[index])
            if conflict is None:
                return self._judgement(False, sim, index, "")
            reason = reason if reason != "not similar enough" else conflict
        best_sim, best = ranked[0]
        return self._judgement(True, best_sim, best, reason)

    def _judgement(self, novel: bool, sim: float, index: int, reason: str) -> NoveltyJudgement:
        claim_id, text = self._known[index]
        return NoveltyJudgement(novel, claim_id, text, round(min(sim, 1.0), 4), reason)


def _number_matches(value: float, others: Iterable[float]) -> bool:
    return any(
        abs(value - other) <= NUMBER_TOLERANCE * max(abs(value), abs(other)) for other in others
    )


def disagreement(claim: ClaimFacts, known: ClaimFacts) -> str | None:
    """Why the known claim does not restate this one, or None when they agree."""
    missing = [n for n in claim.numbers if not _number_matches(n, known.numbers)]
    if missing:
        return f"different number ({missing[0]:g})"
    if claim.years and known.years and not claim.years <= known.years:
        return f"different year ({min(claim.years - known.years)})"
    if claim.months and known.months and not claim.months & known.months:
        return "different month"
    if claim.actors - known.actors and (known.actors - claim.actors or not known.actors):
        return f"different actor ({', '.join(sorted(claim.actors - known.actors))})"
    if claim.prescriptive != known.prescriptive:
        return "a recommendation against a statement"
    if claim.negative != known.negative or claim.trend != known.trend:
        return "opposite position"
    return None
