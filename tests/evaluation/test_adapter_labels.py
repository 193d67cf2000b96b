"""The label table and edge rules shared by the spaCy and Hugging Face adapters (pure Python).

Sentences are written for these tests, not taken from the corpus.
"""
from __future__ import annotations

import pytest

from newsspans.evaluation.adapters.labels import (DEFAULT_IGNORED, LabelTable, date_core, entity_predictions,
                                                 has_numeral, label_table, number_parts)


def run(text: str, phrase: str, label: str, table: LabelTable | None = None) -> list[tuple[str, str, str | None]]:
    """Predictions for a model span covering `phrase`, as (text, label, num_kind) triples."""
    start = text.index(phrase)
    preds = entity_predictions(text, start, start + len(phrase), label, table or LabelTable())
    for p in preds:
        assert text[p["start"]:p["end"]] == p["text"]
    return [(p["text"], p["label"], p.get("num_kind")) for p in preds]


@pytest.mark.parametrize("label, expected", [
    ("PERSON", "PER"), ("GPE", "LOC"), ("LOC", "LOC"), ("FAC", "LOC"), ("ORG", "ORG"),
    ("PER", "PER"),  # CoNLL names map to themselves
])
def test_entity_labels_map_to_newsspans_labels(label, expected):
    assert run("Talks in Geneva ended.", "Geneva", label) == [("Geneva", expected, None)]


@pytest.mark.parametrize("label, kind", [("CARDINAL", "cardinal"), ("ORDINAL", "ordinal"), ("PERCENT", "percent"),
                                         ("MONEY", "money"), ("QUANTITY", "quantity")])
def test_number_labels_carry_their_kind(label, kind):
    assert run("It rose by 12 units.", "12", label) == [("12", "NUM", kind)]


@pytest.mark.parametrize("label", sorted(DEFAULT_IGNORED))
def test_labels_without_counterpart_are_dropped(label):
    assert run("The Danish delegation left.", "Danish", label) == []


def test_unknown_label_is_passed_through_for_the_scorer_to_report():
    assert run("The Leopard tanks arrived.", "Leopard", "WEAPON") == [("Leopard", "WEAPON", None)]


def test_names_lose_leading_the_and_possessive():
    text = "The World Bank's report and the Netherlands' reply reached Brazil's capital."
    assert run(text, "The World Bank's", "ORG") == [("World Bank", "ORG", None)]
    assert run(text, "the Netherlands'", "GPE") == [("Netherlands", "LOC", None)]
    assert run(text, "Brazil's", "GPE") == [("Brazil", "LOC", None)]


def test_numbers_lose_approximators_and_keep_the_currency_sign():
    text = "Exports reached more than 4,500 tonnes, roughly $12bn or so, up to 7 percent of about 90 firms."
    assert run(text, "more than 4,500 tonnes", "QUANTITY") == [("4,500 tonnes", "NUM", "quantity")]
    # spaCy's tokenizer leaves "$" out of the MONEY entity "12bn"; the sign goes back in.
    assert run(text, "12bn or so", "MONEY") == [("$12bn", "NUM", "money")]
    assert run(text, "up to 7 percent", "PERCENT") == [("7 percent", "NUM", "percent")]
    assert run(text, "about 90", "CARDINAL") == [("90", "NUM", "cardinal")]


@pytest.mark.parametrize("phrase, expected", [
    ("Friday, March 3", ("March 3", "date")),
    ("the spring of 1989", ("1989", "date")),
    ("the past four months", ("four months", "duration")),
    ("nearly 90 days", ("90 days", "duration")),
    ("a 90-day", ("90-day", "duration")),
    ("two years ago", ("two years", "duration")),
    ("Friday", None), ("last spring", None), ("this week", None),
])
def test_dates_need_a_numeral_and_durations_are_numerals_with_units(phrase, expected):
    text = f"It happened {phrase} in the capital."
    got = run(text, phrase, "DATE")
    assert got == ([] if expected is None else [(expected[0], "NUM", expected[1])])


def test_clock_time_with_numeral_is_a_date_and_without_is_dropped():
    text = "The vote closed at 9 p.m. on Sunday night."
    assert run(text, "9 p.m.", "TIME") == [("9 p.m.", "NUM", "date")]
    assert run(text, "Sunday night", "TIME") == []


def test_hyphenated_duration_tagged_cardinal_becomes_duration():
    text = "a four-year plan and 12 weeks"
    assert run(text, "four-year", "CARDINAL") == [("four-year", "NUM", "duration")]
    assert run(text, "12 weeks", "QUANTITY") == [("12 weeks", "NUM", "duration")]


def test_vague_amounts_are_not_numbers():
    text = "Dozens of ships and thousands of people, worth millions of euros, almost half of them."
    assert run(text, "thousands", "CARDINAL") == []
    assert run(text, "millions of euros", "MONEY") == []
    assert run(text, "almost half", "CARDINAL") == []


def test_ranges_and_lists_of_numbers_are_split():
    text = "From 1998 to 2003 the count grew between eight and 15, or 20 percent and 35 percent."
    assert run(text, "From 1998 to 2003", "DATE") == [("1998", "NUM", "date"), ("2003", "NUM", "date")]
    assert run(text, "between eight and 15", "CARDINAL") == [("eight", "NUM", "cardinal"), ("15", "NUM", "cardinal")]
    assert run(text, "20 percent and 35 percent", "PERCENT") == [("20 percent", "NUM", "percent"),
                                                                 ("35 percent", "NUM", "percent")]


def test_one_number_in_words_is_not_split():
    text = "one hundred and twenty soldiers"
    assert number_parts(text, 0, len("one hundred and twenty")) == [(0, len("one hundred and twenty"))]


def test_helpers():
    assert has_numeral("twenty-one") and has_numeral("3.5") and not has_numeral("hundreds of")
    assert date_core("on Monday", 0, 9) is None


def test_label_map_overrides_and_drops():
    table = label_table({"B-ART": "ORG", "MONEY": "NUM:money", "PERSON": None, "NORP": "LOC"})
    assert table.target("B-ART") == ("ORG", None)
    assert table.target("PERSON") is None
    assert table.target("NORP") == ("LOC", None)  # an ignored label can be mapped back in
    with pytest.raises(ValueError, match="must be one of"):
        label_table({"X": "THING"})
    with pytest.raises(ValueError, match="must be one of"):
        label_table({"X": "NUM:weight"})
