"""Figures for tracked metrics: '1,372 political prisoners as of 26 August' -> one record.

One sentence at a time. A number (from ``extractors.numbers``) becomes a figure when a
metric phrase stands within ``WINDOW`` words before or after it in the same clause: no
comma, semicolon, bracket, dash, conjunction, relative pronoun or other number in between.
Percentages only match percent metrics and counts only the others. When several metrics
compete, group names (political prisoners, protesters, jailed journalists) give way to an
event (released, detained ...), then the nearest phrase wins, a following one on a tie.
Metrics with a subject (vote share, rating) keep a figure only when the sentence names whose
it is; "X with 80% of the vote and Y 10%" gives Y's 10% the same metric.
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
PARALLEL_WINDOW = 3  # most words between a subject and its number in "... and Y 10%"
UNITS = frozenset({"people", "organisations", "cases", "percent", "entities"})
# Metrics that name a group of people; an event in the same clause says what the number counts.
POPULATION_METRICS = frozenset({"political_prisoners", "protesters", "journalists_imprisoned"})

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
        body = "|".join(_QUOTED_SPACE.join(map(re.escape, p.split())) for p in alternatives)
        patterns.append(re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE))
    return tuple(patterns)


def _phrase_hits(sentence: str, metrics: tuple[MetricSpec, ...]) -> list[_Hit]:
    """Metric phrases in the sentence; where two overlap, the longer one stands."""
    found = [
        _Hit(metric, m.start(), m.end())
        for metric, pattern in zip(metrics, _phrase_patterns(metrics), strict=True)
        for m in pattern.finditer(sentence)
    ]
    kept: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _gap_is_open(gap: str, left: int, right: int, quantities: Sequence[Quantity]) -> bool:
    """True when nothing in the gap ends the clause or brings in another number."""
    if any(left <= q.start < right for q in quantities):
        return False
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
    if distance > WINDOW or not _gap_is_open(gap, left, right, quantities):
        return None
    return _Candidate(hit, distance, after)


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """Events beat group names, then the nearest phrase, a following one on a tie."""
    events = [c for c in candidates if c.hit.metric.id not in POPULATION_METRICS]
    pool = events or candidates
    if not pool:
        return None
    return min(pool, key=lambda c: (c.distance, not c.after, c.hit.start - c.hit.end))


def _mentions(sentence: str) -> list[tuple[str, int, int]]:
    """Subject names in the sentence as (canonical, start, end)."""
    found = [
        (canonical, m.start(), m.end())
        for canonical, pattern in SUBJECTS
        for m in pattern.finditer(sentence)
    ]
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
    """A subject named right before a percentage ('... and Y a mere 10%'), with its offset."""
    before = [m for m in _mentions(sentence) if m[2] <= quantity.span_start]
    if not before:
        return None
    canonical, start, end = before[-1]
    gap = sentence[end : quantity.span_start]
    if len(words(gap)) > PARALLEL_WINDOW or _PARALLEL_BLOCKER.search(gap):
        return None
    return canonical, start


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
) -> list[Figure]:
    """Percentages in a list of results that reuse the metric of the first one."""
    extra: list[Figure] = []
    anchors = [f for f in figures if metrics[f.metric].has_subject]
    for quantity in unmatched:
        named = _parallel_subject(sentence, quantity) if quantity.unit == PERCENT else None
        anchor = next((f for f in anchors if f.start < quantity.start), None)
        if named is None or anchor is None:
            continue
        taken = {f.subject for f in figures + extra if f.metric == anchor.metric}
        if named[0] not in taken:
            metric = metrics[anchor.metric]
            span = (named[1], quantity.end)
            extra.append(_figure(sentence, quantity, metric, named[0], span, as_of))
    return extra


def extract_figures(
    sentence: str, metrics: Sequence[MetricSpec], doc_date: date | None
) -> list[Figure]:
    """All figures for tracked metrics stated in one sentence, in reading order."""
    specs = tuple(metrics)
    quantities = find_quantities(sentence)
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
        subject = _subject(sentence, quantity, percents) if metric.has_subject else None
        if metric.has_subject and subject is None:
            continue
        span = (min(quantity.span_start, best.hit.start), max(quantity.end, best.hit.end))
        figures.append(_figure(sentence, quantity, metric, subject, span, as_of))
    by_id = {m.id: m for m in specs}
    figures += _parallel_figures(sentence, figures, unmatched, by_id, as_of)
    return sorted(figures, key=lambda f: f.start)
