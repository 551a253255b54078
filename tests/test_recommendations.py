"""Recommendation and actor detection on sentences written for these tests."""

import pytest

from extractors.recommendations import find_actor, find_recommendations, is_recommendation


@pytest.mark.parametrize(
    "sentence",
    [
        "The EU should widen its listings to cover the judges who hand down political verdicts.",
        "Washington must keep its embassy staff in contact with exiled opposition leaders.",
        "Donors need to fund relocation grants for journalists who flee the country.",
        "We call on the OSCE to send a monitoring mission to the border areas.",
        "It is essential that Western capitals coordinate their sanctions lists.",
    ],
)
def test_prescriptive_sentences_are_recommendations(sentence: str) -> None:
    assert is_recommendation(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The regime detained hundreds of people in the first week of protests.",
        "Should the West talk to Minsk at all?",
        "The envoys should have been summoned much earlier, critics said.",
    ],
)
def test_descriptive_sentences_are_not(sentence: str) -> None:
    assert not is_recommendation(sentence)


def test_imperative_list_items_count_only_in_lists() -> None:
    item = "Maintain and expand listings of officials who run the prisons."
    assert is_recommendation(item, in_list=True)
    assert not is_recommendation(item, in_list=False)


def test_items_under_a_prescribing_lead_in_count() -> None:
    found = find_recommendations(["A large fund for the families of detainees;"], True, True)
    assert len(found) == 1


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("The European Union should freeze the assets of state banks.", "EU"),
        ("In our view the United States should return an ambassador to Minsk.", "US"),
        ("Western governments must not recognise the result.", "the West"),
        ("The international community should keep Belarus on the agenda.",
         "international community"),
        ("Belarusians should keep organising peacefully.", "Belarusians"),
        ("Sanctions should hit the potash sector.", None),
    ],
)
def test_actor(sentence: str, actor: str | None) -> None:
    assert find_actor(sentence) == actor
