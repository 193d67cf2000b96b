"""Confidence scores: --threshold, the sweep (curve, average precision, best threshold) and
calibration, on numbers worked out by hand."""
from __future__ import annotations

import numpy as np
import pytest

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document, Span
from newsspans.evaluation import ScoreOptions, score
from newsspans.evaluation.scoring.thresholds import N_BINS, score_bin, sweep

TEXT = "Ann met Bob and Cid and Dan and Eve."
DOC = Document("d", "t", TEXT)
GOLD = [Span("d", f"T{i}", s, s + 3, "PER", TEXT[s:s + 3]) for i, s in enumerate((0, 8, 16, 24))]
# Ann 0.9 right, Eve 0.8 spurious, Bob 0.6 right, Cid 0.3 right; Dan missed.
PREDS = [{"start": 0, "end": 3, "label": "PER", "score": 0.9}, {"start": 32, "end": 35, "label": "PER", "score": 0.8},
         {"start": 8, "end": 11, "label": "PER", "score": 0.6}, {"start": 16, "end": 19, "label": "PER", "score": 0.3}]


def sweeps(preds, **options):
    data = score([DOC], GOLD, {"d": preds}, ScoreOptions(n_resamples=0, **options)).to_dict()
    return data, data["thresholds"]["entity"]


def test_curve_average_precision_and_best_threshold_by_hand():
    _, t = sweeps(PREDS)
    micro = t["micro"]
    assert micro == t["PER"] | {}  # one label: micro is that label
    assert [(p["threshold"], p["predicted"]) for p in micro["curve"]] == [(0.9, 1), (0.8, 2), (0.6, 3), (0.3, 4)]
    # precision 1, 1/2, 2/3, 3/4; recall over all four gold spans 1/4, 1/4, 2/4, 3/4
    assert [p["precision"] for p in micro["curve"]] == pytest.approx([1, 1 / 2, 2 / 3, 3 / 4])
    assert [p["recall"] for p in micro["curve"]] == pytest.approx([1 / 4, 1 / 4, 1 / 2, 3 / 4])
    assert [p["f1"] for p in micro["curve"]] == pytest.approx([0.4, 1 / 3, 4 / 7, 0.75])
    # AP = 1/4 x 1 + 0 x 1/2 + 1/4 x 2/3 + 1/4 x 3/4 = 0.6041666...
    assert micro["average_precision"] == pytest.approx(0.25 + 1 / 6 + 0.1875)
    assert micro["best"] == pytest.approx({"threshold": 0.3, "precision": 0.75, "recall": 0.75, "f1": 0.75,
                                           "predicted": 4})
    assert (micro["scored"], micro["unscored"], micro["gold"]) == (4, 0, 4)
    assert t["LOC"] == {"scored": 0, "unscored": 0, "gold": 0, "curve": [], "average_precision": None,
                        "best": None, "calibration": None}


def test_calibration_bins_and_expected_error_by_hand():
    cal = sweeps(PREDS)[1]["micro"]["calibration"]
    assert [(b["low"], b["count"], b["accuracy"]) for b in cal["bins"]] == \
        [(0.3, 1, 1.0), (0.6, 1, 1.0), (0.8, 1, 0.0), (0.9, 1, 1.0)]
    assert [b["mean_score"] for b in cal["bins"]] == pytest.approx([0.3, 0.6, 0.8, 0.9])
    # ECE = 1/4 (|1 - 0.3| + |1 - 0.6| + |0 - 0.8| + |1 - 0.9|) = 2.0 / 4
    assert cal["expected_calibration_error"] == pytest.approx(0.5)


def test_threshold_drops_below_it_before_scoring_and_counts_them():
    data, t = sweeps(PREDS, threshold=0.5)
    micro = data["layers"]["entity"]["schemes"]["strict"]["micro"]
    assert (micro["correct"], micro["actual"], micro["possible"]) == (2, 3, 4)
    assert data["below_threshold"] == {"PER": 1} and data["settings"]["threshold"] == 0.5
    assert t["micro"]["scored"] == 3


def test_unscored_predictions_are_reported_as_such_and_always_kept():
    preds = PREDS + [{"start": 24, "end": 27, "label": "PER"}]  # Dan, right, no score
    data, t = sweeps(preds, threshold=0.95)
    micro = t["micro"]
    assert (micro["scored"], micro["unscored"]) == (0, 1)
    assert micro["curve"] == [] and micro["best"] is None and micro["average_precision"] is None
    assert data["layers"]["entity"]["schemes"]["strict"]["micro"]["correct"] == 1  # only Dan is left
    micro = sweeps(preds)[1]["micro"]
    # At 0.9: Ann and Dan kept, both right: P 1, R 1/2; AP starts from Dan's recall 1/4.
    assert micro["curve"][0] == pytest.approx({"threshold": 0.9, "precision": 1.0, "recall": 0.5, "f1": 2 / 3,
                                               "predicted": 2})
    assert micro["average_precision"] == pytest.approx(0.25 * 1 + 0 + 0.25 * 3 / 4 + 0.25 * 4 / 5)


def test_scores_are_checked():
    for bad in (1.5, -0.1, "high", True):
        with pytest.raises(CorpusError, match="'score' must be a number in"):
            score([DOC], GOLD, {"d": [{"start": 0, "end": 3, "label": "PER", "score": bad}]})


def test_bins_agree_with_the_threshold_comparison():
    s = np.array([0.0, 0.29, 0.3, 0.505, 0.99, 1.0])
    assert score_bin(s).tolist() == [0, 29, 30, 50, 99, 99]
    assert all(((score_bin(s) >= k) == (s >= k / N_BINS)).all() for k in range(N_BINS))


def test_histograms_add_across_documents():
    # The same predictions split over two documents (two copies of the text) sweep the same way
    # as their per-document histograms summed: the sweep needs only the sums.
    docs = [Document("d", "t", TEXT), Document("e", "t", TEXT)]
    gold = GOLD + [Span("e", s.id, s.start, s.end, s.label, s.text) for s in GOLD]
    report = score(docs, gold, {"d": PREDS[:2], "e": PREDS[2:]}, ScoreOptions(n_resamples=0))
    h = report.layers["entity"].scores_histograms
    assert h.scored().shape == (4, N_BINS, 3) and h.gold.sum() == 8
    summed = sweep(h.scored().sum(axis=0), h.unscored.sum(axis=(0, 1)), h.gold.sum())
    assert summed == report.to_dict()["thresholds"]["entity"]["micro"]
    # Per-document weights (a bootstrap resample, or one shard): document e alone is Bob and Cid.
    only_e = h.scored(np.array([0.0, 1.0])).sum(axis=0)
    assert only_e[:, 0].sum() == 2 and only_e[:, 1].sum() == 2 and only_e[:, 2].sum() == pytest.approx(0.9)
    # Ann, Bob and Cid right of the eight gold spans: the best point (0.3) has recall 3/8, precision 3/4.
    assert (summed["best"]["recall"], summed["best"]["precision"]) == pytest.approx((3 / 8, 3 / 4))
