"""Claim detection and fingerprints on sentences written for these tests."""

import pytest

from extractors.claims import claim_fingerprint, is_claim
from extractors.text import split_sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "Human rights defenders counted more than 1,100 political prisoners in October 2025.",
        "The regime has labelled dozens of independent media outlets as extremist.",
        "Russia deployed tactical nuclear weapons on Belarusian territory in 2023.",
        "The election was rigged according to independent observers from the Golos platform.",
    ],
)
def test_checkworthy_declaratives_are_claims(sentence: str) -> None:
    assert is_claim(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "What will the West do next?",
        "The EU should impose a new package of listings.",
        "I think it was a nice day.",
        "Thank you.",
        "The weather in the capital was mild and sunny all week long.",
    ],
)
def test_other_sentences_are_not(sentence: str) -> None:
    assert not is_claim(sentence)


def test_fingerprint_ignores_case_and_punctuation() -> None:
    a = claim_fingerprint("The regime holds 1,100 prisoners.")
    assert a == claim_fingerprint("the regime holds 1,100 prisoners")
    assert a != claim_fingerprint("The regime holds 1,200 prisoners.")


def test_sentence_splitter_keeps_abbreviations() -> None:
    text = "The U.S. Senate met on Aug. 5 to discuss it. Dr. Smith testified. It ended."
    assert split_sentences(text) == [
        "The U.S. Senate met on Aug. 5 to discuss it.",
        "Dr. Smith testified.",
        "It ended.",
    ]
