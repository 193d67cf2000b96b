"""Scoring cases where seqeval, nervaluate and conlleval disagree, worked out by hand, plus
speakers, averages, 0/0 conventions, bootstrap and bad input."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document, Span
from newsspans.evaluation.scoring.bootstrap import paired_bootstrap
from newsspans.evaluation.scoring.iob import iob2_to_spans, spans_to_iob2
from newsspans.evaluation.labelmap import apply_label_map, parse_label_map
from newsspans.evaluation.scoring.metrics import prf
from newsspans.evaluation.predictions import Prediction, parse_predictions
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score
from newsspans.evaluation.scoring.seqeval_check import seqeval_strict, span_scores_iob2

TEXT = "Angela Merkel met Vladimir Putin in Berlin. \"We agree,\" Merkel said. Scholz laughed."
DOC = Document("d", "t", TEXT)
NO_BOOT = ScoreOptions(n_resamples=0)


def gold(*triples, doc: Document = DOC) -> list[Span]:
    return [Span(doc.id, f"T{i}", a, b, lab, doc.text[a:b], canonical=doc.text[a:b] if lab != "NUM" else None,
                 num_kind="cardinal" if lab == "NUM" else None) for i, (a, b, lab) in enumerate(triples)]


def preds(*triples, doc_id: str = "d") -> dict[str, list[Prediction]]:
    return {doc_id: [Prediction(doc_id, a, b, lab) for a, b, lab in triples]}


def micro(report, scheme: str, layer: str = "entity") -> dict:
    return report.to_dict()["layers"][layer]["schemes"][scheme]["micro"]


def prf1(report, scheme: str, layer: str = "entity") -> tuple[float, float, float]:
    m = micro(report, scheme, layer)
    return round(m["precision"], 6), round(m["recall"], 6), round(m["f1"], 6)


# --- Token-level readings: I- without B-, and a type switch inside a span -------------------

def test_i_without_b_is_no_entity_in_strict_mode_but_one_in_conlleval_mode():
    true, pred = [["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]]
    assert iob2_to_spans(pred[0], "strict") == []
    assert iob2_to_spans(pred[0], "conlleval") == [(0, 2, "PER")]
    # Strict: the prediction holds no entity, so 0 of 1 gold found; 0/0 precision is 0.
    ours = span_scores_iob2(true, pred)
    assert ours["PER"] == {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 1}
    assert seqeval_strict(true, pred)["PER"]["recall"] == 0.0
    # conlleval reading: the I-PER run is the gold entity, so everything is right.
    assert span_scores_iob2(true, pred, mode="conlleval")["micro avg"]["f1-score"] == 1.0


def test_type_switch_inside_a_span():
    true, pred = [["B-PER", "I-PER", "I-PER"]], [["B-PER", "I-PER", "I-LOC"]]
    assert iob2_to_spans(pred[0], "strict") == [(0, 2, "PER")]  # the stray I-LOC belongs to nothing
    assert iob2_to_spans(pred[0], "conlleval") == [(0, 2, "PER"), (2, 3, "LOC")]
    # Strict reading: gold PER [0,3) vs predicted PER [0,2): strict incorrect, partial, type correct.
    strict = span_scores_iob2(true, pred, scheme="strict")["micro avg"]
    assert (strict["precision"], strict["recall"]) == (0.0, 0.0)
    partial = span_scores_iob2(true, pred, scheme="partial")["micro avg"]
    assert (partial["precision"], partial["recall"]) == (0.5, 0.5)  # 0.5 credit / 1 predicted, / 1 gold
    assert span_scores_iob2(true, pred, scheme="type")["micro avg"]["f1-score"] == 1.0
    # conlleval reading: PER [0,2) pairs with gold (overlap 2 > 1); LOC [2,3) is spurious.
    partial = span_scores_iob2(true, pred, scheme="partial", mode="conlleval")["micro avg"]
    assert (partial["precision"], partial["recall"]) == (0.25, 0.5)  # 0.5 / 2 predicted, 0.5 / 1 gold


def test_iob2_round_trip():
    spans = [(0, 2, "PER"), (2, 3, "LOC"), (5, 6, "PER")]
    assert iob2_to_spans(spans_to_iob2(spans, 7)) == spans


# --- Span cases -------------------------------------------------------------------------------

def test_duplicated_and_reordered_predictions():
    g = gold((0, 13, "PER"), (36, 42, "LOC"))
    reports = [score([DOC], g, {"d": list(order)}, NO_BOOT) for order in itertools.permutations(
        [Prediction("d", 36, 42, "LOC"), Prediction("d", 0, 13, "PER"), Prediction("d", 0, 13, "PER")])]
    # 2 correct, the duplicate is spurious once: P = 2/3, R = 2/2, F1 = 2*(2/3)*1/(2/3+1) = 0.8.
    for r in reports:
        m = micro(r, "strict")
        assert (m["correct"], m["spurious"], m["missed"]) == (2, 1, 0)
        assert prf1(r, "strict") == (round(2 / 3, 6), 1.0, 0.8)
    assert len({str(r.to_dict()["layers"]["entity"]["schemes"]) for r in reports}) == 1


def test_adjacent_spans_do_not_overlap():
    # Gold PER [0,6) "Angela", predicted PER [6,13) " Merkel" only touches it: missed + spurious.
    r = score([DOC], gold((0, 6, "PER")), preds((7, 13, "PER")), NO_BOOT)
    for scheme in ("strict", "exact", "partial", "type"):
        m = micro(r, scheme)
        assert (m["missed"], m["spurious"], m["partial"], m["f1"]) == (1, 1, 0, 0.0)
    # Two touching gold spans and the same two predictions: two correct, no cross pairing.
    # (" Merkel" breaks the corpus's whitespace rule, so the validator is skipped: this is the matcher.)
    r = score([DOC], gold((0, 6, "PER"), (6, 13, "PER")), preds((6, 13, "PER"), (0, 6, "PER")), NO_BOOT,
              gold_checked=True)
    assert micro(r, "strict")["correct"] == 2


def test_one_prediction_covering_two_gold_spans():
    # Gold PER [0,6) "Angela" and PER [7,13) "Merkel"; one prediction PER [0,13) covers both.
    # It pairs with one of them (overlap 6 each, tie broken by position): the other is missed.
    r = score([DOC], gold((0, 6, "PER"), (7, 13, "PER")), preds((0, 13, "PER")), NO_BOOT)
    assert prf1(r, "strict") == (0.0, 0.0, 0.0)  # 1 incorrect, 1 missed
    assert prf1(r, "exact") == (0.0, 0.0, 0.0)
    # partial: 0.5 credit; P = 0.5/1, R = 0.5/2, F1 = 2*.5*.25/.75 = 1/3
    assert prf1(r, "partial") == (0.5, 0.25, round(1 / 3, 6))
    # type: overlap with the same label is correct; P = 1/1, R = 1/2, F1 = 2/3
    assert prf1(r, "type") == (1.0, 0.5, round(2 / 3, 6))
    m = micro(r, "partial")
    assert (m["partial"], m["missed"], m["possible"], m["actual"]) == (1, 1, 2, 1)


def test_right_span_wrong_type_counts_against_gold_recall_and_predicted_precision():
    r = score([DOC], gold((0, 13, "PER")), preds((0, 13, "LOC")), NO_BOOT)
    assert prf1(r, "strict") == (0.0, 0.0, 0.0)
    assert prf1(r, "exact") == (1.0, 1.0, 1.0)
    assert prf1(r, "partial") == (1.0, 1.0, 1.0)
    assert prf1(r, "type") == (0.0, 0.0, 0.0)
    labels = r.to_dict()["layers"]["entity"]["schemes"]["strict"]["labels"]
    # The gold side is filed under PER (possible 1, incorrect), the predicted side under LOC.
    assert (labels["PER"]["incorrect"], labels["PER"]["possible"], labels["PER"]["actual"]) == (1, 1, 0)
    assert (labels["LOC"]["pred_incorrect"], labels["LOC"]["possible"], labels["LOC"]["actual"]) == (1, 0, 1)
    # Per-label counts add up to the overall ones (nervaluate counts this case differently).
    assert sum(c["possible"] for c in labels.values()) == micro(r, "strict")["possible"] == 1
    assert sum(c["actual"] for c in labels.values()) == micro(r, "strict")["actual"] == 1


def test_exact_matches_are_preferred_over_larger_overlap_and_input_order():
    # Gold PER [0,13); predictions PER [0,17) (overlap 13) and PER [0,13) (exact): the exact one wins.
    r = score([DOC], gold((0, 13, "PER")), preds((0, 17, "PER"), (0, 13, "PER")), NO_BOOT)
    m = micro(r, "strict")
    assert (m["correct"], m["spurious"]) == (1, 1)


def test_optimal_assignment_beats_greedy():
    # Gold A [0,6) "Angela", B [7,13) "Merkel". Predictions: X [0,13) overlaps both, Y [7,13) is exact on B.
    # Greedy in prediction order would give X to A or B arbitrarily; optimal: Y-B exact, X-A partial.
    r = score([DOC], gold((0, 6, "PER"), (7, 13, "PER")), preds((0, 13, "PER"), (7, 13, "PER")), NO_BOOT)
    m = micro(r, "partial")
    assert (m["correct"], m["partial"], m["missed"], m["spurious"]) == (1, 1, 0, 0)


def test_min_overlap_ratio():
    # Gold [0,13) vs predicted [0,6): overlap 6, union 13, ratio 0.46.
    g, p = gold((0, 13, "PER")), preds((0, 6, "PER"))
    assert micro(score([DOC], g, p, NO_BOOT), "partial")["partial"] == 1
    m = micro(score([DOC], g, p, ScoreOptions(min_overlap=0.5, n_resamples=0)), "partial")
    assert (m["partial"], m["missed"], m["spurious"]) == (0, 1, 1)


def test_macro_and_weighted_averages():
    # PER: 2 gold, both found (F1 1). LOC: 1 gold, missed (F1 0). ORG: no gold, 1 spurious.
    g = gold((0, 13, "PER"), (18, 32, "PER"), (36, 42, "LOC"))
    r = score([DOC], g, preds((0, 13, "PER"), (18, 32, "PER"), (56, 62, "ORG")), NO_BOOT)
    s = r.to_dict()["layers"]["entity"]["schemes"]["strict"]
    assert s["macro"]["f1"] == 0.5  # mean over PER and LOC (labels present in gold), ORG left out
    assert s["weighted"]["f1"] == pytest.approx(2 / 3)  # (2*1 + 1*0) / 3
    assert s["micro"]["precision"] == pytest.approx(2 / 3) and s["micro"]["recall"] == pytest.approx(2 / 3)


def test_empty_predictions_and_empty_gold_give_zeros_not_nan():
    r = score([DOC], gold((0, 13, "PER")), {}, ScoreOptions(n_resamples=50))
    d = r.to_dict()
    assert d["missing_predictions"] == ["d"]
    assert prf1(r, "strict") == (0.0, 0.0, 0.0)
    r = score([DOC], [], {"d": []}, ScoreOptions(n_resamples=50))
    for layer in ("entity", "quote"):
        for scheme in ("strict", "exact", "partial", "type"):
            s = r.to_dict()["layers"][layer]["schemes"][scheme]
            # One document: too few for an interval, and the report says so instead of printing [0, 0].
            assert s["micro"]["f1"] == 0.0 and s["macro"]["f1"] == 0.0 and s["micro"]["f1_ci"] is None
    assert "too few documents" in r.to_dict()["settings"]["bootstrap"]["note"]
    assert "NaN" not in str(r.to_dict())


def test_per_document_scores():
    other = Document("e", "u", "Paris is big.")
    g = gold((0, 13, "PER")) + gold((0, 5, "LOC"), doc=other)
    r = score([DOC, other], g, {"d": [Prediction("d", 0, 13, "PER")], "e": []}, NO_BOOT)
    docs = r.to_dict()["layers"]["entity"]["documents"]
    assert docs["d"]["strict"]["f1"] == 1.0 and docs["e"]["strict"]["recall"] == 0.0


# --- Quotes and speakers ----------------------------------------------------------------------

def quote_gold() -> list[Span]:
    q = TEXT.index('"We agree,"')
    m2 = TEXT.index("Merkel said")
    return [Span("d", "T1", 0, 13, "PER", "Angela Merkel", canonical="Angela Merkel"),
            Span("d", "T2", m2, m2 + 6, "PER", "Merkel", canonical="Angela Merkel"),
            Span("d", "Q1", q, q + 11, "QUOTE", TEXT[q:q + 11], speaker="T2")]


@pytest.mark.parametrize("speaker, right", [
    ((0, 13), True),             # another mention of the same entity (same canonical)
    ("angela merkel", True),     # the canonical name, any case
    ("MERKEL", True),            # the surface form of a mention
    ((18, 32), False),           # Vladimir Putin
    ("Putin", False),
    (None, False),
])
def test_speaker_correctness(speaker, right):
    q = TEXT.index('"We agree,"')
    r = score([DOC], quote_gold(), {"d": [Prediction("d", q, q + 11, "QUOTE", speaker=speaker)]}, NO_BOOT)
    sp = r.to_dict()["layers"]["quote"]["speakers"]
    assert (sp["matched"], sp["speaker_correct"]) == (1, int(right))
    assert sp["attribution"]["strict"]["f1"] == (1.0 if right else 0.0)
    assert r.to_dict()["layers"]["quote"]["predicted"][0]["speaker_correct"] is right


def test_attribution_with_partial_quote_and_spurious_quote():
    q = TEXT.index('"We agree,"')
    pred = {"d": [Prediction("d", q + 1, q + 9, "QUOTE", speaker="Merkel"),  # partial, right speaker
                  Prediction("d", 70, 84, "QUOTE", speaker="Scholz")]}      # spurious quote
    r = score([DOC], quote_gold(), pred, NO_BOOT)
    att = r.to_dict()["layers"]["quote"]["speakers"]["attribution"]
    assert att["strict"]["f1"] == 0.0  # the matched quote is not strict-correct
    # partial: credit 0.5; P = 0.5/2 predicted quotes, R = 0.5/1 gold quote, F1 = 2*.25*.5/.75 = 1/3
    assert (att["partial"]["precision"], att["partial"]["recall"]) == (0.25, 0.5)
    assert att["partial"]["f1"] == pytest.approx(1 / 3)
    # Quotes are their own layer: the entity layer is untouched by quote predictions.
    assert micro(r, "strict")["actual"] == 0


# --- Bootstrap and paired test ----------------------------------------------------------------

def many_docs(n: int = 30) -> tuple[list[Document], list[Span]]:
    docs = [Document(f"d{i}", "t", TEXT) for i in range(n)]
    spans = [s for d in docs for s in gold((0, 13, "PER"), (18, 32, "PER"), (36, 42, "LOC"), doc=d)]
    return docs, spans


def test_bootstrap_interval_is_seeded_and_contains_the_estimate():
    docs, spans = many_docs()
    p = {d.id: [Prediction(d.id, 0, 13, "PER")] + ([Prediction(d.id, 36, 42, "LOC")] if i % 3 else [])
         for i, d in enumerate(docs)}
    a, b = (score(docs, spans, p, ScoreOptions(n_resamples=300, seed=7)) for _ in range(2))
    m = micro(a, "strict")
    lo, hi = m["f1_ci"]
    assert lo < m["f1"] < hi and m["f1_ci"] == micro(b, "strict")["f1_ci"]
    assert lo > 0.5 and hi < 0.9


def test_paired_bootstrap():
    docs, spans = many_docs()
    good = {d.id: [Prediction(d.id, 0, 13, "PER"), Prediction(d.id, 36, 42, "LOC")] for d in docs}
    bad = {d.id: [Prediction(d.id, 0, 13, "PER")] for d in docs}
    counts = [score(docs, spans, p, NO_BOOT).layers["entity"].counts[:, 0] for p in (good, bad)]
    f1 = lambda c: prf(c.sum(axis=-2))[2]  # noqa: E731
    ids = [d.id for d in docs]
    t = paired_bootstrap(counts[0], counts[1], f1, ids, 500, seed=1)
    assert t.difference == pytest.approx(0.8 - 0.5)  # F1 of 2/3 found = 0.8 vs 1/3 found = 0.5
    assert t.low > 0 and t.p_value < 0.01
    same = paired_bootstrap(counts[0], counts[0], f1, ids, 500, seed=1)
    assert (same.difference, same.p_value) == (0.0, 1.0)
    few = paired_bootstrap(counts[0][:4], counts[1][:4], f1, ids[:4], 500, seed=1)
    assert few.p_value is None and few.low is None and "too few documents" in few.note


# --- Bad input ----------------------------------------------------------------------------------

def test_malformed_json_line_is_named():
    with pytest.raises(CorpusError, match=r"preds.jsonl:2: malformed JSON"):
        parse_predictions('{"id": "d", "spans": []}\n{"id": "e", "spans": [\n', "preds.jsonl")


def test_bad_prediction_fields_are_named():
    with pytest.raises(CorpusError) as exc:
        parse_predictions('{"id": "d", "spans": [{"start": "0", "end": 5, "label": "PER"}]}\n', "p.jsonl")
    assert "p.jsonl:1, document 'd', span 'prediction 0': 'start' must be an integer" in str(exc.value)


@pytest.mark.parametrize("pred, message", [
    (Prediction("nope", 0, 5, "PER", file="p.jsonl", line=3), "p.jsonl:3, document 'nope'"),
    (Prediction("d", 0, 500, "PER", file="p.jsonl", line=1), "offsets [0, 500) are outside the text"),
    (Prediction("d", 5, 5, "PER", file="p.jsonl", line=1), "or start >= end"),
    (Prediction("d", 0, 6, "PER", text="Angela!", file="p.jsonl", line=1), "does not match text[0:6] = 'Angela'"),
    (Prediction("d", 0, 6, "PERSON", file="p.jsonl", line=1), "unknown label 'PERSON'"),
])
def test_bad_predictions_raise_with_location(pred, message):
    with pytest.raises(CorpusError) as exc:
        score([DOC], gold((0, 13, "PER")), {pred.doc_id: [pred]}, NO_BOOT)
    assert message in str(exc.value)
    if pred.doc_id == "d":
        assert "p.jsonl:1, document 'd', span 'prediction 0'" in str(exc.value)


# --- Label maps ---------------------------------------------------------------------------------

def test_label_map_presets_ignore_and_drop_unknown():
    raw = {"d": [Prediction("d", 0, 13, "PERSON"), Prediction("d", 36, 42, "GPE"), Prediction("d", 18, 32, "NORP"),
                 Prediction("d", 56, 62, "WEIRD")]}
    with pytest.raises(CorpusError, match="unknown label 'WEIRD'"):
        apply_label_map(raw, parse_label_map("spacy"))
    mapped, dropped = apply_label_map(raw, parse_label_map("spacy", ignore=["WEIRD"]))
    assert [p.label for p in mapped["d"]] == ["PER", "LOC"] and dropped == {"NORP": 1, "WEIRD": 1}
    mapped, dropped = apply_label_map(raw, parse_label_map("PERSON=PER", drop_unknown=True))
    assert [p.label for p in mapped["d"]] == ["PER"] and dropped == {"GPE": 1, "NORP": 1, "WEIRD": 1}
    money, _ = apply_label_map({"d": [Prediction("d", 0, 3, "MONEY")]}, parse_label_map("MONEY=NUM:money"))
    assert (money["d"][0].label, money["d"][0].num_kind) == ("NUM", "money")
    with pytest.raises(CorpusError, match="neither a preset"):
        parse_label_map("spacyy")


def test_matching_component_with_several_gold_and_predictions():
    # A chain (each prediction overlaps two gold spans) is not a star, so it goes through the
    # optimal assignment; the optimum pairs all three (3 partial), more pairs beat more overlap.
    g = gold((0, 6, "PER"), (7, 13, "PER"), (18, 26, "PER"))
    p = preds((3, 9, "PER"), (10, 20, "PER"), (20, 26, "PER"))
    m = micro(score([DOC], g, p, NO_BOOT), "partial")
    assert (m["partial"], m["missed"], m["spurious"]) == (3, 0, 0)
    assert np.isclose(m["precision"], 0.5)


def test_more_pairs_beat_the_largest_single_overlap():
    # Gold A [0,13) and B [14,17); prediction X [2,17) overlaps A by 11 and B by 3, Y [0,6) overlaps A by 6.
    # Greedy by largest overlap gives X-A and leaves B missed and Y spurious (partial credit 0.5);
    # the optimal matching pairs X-B and Y-A (two partial pairs, credit 1.0).
    r = score([DOC], gold((0, 13, "PER"), (14, 17, "ORG")), preds((2, 17, "PER"), (0, 6, "PER")), NO_BOOT)
    m = micro(r, "partial")
    assert (m["partial"], m["missed"], m["spurious"]) == (2, 0, 0)
    assert prf1(r, "partial") == (0.5, 0.5, 0.5)


# --- Where nervaluate disagrees (run side by side; nervaluate is a test dependency) -------------

def nervaluate_counts(true: list[tuple], pred: list[tuple]) -> dict:
    from nervaluate import Evaluator

    as_dicts = lambda spans: [[{"label": lab, "start": a, "end": b} for a, b, lab in spans]]  # noqa: E731
    result = Evaluator(as_dicts(true), as_dicts(pred), tags=["PER", "LOC"], loader="dict").evaluate()
    return {k: (v.correct, v.incorrect, v.partial, v.missed, v.spurious) for k, v in result["overall"].items()}


@pytest.mark.filterwarnings("ignore")
def test_prediction_order_changes_nervaluate_but_not_newsspans():
    # Gold PER [0,13). Predictions: LOC [0,13) (right span, wrong type) and PER [0,13) (right).
    g, p = [(0, 13, "PER")], [(0, 13, "LOC"), (0, 13, "PER")]
    # nervaluate pairs the gold span with whichever prediction comes first.
    assert nervaluate_counts(g, p)["strict"] == (0, 1, 0, 0, 1)
    assert nervaluate_counts(g, p[::-1])["strict"] == (1, 0, 0, 0, 1)
    # newsspans pairs the exact match in both orders: 1 correct, 1 spurious; P 1/2, R 1, F1 2/3.
    for order in (p, p[::-1]):
        r = score([DOC], gold(*g), preds(*order), NO_BOOT)
        m = micro(r, "strict")
        assert (m["correct"], m["incorrect"], m["spurious"]) == (1, 0, 1)
        assert prf1(r, "strict") == (0.5, 1.0, round(2 / 3, 6))


@pytest.mark.filterwarnings("ignore")
def test_touching_spans_overlap_in_nervaluate_but_not_in_newsspans():
    # End-exclusive offsets: gold [0,6) "Angela" and prediction [6,13) " Merkel" share no character.
    g, p = [(0, 6, "PER")], [(6, 13, "PER")]
    assert nervaluate_counts(g, p)["partial"] == (0, 0, 1, 0, 0)  # nervaluate: a partial match
    m = micro(score([DOC], gold(*g), preds(*p), NO_BOOT), "partial")
    assert (m["partial"], m["missed"], m["spurious"]) == (0, 1, 1)  # newsspans: missed + spurious


def test_label_map_number_kinds_are_checked():
    from newsspans.corpus import CorpusError
    from newsspans.evaluation.labelmap import parse_label_map

    assert parse_label_map("MONEY=NUM:money", [], False)
    for bad in ("MONEY=NUM:weird", "PERSON=PER:money"):
        with pytest.raises(CorpusError, match="a number kind goes with NUM"):
            parse_label_map(bad, [], False)


def test_label_map_conflicting_pairs_are_an_error():
    with pytest.raises(CorpusError, match=r"^--label-map maps PERSON twice, to different labels: 'PERSON=PER' and "
                                          r"'PERSON=LOC'; keep one$"):
        parse_label_map("PERSON=PER,PERSON=LOC")
    with pytest.raises(CorpusError, match="maps MONEY twice"):
        parse_label_map("MONEY=NUM:money, MONEY=NUM")
    # Repeating the same pair is harmless, and a pair may override a preset.
    assert parse_label_map("PERSON=PER,PERSON = PER").mapping == {"PERSON": ("PER", None)}
    assert parse_label_map("spacy,GPE=ORG").mapping["GPE"] == ("ORG", None)


def test_the_fast_path_for_long_lines_builds_what_the_general_path_builds():
    from newsspans.evaluation.predictions import predictions_from_dicts

    plain = [{"start": 0, "end": 4, "label": "PER", "text": "Olaf"}, {"start": 5, "end": 11, "label": "PER"}]
    mixed = plain + [{"start": 29, "end": 35, "label": "NUM", "num_kind": "date"}]
    for spans in (plain, mixed):
        line = json.dumps({"id": "a", "spans": spans})
        parsed = parse_predictions("\n" + line + "\n", "p.jsonl")["a"]
        general = predictions_from_dicts("a", json.loads(line)["spans"], "p.jsonl", 2)
        assert parsed == general
        assert [(p.file, p.line, p.text, p.num_kind, p.canonical) for p in parsed] == \
            [(p.file, p.line, p.text, p.num_kind, p.canonical) for p in general]
    # A boolean or a float offset is not "plain": the general path decides (3.0 is accepted, True is not).
    assert parse_predictions('{"id": "a", "spans": [{"start": 3.0, "end": 4, "label": "PER"}]}')["a"][0].start == 3
    with pytest.raises(CorpusError, match="'start' must be an integer, got True"):
        parse_predictions('{"id": "a", "spans": [{"start": true, "end": 4, "label": "PER"}]}')
