"""As-of dates for figures: which day a count in one sentence refers to.

A count is only comparable with another count of the same metric once we know the day it
describes. The rules, in order of precedence:

1. An explicit date after a cue ("as of 26 August", "on 1 October 2025", "by 3 May",
   "On August 21-23" takes the last day of the range). A date without a year takes the
   document's year, or the year before when that day would lie after the document date.
2. "by/at/as of the end of" a year, a month, or last week/month/year: the period's last day.
3. A cumulative cue ("since 2020", "to date", "so far", "in total"): no date of its own, so
   ``None`` is returned and the caller uses the document date.
4. A month ("in July alone", "during the last week of July", "in July 2021"): the month's last
   day. Without a year it is the latest such month not after the document date: the
   document's year when the month is earlier, the document date itself when it is the
   document's month (the month is still running), and the previous year when it is later,
   unless the sentence speaks of the future ("will", "expires"): then there is no date.
5. A year ("in 2021", "during 2021"): 31 December of that year when it is over, the document
   date when it is the document's year, and nothing for a future year.

Dates that do not exist ("February 30") are ignored; nothing here raises on odd input.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
            ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
            ("September", "Sept", "Sep"), ("October", "Oct"), ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
# Case-sensitive on purpose: "May" and "March" are months only when capitalised.
_MONTH = r"\b(?P<{0}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?\b"
_YEAR = r"(?P<{0}>(?:19|20)\d\d)\b"
_DASH = r"\s*[-–—]\s*"

_MDY = (
    _MONTH.format("m1") + r"\s+" + _DAY.format("d1")
    + rf"(?:{_DASH}" + _DAY.format("d1b") + r")?"
    + r"(?:,?\s+" + _YEAR.format("y1") + ")?"
)
_DMY = (
    r"(?<![\d,.])" + _DAY.format("d2") + rf"(?:{_DASH}" + _DAY.format("d2b") + r")?"
    + r"(?:\s+of)?\s+" + _MONTH.format("m2") + r"(?:,?\s+" + _YEAR.format("y2") + ")?"
)
_ISO = r"\b(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]?\d)-(?P<d3>[0-3]?\d)\b"
_DOTTED = r"\b(?P<d4>[0-3]?\d)[./](?P<m4>[01]?\d)[./](?P<y4>(?:19|20)\d\d)\b"
CALENDAR_DATE = re.compile(f"{_MDY}|{_DMY}|{_ISO}|{_DOTTED}")

# Cues before a day-level date, strongest first: "as of 26 August" beats "on 9 August".
_CUED_DATES = tuple(
    re.compile(rf"\b{cue}\s+(?:the\s+)?(?:{CALENDAR_DATE.pattern})")
    for cue in (
        r"(?i:as\s+of|as\s+at|as\s+on)",
        r"(?i:by|until|till|up\s+to|through)",
        r"(?i:on|dated)",
    )
)
_PERIOD_START = re.compile(r"(?i:\b(?:since|after|following|from|starting)\b)")
_CUMULATIVE = re.compile(
    r"(?i:\b(?:since|to\s+date|so\s+far|thus\s+far|in\s+total|altogether|to\s+this\s+day)\b)"
)
_END_OF = re.compile(
    r"(?i:\b(?:by|at|as\s+of|as\s+at|until)\s+the\s+end\s+of\s+)"
    r"(?:(?i:(?P<last>last|the\s+last|the\s+previous)\s+(?P<unit>week|month|year))"
    + "|" + _MONTH.format("m") + r"(?:\s+" + _YEAR.format("y") + ")?"
    + "|" + _YEAR.format("yo") + ")"
)
_MONTH_PERIOD = re.compile(
    r"(?i:\b(?:in|during|throughout|for|over|of|as\s+of|as\s+at|by|until)\s+)"
    r"(?i:the\s+(?:month|(?:first|second|third|last|final)\s+(?:week|half|fortnight))\s+of\s+)?"
    + _MONTH.format("m") + r"(?:\s+" + _YEAR.format("y") + r")?(?!\s*\d)"
)
_FUTURE = re.compile(
    r"(?i:\b(?:will|shall|would|next|upcoming|expires?|due\s+to|scheduled|planned|going\s+to)\b)"
)
_YEAR_PERIOD = re.compile(
    r"(?i:\b(?:in|during|throughout|over|for|as\s+of)\s+)" + _YEAR.format("y") + r"(?![-–/]\d)"
)


def make_date(year: int, month: int, day: int) -> date | None:
    """A date, or None for impossible ones such as 30 February (never raises)."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def month_end(year: int, month: int) -> date | None:
    """Last day of a month: the day a monthly count is complete."""
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def calendar_date_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of day-level dates, so their digits are never read as counts."""
    return [m.span() for m in CALENDAR_DATE.finditer(text)]


def _date_from_match(match: re.Match[str], doc_date: date | None) -> date | None:
    """The day a CALENDAR_DATE match names; a missing year comes from the document date."""
    parts = match.groupdict()
    for suffix in ("1", "2", "3", "4"):
        month_text = parts.get(f"m{suffix}")
        if month_text is None:
            continue
        month = MONTHS[month_text] if not month_text.isdigit() else int(month_text)
        day_text = parts.get(f"d{suffix}b") or parts[f"d{suffix}"]
        year_text = parts.get(f"y{suffix}")
        return _with_year(int(year_text) if year_text else None, month, int(day_text), doc_date)
    return None


def _with_year(year: int | None, month: int, day: int, doc_date: date | None) -> date | None:
    """Complete a date; without a year, the latest such day not after the document date."""
    if year is not None:
        return make_date(year, month, day)
    if doc_date is None:
        return None
    candidate = make_date(doc_date.year, month, day)
    if candidate is not None and candidate > doc_date:
        candidate = make_date(doc_date.year - 1, month, day)
    return candidate


def _cued_date(sentence: str, doc_date: date | None) -> date | None:
    """Rule 1: the first date after the strongest cue ('as of' > 'by' > 'on')."""
    for pattern in _CUED_DATES:
        for match in pattern.finditer(sentence):
            if _starts_period(sentence, match.start()):
                continue
            resolved = _date_from_match(match, doc_date)
            if resolved is not None:
                return resolved
    return None


def _starts_period(sentence: str, position: int) -> bool:
    """True for 'since/after the election on 9 August': that date opens a period."""
    before = sentence[max(0, position - 40) : position]
    return bool(_PERIOD_START.search(" ".join(before.split()[-4:])))


def _end_of_period(sentence: str, doc_date: date | None) -> date | None:
    """Rule 2: 'by the end of 2023', '... of August 2024', '... of last week'."""
    match = _END_OF.search(sentence)
    if match is None:
        return None
    if match.group("unit"):
        return _end_of_last(match.group("unit").lower(), doc_date)
    if match.group("yo"):
        return make_date(int(match.group("yo")), 12, 31)
    year = int(match.group("y")) if match.group("y") else None
    return _month_period_end(MONTHS[match.group("m")], year, doc_date)


def _end_of_last(unit: str, doc_date: date | None) -> date | None:
    """Last day of the week, month or year before the document date."""
    if doc_date is None:
        return None
    if unit == "week":
        return doc_date - timedelta(days=doc_date.weekday() + 1)
    if unit == "month":
        return doc_date.replace(day=1) - timedelta(days=1)
    return make_date(doc_date.year - 1, 12, 31)


def _month_period_end(month: int, year: int | None, doc_date: date | None) -> date | None:
    """Rule 4: end of a named month, never after the document date."""
    if year is None:
        if doc_date is None:
            return None
        year = doc_date.year if month <= doc_date.month else doc_date.year - 1
    end = month_end(year, month)
    if end is None or doc_date is None or end <= doc_date:
        return end
    return doc_date if end.replace(day=1) <= doc_date else None


def _month_period(sentence: str, doc_date: date | None) -> date | None:
    """Rule 4 over the sentence: a month that is not part of a day-level date."""
    taken = calendar_date_spans(sentence)
    for match in _MONTH_PERIOD.finditer(sentence):
        start = match.start("m")
        if any(a <= start < b for a, b in taken):
            continue
        month, year = MONTHS[match.group("m")], int(match.group("y") or 0) or None
        if year is None and doc_date and month > doc_date.month and _FUTURE.search(sentence):
            return None  # "when his term expires in November": ahead, not last year
        return _month_period_end(month, year, doc_date)
    return None


def _year_period(sentence: str, doc_date: date | None) -> date | None:
    """Rule 5: a calendar year that is over, or the running year up to the document date."""
    match = _YEAR_PERIOD.search(sentence)
    if match is None:
        return None
    year = int(match.group("y"))
    if doc_date is None or year < doc_date.year:
        return make_date(year, 12, 31)
    return doc_date if year == doc_date.year else None


def resolve_as_of(sentence: str, doc_date: date | None) -> date | None:
    """The day a sentence's counts refer to, or None when only the document date applies."""
    if not isinstance(sentence, str) or not sentence.strip():
        return None
    explicit = _cued_date(sentence, doc_date) or _end_of_period(sentence, doc_date)
    if explicit is not None:
        return explicit
    if _CUMULATIVE.search(sentence):
        return None
    return _month_period(sentence, doc_date) or _year_period(sentence, doc_date)
