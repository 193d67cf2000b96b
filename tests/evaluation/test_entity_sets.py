"""Document-level entity sets, worked by hand: naming rules, normalization, grouping by the
prediction's own canonical name, offset-free texts, per label, micro and macro, intervals."""
from __future__ import annotations

import pytest
from occurrences import occurrence

from newsspans.corpus.model import Document, Span
from newsspans.evaluation.predictions import Prediction
from newsspans.evaluation.scoring.entities import (count_entity_sets, gold_entities, name_entities, normalize_name,
                                                   pack_keys, predicted_entities, unpack_keys)
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score

TEXT = "The Bundesbank's chief Joachim Nagel met Nagel's staff in Frankfurt. Christine Lagarde stayed in Paris."


def at(part: str, nth: int = 0) -> tuple[int, int]:
    return occurrence(TEXT, part, nth)


def g(i: int, text: str, label: str, canonical: str, nth: int = 0) -> Span:
    return Span("d", f"T{i}", *at(text, nth), label, text, canonical=canonical)


GOLD = [g(0, "Bundesbank's", "ORG", "Deutsche Bundesbank"), g(1, "Joachim Nagel", "PER", "Joachim Nagel"),
        g(2, "Nagel's", "PER", "Joachim Nagel"), g(3, "Frankfurt", "LOC", "Frankfurt am Main"),
        g(4, "Christine Lagarde", "PER", "Christine Lagarde"), g(5, "Paris", "LOC", "Paris")]
DOC = Document("d", "t", TEXT)


def test_normalization():
    assert normalize_name("The  Bundesbank's") == "bundesbank"
    assert normalize_name("Reuters'") == "reuters"
    assert normalize_name("  the\tEuropean\nCentral Bank ") == "european central bank"
    assert normalize_name("Theresa May") == "theresa may"  # only a separate word "the" goes


def test_naming_rules_by_hand():
    # Predictions: "Nagel" and "Joachim Nagel" (no canonical) both name the one gold Nagel: counted once.
    # "the Bundesbank" names the ORG through its mention "Bundesbank's" (normalized "bundesbank").
    # "Frankfurt" predicted as ORG names nothing (labels must agree): a spurious ORG.
    # Lagarde and Paris are not predicted: missed.
    preds = {"d": [Prediction("d", *at("Nagel", 1), "PER", text="Nagel"),
                   Prediction("d", *at("Joachim Nagel"), "PER"),
                   Prediction("d", *at("The Bundesbank"), "ORG"),
                   Prediction("d", *at("Frankfurt"), "ORG")]}
    e = score([DOC], GOLD, preds, ScoreOptions(n_resamples=0, sections=("entities",))).to_dict()["entities"]
    assert (e["labels"]["PER"]["named"], e["labels"]["PER"]["gold"], e["labels"]["PER"]["predicted"]) == (1, 2, 1)
    assert (e["labels"]["ORG"]["named"], e["labels"]["ORG"]["gold"], e["labels"]["ORG"]["predicted"]) == (1, 1, 2)
    assert (e["labels"]["LOC"]["named"], e["labels"]["LOC"]["gold"], e["labels"]["LOC"]["predicted"]) == (0, 2, 0)
    # Micro: 2 named of 5 gold entities, 2 of 3 predicted: P 2/3, R 2/5, F1 = 2*(2/3)(2/5)/(2/3+2/5) = 1/2.
    assert (e["micro"]["precision"], e["micro"]["recall"], e["micro"]["f1"]) == pytest.approx([2 / 3, 2 / 5, 0.5])
    # Macro over PER (F1 2/3), LOC (0), ORG (P 1/2, R 1: 2/3): 4/9.
    assert e["macro"]["f1"] == pytest.approx(4 / 9)
    doc = e["documents"]["d"]
    assert {x["name"] for x in doc["missed"]} == {"christine lagarde", "frankfurt am main", "paris"}
    assert doc["spurious"] == [{"label": "ORG", "name": "frankfurt"}]


def test_own_canonical_groups_predictions():
    # A prediction whose own canonical name is a gold name pulls its whole group in.
    gold = gold_entities(GOLD)
    pred = predicted_entities([Prediction("d", 0, 3, "PER", text="He", canonical="Christine Lagarde"),
                               Prediction("d", 0, 3, "PER", text="the president", canonical="Christine Lagarde"),
                               Prediction("d", 0, 3, "PER", text="Someone Else", canonical="X")], TEXT)
    found, spurious = name_entities(gold, pred)
    assert found == {("PER", "christine lagarde")} and spurious == {("PER", "x")}


def test_offset_free_texts_are_enough():
    # Only texts are read (offsets are not looked at when a text is given), so predictions
    # without offsets, once the reader accepts them, score the same.
    preds = {"d": [Prediction("d", None, None, "LOC", text="PARIS"),
                   Prediction("d", None, None, "LOC", text="Frankfurt am Main")]}
    result = count_entity_sets([DOC], {"d": GOLD}, preds)
    loc = result.labels.index("LOC")
    assert result.counts[0, loc].tolist() == [2, 2, 2]


def test_intervals_and_empty_documents():
    # Intervals need at least bootstrap.MIN_DOCUMENTS documents: the one with entities and ten empty ones.
    others = [Document(f"e{i}", "t", "Nothing here.") for i in range(10)]
    preds = {"d": [Prediction("d", *at("Paris"), "LOC")]}
    e = score([DOC, *others], GOLD, preds, ScoreOptions(n_resamples=200, sections=("entities",))).to_dict()["entities"]
    lo, hi = e["micro"]["f1_ci"]
    assert lo <= e["micro"]["f1"] <= hi
    assert e["documents"]["e0"] == {"found": [], "missed": [], "spurious": []}


def test_canonical_is_read_from_predictions_and_checked():
    from newsspans.corpus.errors import CorpusError
    from newsspans.evaluation.predictions import dumps_predictions, parse_predictions

    preds = parse_predictions('{"id": "d", "spans": [{"start": 0, "end": 3, "label": "PER", "canonical": "X Y"}]}\n')
    assert preds["d"][0].canonical == "X Y"
    assert parse_predictions(dumps_predictions(preds))["d"][0].canonical == "X Y"  # written back as read
    with pytest.raises(CorpusError, match="'canonical' must be a string or null"):
        parse_predictions('{"id": "d", "spans": [{"start": 0, "end": 3, "label": "PER", "canonical": 5}]}\n')


def test_a_documents_entities_pack_into_one_string_and_back():
    keys = [("LOC", "new york"), ("PER", "o'neil, jr.")]
    assert unpack_keys(pack_keys(keys)) == keys and unpack_keys(pack_keys([])) == []
    # A normalized name never holds the separators: str.split() counts them as whitespace.
    assert normalize_name("A\x1eB\x1fC") == "a b c"
    # A partial written before packing holds [label, name] pairs.
    assert unpack_keys([["PER", "anna"]]) == [("PER", "anna")]
