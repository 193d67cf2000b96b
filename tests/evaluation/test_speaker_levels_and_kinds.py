"""Speakers at two levels (mention, entity) and number kinds (accuracy, confusion, strict with
kind), worked by hand on one small document."""
from __future__ import annotations

import pytest
from occurrences import occurrence

from newsspans.corpus.model import Document, Span
from newsspans.evaluation.predictions import Prediction
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score

TEXT = ('Christine Lagarde spoke. "Rates stay," Lagarde said. "Prices rose 5%," she added. '
        '"Growth is 2 percent," said Nagel on Monday, the 3rd.')


def at(part: str, nth: int = 0) -> tuple[int, int]:
    return occurrence(TEXT, part, nth)


DOC = Document("d", "t", TEXT)
GOLD = [
    Span("d", "L1", *at("Christine Lagarde"), "PER", "Christine Lagarde", canonical="Christine Lagarde"),
    Span("d", "L2", *at("Lagarde", 1), "PER", "Lagarde", canonical="Christine Lagarde"),
    Span("d", "N", *at("Nagel"), "PER", "Nagel", canonical="Joachim Nagel"),
    Span("d", "Q1", *at('"Rates stay,"'), "QUOTE", '"Rates stay,"', speaker="L2"),
    Span("d", "Q2", *at('"Prices rose 5%,"'), "QUOTE", '"Prices rose 5%,"', speaker="L2"),
    Span("d", "Q3", *at('"Growth is 2 percent,"'), "QUOTE", '"Growth is 2 percent,"', speaker="N"),
    Span("d", "M1", *at("5%"), "NUM", "5%", num_kind="percent"),
    Span("d", "M2", *at("2 percent"), "NUM", "2 percent", num_kind="percent"),
    Span("d", "M3", *at("Monday"), "NUM", "Monday", num_kind="date"),
    Span("d", "M4", *at("3rd"), "NUM", "3rd", num_kind="ordinal"),
]


def quote(text: str, speaker) -> Prediction:
    return Prediction("d", *at(text), "QUOTE", speaker=speaker)


def test_speakers_at_two_levels():
    preds = {"d": [
        # Q1: the very mention the gold points to: right at both levels.
        quote('"Rates stay,"', at("Lagarde", 1)),
        # Q2: another mention of the same entity: right at the entity level only.
        quote('"Prices rose 5%,"', at("Christine Lagarde")),
        # Q3: the name "Nagel" is the mention's own text: right at both levels; as "Joachim Nagel"
        # (the canonical name) it would be right at the entity level only.
        quote('"Growth is 2 percent,"', "Nagel"),
    ]}
    sp = score([DOC], GOLD, preds, ScoreOptions(n_resamples=0)).to_dict()["layers"]["quote"]["speakers"]
    assert (sp["mention"]["speaker_correct"], sp["mention"]["matched"]) == (2, 3)
    assert (sp["entity"]["speaker_correct"], sp["entity"]["matched"]) == (3, 3)
    assert sp["accuracy"] == sp["entity"]["accuracy"] == 1.0  # the schema-1 field is the entity level
    # Attribution: mention level 2 credits over 3 gold and 3 predicted quotes.
    assert sp["mention"]["attribution"]["strict"]["f1"] == pytest.approx(2 / 3)
    assert sp["entity"]["attribution"]["strict"]["f1"] == 1.0
    canonical = {"d": preds["d"][:2] + [quote('"Growth is 2 percent,"', "Joachim Nagel")]}
    sp = score([DOC], GOLD, canonical, ScoreOptions(n_resamples=0)).to_dict()["layers"]["quote"]["speakers"]
    assert (sp["mention"]["speaker_correct"], sp["entity"]["speaker_correct"]) == (1, 3)


def test_number_kinds():
    preds = {"d": [
        Prediction("d", *at("5%"), "NUM", num_kind="percent"),          # kind right, bounds right
        Prediction("d", *at("2"), "NUM", num_kind="percent"),           # kind right, bounds partial
        Prediction("d", *at("Monday"), "NUM", num_kind="duration"),     # kind wrong
        Prediction("d", *at("3rd"), "NUM"),                             # no kind
        Prediction("d", *at("Nagel"), "NUM", num_kind="cardinal"),      # not a matched NUM pair (gold PER)
    ]}
    k = score([DOC], GOLD, preds, ScoreOptions(n_resamples=0, sections=("num_kinds",))).to_dict()["num_kinds"]
    assert (k["matched"], k["kind_correct"]) == (4, 2) and k["accuracy"] == 0.5
    assert k["confusion"]["percent"]["percent"] == 2
    assert k["confusion"]["date"]["duration"] == 1 and k["confusion"]["ordinal"]["none"] == 1
    assert sum(sum(row.values()) for row in k["confusion"].values()) == 4
    # Strict with kind: only "5%" has boundaries, label and kind right; 4 gold NUMs, 5 predicted.
    swk = k["strict_with_kind"]
    assert (swk["correct"], swk["possible"], swk["actual"]) == (1, 4, 5)
    assert swk["f1"] == pytest.approx(2 * (1 / 5) * (1 / 4) / (1 / 5 + 1 / 4))


def test_number_kind_intervals_contain_the_estimate():
    other = Document("e", "t", "It rose 7%.")
    gold = GOLD + [Span("e", "X", 8, 10, "NUM", "7%", num_kind="percent")]
    preds = {"d": [Prediction("d", *at("5%"), "NUM", num_kind="percent"),
                   Prediction("d", *at("Monday"), "NUM", num_kind="duration")],
             "e": [Prediction("e", 8, 10, "NUM", num_kind="money")]}
    # Intervals need at least bootstrap.MIN_DOCUMENTS documents: ten empty ones join the two.
    empty = [Document(f"z{i}", "t", "Nothing here.") for i in range(10)]
    k = score([DOC, other, *empty], gold, preds, ScoreOptions(n_resamples=300, sections=("num_kinds",))).to_dict()["num_kinds"]
    assert k["accuracy"] == pytest.approx(1 / 3)
    lo, hi = k["accuracy_ci"]
    assert 0 <= lo <= k["accuracy"] <= hi <= 1
