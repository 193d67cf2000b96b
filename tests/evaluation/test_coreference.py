"""MUC, B-cubed and CEAF-e: the reference scorer's published cases and Pradhan et al. (2014)'s
example worked by hand, the CoNLL average, and agreement with the e2e-coref metrics
(`coreference-eval`) on random clusterings."""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from corefeval.metrics import b_cubed, ceafe, muc
from occurrences import occurrence

from newsspans.corpus.model import Document, Span
from newsspans.evaluation.predictions import Prediction
from newsspans.evaluation.scoring.coreference import METRICS, cluster_counts, coreference_scores
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score


def clusters(spec: str) -> list[set]:
    """'{a} {bc}' -> [{'a'}, {'b', 'c'}]."""
    return [set(part.strip("{}")) for part in spec.split()]


def prf(key: str, response: str) -> dict[str, tuple[float, float]]:
    s = coreference_scores(cluster_counts(clusters(key), clusters(response)))
    return {m: (float(s[f"{m}_recall"]), float(s[f"{m}_precision"])) for m in METRICS}


def approx(*fractions):
    return pytest.approx([float(f) for f in fractions])


def test_reference_scorer_tc_a_2_missing_mentions():
    # TC-A-2 of the reference scorer's test cases: response with missing mentions and entities.
    got = prf("{a} {bc} {def}", "{a} {de}")
    assert got["muc"] == approx(F(1, 3), 1)
    assert got["b_cubed"] == approx(F(7, 18), 1)  # recall (1 + 0 + 4/3) / 6, precision (1 + 4/2) / 3
    assert got["ceaf_e"] == approx(F(18, 30), F(18, 20))  # common 1 + 4/5 = 1.8 over 3 and 2 entities


def test_reference_scorer_tc_a_3_false_alarms():
    # TC-A-3: response with false-alarm mentions (x, y) and entities ({z}).
    got = prf("{a} {bc} {def}", "{a} {bcx} {defy} {z}")
    # MUC: every key link kept (3/3); response links 1 of 2 in {bcx}, 2 of 3 in {defy}: 3/5.
    assert got["muc"] == approx(1, F(3, 5))
    # B-cubed precision: (1 + 2*2/3 + 3*3/4 + 0) / 9 mentions = 55/108.
    assert got["b_cubed"] == approx(1, F(55, 108))
    common = 1 + F(4, 5) + F(6, 7)  # phi4 of the aligned pairs, as the reference README gives it
    assert got["ceaf_e"] == approx(common / 3, common / 4)


def test_pradhan_2014_figure_example():
    # Key {abc} {defg}, response {ab} {cd} {fghi}: the paper's MUC 0.40/0.40, B-cubed 0.42/0.50,
    # CEAF-e 0.65/0.43 (recall/precision), here exact.
    got = prf("{abc} {defg}", "{ab} {cd} {fghi}")
    assert got["muc"] == approx(F(2, 5), F(2, 5))
    assert got["b_cubed"] == approx(F(35, 84), F(1, 2))  # (5/3 + 5/4) / 7 and (2 + 1 + 1) / 8
    assert got["ceaf_e"] == approx(F(13, 20), F(13, 30))  # best alignment 4/5 + 1/2 = 1.3, over 2 and 3
    s = coreference_scores(cluster_counts(clusters("{abc} {defg}"), clusters("{ab} {cd} {fghi}")))
    f1s = [float(s[f"{m}_f1"]) for m in METRICS]
    assert float(s["conll_f1"]) == pytest.approx(sum(f1s) / 3)


def test_perfect_and_empty():
    assert all(v == (1.0, 1.0) for v in prf("{a} {bc} {def}", "{a} {bc} {def}").values())
    s = coreference_scores(cluster_counts([], []))
    assert float(s["conll_f1"]) == 0.0  # nothing to get right is 0, as for the span scores


def _e2e(key: list[set], response: list[set]) -> dict[str, tuple[float, float]]:
    """The e2e-coref metrics (coreference-eval) on the same clusterings: (recall, precision)."""
    k, r = [tuple(sorted(c)) for c in key], [tuple(sorted(c)) for c in response]
    k_of = {m: c for c in k for m in c}
    r_of = {m: c for c in r for m in c}
    out = {}
    for name, fn in (("muc", muc), ("b_cubed", b_cubed)):
        pn, pd = fn(r, k_of)
        rn, rd = fn(k, r_of)
        out[name] = (rn / rd if rd else 0.0, pn / pd if pd else 0.0)
    pn, pd, rn, rd = ceafe(r, k)
    out["ceaf_e"] = (rn / rd if rd else 0.0, pn / pd if pd else 0.0)
    return out


def _random_clustering(rng: random.Random, pool: list[int]) -> list[set]:
    """Clusters of two or more mentions from a random part of `pool` (no singletons: the e2e
    metrics drop them, the reference scorer keeps them, so only there do both agree)."""
    chosen = [m for m in pool if rng.random() < 0.8]
    rng.shuffle(chosen)
    out, i = [], 0
    while len(chosen) - i >= 2:
        size = min(rng.randint(2, 5), len(chosen) - i)
        if len(chosen) - i - size == 1:
            size += 1
        out.append(set(chosen[i:i + size]))
        i += size
    return out


def test_agrees_with_e2e_coref_metrics_on_random_clusterings():
    rng = random.Random(13)
    for _ in range(300):
        pool = list(range(rng.randint(2, 25)))
        key, response = _random_clustering(rng, pool), _random_clustering(rng, pool)
        ours = prf(" ".join("{" + "".join(chr(65 + m) for m in sorted(c)) + "}" for c in key) or "{}",
                   " ".join("{" + "".join(chr(65 + m) for m in sorted(c)) + "}" for c in response) or "{}")
        theirs = _e2e(key, response)
        for metric in METRICS:
            assert ours[metric] == pytest.approx(theirs[metric]), (metric, key, response)


TEXT = "Angela Merkel met Putin. Merkel left. The chancellor spoke to Putin."


def at(part: str, nth: int = 0) -> tuple[int, int]:
    return occurrence(TEXT, part, nth)


def test_scored_from_spans_strict_mentions_and_twinless_convention():
    doc = Document("d", "t", TEXT)
    gold = [Span("d", f"T{i}", *at(text, nth), "PER", text, canonical=canonical)
            for i, (text, nth, canonical) in enumerate([
                ("Angela Merkel", 0, "Angela Merkel"), ("Putin", 0, "Vladimir Putin"), ("Merkel", 1, "Angela Merkel"),
                ("chancellor", 0, "Angela Merkel"), ("Putin", 1, "Vladimir Putin")])]
    # The extractor links "Angela Merkel" and "Merkel" by its own canonical name, "Putin" twice by
    # their text, misses "chancellor" and predicts "The chancellor", whose boundaries differ: a
    # twinless response mention (the gold "chancellor" is a twinless key mention).
    preds = {"d": [Prediction("d", *at("Angela Merkel"), "PER", canonical="Merkel"),
                   Prediction("d", *at("Merkel", 1), "PER", canonical="Merkel"),
                   Prediction("d", *at("Putin"), "PER"), Prediction("d", *at("Putin", 1), "PER"),
                   Prediction("d", *at("The chancellor"), "PER")]}
    coref = score([doc], gold, preds, ScoreOptions(n_resamples=0, sections=("coreference",))).to_dict()["coreference"]
    # Key {AM, M, ch} {P, P'}; response {AM, M} {P, P'} {The chancellor}.
    # MUC recall (1 + 1) / (2 + 1); precision (1 + 1 + 0) / (1 + 1 + 0).
    assert (coref["muc"]["recall"], coref["muc"]["precision"]) == pytest.approx([2 / 3, 1.0])
    # B-cubed recall per key mention AM 2/3, M 2/3, ch 0, P 1, P' 1: 10/3 over 5;
    # precision per response mention AM 1, M 1, P 1, P' 1, The chancellor 0: 4 over 5.
    assert (coref["b_cubed"]["recall"], coref["b_cubed"]["precision"]) == pytest.approx([2 / 3, 4 / 5])
    # CEAF-e: phi4({AM, M, ch}, {AM, M}) = 4/5 and phi4({P, P'}, {P, P'}) = 1: 1.8 over 2 key, 3 response entities.
    assert (coref["ceaf_e"]["recall"], coref["ceaf_e"]["precision"]) == pytest.approx([0.9, 0.6])
    f1 = [coref[m]["f1"] for m in METRICS]
    assert coref["conll"]["f1"] == pytest.approx(sum(f1) / 3)
