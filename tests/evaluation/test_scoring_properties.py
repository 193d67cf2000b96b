"""Property-based tests of the span scorer (hypothesis) and the seqeval strict-mode cross-check."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.evaluation.scoring.counts import SCHEMES, count_outcomes
from newsspans.evaluation.scoring.iob import spans_to_iob2
from newsspans.evaluation.scoring.matching import SpanArrays, match
from newsspans.evaluation.scoring.metrics import actual, averages, possible
from newsspans.evaluation.scoring.seqeval_check import seqeval_strict, span_scores_iob2

N_DOCS, N_LABELS, LENGTH = 3, 3, 40
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

span = st.tuples(st.integers(0, N_DOCS - 1), st.integers(0, LENGTH - 1), st.integers(1, 8),
                 st.integers(0, N_LABELS - 1)).map(lambda t: (t[0], t[1], min(LENGTH, t[1] + t[2]), t[3]))
span_lists = st.lists(span, max_size=25)


def arrays(spans) -> SpanArrays:
    return SpanArrays.build(*zip(*spans)) if spans else SpanArrays.empty()


def counts_of(gold, pred) -> np.ndarray:
    g, p = arrays(gold), arrays(pred)
    return count_outcomes(g, p, match(g, p), N_DOCS, N_LABELS)


@SETTINGS
@given(span_lists, span_lists, st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_prediction_or_gold_order(gold, pred, rnd):
    before = counts_of(gold, pred)
    rnd.shuffle(pred)
    rnd.shuffle(gold)
    assert np.array_equal(before, counts_of(gold, pred))


@SETTINGS
@given(span_lists)
def test_perfect_predictions_score_one(gold):
    totals = counts_of(gold, list(gold)).sum(axis=0)
    scores = averages(totals)
    expected = 1.0 if gold else 0.0  # no gold and no predictions: 0 by the 0/0 convention
    for key in ("micro_precision", "micro_recall", "micro_f1", "macro_f1", "weighted_f1"):
        assert np.allclose(scores[key], expected)


@SETTINGS
@given(span_lists, span_lists, span)
def test_adding_a_spurious_span_never_raises_precision(gold, pred, extra):
    d, a, b, _ = extra
    if any(gd == d and ga < b and a < gb for gd, ga, gb, _ in gold):
        return  # it would overlap a gold span: not spurious
    before = averages(counts_of(gold, pred).sum(axis=0))
    after = averages(counts_of(gold, pred + [extra]).sum(axis=0))
    assert np.all(after["micro_precision"] <= before["micro_precision"] + 1e-12)
    assert np.all(after["micro_recall"] == before["micro_recall"])


@SETTINGS
@given(span_lists, span_lists)
def test_counts_add_up(gold, pred):
    counts = counts_of(gold, pred)
    totals = counts.sum(axis=0)  # (schemes, labels, slots)
    gold_per_label = np.bincount([s[3] for s in gold], minlength=N_LABELS)
    pred_per_label = np.bincount([s[3] for s in pred], minlength=N_LABELS)
    for s in range(len(SCHEMES)):
        # correct + incorrect + partial + missed = possible = gold spans, per label and overall
        assert np.array_equal(possible(totals[s]), gold_per_label)
        # correct + incorrect + partial + spurious = actual = predicted spans
        assert np.array_equal(actual(totals[s]), pred_per_label)
        # every matched pair is counted once on each side
        assert totals[s, :, :3].sum() == totals[s, :, 4:7].sum()
    matching = match(arrays(gold), arrays(pred))
    assert len(set(matching.gold.tolist())) == len(matching) == len(set(matching.pred.tolist()))
    # the number of matched pairs is the same under every scheme: missed is scheme-independent
    assert len(set(totals[:, :, 3].sum(axis=1).tolist())) == 1


# Random IOB2 sentences: made from random non-overlapping token spans, plus random tag noise
# (stray I- tags, type switches) so seqeval's strict reading is exercised too.
tags = st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"])


@st.composite
def sentence_pairs(draw):
    n = draw(st.integers(1, 12))
    true = draw(st.lists(tags, min_size=n, max_size=n))
    pred = list(true) if draw(st.booleans()) else draw(st.lists(tags, min_size=n, max_size=n))
    for _ in range(draw(st.integers(0, 3))):
        pred[draw(st.integers(0, n - 1))] = draw(tags)
    return true, pred


@settings(max_examples=200, deadline=None)
@given(st.lists(sentence_pairs(), min_size=1, max_size=8))
def test_span_strict_equals_seqeval_strict(pairs):
    true, pred = [t for t, _ in pairs], [p for _, p in pairs]
    ours, theirs = span_scores_iob2(true, pred), seqeval_strict(true, pred)
    labels = {k for k in theirs if not k.endswith(" avg")}
    assert labels == {k for k in ours if not k.endswith(" avg")}
    keys = labels | {"micro avg"} if labels else set()  # seqeval's micro avg is NaN without entities
    for key in keys:
        for metric in ("precision", "recall", "f1-score", "support"):
            assert np.isclose(ours[key][metric], theirs[key][metric]), (key, metric, ours[key], theirs[key])


def test_spans_to_iob2_rejects_overlap():
    try:
        spans_to_iob2([(0, 2, "PER"), (1, 3, "LOC")], 4)
    except ValueError as exc:
        assert "overlaps" in str(exc)
    else:
        raise AssertionError("overlapping spans were accepted")


def _objective(gold, pred, pairs) -> tuple:
    """The matching's preference keys summed over its pairs (see `matching`)."""
    keys = [0, 0, 0, 0, 0]
    for g, p in pairs:
        (_, ga, gb, gl), (_, pa, pb, pl) = gold[g], pred[p]
        exact = (ga, gb) == (pa, pb)
        for k, v in enumerate((exact and gl == pl, exact, 1, gl == pl, min(gb, pb) - max(ga, pa))):
            keys[k] += int(v)
    return tuple(keys)


def _best_by_brute_force(gold, pred) -> tuple:
    overlapping = [(g, p) for g, gs in enumerate(gold) for p, ps in enumerate(pred)
                   if gs[0] == ps[0] and gs[1] < ps[2] and ps[1] < gs[2]]

    def search(i, used_g, used_p, chosen):
        if i == len(overlapping):
            return _objective(gold, pred, chosen)
        best = search(i + 1, used_g, used_p, chosen)
        g, p = overlapping[i]
        if g not in used_g and p not in used_p:
            best = max(best, search(i + 1, used_g | {g}, used_p | {p}, chosen + [(g, p)]))
        return best

    return search(0, frozenset(), frozenset(), [])


small_lists = st.lists(st.tuples(st.just(0), st.integers(0, 12), st.integers(1, 5), st.integers(0, 1)).map(
    lambda t: (t[0], t[1], t[1] + t[2], t[3])), max_size=6)


@settings(max_examples=300, deadline=None)
@given(small_lists, small_lists)
def test_matching_is_optimal_against_brute_force(gold, pred):
    m = match(arrays(gold), arrays(pred))
    pairs = list(zip(m.gold.tolist(), m.pred.tolist()))
    assert _objective(gold, pred, pairs) == _best_by_brute_force(gold, pred)
