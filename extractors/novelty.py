"""Claim novelty: is a sentence something the warehouse already knows, or news?

A paraphrase of a known claim is not new; the same sentence with another number, date,
actor or the opposite position is. So similarity alone does not decide: the nearest known
claims are found by TF-IDF cosine over content concepts (Porter stems, names folded, and
synonyms such as jailed / behind bars / imprisoned merged into one concept), and a
candidate counts as known only when one of them is similar enough *and* agrees on every
hard fact: numbers (words and fractions included), years and months, actors (states,
institutions, named people) and stance. The stance is the parity of negations plus pairs
of opposites (rising / falling, imposed / lifted, effective / futile, united / divided...):
a claim that takes one side reverses a known claim that takes the other, and a claim that
asserts a direction or a verdict the known claim does not state is news as well.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from extractors.dates import MONTHS
from extractors.recommendations import PRESCRIPTIVE
from extractors.term_index import TermIndex
from extractors.text import canonicalise, compile_aliases
from extractors.themes import STOPWORDS, theme_stem

SIMILARITY_THRESHOLD = 0.12  # tuned on the tune split of eval/novelty.jsonl
CANDIDATES = 8  # nearest known claims checked for agreement
RELATIVE = 0.7  # ... as long as they are this close to the best one
JUDGED_CACHE = 50_000  # judged sentences (facts, verdicts) kept until claims are added
FACTS_VERSION = "2026.11.23.2"  # change whenever ClaimFacts or facts() changes (cached facts)

_NOTHING: frozenset = frozenset()
_CLAIM_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def _shared(items: frozenset) -> frozenset:
    """One empty set for all claims: most claims name no day, month or actor, and an index
    holds tens of thousands of claims."""
    return items or _NOTHING


NUMBER_TOLERANCE = 0.05  # 80 and 80.1 per cent agree, 1,372 and 2,372 do not

# Words and phrases that say the same thing in this domain, merged into one concept before
# the similarity is computed (so "jailed" meets "behind bars" and "outcome" meets "result").
# Written for the project from general knowledge of how news and policy papers phrase things.
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "prison": ("prison", "prisons", "jail", "jailed", "jailing", "imprison", "imprisoned",
               "imprisonment", "incarcerated", "incarceration", "behind bars", "locked up",
               "prisoner", "prisoners", "inmates", "penal colony", "colony"),
    "detain": ("detain", "detained", "detention", "detentions", "detainee", "detainees",
               "arrest", "arrested", "arrests", "custody", "taken into custody", "rounded up",
               "apprehended"),
    "election": ("election", "elections", "vote", "votes", "voting", "ballot", "ballots",
                 "poll", "polls", "electoral", "presidential race"),
    "envoy": ("ambassador", "ambassadors", "envoy", "envoys", "diplomat", "diplomats",
              "chargé d'affaires", "charge d'affaires"),
    "sanction": ("sanction", "sanctions", "sanctioned", "penalty", "penalties",
                 "restrictive measures", "blacklist", "blacklisted", "listing", "listings",
                 "asset freeze", "asset freezes", "travel ban", "travel bans", "punitive measures"),
    "protest": ("protest", "protests", "protester", "protesters", "protestors", "demonstrator",
                "demonstrators", "demonstration", "demonstrations", "march", "marches",
                "marched", "rally", "rallies", "uprising"),
    "russia": ("russia", "russian", "russians", "kremlin", "moscow", "putin"),
    "eu": ("eu", "european union", "brussels", "europe", "european", "europeans"),
    "usa": ("usa", "united states", "washington", "american", "americans", "white house"),
    "west": ("west", "western", "the west", "westerners"),
    "journalist": ("journalist", "journalists", "reporter", "reporters", "correspondent",
                   "correspondents", "media workers", "media", "press"),
    "accreditation": ("accreditation", "accreditations", "credentials", "press cards",
                      "press card", "permits"),
    "recognise": ("recognise", "recognize", "recognised", "recognized", "recognition",
                  "accept", "accepted", "acknowledge", "acknowledged", "regard as", "treat as",
                  "treating him as", "treat him as"),
    "legitimate": ("legitimate", "lawful", "legal", "legitimacy", "rightful"),
    "leader": ("president", "leader", "head of state", "ruler"),
    "result": ("outcome", "outcomes", "result", "results", "tally", "count"),
    "term": ("term", "mandate", "tenure", "term of office"),
    "expire": ("expire", "expires", "expired", "run out", "ran out", "runs out", "lapse",
               "lapsed", "came to an end"),
    "free": ("release", "released", "releases", "freed", "free", "freeing", "pardon",
             "pardoned", "pardons", "liberated", "set free", "walked free"),
    "help": ("help", "helps", "helped", "assist", "assistance", "aid", "assisting"),
    "fund": ("fund", "funds", "funding", "financial", "finance", "financing", "money",
             "grant", "grants"),
    "large": ("large", "big", "huge", "massive", "major", "significant", "substantial",
              "sizeable", "mass"),
    "meet": ("meet", "met", "meeting", "meetings", "talks", "sat down with", "seen",
             "conversation", "visit", "visits"),
    "concession": ("concession", "concessions", "compromise", "compromises", "giving in",
                   "appeasement"),
    "regime": ("regime", "authorities", "lukashenka's government"),
    "opposition": ("opposition", "democratic forces", "democratic movement"),
    "support": ("support", "supported", "backing", "back", "backed", "rating", "ratings",
                "approval", "popularity", "popular"),
    "trust": ("trust", "trusted", "believe", "believed", "credible", "credence"),
    "candidate": ("candidate", "candidates", "challenger", "contender", "rival", "rivals"),
    "fabricated": ("fabricated", "trumped-up", "trumped up", "bogus", "spurious", "made-up",
                   "politically motivated"),
    "kill": ("kill", "killed", "killing", "dead", "died", "death", "deaths"),
    "missing": ("missing", "unaccounted for", "disappeared", "vanished"),
    "flee": ("fled", "flee", "fleeing", "emigrate", "emigrated", "exile", "exiled",
             "left the country"),
    "close": ("liquidate", "liquidated", "liquidation", "shut", "shut down", "closed",
              "dissolve", "dissolved"),
    "company": ("firm", "firms", "company", "companies", "enterprise", "enterprises",
                "state-owned"),
    "court": ("court", "courts", "judge", "judges", "tribunal"),
    "troops": ("troops", "soldiers", "forces", "military", "army"),
    "police": ("police", "law enforcement", "omon", "riot police", "security forces",
               "policemen", "police officers"),
    "coherent": ("coherent", "consistent", "unified", "united", "unanimous", "single"),
    "prosecute": ("prosecute", "prosecuted", "prosecution", "prosecutions", "charged",
                  "charges", "criminal cases", "criminal case"),
    "convict": ("convict", "convicted", "conviction", "convictions", "sentence", "sentenced",
                "sentences", "found guilty"),
    "begin": ("begin", "began", "beginning", "start", "started", "outset", "very start"),
    "number": ("number", "figure", "total", "count"),
}
# Opposite stances: a claim using only one side of a pair reverses a known claim using only
# the other. Words already counted as negations or reversals (not, failed, lifted, lost...)
# are left out, so that a reversal is not counted twice.
POLAR: dict[str, tuple[str, ...]] = {
    "up": ("increase", "increased", "increases", "increasing", "rise", "rises", "rose", "risen",
           "rising", "grow", "grows", "grew", "grown", "growing", "climb", "climbed", "jump",
           "jumped", "surge", "surged", "mount", "mounting", "intensify", "intensified",
           "intensifies", "intensifying", "escalate", "escalated", "escalating", "worsen",
           "worsened", "worsening", "tighten", "tightened", "tightening", "toughen",
           "toughened", "expand", "expanded", "worse"),
    "down": ("decrease", "decreased", "decreases", "decreasing", "fall", "falls", "fell",
             "fallen", "falling", "decline", "declined", "declines", "declining", "shrink",
             "shrank", "shrinking", "ease", "eased", "eases", "easing", "subside", "subsided",
             "diminish", "diminished", "diminishing", "slowed", "soften", "softened",
             "relax", "relaxed", "loosen", "loosened", "reduce", "reduced"),
    "pro": ("support", "supports", "supported", "supporting", "backed", "endorse", "endorsed",
            "favour", "favor", "favoured", "favored", "welcome", "welcomed", "praise",
            "praised"),
    "con": ("oppose", "opposed", "opposes", "opposing", "condemn", "condemned", "condemns",
            "criticise", "criticised", "criticize", "criticized", "denounce", "denounced",
            ),
    "works": ("success", "successful", "succeed", "succeeded", "effective", "fruitful"),
    "fails": ("failure", "fail", "fails", "ineffective", "futile", "useless",
              "counterproductive", "backfired", "unsuccessful"),
    "legal": ("legitimate", "lawful", "legal", "rightful", "fair"),
    "illegal": ("illegitimate", "unlawful", "illegal", "rigged", "fraudulent", "falsified",
                "stolen", "sham"),
    "united": ("united", "unified", "unanimous", "coherent", "consistent", "unity"),
    "divided": ("divided", "split", "incoherent", "inconsistent", "disunited", "division",
                "divisions", "fragmented"),
    "strong": ("strong", "stronger", "strengthening", "robust", "tough", "tougher"),
    "weak": ("weak", "weaker", "feeble", "toothless", "lenient", "mild"),
    "peaceful": ("peaceful", "nonviolent", "non-violent"),
    "violent": ("violent", "violence", "brutal", "armed"),
    "high": ("high", "widespread", "broad"),
    "low": ("low", "little", "scant", "meagre", "meager"),
    "freed": ("freed", "released", "pardoned", "liberated", "unconditionally"),
    "held": ("remain", "remains", "remained", "held"),
    "majority": ("majority", "most"),
    "minority": ("minority", "few"),
    "remove": ("lift", "lifted", "lifting", "remove", "removed", "removing", "drop", "dropped",
               "withdraw", "withdrawn", "withdrew", "revoke", "revoked", "strip", "stripped",
               "stop", "stopped", "halt", "halted", "scrap", "scrapped", "abolish", "abolished",
               "suspend", "suspended", "cancel", "cancelled", "canceled", "lost", "liberalise",
               "liberalised", "liberalize", "liberalized", "unblock", "unblocked"),
    "keep": ("impose", "imposed", "imposing", "introduce", "introduced", "keep", "kept",
             "maintain", "maintained", "extend", "extended", "retain", "retained", "continue",
             "continued", "continues", "renew", "renewed", "reinstate", "reinstated", "block",
             "blocked"),
}
ASSERTED_SIDES = ("up", "down", "united", "divided")
POLAR_PAIRS = (("high", "low"), ("up", "down"), ("pro", "con"), ("works", "fails"),
               ("legal", "illegal"), ("united", "divided"), ("strong", "weak"),
               ("peaceful", "violent"), ("majority", "minority"), ("remove", "keep"),
               ("freed", "held"))
# Reporting verbs and hedges carry no claim of their own.
_FILLER = frozenset((
    "say", "says", "said", "saying", "state", "stated", "declare", "declared", "announce",
    "announced", "claim", "claimed", "claims", "report", "reported", "reports", "according",
    "note", "noted", "argue", "argued", "think", "thought",
    "already", "still", "however", "even", "much", "many", "several", "also", "real",
    "actual", "actually", "indeed", "really", "now", "since", "last", "first", "firmly",
    "clearly", "openly", "rather", "whether", "would", "could", "might", "may", "must",
    "should", "will", "shall", "can", "per", "cent", "percent", "people", "belarus",
    "belarusian", "belarusians", "country", "country's",
))

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
# One pass for all actors: each actor's pattern is a named alternative (the patterns never
# overlap, so scanning once finds the same set as searching with each in turn).
_ACTORS = re.compile("|".join(f"(?P<a{i}>{pattern})" for i, (_, pattern)
                              in enumerate(ACTOR_PATTERNS)))
_ACTOR_NAMES = {f"a{i}": name for i, (name, _) in enumerate(ACTOR_PATTERNS)}

# Words that negate or reverse what a sentence says. Each occurrence flips polarity.
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|cannot|without|lack|lacks|lacked|refused?|rejected?|"
    r"failed|stayed out|turned down|no longer|nobody|none|nothing|unable|unwilling|"
    r"declined to|far from|hardly|barely)\b|n[’']t\b"
)
# Wording that contains a negation word but does not negate the claim.
_NOT_NEGATION = re.compile(
    r"\b(?:no (?:fewer|less|more) than|not (?:only|just|merely)(?! not)|not least|nor|"
    r"without (?:exception|delay|doubt)|no doubt|no matter|nothing but|not to mention|"
    r"no wonder)\b"
)
_DOUBLED = re.compile(r"\bnot (?:only|just|merely) not\b")  # 'not just not falling': one 'not'


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
    rf"|(?P<ratio>\b(?P<num>{_WORD}|\d+) (?:in|out of) (?P<den>two|three|four|five|ten|twenty|"
    rf"a hundred|\d+)\b)"
    rf"|(?P<value>(?<![\w.,])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?"
    rf"|\b(?:{_WORD})(?:[- ](?:{_WORD}))?\b)"
    rf"(?:\s*(?P<scale>{_SCALE})\b)?"
    rf"(?:\s*[-–]?\s*(?P<duration>hours?|days?|weeks?)\b)?"
)
_HOURS = {"hour": 1, "day": 24, "week": 168}
_US = re.compile(r"\bU\.?S\.?A?\b\.?(?![\w])")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?")
_MONTH_NAME = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_LAST_MONTH = re.compile(rf"\blast\s+{_MONTH_NAME}")
_DAY_BEFORE_MONTH = re.compile(
    rf"(?i:\b(?:[0-3]?\d(?:st|nd|rd|th)?\s*[-–]\s*)?[0-3]?\d(?:st|nd|rd|th)?"
    rf"(?=\s+(?:of\s+)?{_MONTH_NAME}))"
)
_DAY_AFTER_MONTH = re.compile(rf"(?i:(\b{_MONTH_NAME}\s+)([0-3]?\d(?:st|nd|rd|th)?)\b)")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b([0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?)?"
                        rf"\s+(?:of\s+)?({_MONTH_NAMES})\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH_NAMES})\.?\s+([0-3]?\d)(?:st|nd|rd|th)?\b")


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
    days: frozenset[tuple[int, int]]  # (month, day)
    words: tuple[str, ...]  # distinct lower-case words, sorted, for prefix negations
    # ('unprepared'): a tuple, as a set per claim cost 700 bytes of hash table
    weekdays: frozenset[str]  # days of the week named
    actors: frozenset[str]
    negative: bool
    sides: frozenset[str]  # the stances of POLAR taken: rising or falling, for or against...
    prescriptive: bool  # a recommendation ('should', 'must') rather than a statement

    @cached_property
    def opposites(self) -> frozenset[str]:
        """Words this claim negates by a prefix, computed once per claim (a known claim is
        compared with many new ones)."""
        return prefix_opposites(self.words)


def _number_value(match: re.Match[str]) -> float | None:
    """The value of one NUMBER match, or None for what is not a quantity."""
    if match.group("fraction"):
        return _FRACTIONS[match.group("fraction")]
    if match.group("ratio"):
        num = _word_value(match.group("num"))
        den = _word_value(match.group("den").removeprefix("a "))
        return None if num is None or not den else num * 100 / den
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


_DOZENS = {"half a dozen": "six", "a dozen": "twelve", "two dozen": "twenty-four"}
_DOZEN = re.compile(r"\b(?:half a dozen|a dozen|two dozen)\b")


def numbers_in(text: str) -> tuple[float, ...]:
    """Quantities stated in a (lower-cased) text: digits, number words, fractions, durations."""
    values = []
    masked = _masked(_DOZEN.sub(lambda m: _DOZENS[m.group(0)], text))
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


_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b",
                      re.IGNORECASE)


def weekdays_in(text: str) -> frozenset[str]:
    """Days of the week named in the text."""
    return frozenset(w.lower() for w in _WEEKDAY.findall(text))


def days_in(text: str) -> frozenset[tuple[int, int]]:
    """(month, day) pairs named in the (original-case) text: '16 August', 'August 16th'."""
    found = {(MONTHS[m], int(d)) for d, m in _DAY_MONTH.findall(text)}
    found |= {(MONTHS[m], int(d)) for m, d in _MONTH_DAY.findall(text)}
    return frozenset((m, d) for m, d in found if 1 <= d <= 31)


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
    found = {_ACTOR_NAMES[m.lastgroup or ""] for m in _ACTORS.finditer(folded)}
    if "european parliament" in found:
        found.discard("eu")
    return frozenset(found)


def is_negative(folded: str) -> bool:
    """Odd number of negations: the sentence denies what it names. (Reversing verbs such as
    'lifted' are a stance of POLAR, opposed to 'imposed', not a negation.)"""
    cleaned = _NOT_NEGATION.sub(" ", _DOUBLED.sub("not", folded))
    return len(_NEGATION.findall(cleaned)) % 2 == 1


def _compile_synonyms() -> tuple[re.Pattern[str], dict[str, str], dict[str, str]]:
    """A pattern for multi-word synonyms, the concept of each phrase and of each word stem."""
    phrases: dict[str, str] = {}
    stems: dict[str, str] = {}
    for concept, forms in SYNONYM_GROUPS.items():
        for form in forms:
            if re.fullmatch(r"[a-z]+", form):
                stems[theme_stem(form)] = concept
            else:
                phrases[form] = concept
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w'’-])"), phrases, stems


_SYNONYM_PHRASES, _PHRASE_CONCEPT, _STEM_CONCEPT = _compile_synonyms()
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POLAR_WORDS = {word: side for side, words in POLAR.items() for word in words}
# Both sides of a pair are one concept for the similarity, so that 'easing' finds the claim
# that says 'intensifying'; the stance check then tells them apart.
_PAIR_CONCEPT = {"high": "level", "low": "level", "up": "trend", "down": "trend",
                 "pro": "stance", "con": "stance", "works": "outcome", "fails": "outcome",
                 "legal": "legitimate", "illegal": "legitimate", "united": "coherent",
                 "divided": "coherent", "strong": "strength", "weak": "strength",
                 "peaceful": "violence", "violent": "violence", "majority": "share",
                 "minority": "share", "remove": "impose", "keep": "impose", "freed": "free",
                 "held": "free"}


def _word_concepts(text: str) -> list[str]:
    stems = []
    for word in _WORDS.findall(text):
        if word in _POLAR_WORDS and word not in ("most", "few"):
            stems.append(_PAIR_CONCEPT[_POLAR_WORDS[word]])
            continue
        if word in STOPWORDS or word in _FILLER or len(word) < 3:
            continue
        s = theme_stem(word)
        stems.append(_STEM_CONCEPT.get(s, s))
    return stems


def content_stems(folded: str) -> list[str]:
    """Concepts of the content words: Porter stems, with synonyms (words and phrases) merged."""
    stems: list[str] = []
    position = 0
    for match in _SYNONYM_PHRASES.finditer(folded):
        stems += _word_concepts(folded[position : match.start()])
        stems.append(_PHRASE_CONCEPT[match.group(0)])
        position = match.end()
    return stems + _word_concepts(folded[position:])


_HEDGES = re.compile(
    r"\b(?:more|less|fewer|higher|lower)\s+than\b|\bno\s+(?:more|less|longer)\b"
    r"|\bmore\s+and\s+more\b|\bat\s+(?:most|least)\b|\bmost\s+(?:of|likely)\b"
    r"|\bunited\s+(?:states|nations|kingdom|transitional)\b"
)


# Comparatives take a side for the pairs ('less dependent' against 'growing dependence') but
# assert nothing on their own; they are marked with a leading '~'.
COMPARATIVES = {"less": "down", "fewer": "down", "lower": "down", "smaller": "down",
                "higher": "up", "greater": "up"}


def polar_sides(folded: str) -> frozenset[str]:
    """The sides of POLAR that a (folded, lower-cased) claim takes; hedges such as 'more
    than' or 'at least' take none, comparatives a weak one ('~down')."""
    cleaned = _HEDGES.sub(" ", folded)
    found = set()
    for word in re.findall(r"[a-z]+", cleaned):
        if word in _POLAR_WORDS:
            found.add(_POLAR_WORDS[word])
        elif word in COMPARATIVES:
            found.add("~" + COMPARATIVES[word])
    return frozenset(found)


ASSERTED = frozenset(ASSERTED_SIDES)


_PREFIXES = ("un", "non", "dis", "in", "im", "il", "ir")


def prefix_opposites(words: Iterable[str]) -> frozenset[str]:
    """Words of a claim that negate another word by a prefix: 'unprepared' -> 'prepared'
    (words already counted as negations, such as 'unable', are left out)."""
    found = set()
    for word in words:
        for prefix in _PREFIXES:
            if word.startswith(prefix):
                base = word[len(prefix):].lstrip("-")
                if len(base) >= 5 and not _NEGATION.fullmatch(word):
                    found.add(base)
    return _shared(frozenset(found))


def prefix_reversal(claim: ClaimFacts, known: ClaimFacts) -> bool:
    """'well prepared' against 'unprepared': a word on one side, its negation on the other."""
    return bool(
        (known.opposites - claim.opposites).intersection(claim.words)
        or (claim.opposites - known.opposites).intersection(known.words)
    )


def reversed_stance(claim: frozenset[str], known: frozenset[str]) -> bool:
    """One claim takes only one side of a pair of opposites and the other only the other
    side; or the claim asserts a direction or a verdict (rising, failing...) the known claim
    does not state at all."""
    asserted = claim
    claim = frozenset(side.lstrip("~") for side in claim)
    known = frozenset(side.lstrip("~") for side in known)
    for a, b in POLAR_PAIRS:
        if (a in claim and b not in claim and b in known and a not in known) or (
            b in claim and a not in claim and a in known and b not in known
        ):
            return True
        if (asserted & {a, b}) & ASSERTED and not known & {a, b}:
            return True
    return False


class ClaimParser:
    """Parses claims into facts; picklable and cheap to build, so that analysis workers can
    parse their articles' claims while the cycle judges an earlier batch."""

    def __init__(self, aliases: Mapping[str, list[str]] | None = None) -> None:
        self._aliases = compile_aliases(aliases or {})

    def facts(self, text: str, published: date | None = None) -> ClaimFacts:
        """Terms, numbers, dates, actors and polarity of one claim."""
        folded = _US.sub("usa", canonicalise(text, self._aliases)).lower()
        years = {int(y) for y in _YEAR.findall(text)} or implied_years(text, published)
        return ClaimFacts(  # words interned: a domain's claims share a small vocabulary
            terms=tuple(map(sys.intern, content_stems(folded))),
            numbers=numbers_in(folded),
            years=_shared(frozenset(years)),
            months=_shared(months_in(text)),
            days=_shared(days_in(text)),
            weekdays=_shared(weekdays_in(text)),
            words=tuple(sorted(set(map(sys.intern, _CLAIM_WORD.findall(folded))))),
            actors=_shared(actors_in(folded)),
            negative=is_negative(folded),
            sides=_shared(polar_sides(folded)),
            prescriptive=bool(PRESCRIPTIVE.search(folded)),
        )


class ClaimIndex:
    """Known claims, searchable by meaning and checked fact by fact."""

    def __init__(
        self,
        known: Sequence[tuple[str, str]],
        aliases: Mapping[str, list[str]] | None = None,
        published: Mapping[str, date] | None = None,
        threshold: float = SIMILARITY_THRESHOLD,
        recommendations: Sequence[tuple[str, str]] = (),
        parsed: Mapping[tuple[str, date | None], ClaimFacts] | None = None,
    ) -> None:
        self._parser = ClaimParser(aliases)
        self.threshold = threshold
        self._known: list[tuple[str, str]] = []
        self._facts: list[ClaimFacts] = []
        self._keys: list[tuple[str, date | None] | None] = []
        self._terms = TermIndex()
        self._judged: dict[tuple[str, date | None], ClaimFacts] = {}
        self._verdicts: dict[tuple[str, date | None], NoveltyJudgement] = {}
        self._parsed = dict(parsed or {})  # facts parsed earlier, by (sentence, date)
        self.add(known, published)
        self.add(recommendations, published, prescriptive=True)

    def add(self, known: Sequence[tuple[str, str]], published: Mapping[str, date] | None = None,
            prescriptive: bool = False) -> None:
        """Make more claims known (a cycle adds each batch's claims before judging the next
        batch, instead of reading and re-parsing every claim again)."""
        dates = published or {}
        keys = [(text, dates.get(claim_id)) for claim_id, text in known]
        facts = [self._facts_once(*key) for key in keys]
        self._judged.clear()
        self._verdicts.clear()  # judgements so far did not know these claims
        if prescriptive:
            facts = [replace(f, prescriptive=True) for f in facts]
        self._known.extend(known)
        self._facts.extend(facts)
        self._keys.extend(None if prescriptive else key for key in keys)
        self._terms.extend(f.terms for f in facts)

    def parsed(self) -> dict[tuple[str, date | None], ClaimFacts]:
        """The known claims' facts by (sentence, date), for the next index to start from."""
        return {key: f for key, f in zip(self._keys, self._facts, strict=True) if key}

    def __len__(self) -> int:
        return len(self._known)

    def _facts_once(self, text: str, published: date | None) -> ClaimFacts:
        """Facts of a sentence: parsed earlier (cache file, workers) or here, once between
        judging it and adding it as known."""
        key = (text, published)
        found = self._parsed.get(key) or self._judged.get(key)
        if found is None:
            if len(self._judged) >= JUDGED_CACHE:
                self._judged.clear()
            found = self._judged[key] = self.facts(text, published)
        return found

    def facts(self, text: str, published: date | None = None) -> ClaimFacts:
        """Terms, numbers, dates, actors and polarity of one claim."""
        return self._parser.facts(text, published)

    def remember(self, parsed: Mapping[tuple[str, date | None], ClaimFacts]) -> None:
        """Facts parsed elsewhere (by the analysis workers) for sentences about to be judged
        or added, so that this process does not parse them again."""
        self._parsed.update(parsed)

    def nearest(self, facts: ClaimFacts, k: int = CANDIDATES) -> list[tuple[float, int]]:
        """The k most similar known claims as (cosine, index), best first."""
        return self._terms.nearest(facts.terms, k)

    def judge(self, text: str, published: date | None = None) -> NoveltyJudgement:
        """Not novel when a similar known claim agrees on numbers, dates, actors and polarity.
        The same sentence on the same date is judged once until more claims become known
        (syndicated copies and stock phrases repeat within a batch)."""
        key = (text, published)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) >= JUDGED_CACHE:
                self._verdicts.clear()
            verdict = self._verdicts[key] = self._judge(self._facts_once(text, published))
        return verdict

    def _judge(self, facts: ClaimFacts) -> NoveltyJudgement:
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
    same_month = {(m, d) for m, d in claim.days if m in {k for k, _ in known.days}}
    if same_month and not same_month & known.days:
        return "different day"
    if claim.weekdays and known.weekdays and not claim.weekdays & known.weekdays:
        return "different day of the week"
    if claim.actors - known.actors and (known.actors - claim.actors or not known.actors):
        return f"different actor ({', '.join(sorted(claim.actors - known.actors))})"
    if claim.prescriptive and not known.prescriptive:
        return "a recommendation against a statement"
    if ((claim.negative != known.negative) != prefix_reversal(claim, known)
            or reversed_stance(claim.sides, known.sides)):
        return "opposite position"
    return None
