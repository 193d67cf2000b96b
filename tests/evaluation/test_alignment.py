"""Placing offset-free predictions in the text: each policy and fallback on hand-made texts."""
from __future__ import annotations

import itertools
import random

import pytest

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document, Span
from newsspans.evaluation import ScoreOptions, score
from newsspans.evaluation.alignment import align_document, occurrences, widen_quote, _Text
from newsspans.evaluation.predictions import predictions_from_dicts

TEXT = "Russian troops left Russia. Kim Jong Un met Kim Yo Jong; Kim said Russia was a friend."
#       0         1         2         3         4         5         6         7         8
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567


def placed(text, answers, policy="all", **kw):
    out = align_document(text, predictions_from_dicts("d", answers), policy, **kw)
    return [(p.start, p.end, p.label, p.alignment) for p in out]


def spans_of(result):
    return sorted((s, e, label) for s, e, label, status in result if s is not None)


def test_a_repeated_name_is_placed_at_every_occurrence_under_all():
    assert spans_of(placed(TEXT, [{"text": "Russia", "label": "LOC"}])) == [(20, 26, "LOC"), (66, 72, "LOC")]


def test_russia_never_matches_inside_russian():
    text = "Russian officials spoke."
    assert occurrences("Russia", _Text.of(text)) == ("unaligned", [])
    for policy in ("all", "first", "ordered"):
        assert placed(text, [{"text": "Russia", "label": "LOC"}], policy) == [(None, None, "LOC", "unaligned")]


def test_kim_inside_kim_jong_un_longest_first_without_overlap():
    answers = [{"text": "Kim", "label": "PER"}, {"text": "Kim Jong Un", "label": "PER"},
               {"text": "Kim Yo Jong", "label": "PER"}]
    # "Kim" alone is at 58 only; at 28 and 44 it is the start of the longer names, placed first.
    assert spans_of(placed(TEXT, answers)) == [(28, 39, "PER"), (44, 55, "PER"), (57, 60, "PER")]


def test_first_places_each_prediction_at_the_first_occurrence_even_inside_a_longer_name():
    answers = [{"text": "Kim", "label": "PER"}, {"text": "Kim Jong Un", "label": "PER"},
               {"text": "Russia", "label": "LOC"}, {"text": "Russia", "label": "LOC"}]
    assert placed(TEXT, answers, "first") == [(28, 31, "PER", "exact"), (28, 39, "PER", "exact"),
                                              (20, 26, "LOC", "exact"), (20, 26, "LOC", "exact")]


def test_ordered_follows_a_mention_list_in_text_order():
    mentions = [{"text": "Russia", "label": "LOC"}, {"text": "Kim Jong Un", "label": "PER"},
                {"text": "Kim Yo Jong", "label": "PER"}, {"text": "Kim", "label": "PER"},
                {"text": "Russia", "label": "LOC"}]
    assert spans_of(placed(TEXT, mentions, "ordered")) == [(20, 26, "LOC"), (28, 39, "PER"), (44, 55, "PER"),
                                                           (57, 60, "PER"), (66, 72, "LOC")]
    # Listed once more than the text says it: the extra mention is a claim that is not there.
    assert placed(TEXT, mentions + [{"text": "Russia", "label": "LOC"}], "ordered")[-1] == \
        (None, None, "LOC", "unaligned")


def test_fallbacks_in_order_case_normalized_fuzzy():
    text = "Le Drian met Jean-Yves Le Drian and Volodymyr  Zelensky in Kyiv."
    assert placed(text, [{"text": "kyiv", "label": "LOC"}]) == [(59, 63, "LOC", "case")]
    assert placed(text, [{"text": "Volodymyr Zelensky", "label": "PER"}]) == [(36, 55, "PER", "normalized")]
    assert placed(text, [{"text": "Jean–Yves Le Drian", "label": "PER"}]) == [(13, 31, "PER", "normalized")]
    # A typo: found by rapidfuzz among runs of whole words.
    assert placed(text, [{"text": "Zelenskyy", "label": "PER"}]) == [(47, 55, "PER", "fuzzy")]
    # ... unless the threshold asks for more.
    assert placed(text, [{"text": "Zelenskyy", "label": "PER"}], threshold=95) == [(None, None, "PER", "unaligned")]


def test_fuzzy_does_not_undo_the_word_boundary():
    assert placed("Russian officials spoke.", [{"text": "Russia", "label": "LOC"}], threshold=50) == \
        [(None, None, "LOC", "unaligned")]


def test_strings_the_text_does_not_contain_are_unaligned():
    out = placed(TEXT, [{"text": "Atlantis", "label": "LOC"}, {"text": "Russia", "label": "LOC"}])
    assert sorted(out, key=str) == [(20, 26, "LOC", "exact"), (66, 72, "LOC", "exact"), (None, None, "LOC", "unaligned")]


QUOTED = "He said: \u201cWe will win,\u201d and left. 'No deal.' Then \"maybe\"."
#         0         1         2         3         4         5
#         0123456789012345678901234567890123456789012345678901234567


@pytest.mark.parametrize("given,expected", [
    ("\u201cWe will win,\u201d", (9, 23)),   # with its own marks
    ("We will win,", (9, 23)),               # without marks: widened to them
    ("We will win", (9, 23)),                # without marks nor the comma inside them
    ('"We will win,"', (9, 23)),             # straight marks for curly ones: normalized
    ("No deal.", (34, 44)),
    ("\u2018No deal.\u2019", (34, 44)),      # curly for straight
    ("maybe", (50, 57)),
])
def test_quotes_with_and_without_marks(given, expected):
    (start, end, label, status), = placed(QUOTED, [{"text": given, "label": "QUOTE", "speaker": "he"}])
    assert (start, end) == expected and status in ("exact", "normalized")


def test_widen_quote_needs_marks_on_both_sides():
    assert widen_quote("say \u201cyes now", 5, 8) == (5, 8)
    assert widen_quote("say \u201cyes\u201d now", 5, 8) == (4, 9)


def test_a_name_inside_a_quote_is_placed_in_its_own_layer():
    text = '"Putin will come," said Putin.'
    out = placed(text, [{"text": "Putin will come", "label": "QUOTE"}, {"text": "Putin", "label": "PER"}])
    assert spans_of(out) == [(0, 18, "QUOTE"), (1, 6, "PER"), (24, 29, "PER")]


def test_context_picks_the_occurrence():
    answers = [{"text": "Russia", "label": "LOC", "context": "said Russia was"}]
    for policy in ("all", "first", "ordered"):
        assert placed(TEXT, answers, policy) == [(66, 72, "LOC", "exact")]


def test_spans_with_offsets_stay_and_block_their_place():
    answers = [{"start": 20, "end": 26, "label": "ORG"}, {"text": "Russia", "label": "LOC"}]
    assert placed(TEXT, answers) == [(20, 26, "ORG", None), (66, 72, "LOC", "exact")]


def test_another_spelling_of_a_placed_claim_is_merged_not_spurious():
    out = placed(TEXT, [{"text": "Russia", "label": "LOC"}, {"text": "russia", "label": "LOC"},
                        {"text": "Rusia", "label": "LOC"}])
    assert spans_of(out) == [(20, 26, "LOC"), (66, 72, "LOC")]
    assert sorted(status for *_, status in out) == ["exact", "exact", "merged"]  # "russia" is the same claim
    # ... but one claimed with another label is a conflicting claim: spurious.
    out = placed(TEXT, [{"text": "Russia", "label": "LOC"}, {"text": "Russia", "label": "ORG"}])
    assert (None, None, "ORG", "unaligned") in out


# --- through score() -----------------------------------------------------------------------------

DOC = Document("d", "t", TEXT)
GOLD = [Span("d", "T1", 20, 26, "LOC", "Russia"), Span("d", "T2", 28, 39, "PER", "Kim Jong Un"),
        Span("d", "T3", 44, 55, "PER", "Kim Yo Jong"), Span("d", "T4", 57, 60, "PER", "Kim"),
        Span("d", "T5", 66, 72, "LOC", "Russia")]
ANSWERS = [{"text": "Russia", "label": "LOC"}, {"text": "Kim Jong Un", "label": "PER"},
           {"text": "Kim Yo Jong", "label": "PER"}, {"text": "Kim", "label": "PER"},
           {"text": "Russia", "label": "LOC"}, {"text": "Atlantis", "label": "LOC"}]


def test_the_same_offset_free_answers_score_the_same_in_any_order_under_all():
    results = set()
    orders = list(itertools.permutations(ANSWERS))
    for answers in random.Random(0).sample(orders, 60) + [tuple(ANSWERS), tuple(reversed(ANSWERS))]:
        report = score([DOC], GOLD, {"d": list(answers)}, ScoreOptions(n_resamples=0))
        micro = report.to_dict()["layers"]["entity"]["schemes"]["strict"]["micro"]
        results.add((micro["correct"], micro["spurious"], micro["missed"]))
    # Five right, Atlantis spurious: P 5/6, R 5/5, whatever the order.
    assert results == {(5, 1, 0)}


def test_unaligned_counts_as_spurious_and_is_listed_in_the_report():
    data = score([DOC], GOLD, {"d": ANSWERS}, ScoreOptions(n_resamples=0)).to_dict()
    micro = data["layers"]["entity"]["schemes"]["strict"]["micro"]
    assert (micro["precision"], micro["recall"]) == (5 / 6, 1.0)
    assert data["alignment"]["entity"] == {"offsets": 0, "exact": 5, "case": 0, "normalized": 0, "fuzzy": 0,
                                           "unaligned": 1, "merged": 0,
                                           "unaligned_texts": [{"doc_id": "d", "label": "LOC", "text": "Atlantis"}]}
    unaligned = [{k: v for k, v in e.items() if k != "index"} for e in data["layers"]["entity"]["predicted"]
                 if e["alignment"] == "unaligned"]
    assert unaligned == [{"doc_id": "d", "start": None, "end": None, "label": "LOC", "text": "Atlantis",
                          "outcomes": dict.fromkeys(("strict", "exact", "partial", "type"), "spurious"),
                          "match": None, "alignment": "unaligned", "score": None}]


def test_policy_changes_the_score_as_worked_out():
    # first: both "Russia" land on 20 and "Kim" on 28, inside Kim Jong Un: 3 right, the second
    # Russia and that Kim spurious, Kim at 57 and Russia at 66 missed. all and ordered: all five.
    def f(policy):
        micro = score([DOC], GOLD, {"d": ANSWERS[:5]}, ScoreOptions(n_resamples=0, align=policy)).to_dict()
        return {k: micro["layers"]["entity"]["schemes"]["strict"]["micro"][k] for k in ("correct", "spurious",
                                                                                        "missed")}
    assert f("ordered") == f("all") == {"correct": 5, "spurious": 0, "missed": 0}
    assert f("first") == {"correct": 3, "spurious": 2, "missed": 2}


def test_unknown_policy_and_empty_text_are_errors():
    with pytest.raises(ValueError, match="unknown alignment policy"):
        align_document(TEXT, [], "nearest")
    with pytest.raises(CorpusError, match="needs a non-empty 'text'"):
        predictions_from_dicts("d", [{"label": "PER", "text": " "}])
    with pytest.raises(CorpusError, match="'end' must be an integer"):
        predictions_from_dicts("d", [{"label": "PER", "text": "Kim", "start": 3}])
