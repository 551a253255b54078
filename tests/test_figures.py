"""Figures for tracked metrics, on sentences written for these tests."""

import dataclasses
import tomllib
from datetime import date
from pathlib import Path

import pytest

from extractors.figures import Figure, MetricSpec, extract_figures, metrics_from_toml

METRICS_FILE = Path(__file__).resolve().parents[1] / "seeds" / "metrics.toml"
METRIC_IDS = {
    "political_prisoners", "detained", "prosecuted", "convicted", "criminal_cases", "killed",
    "missing", "released", "protesters", "ngos_liquidated", "journalists_imprisoned",
    "emigrated", "vote_share", "approval_rating", "sanctioned",
}
DOC = date(2024, 8, 28)


@pytest.fixture(scope="module")
def metrics() -> list[MetricSpec]:
    with METRICS_FILE.open("rb") as handle:
        return metrics_from_toml(tomllib.load(handle))


def only(sentence: str, metrics, doc_date: date | None = DOC) -> Figure:
    figures = extract_figures(sentence, metrics, doc_date)
    assert len(figures) == 1, figures
    return figures[0]


def test_metrics_file_has_exactly_the_tracked_ids(metrics):
    assert {m.id for m in metrics} == METRIC_IDS
    assert len(metrics) == len(METRIC_IDS)


def test_metrics_file_is_well_formed(metrics):
    for metric in metrics:
        assert metric.label and metric.description
        assert metric.unit in {"people", "organisations", "cases", "percent", "entities"}
        assert all(p == p.lower() and p.strip() == p for p in metric.phrases)
        assert metric.has_subject == (metric.id in {"vote_share", "approval_rating"})
        assert (metric.unit == "percent") == metric.has_subject


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "value_high", "qualifier"),
    [
        ("Viasna counted 1,372 political prisoners as of August 26.",
         "political_prisoners", 1372, None, None),
        ("Political prisoners numbered 1,150 at the start of autumn.",
         "political_prisoners", 1150, None, None),
        ("By then the number of political prisoners had reached 1,372.",
         "political_prisoners", 1372, None, None),
        ("Rights groups now list 1\u00a0372 prisoners of conscience.",
         "political_prisoners", 1372, None, None),
        ("Almost 1,400 recognised political prisoners are still held.",
         "political_prisoners", 1400, None, "nearly"),
        ("The number of political prisoners rose from 1,100 to 1,372 in a year.",
         "political_prisoners", 1372, None, None),
        ("According to rights groups, 37,000 people have been prosecuted since 2020.",
         "prosecuted", 37000, None, None),
        ("More than 50 journalists are behind bars, the press union says.",
         "journalists_imprisoned", 50, None, "more than"),
        ("Officials pardoned 30 political prisoners in a single week.",
         "released", 30, None, None),
        ("Some 30 political prisoners were released on Friday.",
         "released", 30, None, "about"),
        ('The recent "pardon" of 30 political prisoners made headlines.',
         "released", 30, None, None),
        ("Police detained 120 protesters outside the court.",
         "detained", 120, None, None),
        ("Nearly 7,000 arrests were recorded during the first week.",
         "detained", 7000, None, "nearly"),
        ("Two thousand detainees were crammed into the cells.",
         "detained", 2000, None, None),
        ("In July alone, courts convicted at least 170 people on political charges.",
         "convicted", 170, None, "at least"),
        ("More than 19 thousand criminal cases have been opened against critics.",
         "criminal_cases", 19000, None, "more than"),
        ("Two protesters were killed in the first days of the crackdown.",
         "killed", 2, None, None),
        ("Dozens of activists vanished, and at least 80 remain unaccounted for.",
         "missing", 80, None, "at least"),
        ("Between 100,000 and 200,000 demonstrators marched every Sunday.",
         "protesters", 100000, 200000, None),
        ("Up to 1.2 million people took to the streets across the country.",
         "protesters", 1200000, None, "up to"),
        ("Over 1,500 NGOs have been liquidated since the crackdown began.",
         "ngos_liquidated", 1500, None, "more than"),
        ("The EU has sanctioned 233 individuals over the repression.",
         "sanctioned", 233, None, None),
        ("By the end of 2023 more than 300,000 Belarusians had emigrated.",
         "emigrated", 300000, None, "more than"),
        ("Rights groups estimate that 19k people have fled the country.",
         "emigrated", 19000, None, None),
    ],
)
def test_counts(metrics, sentence, metric, value, value_high, qualifier):
    figure = only(sentence, metrics)
    assert (figure.metric, figure.value, figure.value_high, figure.qualifier) == (
        metric, value, value_high, qualifier,
    )
    assert figure.subject is None


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "value_high", "qualifier", "subject"),
    [
        ("The commission credited Lukashenka with 80.1% of the vote.",
         "vote_share", 80.1, None, None, "lukashenka"),
        ("Lukashenko claimed nearly 80 per cent of the vote for himself.",
         "vote_share", 80, None, "nearly", "lukashenka"),
        ("Tikhanovskaya would have taken roughly 60% of the votes in an honest count.",
         "vote_share", 60, None, "about", "tsikhanouskaya"),
        ("Lukashenko's approval rating of around 20% has not recovered.",
         "approval_rating", 20, None, "about", "lukashenka"),
        ("Only 20% support for Lukashenka was recorded in the Minsk poll.",
         "approval_rating", 20, None, None, "lukashenka"),
        ("Support for the opposition stood at 70 percent in the spring poll.",
         "approval_rating", 70, None, None, "opposition"),
        ("A survey found 5–12% support for Lukashenka among students.",
         "approval_rating", 5, 12, None, "lukashenka"),
    ],
)
def test_shares_with_subject(metrics, sentence, metric, value, value_high, qualifier, subject):
    figure = only(sentence, metrics)
    assert (figure.metric, figure.value, figure.value_high, figure.qualifier) == (
        metric, value, value_high, qualifier,
    )
    assert (figure.unit, figure.subject) == ("percent", subject)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officially Lukashenka took 80 per cent of the vote and Tsikhanouskaya "
         "a mere 10 per cent.",
         [("vote_share", 80, "lukashenka"), ("vote_share", 10, "tsikhanouskaya")]),
        ("Lukashenka's rating stands at about 20% while the opposition enjoys more than 70% "
         "support.",
         [("approval_rating", 20, "lukashenka"), ("approval_rating", 70, "opposition")]),
        ("Lukashenka's rating sits close to 20%, far behind the 70% approval enjoyed by the "
         "opposition.",
         [("approval_rating", 20, "lukashenka"), ("approval_rating", 70, "opposition")]),
    ],
)
def test_two_subjects_in_one_sentence(metrics, sentence, expected):
    figures = extract_figures(sentence, metrics, DOC)
    assert [(f.metric, f.value, f.subject) for f in figures] == expected


def test_several_metrics_in_one_sentence(metrics):
    sentence = "At least two people were killed, 80 went missing and 6,700 were detained."
    figures = extract_figures(sentence, metrics, DOC)
    assert [(f.metric, f.value) for f in figures] == [
        ("killed", 2), ("missing", 80), ("detained", 6700),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "A 19-year-old protester was sentenced to 15 years in a penal colony.",
        "He has spent 10 years in prison since he was detained in 2011.",
        "The 2020 presidential election was held on August 9th amid mass arrests.",
        "Protests began on 26 August and the detained were taken to Okrestina.",
        "Lawyers cited Article 2 (7) of the UN Charter when activists were detained.",
        "Sanctions could shrink Belarus's GDP by 5-12%, economists estimate.",
        "A 5-12% drop in output would hurt the regime more than any statement.",
        "Human rights defenders recognised 31 more people as political prisoners.",
        "The number of political prisoners grew by 80 percent in a year.",
        "Hundreds of protesters were detained in Minsk on Sunday.",
        "One of the political prisoners was released after five years.",
        "The activist, aged 45, was detained at the border.",
        "Eighty per cent of the political prisoners are men.",
        "Some 60% of Belarusians support closer ties with the EU.",
        "The hotline +375 17 222-33-44 took calls about detained students.",
        "1. Release all political prisoners without conditions.",
        "In 2020 protesters were detained all over the country.",
        "A fine of $5,000 was imposed on each detained journalist.",
        "Babaryka received a 14-year sentence in 2021.",
        "Internet access was cut for 72 hours while police arrested students.",
        "Independent estimates put the true count of political prisoners at two or three "
        "times that.",
        "Six of the detained were later charged.",
        "The COVID-19 crisis was ignored while political prisoners fell ill.",
    ],
)
def test_distractors_give_no_figures(metrics, sentence):
    assert extract_figures(sentence, metrics, DOC) == []


def test_explicit_as_of_date(metrics):
    sentence = "As of 26 August 2024, 1,372 political prisoners remained in custody."
    figure = only(sentence, metrics, date(2024, 9, 10))
    assert (figure.as_of, figure.as_of_explicit) == (date(2024, 8, 26), True)


def test_month_as_of_date(metrics):
    figure = only("Judges convicted no fewer than 170 people in July alone.", metrics)
    assert (figure.as_of, figure.as_of_explicit) == (date(2024, 7, 31), True)


def test_relative_as_of_date(metrics):
    sentence = "By the end of last week the crackdown had killed at least two men."
    figure = only(sentence, metrics, date(2020, 8, 18))
    assert (figure.as_of, figure.as_of_explicit) == (date(2020, 8, 16), True)


def test_cumulative_count_takes_document_date(metrics):
    figure = only("Since 2020 some 37,000 people have been prosecuted.", metrics)
    assert (figure.as_of, figure.as_of_explicit) == (DOC, False)


def test_no_dates_at_all(metrics):
    figure = only("Viasna counted 1,372 political prisoners.", metrics, None)
    assert (figure.as_of, figure.as_of_explicit) == (None, False)


def test_record_fields(metrics):
    sentence = "Viasna counted 1,372 political prisoners in its latest list."
    figure = only(sentence, metrics)
    assert figure.phrase == "1,372 political prisoners"
    assert figure.sentence == sentence
    assert sentence[figure.start :].startswith("1,372")
    assert figure.unit == "people"
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.value = 1  # type: ignore[misc]


def test_phrase_before_the_number(metrics):
    figure = only("The number of political prisoners reached 1,372 this week.", metrics)
    assert figure.phrase == "political prisoners reached 1,372"


def test_no_metrics_no_figures():
    assert extract_figures("Viasna counted 1,372 political prisoners.", [], DOC) == []


def test_metrics_from_toml_rejects_bad_entries():
    entry = {"id": "x", "label": "X", "unit": "furlongs", "phrases": ["x"]}
    with pytest.raises(ValueError):
        metrics_from_toml({"metric": [entry]})
    with pytest.raises(KeyError):
        metrics_from_toml({"metric": [{"id": "x", "label": "X", "unit": "people"}]})
    assert metrics_from_toml({}) == []


def test_custom_metric_spec():
    spec = MetricSpec("tanks", "Tanks", "entities", ("tanks",))
    figure = only("Satellite images show 40 tanks near the border.", [spec])
    assert (figure.metric, figure.value, figure.unit) == ("tanks", 40, "entities")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Brussels blacklisted twelve officials and four state companies.",
         [("sanctioned", 12, None), ("sanctioned", 4, None)]),
        ("Around 3,000 students and pensioners gathered in the square.",
         [("protesters", 3000, None)]),
        ("Half a million Belarusians have emigrated since 2020.",
         [("emigrated", 500000, None)]),
        ("A further 14 prisoners were pardoned on Friday.", [("released", 14, None)]),
        ("Fifty were released in May, bringing the total to 300.",
         [("released", 50, None), ("released", 300, None)]),
        ("Rights groups say 35 journalists remain in jail.",
         [("journalists_imprisoned", 35, None)]),
        ("Officially Syrankov won 4% of the vote.", [("vote_share", 4, "syrankov")]),
        ("The count gave Lukashenka 81%, against 5% for Ivan Petrovich.",
         [("vote_share", 81, "lukashenka"), ("vote_share", 5, "petrovich")]),
        ("A thousand detainees were freed overnight.", [("released", 1000, None)]),
        ("The authorities released and deported 14 prisoners.", [("released", 14, None)]),
        ("Some 33 journalists are held in Belarusian prisons.",
         [("journalists_imprisoned", 33, None)]),
        ("The election commission announced 79% for Lukashenka.",
         [("vote_share", 79, "lukashenka")]),
    ],
)
def test_parallel_and_looser_phrasings(metrics, sentence, expected):
    figures = extract_figures(sentence, metrics, DOC)
    assert [(f.metric, f.value, f.subject) for f in figures] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Another 25 people were recognised as political prisoners this month.",
        "Viasna listed 1,265 political prisoners in its January report.",
        "Some 1,100 political prisoners remain after the latest releases.",
    ],
)
def test_increments_and_stocks(metrics, sentence):
    assert [f.metric for f in extract_figures(sentence, metrics, DOC)] in (
        [], ["political_prisoners"],
    )
