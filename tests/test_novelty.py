"""Claim novelty: paraphrases are known; another number, date, actor or stance is news."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.novelty import ClaimIndex, is_negative, numbers_in

KNOWN = [
    ("k1", "Rights groups list 1,372 people as political prisoners in Belarus on August 26."),
    ("k2", "Brussels and Washington said they would not accept the outcome of the vote."),
    ("k3", "Moscow formed a standby police force in August 2020 because Lukashenko asked."),
    ("k4", "After the vote the authorities cut off the internet for over 72 hours."),
    ("k5", "Polls put his rating near 20%, while the opposition enjoys above 70%."),
]
DATES = {"k1": date(2024, 8, 28), "k3": date(2020, 8, 31)}


@pytest.fixture(scope="module")
def index(catalog) -> ClaimIndex:  # noqa: ANN001
    return ClaimIndex(KNOWN, catalog.aliases, DATES)


@pytest.mark.parametrize(
    ("text", "nearest"),
    [
        ("Rights defenders counted 1,372 political prisoners in Belarus as of 26 August 2024.",
         "k1"),
        ("The EU and the US refused to recognise the official election result.", "k2"),
        ("Internet access was cut for more than three days after polling day.", "k4"),
        ("Lukashenka's approval is around a fifth, while seven in ten back the opposition.", "k5"),
    ],
)
def test_paraphrases_are_not_novel(index: ClaimIndex, text: str, nearest: str) -> None:
    judgement = index.judge(text)
    assert not judgement.novel, judgement
    assert judgement.nearest_id == nearest and judgement.similarity > 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("As of 26 August 2024 there were 2,372 political prisoners in Belarus.", "number"),
        ("As of 26 August 2022 there were 1,372 political prisoners in Belarus.", "year"),
        ("Kazakhstan formed a standby police force in August 2020 because Lukashenka asked.",
         "actor"),
        ("The EU and the US accepted the outcome of the vote as legitimate.", "opposite"),
        ("The internet shutdown after the vote lasted two full weeks.", "number"),
    ],
)
def test_changed_facts_are_novel(index: ClaimIndex, text: str, reason: str) -> None:
    judgement = index.judge(text)
    assert judgement.novel and reason in judgement.reason, judgement


def test_unrelated_claims_are_novel(index: ClaimIndex) -> None:
    judgement = index.judge("Hungary blocked a statement on Belarusian potash exports in 2024.")
    assert judgement.novel


def test_empty_index_finds_everything_novel(catalog) -> None:  # noqa: ANN001
    judgement = ClaimIndex([], catalog.aliases).judge("Anything at all was said here.")
    assert judgement.novel and judgement.nearest_id is None


def test_numbers_cover_words_fractions_ranges_and_durations() -> None:
    assert numbers_in("over nineteen thousand cases") == (19000.0,)
    assert numbers_in("a fifth of voters and seven in ten others") == (20.0, 70.0)
    assert numbers_in("between one hundred and two hundred thousand people") == (
        100000.0, 200000.0)
    assert numbers_in("it lasted three days") == (72.0,)
    assert numbers_in("on 26 august 2024 one of them left") == ()


def test_polarity() -> None:
    assert is_negative("the eu does not recognise the result")
    assert not is_negative("no fewer than 37,000 people were prosecuted")
    assert not is_negative("not only the police but also the army")


@pytest.fixture(scope="module")
def stance_index(catalog) -> ClaimIndex:  # noqa: ANN001
    known = [
        ("s1", "The European Union turned out to be unprepared for the protests."),
        ("s2", "The repressions in the country are not easing but intensifying."),
        ("s3", "A crowd of 200,000 marched through the capital on 16 August."),
        ("s4", "The regime's growing dependence on the Kremlin worries its neighbours."),
    ]
    return ClaimIndex(known, catalog.aliases)


@pytest.mark.parametrize(
    ("text", "novel"),
    [
        ("The European Union was caught unprepared by the protests.", False),
        ("The European Union was well prepared for the protests.", True),
        ("Repression in the country is not easing; it keeps intensifying.", False),
        ("Repression in the country is easing.", True),
        ("Some 200,000 people marched through the capital on 16 August.", False),
        ("Some 200,000 people marched through the capital on 23 August.", True),
        ("The regime has become less dependent on the Kremlin.", True),
    ],
)
def test_stance_and_dates(stance_index: ClaimIndex, text: str, novel: bool) -> None:
    assert stance_index.judge(text).novel is novel


def test_facts_kept_beside_the_warehouse_give_the_same_judgements(catalog, tmp_path) -> None:  # noqa: ANN001
    from warehouse import claim_facts

    db = tmp_path / "w.duckdb"
    first = ClaimIndex(KNOWN, catalog.aliases, DATES)
    claim_facts.save(db, "key-1", first.parsed())
    parsed = claim_facts.load(db, "key-1")
    assert len(parsed) == len(KNOWN)
    again = ClaimIndex(KNOWN, catalog.aliases, DATES, parsed=parsed)
    claims = ["Rights defenders counted 1,372 political prisoners in Belarus on 26 August.",
              "Polls put his rating near 30%, while the opposition enjoys above 70%."]
    assert [again.judge(c) for c in claims] == [first.judge(c) for c in claims]
    assert claim_facts.load(db, "another parser version") == {}


def test_an_unreadable_facts_file_is_only_a_cache_miss(tmp_path) -> None:  # noqa: ANN001
    from warehouse import claim_facts

    db = tmp_path / "w.duckdb"
    claim_facts.cache_path(db).write_bytes(b"not a pickle at all")
    assert claim_facts.load(db, "key") == {}
    assert claim_facts.load(tmp_path / "missing.duckdb", "key") == {}


def test_facts_parsed_elsewhere_are_used_not_parsed_again(catalog) -> None:  # noqa: ANN001
    """The analysis workers parse a batch's claims; the index judges with their facts."""
    from extractors.novelty import ClaimParser

    index = ClaimIndex(KNOWN, catalog.aliases, DATES)
    sentence = "Rights defenders counted 1,372 political prisoners in Belarus on 26 August."
    published = date(2024, 8, 28)
    parsed = ClaimParser(catalog.aliases).facts(sentence, published)
    assert parsed == index.facts(sentence, published)
    changed = ClaimParser(catalog.aliases).facts(sentence.replace("1,372", "1,500"), published)
    index.remember({(sentence, published): changed})
    assert index.judge(sentence, published).novel  # judged with the remembered facts
    assert ClaimIndex(KNOWN, catalog.aliases, DATES).judge(sentence, published).novel is False
