"""Numeric expressions in English prose: counts, percentages, ranges and their hedges.

``find_quantities`` returns the levels a sentence states ("1,372", "about 20%", "between
100,000 and 200,000") and leaves out numbers that are not levels: years, calendar dates,
ordinals, ages, durations and sentence lengths, money, article and list numbers, phone
numbers, changes ("rose by 80 percent", "31 more", "from 1,100 to ...") and subsets ("six of
the detained"; a percentage "of the vote" is kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from extractors.dates import calendar_date_spans

PERCENT = "percent"

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {
    "hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "mln": 1_000_000,
    "billion": 1_000_000_000, "bn": 1_000_000_000,
}

# Qualifier wording -> the normalised hedge; None marks wording that leaves a figure exact.
QUALIFIERS = {
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "just shy of": "nearly", "about": "about", "around": "about", "roughly": "about",
    "approximately": "about", "approx.": "about", "some": "about", "circa": "about",
    "an estimated": "about", "estimated": "about", "~": "about",
    "over": "more than", "more than": "more than", "above": "more than",
    "in excess of": "more than", "upwards of": "more than", "well over": "more than",
    "just over": "more than", "exceeding": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "not less than": "at least", "a minimum of": "at least",
    "up to": "up to", "as many as": "up to", "at most": "up to", "no more than": "up to",
    "not more than": "up to", "a maximum of": "up to",
    "less than": "less than", "fewer than": "less than", "under": "less than",
    "below": "less than",
    "a mere": None, "only": None, "just": None, "exactly": None, "precisely": None,
    "a total of": None,
}

_SEP = r"(?:,|[ \u00a0\u202f\u2009])"
_DIGITS = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?:\.\d+)?(?![.,]?\d)|\d+(?:\.\d+)?(?![.,]?\d)"
_WORD = (
    "(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + ")"
    + "(?:[- ](?:" + "|".join(k for k in _UNITS if _UNITS[k] and _UNITS[k] < 10) + "))?"
    + "|" + "|".join(sorted(_UNITS, key=len, reverse=True))
)
_SCALE_WORD = r"(?:hundred|thousand|million|billion|mln|bn)"
NUMBER = re.compile(
    r"(?<![^\W\d_][-–])(?<![\w.,/#№$€£@])(?:"
    rf"(?P<digits>{_DIGITS})(?P<dscale>(?i:\s+{_SCALE_WORD}\b|k\b|bn\b|mln\b))?(?![\w])"
    rf"|(?i:(?P<word>{_WORD})(?P<wscale>\s+{_SCALE_WORD}\b)?(?![\w-]))"
    rf"|(?i:(?P<article>an?)(?P<ascale>\s+(?:hundred|thousand|million)\b)(?![\w-]))"
    ")"
)
_PERCENT_SUFFIX = re.compile(r"\s*(?:%|(?i:per[\s-]?cent|percent|pct)\b)")
_RANGE_DASH = re.compile(r"\s*[-–—]\s*|\s+to\s+|\s+or\s+")
_RANGE_AND = re.compile(r"\s+and\s+")
_RANGE_OPENER = re.compile(r"(?i:\b(?:between|from))\s*$")
_QUALIFIER_BEFORE = re.compile(
    r"(?i:(?<![\w])(?P<q>"
    + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))
    + r"))\s*$"
)

_MASKS = (
    re.compile(r"(?m)^\s*(?:[-*•#>]+\s*)?\(?\d{1,2}[.)](?=\s)"),  # list numbering
    re.compile(r"\+\d[\d \-().]{6,}\d|\(\d{2,5}\)\s?\d{2,4}[ -]\d{2,4}(?:[ -]\d{2,4})?"),  # phones
    re.compile(r"\b\d+(?:[-/]\d+){2,}\b|\b\d+/\d+\b"),  # ISBN-like codes, issue numbers
    re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?i:[ap]\.?m\b\.?)|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?(?i:[ap]\.m\.)"),
    re.compile(r"\[\d+\]"),  # footnote markers
    re.compile(  # legal and facility references: "Article 2 (7)", "Colony No. 3", "Part 2"
        r"(?:(?i:\b(?:articles?|paragraphs?|part|section|chapter|clause|annex|resolution|"
        r"decree|protocol|page|volume)\b|\b(?:art|para|nos?|pp?|fig|vol)\.)"
        r"|\b(?:Colony|Prison|Centre|Center|Parts|Table|Figure|Item|Point|Issue|Number)\b(?:\s+No\.)?"
        r"|[№#])"
        r"\s*\d+[a-z.]*(?:\s*\(\d+\))*"
        r"(?:\s*(?:,|and|or|-|–)\s*\d+[a-z.]*(?:\s*\(\d+\))*(?=\s*(?:[,;.)(]|of\b|$)))*"
    ),
)

_NOT_LEVEL_AFTER = re.compile(
    r"(?i:\s*[-–]?\s*(?:years?|yrs?|months?|weeks?|days?|hours?|minutes?|seconds?|"
    r"decades?|centuries|year-old|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|kg|"
    r"kilograms?|tonnes?|tons?|hectares?|degrees?|dollars?|euros?|usd|eur|byn|rubles?|"
    r"roubles?|pounds?|zlot(?:y|ys|ych)|percentage\s+points?|p\.p\.|more|new|additional|"
    r"further|extra|increase|rise|jump|drop|fall|decline|growth|times|fold|-fold)\b|\s*[$€£₽°])"
)
_NOT_LEVEL_BEFORE = re.compile(
    r"(?i:(?:\b(?:aged?|ages|age\s+of|usd|eur|byn|rub|gbp)|[$€£₽])\s*$)"
)
# "another 37 were released": an increment, a count of events but not the level of a stock.
_INCREMENT_BEFORE = re.compile(r"(?i:\b(?:another|a\s+further|an\s+additional|an\s+extra)\s*$)")
# "a quarter of a million", "half a million", "three quarters of a billion"
_FRACTION_SCALE = re.compile(
    r"(?i:(?<![\w-])(?P<fraction>(?:a|one)\s+quarter|(?:a|one)\s+third|three\s+quarters|"
    r"two\s+thirds|(?:a|one)\s+half|half)\s+(?:of\s+)?(?:a|an|one)\s+"
    r"(?P<scale>thousand|million|billion)\b)"
)
_FRACTIONS = {"quarter": 0.25, "third": 1 / 3, "three quarters": 0.75, "two thirds": 2 / 3,
              "half": 0.5}
_CHANGE_VERB = (
    r"(?:increased?|increasing|rose|risen|rise|rising|grew|grown|grow|fell|fallen|fall|dropped|"
    r"drop|decreased?|declined?|jumped|climbed|shrank|shrunk|shrink|hit|cut|reduced?|went\s+up|"
    r"went\s+down|up|down|higher|lower)"
)
_CHANGE_BY = re.compile(rf"(?i:\b{_CHANGE_VERB}\b(?:\s+[\w'’]+){{0,3}}?\s+by)\s*$")
_CHANGE_FROM = re.compile(rf"(?i:\b{_CHANGE_VERB}\b(?:\s+[\w'’]+){{0,3}}?\s+from)\s*$")
_PARTITIVE = re.compile(r"(?i:\s+of\s+(?:the|them|those|these|whom|us|its|their)\b)")
_ONE_IDIOM_AFTER = re.compile(r"(?i:\s+(?:of|another|by|or|after|day|time|side|way|hand)\b)")
_ONE_IDIOM_BEFORE = re.compile(
    r"(?i:\b(?:no|any|every|each|the|this|that|which|some|someone|anyone|everyone)\s*$)"
)


@dataclass(frozen=True)
class Quantity:
    """A stated level with its range, unit and hedge, located in the sentence."""

    value: float
    value_high: float | None
    unit: str | None  # "percent", or None for a plain count
    qualifier: str | None  # nearly, about, more than, at least, up to, less than
    start: int  # offset of the first number
    end: int  # offset after the last number and its unit
    span_start: int  # offset of the qualifier or 'between' (of the number when there is none)
    text: str  # the sentence text from span_start to end
    increment: bool = False  # 'another 37': a count of new events, not the level of a stock


@dataclass(frozen=True)
class _Token:
    """One number before ranges and hedges are considered."""

    value: float
    start: int
    end: int
    scale: float  # 1 when no scale word ('thousand', 'k', 'million') follows
    plain: bool  # bare digits without grouping, decimals, scale or percent: maybe a year
    percent_end: int | None = None  # end of a following percent sign or word


def parse_number(text: str) -> float | None:
    """The value of one numeric expression ('1,372', '19k', '1.2 million', 'a hundred')."""
    match = NUMBER.fullmatch(text.strip())
    return _token(match).value if match else None


def normalise_qualifier(text: str) -> str | None:
    """The canonical hedge for qualifier wording; None for exact or unknown wording."""
    return QUALIFIERS.get(" ".join(text.lower().split()))


def mask_non_quantities(text: str) -> str:
    """The text with dates, codes, phone and article numbers blanked, offsets unchanged."""
    chars = list(text)
    spans = calendar_date_spans(text)
    for pattern in _MASKS:
        spans.extend(m.span() for m in pattern.finditer(text))
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _word_value(word: str) -> float:
    """Value of a number word such as 'twenty-five' or 'seven'."""
    parts = re.split(r"[-\s]+", word.lower())
    return float(sum(_TENS.get(p, _UNITS.get(p, 0)) for p in parts))


def _token(match: re.Match[str]) -> _Token:
    """Turn a NUMBER match into a token with its scaled value."""
    digits, word = match.group("digits"), match.group("word")
    scale_text = match.group("dscale") or match.group("wscale") or match.group("ascale")
    scale = float(_SCALES[scale_text.strip().lower()]) if scale_text else 1.0
    if digits is not None:
        value = float(re.sub(r"[,\s]", "", digits))
    else:
        value = _word_value(word) if word is not None else 1.0  # "a hundred"
    plain = digits is not None and digits.isdigit() and not scale_text
    return _Token(value * scale, match.start(), match.end(), scale, plain)


def _fraction_tokens(masked: str) -> tuple[list[_Token], str]:
    """'a quarter of a million' and the like as tokens; the text with them blanked."""
    tokens = []
    chars = list(masked)
    for match in _FRACTION_SCALE.finditer(masked):
        words = " ".join(match.group("fraction").lower().split())
        fraction = next(v for k, v in _FRACTIONS.items() if words.endswith(k))
        scale = float(_SCALES[match.group("scale").lower()])
        value = float(round(fraction * scale))
        tokens.append(_Token(value, match.start(), match.end(), scale, False))
        chars[match.start() : match.end()] = "\x00" * (match.end() - match.start())
    return tokens, "".join(chars)


def _tokens(masked: str) -> list[_Token]:
    """All numbers in the masked text, each with its percent suffix when present."""
    tokens, rest = _fraction_tokens(masked)
    matches = [_token(match) for match in NUMBER.finditer(rest)]
    found = []
    for token in sorted(tokens + matches, key=lambda t: t.start):
        suffix = _PERCENT_SUFFIX.match(masked, token.end)
        if suffix:
            token = replace(token, plain=False, percent_end=suffix.end())
        found.append(token)
    return found


def _range_partner(masked: str, low: _Token, high: _Token) -> bool:
    """True when two adjacent numbers form one range ('5-12%', 'between 5 and 12')."""
    between = masked[low.percent_end or low.end : high.start]
    before = masked[: low.start]
    if _RANGE_DASH.fullmatch(between):
        changed = _CHANGE_BY.search(before) or _CHANGE_FROM.search(before)
        return not (between.strip() == "to" and changed)
    return bool(_RANGE_AND.fullmatch(between)) and bool(re.search(r"(?i:\bbetween)\s*$", before))


def _range_values(low: _Token, high: _Token) -> tuple[float, float]:
    """Low and high of a range; in '1-2 million' the scale word serves both ends."""
    if low.scale == 1 and high.scale > 1 and low.value < high.value / high.scale:
        return low.value * high.scale, high.value
    return low.value, high.value


def _group(masked: str, tokens: list[_Token]) -> Iterator[tuple[_Token, _Token | None]]:
    """Pair tokens into ranges; a dash or 'to' between numbers that is no range drops both."""
    index = 0
    while index < len(tokens):
        low = tokens[index]
        high = tokens[index + 1] if index + 1 < len(tokens) else None
        if high is not None and _range_partner(masked, low, high):
            index += 2
            low_value, high_value = _range_values(low, high)
            if low_value < high_value:
                yield low, high
            continue
        index += 1
        yield low, None


def _qualifier(text: str, start: int, is_range: bool) -> tuple[str | None, int]:
    """The normalised hedge right before a number, and where its wording starts."""
    before = text[:start]
    match = _QUALIFIER_BEFORE.search(before)
    if match is not None:
        return normalise_qualifier(match.group("q")), match.start("q")
    opener = _RANGE_OPENER.search(before) if is_range else None
    return None, opener.start() if opener else start


def _is_level(text: str, masked: str, low: _Token, quantity: Quantity) -> bool:
    """False for years, ages, durations, money, changes and idioms such as 'one of'.

    Increments ('another 37') pass; the caller decides whether it wants them.
    """
    if low.plain and 1900 <= low.value <= 2100 and quantity.unit is None:
        return False
    before = masked[: quantity.span_start]
    if _NOT_LEVEL_AFTER.match(text, quantity.end) or _NOT_LEVEL_BEFORE.search(before):
        return False
    if _CHANGE_BY.search(before) or _CHANGE_FROM.search(before):
        return False
    if quantity.unit is None and _PARTITIVE.match(text, quantity.end):
        return False  # "six of the detained" is a subset, not a total
    if text[low.start : low.end].lower() == "one":
        return not (_ONE_IDIOM_AFTER.match(text, low.end) or _ONE_IDIOM_BEFORE.search(before))
    return True


def _quantity(text: str, low: _Token, high: _Token | None) -> Quantity:
    """Assemble the public record for one number or range."""
    last = high or low
    end = last.percent_end or last.end
    qualifier, span_start = _qualifier(text, low.start, high is not None)
    if text.startswith("+", end):
        end, qualifier = end + 1, qualifier or "at least"
    value, value_high = _range_values(low, high) if high else (low.value, None)
    percent = last.percent_end is not None or low.percent_end is not None
    return Quantity(
        value=value,
        value_high=value_high,
        unit=PERCENT if percent else None,
        qualifier=qualifier,
        start=low.start,
        end=end,
        span_start=span_start,
        text=text[span_start:end],
    )


def find_quantities(text: str, increments: bool = False) -> list[Quantity]:
    """Every stated level in a sentence, in order; distractor numbers are left out.

    With `increments`, numbers after 'another', 'a further' and the like are kept too,
    marked `increment=True` (they count events, such as releases, but are no level).
    """
    masked = mask_non_quantities(text)
    found = []
    for low, high in _group(masked, _tokens(masked)):
        quantity = _quantity(text, low, high)
        if not _is_level(text, masked, low, quantity):
            continue
        if _INCREMENT_BEFORE.search(masked[: quantity.span_start]):
            if not increments:
                continue
            quantity = replace(quantity, increment=True)
        found.append(quantity)
    return found


def parse_quantity(text: str) -> Quantity | None:
    """The first stated level in a short expression ('about 80.1%', '5–12 per cent')."""
    found = find_quantities(text)
    return found[0] if found else None
