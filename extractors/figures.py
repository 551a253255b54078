"""Figures for tracked metrics: '1,372 political prisoners as of 26 August' -> one record.

One sentence at a time. A number (from ``extractors.numbers``) becomes a figure when a
metric phrase stands within ``WINDOW`` words before or after it in the same clause: no
comma, semicolon, bracket, dash, conjunction, relative pronoun or other number in between.
Percentages only match percent metrics and counts only the others. When several metrics
compete, group names (political prisoners, protesters, jailed journalists) give way to an
event (released, detained ...), then the nearest phrase wins, a following one on a tie.
Metrics with a subject (vote share, rating) keep a figure only when the sentence names whose
it is; "X with 80% of the vote and Y 10%" (or "..., against 3% for Y") gives Y's share the
same metric. Parallel counts share a metric too: in "blacklisted 16 individuals and 9 firms"
both numbers count sanctioned entities, and "bringing the total to 200" repeats the metric
of the figure before it. "Another 37 were released" counts releases (an event), but never
the level of a stock such as political prisoners.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from extractors.dates import resolve_as_of
from extractors.numbers import PERCENT, Quantity, find_quantities
from extractors.text import words

WINDOW = 6  # most words allowed between a number and its metric phrase
WILDCARD = r"(?:\s+[\w'’-]+){0,3}?"  # '*' in a metric phrase: up to three words
PARALLEL_WINDOW = 3  # most words between a subject and its number in "... and Y 10%"
UNITS = frozenset({"people", "organisations", "cases", "percent", "entities"})
# Metrics that name a group of people; an event in the same clause says what the number counts.
POPULATION_METRICS = frozenset({"political_prisoners", "protesters", "journalists_imprisoned"})
# Phrases of event metrics that also name a group ('1,000 detainees were freed': a release).
GROUP_NOUNS = frozenset({"detainees", "emigrants"})

SUBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (canonical, re.compile(pattern, re.IGNORECASE))
    for canonical, pattern in (
        ("lukashenka", r"\b(?:lukash[ae]nk[ao]|łukaszenka|lukaschenko)(?:['’]s)?\b"),
        (
            "tsikhanouskaya",
            r"\b(?:tsikhanouskaya|tsikhanovskaya|tikhanovskaya|tsikhanouska|cichanouska|"
            r"tichanovskaja)(?:['’]s)?\b",
        ),
        ("babaryka", r"\b(?:babaryka|babariko|babarika)(?:['’]s)?\b"),
        ("tsapkala", r"\b(?:tsapkala|tsepkalo|tsepkala)(?:['’]s)?\b"),
        (
            "opposition",
            r"\b(?:opposition|democratic\s+forces)\b"
            r"(?!\s+(?:candidate|leader|politician|figure|activist|media)s?\b)",
        ),
    )
)
_GAP_BLOCKER = re.compile(
    r"[;:()\[\]?!\"“”]|,(?!\d)|\s[-–—]\s|[–—]|\b(?:and|or|but|while|whereas|who|whom|which|whose)\b",
    re.IGNORECASE,
)
_QUOTED_SPACE = r"[\"“”‘’']?\s+[\"“”‘’']?"  # 'the "pardon" of' still reads as 'pardon of'
_PARALLEL_BLOCKER = re.compile(r"[;:()\[\]?!]|\s[-–—]\s|[–—]")
# Between a number and a following metric phrase: 'workers and residents' is one group.
_NOUN_PAIR = re.compile(r"\s*[a-z]+(?:\s+[a-z]+)?\s+and\s+[a-z]+(?:\s+[a-z]+)?\s*")
# Between a metric phrase and a following number: 'released and deported 52' is one act.
_VERB_PAIR = re.compile(r"\s+and\s+[a-z]+\s+")
# Between two parallel counts: '16 individuals and 9 firms', '40 judges, 12 companies'.
_PARALLEL_COUNT = re.compile(r"(?i)\s*(?:[\w'’-]+\s+){0,3}?(?:and|as well as|plus|,)\s+")
# Before a running total that repeats the metric of the figure before it.
_TOTAL_BEFORE = re.compile(
    r"(?i)\b(?:total|tally|overall\s+number|overall\s+count)\s+(?:[\w'’]+\s+){0,2}?"
    r"(?:to|of|at)\s*$"
)
# A subject named right after a share: '..., against 3% for Lukashenka'.
_SUBJECT_AFTER = re.compile(r"(?i)\s*(?:for|to|by)\s+")
# A person not in SUBJECTS: 'Tatsiana Karatkevich' or a surname with a common Belarusian,
# Russian or Polish ending ('Karatkevich', 'Syrankov'); the canonical subject is the surname.
_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+\s+)?(?P<surname>[A-Z][a-z]+(?:vich|wicz|ich|ka|ko|ski|sky|skaya|skiy|"
    r"ov|ova|ev|eva|in|ina|uk|yk|ets|au|ava|eu|yeu|enka|enko))(?:['’]s)?\b"
    r"|\b(?P<first>[A-Z][a-z]+)\s+(?P<last>[A-Z][a-z]+)(?:['’]s)?\b"
)
_NOT_NAMES = frozenset({
    "the", "in", "on", "at", "by", "as", "of", "for", "to", "from", "after", "before", "during",
    "while", "when", "according", "official", "officially", "independent", "exit",
    "belarus", "belarusian", "belarusians", "minsk", "moscow", "russia", "russian", "ukraine",
    "poland", "lithuania", "latvia", "europe", "european", "union", "council", "commission",
    "central", "election", "electoral", "parliament", "assembly", "viasna", "golos", "gallup",
    "chatham", "house", "university", "institute", "centre", "center", "agency", "survey",
    "poll", "pollster", "state", "national", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "western", "eastern",
    "hrodna", "homiel", "vitsebsk", "brest", "mahilyow", "navapolatsk", "babruisk",
    "baranavichy", "pinsk", "barysau", "maladziechna", "salihorsk", "orsha", "mazyr", "lida",
    "zhodzina",
})


@dataclass(frozen=True)
class MetricSpec:
    """A tracked metric and the phrases that name it next to a number."""

    id: str
    label: str
    unit: str
    phrases: tuple[str, ...]
    has_subject: bool = False
    description: str = ""


@dataclass(frozen=True)
class Figure:
    """One figure stated in a sentence, ready to be stored as a row."""

    metric: str
    value: float
    value_high: float | None
    qualifier: str | None
    unit: str
    subject: str | None  # canonical subject for metrics with one, e.g. "lukashenka"
    as_of: date | None
    as_of_explicit: bool  # True when the sentence itself states the date
    phrase: str  # the matched span, e.g. "1,372 political prisoners"
    sentence: str
    start: int  # offset of the number within the sentence


@dataclass(frozen=True)
class _Hit:
    """A metric phrase found in the sentence."""

    metric: MetricSpec
    start: int
    end: int
    text: str = ""

    @property
    def is_group(self) -> bool:
        """A group name rather than an event: it gives way to an event in the same clause."""
        return self.metric.id in POPULATION_METRICS or self.text.lower() in GROUP_NOUNS


@dataclass(frozen=True)
class _Candidate:
    """A phrase a number could belong to, with how far away it stands."""

    hit: _Hit
    distance: int
    after: bool


def metrics_from_toml(data: dict) -> list[MetricSpec]:
    """Metric specs from parsed seeds/metrics.toml; a bad entry raises KeyError or ValueError."""
    specs = []
    for entry in data.get("metric", []):
        unit = entry["unit"]
        if unit not in UNITS:
            raise ValueError(f"metric {entry['id']!r}: unknown unit {unit!r}")
        phrases = tuple(str(p).strip().lower() for p in entry["phrases"] if str(p).strip())
        if not phrases:
            raise ValueError(f"metric {entry['id']!r}: no phrases")
        specs.append(
            MetricSpec(
                id=entry["id"],
                label=entry["label"],
                unit=unit,
                phrases=phrases,
                has_subject=bool(entry.get("has_subject", False)),
                description=entry.get("description", "").strip(),
            )
        )
    return specs


@lru_cache(maxsize=16)
def _phrase_patterns(metrics: tuple[MetricSpec, ...]) -> tuple[re.Pattern[str], ...]:
    """One compiled pattern per metric (compiled once per metric set, not per sentence)."""
    patterns = []
    for metric in metrics:
        alternatives = sorted(metric.phrases, key=len, reverse=True)
        body = "|".join(_phrase_regex(p) for p in alternatives)
        patterns.append(re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE))
    return tuple(patterns)


def _phrase_regex(phrase: str) -> str:
    """A phrase as a regex: words in order, '*' standing for up to three other words."""
    parts = [WILDCARD if w == "*" else re.escape(w) for w in phrase.split()]
    body = parts[0]
    for part in parts[1:]:
        body += part if part == WILDCARD else _QUOTED_SPACE + part
    return body


def _phrase_hits(sentence: str, metrics: tuple[MetricSpec, ...]) -> list[_Hit]:
    """Metric phrases in the sentence; where two overlap, the longer one stands."""
    found = [
        _Hit(metric, m.start(), m.end(), m.group(0))
        for metric, pattern in zip(metrics, _phrase_patterns(metrics), strict=True)
        for m in pattern.finditer(sentence)
    ]
    kept: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _gap_is_open(
    gap: str, left: int, right: int, quantities: Sequence[Quantity], after: bool = False
) -> bool:
    """True when nothing in the gap ends the clause or brings in another number.

    'workers and residents gathered' is one group and 'released and deported 52' one act,
    not two clauses.
    """
    if any(left <= q.start < right for q in quantities):
        return False
    if after and _NOUN_PAIR.fullmatch(gap) or not after and _VERB_PAIR.fullmatch(gap):
        return True
    return gap.strip() == ":" or not _GAP_BLOCKER.search(gap)


def _candidate(
    sentence: str, quantity: Quantity, hit: _Hit, quantities: Sequence[Quantity]
) -> _Candidate | None:
    """The hit as a candidate for the quantity, or None when out of reach."""
    if (hit.metric.unit == PERCENT) != (quantity.unit == PERCENT):
        return None
    if hit.start >= quantity.end:
        left, right, after = quantity.end, hit.start, True
    elif hit.end <= quantity.span_start:
        left, right, after = hit.end, quantity.span_start, False
    else:
        return None
    gap = sentence[left:right]
    distance = len(words(gap))
    if distance > WINDOW or not _gap_is_open(gap, left, right, quantities, after):
        return None
    return _Candidate(hit, distance, after)


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """Events beat group names, then the nearest phrase, a following one on a tie."""
    events = [c for c in candidates if not c.hit.is_group]
    pool = events or candidates
    if not pool:
        return None
    return min(pool, key=lambda c: (c.distance, not c.after, c.hit.start - c.hit.end))


def _mentions(sentence: str) -> list[tuple[str, int, int]]:
    """Subject names in the sentence as (canonical, start, end); other people by surname."""
    found = [
        (canonical, m.start(), m.end())
        for canonical, pattern in SUBJECTS
        for m in pattern.finditer(sentence)
    ]
    for match in _NAME.finditer(sentence):
        if any(s < match.end() and match.start() < e for _, s, e in found):
            continue
        if match.group("surname"):
            surname = match.group("surname")
            if match.start("surname") == 0 or surname.lower() in _NOT_NAMES:
                continue
        elif match.group("first").lower() in _NOT_NAMES or match.group("last").lower() in (
            _NOT_NAMES
        ):
            continue
        else:
            surname = match.group("last")
        found.append((surname.lower(), match.start(), match.end()))
    return sorted(found, key=lambda f: f[1])


def _subject(sentence: str, quantity: Quantity, percents: Sequence[Quantity]) -> str | None:
    """The nearest named subject, preferring the number's own clause, never past another %."""
    best: tuple[bool, int, bool, str] | None = None
    for canonical, start, end in _mentions(sentence):
        after = start >= quantity.end
        left, right = (quantity.end, start) if after else (end, quantity.span_start)
        if right < left or any(left <= q.start < right for q in percents if q is not quantity):
            continue
        gap = sentence[left:right]
        key = (bool(_GAP_BLOCKER.search(gap)), len(words(gap)), after, canonical)
        best = key if best is None or key < best else best
    return best[3] if best else None


def _parallel_subject(sentence: str, quantity: Quantity) -> tuple[str, int] | None:
    """A subject named right before a percentage ('... and Y a mere 10%') or right after it
    ('... against 3% for Y'), with the offset where the figure's phrase starts."""
    mentions = _mentions(sentence)
    after = [m for m in mentions if m[1] >= quantity.end]
    if after and _SUBJECT_AFTER.fullmatch(sentence[quantity.end : after[0][1]]):
        return after[0][0], quantity.span_start
    before = [m for m in mentions if m[2] <= quantity.span_start]
    if before:
        canonical, start, end = before[-1]
        gap = sentence[end : quantity.span_start]
        if len(words(gap)) <= PARALLEL_WINDOW and not _PARALLEL_BLOCKER.search(gap):
            return canonical, start
    return None


def _figure(
    sentence: str,
    quantity: Quantity,
    metric: MetricSpec,
    subject: str | None,
    span: tuple[int, int],
    as_of: tuple[date | None, bool],
) -> Figure:
    """Assemble one figure record."""
    return Figure(
        metric=metric.id,
        value=quantity.value,
        value_high=quantity.value_high,
        qualifier=quantity.qualifier,
        unit=metric.unit,
        subject=subject,
        as_of=as_of[0],
        as_of_explicit=as_of[1],
        phrase=sentence[span[0] : span[1]],
        sentence=sentence,
        start=quantity.start,
    )


def _parallel_figures(
    sentence: str,
    figures: list[Figure],
    unmatched: Iterable[Quantity],
    metrics: dict[str, MetricSpec],
    as_of: tuple[date | None, bool],
    hits: Sequence[_Hit] = (),
) -> list[Figure]:
    """Percentages in a list of results that reuse the metric of the first one.

    The metric comes from the nearest earlier figure with a subject, else from the nearest
    phrase of such a metric anywhere in the sentence ('official results: Lukashenka 80.1%,
    Tsikhanouskaya 10.1%'); the share itself needs a name right before or after it.
    """
    extra: list[Figure] = []
    anchors = [f for f in figures if metrics[f.metric].has_subject]
    phrases = [h for h in hits if h.metric.has_subject]
    for quantity in unmatched:
        named = _parallel_subject(sentence, quantity) if quantity.unit == PERCENT else None
        if named is None:
            continue
        anchor = next((f for f in anchors if f.start < quantity.start), None)
        if anchor is not None:
            metric = metrics[anchor.metric]
        elif phrases:
            metric = min(phrases, key=lambda h: abs(h.start - quantity.start)).metric
        else:
            continue
        taken = {f.subject for f in figures + extra if f.metric == metric.id}
        if named[0] not in taken:
            span = (min(named[1], quantity.span_start), max(quantity.end, named[1]))
            extra.append(_figure(sentence, quantity, metric, named[0], span, as_of))
    return extra


def _parallel_counts(
    sentence: str,
    figures: list[Figure],
    unmatched: Iterable[Quantity],
    metrics: dict[str, MetricSpec],
    hits: Sequence[_Hit],
    as_of: tuple[date | None, bool],
) -> list[Figure]:
    """Counts that share the metric of a neighbouring figure.

    '16 individuals and 9 firms were blacklisted' (or '... blacklisted 16 individuals and 9
    firms'): the other number of the pair, when no metric phrase stands between them. '...,
    bringing the total to 200': a running total with the metric of the figure before it.
    """
    extra: list[Figure] = []
    counts = [f for f in figures if f.unit != PERCENT]
    for quantity in unmatched:
        if quantity.unit == PERCENT:
            continue
        match = None
        for figure in counts:
            number_end = figure.start + len(_number_text(figure))
            left, right = ((number_end, quantity.span_start) if figure.start < quantity.start
                           else (quantity.end, figure.start - _hedge_length(figure)))
            if right <= left or any(left <= h.start < right for h in hits):
                continue
            if _PARALLEL_COUNT.fullmatch(sentence[left:right]):
                match = figure
        before = [f for f in counts if f.start < quantity.start]
        if match is None and before and _TOTAL_BEFORE.search(sentence[: quantity.span_start]):
            match = before[-1]
        if match is not None and not (quantity.increment and match.metric in POPULATION_METRICS):
            metric = metrics[match.metric]
            span = (quantity.span_start, quantity.end)
            extra.append(_figure(sentence, quantity, metric, None, span, as_of))
    return extra


def _number_text(figure: Figure) -> str:
    """The figure's number as written (from its start up to the end of the number)."""
    found = find_quantities(figure.sentence[figure.start :], increments=True)
    return found[0].text if found else ""


def _hedge_length(figure: Figure) -> int:
    """How far before its number a figure's hedge starts ('more than 200': 10)."""
    for quantity in find_quantities(figure.sentence, increments=True):
        if quantity.start == figure.start:
            return quantity.start - quantity.span_start
    return 0


def extract_figures(
    sentence: str, metrics: Sequence[MetricSpec], doc_date: date | None
) -> list[Figure]:
    """All figures for tracked metrics stated in one sentence, in reading order."""
    specs = tuple(metrics)
    quantities = find_quantities(sentence, increments=True)
    hits = _phrase_hits(sentence, specs) if quantities else []
    if not hits:
        return []
    stated = resolve_as_of(sentence, doc_date)
    as_of = (stated or doc_date, stated is not None)
    percents = [q for q in quantities if q.unit == PERCENT]
    figures: list[Figure] = []
    unmatched: list[Quantity] = []
    for quantity in quantities:
        options = (_candidate(sentence, quantity, hit, quantities) for hit in hits)
        best = _best([c for c in options if c is not None])
        if best is None:
            unmatched.append(quantity)
            continue
        metric = best.hit.metric
        if quantity.increment and (metric.id in POPULATION_METRICS or metric.has_subject):
            continue  # 'another 31 political prisoners' is a change, not the level
        subject = _subject(sentence, quantity, percents) if metric.has_subject else None
        if metric.has_subject and subject is None:
            continue
        span = (min(quantity.span_start, best.hit.start), max(quantity.end, best.hit.end))
        figures.append(_figure(sentence, quantity, metric, subject, span, as_of))
    by_id = {m.id: m for m in specs}
    figures += _parallel_figures(sentence, figures, unmatched, by_id, as_of, hits)
    taken = {f.start for f in figures}
    rest = [q for q in unmatched if q.start not in taken]
    figures += _parallel_counts(sentence, figures, rest, by_id, hits, as_of)
    return sorted(figures, key=lambda f: f.start)
