"""Numeric expressions: formats that must parse and numbers that are not levels."""

import pytest

from extractors.numbers import (
    PERCENT,
    find_quantities,
    mask_non_quantities,
    normalise_qualifier,
    parse_number,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "value", "value_high", "unit"),
    [
        ("1,372", 1372, None, None),
        ("1 372", 1372, None, None),
        ("1\u00a0372", 1372, None, None),  # no-break space
        ("1\u202f372", 1372, None, None),  # narrow no-break space
        ("1\u2009372", 1372, None, None),  # thin space
        ("1,372,000", 1_372_000, None, None),
        ("19 thousand", 19_000, None, None),
        ("19,000", 19_000, None, None),
        ("19k", 19_000, None, None),
        ("1.2 million", 1_200_000, None, None),
        ("2 mln", 2_000_000, None, None),
        ("80.1%", 80.1, None, PERCENT),
        ("80.1 per cent", 80.1, None, PERCENT),
        ("80 percent", 80, None, PERCENT),
        ("80 per-cent", 80, None, PERCENT),
        ("5-12%", 5, 12, PERCENT),
        ("5–12 per cent", 5, 12, PERCENT),
        ("5% to 12%", 5, 12, PERCENT),
        ("between 5 and 12 percent", 5, 12, PERCENT),
        ("between 100,000 and 200,000", 100_000, 200_000, None),
        ("from 300 to 500", 300, 500, None),
        ("1-2 million", 1_000_000, 2_000_000, None),
        ("between 100 and 200 thousand", 100_000, 200_000, None),
        ("two or three", 2, 3, None),
        ("two", 2, None, None),
        ("Twelve", 12, None, None),
        ("twenty", 20, None, None),
        ("twenty-five", 25, None, None),
        ("ninety", 90, None, None),
        ("a hundred", 100, None, None),
        ("one hundred", 100, None, None),
        ("two thousand", 2_000, None, None),
    ],
)
def test_formats_parse(text, value, value_high, unit):
    quantity = parse_quantity(text)
    assert quantity is not None
    assert (quantity.value, quantity.value_high, quantity.unit) == (value, value_high, unit)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("nearly 1,400", "nearly"),
        ("almost 1,400", "nearly"),
        ("close to 1,400", "nearly"),
        ("just under 1,400", "nearly"),
        ("about 20%", "about"),
        ("around 20%", "about"),
        ("roughly 300", "about"),
        ("approximately 300", "about"),
        ("some 400", "about"),
        ("an estimated 400", "about"),
        ("over 50", "more than"),
        ("more than 50", "more than"),
        ("well over 50", "more than"),
        ("above 70%", "more than"),
        ("at least 170", "at least"),
        ("no fewer than 20", "at least"),
        ("1,000+", "at least"),
        ("up to 400,000", "up to"),
        ("as many as 400,000", "up to"),
        ("less than 10%", "less than"),
        ("fewer than 30", "less than"),
        ("a mere 10 per cent", None),
        ("only 15", None),
        ("1,372", None),
    ],
)
def test_qualifiers_normalise(text, qualifier):
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.qualifier == qualifier


@pytest.mark.parametrize(
    "sentence",
    [
        "The vote that started it all took place in 2020.",
        "The protests of 2013-2014 in Kyiv looked very different.",
        "A 19-year-old student was among them.",
        "The teacher, aged 45, lost her job.",
        "He was sentenced to 15 years.",
        "She has already spent 10 years in prison.",
        "He has ruled for 26 years and plans a 27th.",
        "Internet access was cut for 72 hours.",
        "The August 9th vote was neither free nor fair.",
        "Voting ended on 26 August.",
        "Ballots were counted on Aug. 27, 2020.",
        "The lawyers invoked Article 2 (7) of the UN Charter.",
        "He was sent to Penal Colony No. 3 near the border.",
        "Each fine reached $5,000.",
        "The state bank lost 5 million euros.",
        "Relatives can call +375 29 123-45-67 for news.",
        "1. Keep the pressure on the regime.",
        "The COVID-19 pandemic was ignored at first.",
        "The paper appeared as issue 8/2020 of the series.",
        "Its ISBN is 978-83-66413-22-1.",
        "The 1990s were a decade of hope.",
        "Hundreds of people were beaten and thousands fled.",
        "Dozens of journalists lost their accreditation.",
        "One of the organisers escaped abroad.",
        "No one was held to account.",
        "The count increased by 80 percent in a year.",
        "It will hit output by 5-12%.",
        "Defenders recognised 31 more people as prisoners.",
        "Another 40 names were added.",
        "There was a 30% increase in the caseload.",
        "The ruling party lost 5 percentage points.",
        "Two-thirds of voters stayed at home.",
        "The real figure may be three times higher.",
        "The march began at 10:30 am.",
        "Only 80,1 could be read from the scan.",
        "Six of the detained were later charged.",
    ],
)
def test_distractors_are_not_quantities(sentence):
    assert find_quantities(sentence) == []


def test_offsets_point_at_number_and_qualifier():
    sentence = "At least 37,000 Belarusians faced charges."
    (quantity,) = find_quantities(sentence)
    assert sentence[quantity.start : quantity.start + 6] == "37,000"
    assert quantity.span_start == 0
    assert quantity.text == "At least 37,000"


def test_several_quantities_in_reading_order():
    sentence = "Two people died, 80 vanished and 6,700 were held; about 20% approved."
    values = [q.value for q in find_quantities(sentence)]
    assert values == [2, 80, 6_700, 20]


def test_change_keeps_only_the_new_level():
    quantities = find_quantities("The total rose from 1,100 to 1,372 in a year.")
    assert [(q.value, q.value_high) for q in quantities] == [(1372, None)]


def test_range_text_includes_between():
    (quantity,) = find_quantities("Crowds of between 100,000 and 200,000 gathered.")
    assert quantity.text == "between 100,000 and 200,000"
    assert quantity.qualifier is None


def test_dash_between_unrelated_numbers_is_not_a_range():
    assert find_quantities("The 2020-21 season was cancelled.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,372", 1372), ("19k", 19_000), ("a hundred", 100), ("twenty five", 25), ("soon", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_normalise_qualifier_ignores_case_and_spacing():
    assert normalise_qualifier("More   Than") == "more than"
    assert normalise_qualifier("a mere") is None
    assert normalise_qualifier("unheard-of") is None


def test_mask_keeps_offsets():
    text = "On 26 August, call +375 29 123-45-67 about Article 342."
    masked = mask_non_quantities(text)
    assert len(masked) == len(text)
    assert not any(ch.isdigit() for ch in masked)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a quarter of a million people", 250_000),
        ("half a million people", 500_000),
        ("three quarters of a million", 750_000),
    ],
)
def test_fractions_of_scales(text, value):
    quantity = parse_quantity(text)
    assert quantity is not None and quantity.value == value


def test_increments_are_kept_only_on_request():
    assert find_quantities("Another 37 were released.") == []
    (quantity,) = find_quantities("Another 37 were released.", increments=True)
    assert quantity.value == 37 and quantity.increment
