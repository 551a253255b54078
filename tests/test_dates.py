"""As-of dates: which day a figure in a sentence refers to."""

from datetime import date

import pytest

from extractors.dates import calendar_date_spans, make_date, month_end, resolve_as_of

DOC = date(2024, 8, 28)  # a Wednesday


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("As of August 26, Viasna listed the prisoners by name.", date(2024, 8, 26)),
        ("As of 26 August, the list kept growing.", date(2024, 8, 26)),
        ("The tally as of 26 August 2023 was lower.", date(2023, 8, 26)),
        ("As of September 3, the tally was lower.", date(2023, 9, 3)),
        ("As at 26.08.2024 the register was updated.", date(2024, 8, 26)),
        ("On 1 October 2025 the centre published new numbers.", date(2025, 10, 1)),
        ("On Aug. 27, 2020, the agency reported the move.", date(2020, 8, 27)),
        ("On August 21-23 another group was recognised.", date(2024, 8, 23)),
        ("By 3 May the count had doubled.", date(2024, 5, 3)),
        ("By the end of 2023, many had already left.", date(2023, 12, 31)),
        ("By the end of March 2024 the courts were overloaded.", date(2024, 3, 31)),
        ("By the end of last week, the toll had risen.", date(2024, 8, 25)),
        ("By the end of last month, the register was longer.", date(2024, 7, 31)),
        ("In July alone, the courts handed down many verdicts.", date(2024, 7, 31)),
        ("During the last week of July alone, many groups were shut.", date(2024, 7, 31)),
        ("In August alone the courts were busy.", DOC),
        ("In November alone the courts were busy.", date(2023, 11, 30)),
        ("In July 2021 the courts were busy.", date(2021, 7, 31)),
        ("In 2021, the courts were busy.", date(2021, 12, 31)),
        ("In 2024, the courts stayed busy.", DOC),
        ("In 2026 the courts may be busier.", None),
        ("Since 2020, the courts have been busy.", None),
        ("To date the courts have heard thousands of cases.", None),
        ("Since the vote on 9 August 2020 the courts have been busy.", None),
        ("The 9 August 2020 vote was rigged.", None),
        ("The courts are busy.", None),
        ("As of February 30, nothing happened.", None),
        ("", None),
    ],
)
def test_resolve_as_of(sentence, expected):
    assert resolve_as_of(sentence, DOC) == expected


def test_future_month_is_not_read_as_last_year():
    sentence = "When his term expires in November, he will lose recognition."
    assert resolve_as_of(sentence, date(2020, 10, 1)) is None


def test_later_month_without_future_means_last_year():
    assert resolve_as_of("In November alone, 90 were held.", date(2020, 10, 1)) == date(
        2019, 11, 30
    )


def test_last_week_ends_on_the_previous_sunday():
    assert resolve_as_of("By the end of last week, two had died.", date(2020, 8, 18)) == date(
        2020, 8, 16
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In 2021 the courts were busy.", date(2021, 12, 31)),
        ("On 1 October 2025 the centre reported.", date(2025, 10, 1)),
        ("As of August 26 the list grew.", None),
        ("In July alone the courts were busy.", None),
        ("By the end of last week, two had died.", None),
    ],
)
def test_without_document_date(sentence, expected):
    assert resolve_as_of(sentence, None) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "as of 99 August",
        "as of Feb 29 2023",
        "On 31 April 2024 nothing",
        "by the end of 0000",
        "in July 9999",
        "As of 00.13.2024",
        "((((",
        "August August August 2020-2021",
    ],
)
def test_odd_input_never_raises(sentence):
    result = resolve_as_of(sentence, DOC)
    assert result is None or isinstance(result, date)


def test_leap_day_is_valid_only_in_leap_years():
    assert resolve_as_of("As of Feb 29 2024 the list grew.", DOC) == date(2024, 2, 29)
    assert resolve_as_of("As of Feb 29 2023 the list grew.", DOC) is None


def test_helpers():
    assert make_date(2023, 2, 30) is None
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2024, 13) is None
    text = "Between 21-23 August and on 9 September 2020 it grew."
    assert [text[a:b] for a, b in calendar_date_spans(text)] == ["21-23 August", "9 September 2020"]
