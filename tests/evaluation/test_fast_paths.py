"""The scorer's fast paths agree with the full rules they skip, on valid and broken input.

Each fast path proves the common case in one expression and hands anything else to the rules
that explain problems; these tests generate spans of every kind, good and bad, and check that
the fast path and the full rules give the same predictions, or the same problems word for word.
"""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document
from newsspans.evaluation.labelmap import LabelMap, apply_label_map, parse_label_map
from newsspans.evaluation.predictions import (Prediction, PredictionSet, inside_word, parsed_line_predictions,
                                              predictions_from_dicts)
from newsspans.corpus.model import LABELS
from newsspans.evaluation.scoring.scorer import check_predictions, prediction_problems
from newsspans.evaluation.scoring.speakers import GoldSpeaker, entity_level, gold_speakers, mention_level

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = "Anna Berg said \"we go\" in Oslo, 12 of them. Zoë wrote"

scalar = st.one_of(st.none(), st.booleans(), st.integers(-3, 70), st.floats(-1, 70), st.just(float("nan")),
                   st.sampled_from(["", "PER", "QUOTE", "cardinal", "percent", "x", " Anna ", "Zoë",
                                    "Zo\udc00", "PER\ud800", "\ud83d\ude00"]))  # lone surrogates: not text
# Lists come from JSON; tuples only from Python code (an in-process extractor, score() with dicts).
speaker = st.one_of(scalar, st.fixed_dictionaries({"start": scalar, "end": scalar}),
                    st.lists(st.integers(0, 60), min_size=2, max_size=2), st.lists(scalar, max_size=3).map(tuple))
field = st.sampled_from(["start", "end", "label", "text", "num_kind", "speaker", "canonical", "score",
                         "speaker_score", "context", "other"])
good = st.builds(lambda a, n, label, text: {"start": a, "end": a + n, "label": label,
                                            **({"text": TEXT[a:a + n]} if text else {})},
                 st.integers(0, 40), st.integers(1, 8),
                 st.sampled_from(["PER", "LOC", "NUM", "QUOTE", "X", "P\ud800"]),
                 st.booleans())
changed = st.tuples(good, st.dictionaries(field, st.one_of(scalar, speaker), max_size=3)).map(
    lambda t: {**t[0], **t[1]})
said = st.builds(lambda g, who: {**g, "label": "QUOTE", "speaker": who}, good, speaker)  # every kind of speaker
span = st.one_of(good, changed, said, scalar)


def outcome(fn):
    try:
        return "ok", fn()
    except CorpusError as exc:
        return "error", [str(p) for p in exc.problems]


class RulesOnly(dict):
    """A prediction dict that is not exactly a dict, so prediction_from_dict skips its fast path."""


@SETTINGS
@given(st.lists(span, max_size=12))
def test_inline_predictions_equal_the_full_rules(spans):
    fast = outcome(lambda: parsed_line_predictions("d1", copy.deepcopy(spans), "p.jsonl", 3))
    common = outcome(lambda: predictions_from_dicts("d1", copy.deepcopy(spans), "p.jsonl", 3))
    rules = outcome(lambda: predictions_from_dicts(
        "d1", [RulesOnly(s) if type(s) is dict else s for s in copy.deepcopy(spans)], "p.jsonl", 3))
    assert fast == common == rules
    if fast[0] == "ok":  # the fields equality leaves out too
        assert [(p.file, p.line, type(p)) for p in fast[1]] == [("p.jsonl", 3, Prediction)] * len(fast[1])


prediction = st.builds(
    lambda a, n, label, text, speaker, alignment: Prediction(
        "d1", None if a is None else a, None if a is None else a + n, label,
        TEXT[a:a + n] if text == "right" and a is not None else text if text != "right" else None,
        speaker=speaker, alignment=alignment),
    st.one_of(st.none(), st.integers(-2, len(TEXT) + 2)), st.integers(-1, 8),
    st.sampled_from(["PER", "QUOTE", "NUM", "X"]), st.sampled_from([None, "right", "wrong"]),
    st.one_of(st.none(), st.just("Anna"), st.tuples(st.integers(-1, 60), st.integers(0, 60))),
    st.sampled_from([None, None, "exact", "unaligned", "merged"]))


@SETTINGS
@given(st.lists(prediction, max_size=6))
def test_check_predictions_skips_only_predictions_that_break_no_rule(preds):
    doc = Document(id="d1", title="", text=TEXT)
    assert check_predictions([doc], {"d1": preds}) == [
        problem for i, p in enumerate(preds) for problem in prediction_problems(p, i, TEXT, LABELS)]


def test_check_predictions_fast_case_still_reports_each_rule():
    doc = Document(id="d1", title="", text=TEXT)
    preds = [Prediction("d1", 0, 4, "PER", "Anna"), Prediction("d1", 0, 4, "X"), Prediction("d1", 5, 99, "PER"),
             Prediction("d1", 0, 4, "PER", "Berg"), Prediction("d1", 0, 4, "PER", speaker="Anna")]
    messages = [p.message for p in check_predictions([doc], {"d1": preds})]
    assert len(messages) == 4
    assert messages[0].startswith("unknown label 'X'")
    assert messages[1].startswith("offsets [5, 99) are outside the text")
    assert messages[2].startswith("text 'Berg' does not match text[0:4] = 'Anna'")
    assert messages[3] == "speaker is only for QUOTE predictions, found on PER"


@SETTINGS
@given(st.lists(st.sampled_from(["PER", "LOC", "PERSON", "GPE", "MISC", "NORP", "QUOTE"]), max_size=8),
       st.sampled_from([None, "spacy", "conll", "PERSON=PER"]), st.booleans(), st.sampled_from([(), ("QUOTE",)]))
def test_label_map_fast_case_equals_the_rules(labels, spec, drop_unknown, ignore):
    label_map = parse_label_map(spec, list(ignore), drop_unknown)
    preds = PredictionSet({"d1": [Prediction("d1", i, i + 1, label) for i, label in enumerate(labels)]}, file="p")
    slow = outcome(lambda: _apply_by_the_rules(preds, label_map))
    fast = outcome(lambda: apply_label_map(preds, label_map))
    assert fast == slow


def _apply_by_the_rules(preds, label_map: LabelMap):
    """apply_label_map with the fast case made impossible (its values are not lists)."""
    return apply_label_map(PredictionSet({k: tuple(v) for k, v in preds.items()}, file=preds.file), label_map)


@SETTINGS
@given(st.lists(st.tuples(st.integers(-1, len(TEXT) + 1), st.integers(0, 9)), max_size=12))
def test_inside_word_counts_by_its_definition(offsets):
    preds = [Prediction("d1", a, a + n, "PER") for a, n in offsets]
    n = len(TEXT)
    inside = lambda o: 0 < o < n and TEXT[o - 1].isalnum() and TEXT[o].isalnum()  # noqa: E731
    looked = [p for p in preds if 0 <= p.start < p.end <= n]
    assert inside_word({"d1": preds}, {"d1": TEXT}) == (sum(inside(p.start) or inside(p.end) for p in looked),
                                                        len(looked))


def test_gold_speakers_index_each_document_once_and_agree_with_the_rules():
    from newsspans.corpus.model import Span

    spans = [Span("d1", "T1", 0, 9, "PER", "Anna Berg", canonical="Anna Berg"),
             Span("d1", "T2", 15, 22, "QUOTE", "\"we go\"", speaker="T1"),
             Span("d1", "T3", 26, 30, "LOC", "Oslo"),
             Span("d1", "T4", 46, 49, "PER", "Zoë", canonical="Anna Berg"),
             Span("d1", "T5", 15, 22, "QUOTE", "\"we go\"", speaker="T9"),
             Span("d1", "T6", 15, 22, "QUOTE", "\"we go\"")]
    quotes = [s for s in spans if s.label == "QUOTE"]
    golds = gold_speakers(quotes, spans)
    assert golds[0] == GoldSpeaker(spans[0], (spans[0], spans[3]))
    assert golds[1] == GoldSpeaker(None, ()) and golds[2] is None
    said = lambda speaker: Prediction("d1", 15, 22, "QUOTE", speaker=speaker)  # noqa: E731
    assert entity_level(golds[0], said((46, 49))) and not mention_level(golds[0], said((46, 49)))
    assert entity_level(golds[0], said(" zoë ")) and mention_level(golds[0], said("anna  berg"))
    assert not entity_level(golds[1], said("Anna Berg")) and not mention_level(golds[1], said((0, 9)))
    assert entity_level(golds[2], said(None)) and not entity_level(golds[2], said("Anna"))


def test_a_num_kind_that_is_not_a_string_is_a_problem_not_a_crash():
    # Found by the property above: `{} in frozenset` raised TypeError in both fast paths.
    from newsspans.evaluation.predictions import prediction_from_dict

    for build in (lambda d: prediction_from_dict("d1", d), lambda d: parsed_line_predictions("d1", [d])):
        kind, problems = outcome(lambda: build({"start": 0, "end": 4, "label": "NUM", "num_kind": {}}))
        assert kind == "error" and any("'num_kind' must be a string or null, got {}" in m for m in problems)


@SETTINGS
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.lists(
    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))))
def test_components_equal_scipys_connected_components(graph):
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from newsspans.evaluation.scoring.matching import components

    n, edges = graph
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    ours = components(u, v, n)
    _, theirs = connected_components(coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)), directed=False)
    # The same partition of the nodes (the numbering differs): each of our labels is one of theirs.
    pairs = set(zip(ours.tolist(), theirs.tolist()))
    assert len(pairs) == len(set(ours.tolist())) == len(set(theirs.tolist()))
    assert all(ours[i] <= i for i in range(n))


def test_the_gold_fingerprint_is_the_hash_of_each_piece_in_turn():
    # One update per document must give the digest of one update per piece (partials made
    # before and after merge together only if it does).
    import hashlib

    from newsspans.corpus.model import Span
    from newsspans.evaluation.scoring.partial import fingerprint_of

    spans = [Span("d1", "T1", 0, 9, "PER", "Anna Berg", canonical="Anna Berg"),
             Span("d1", "T2", 46, 49, "PER", "Zoë")]
    docs = [Document(id="d1", title="", text=TEXT), Document(id="d2", title="", text="ünï")]
    h = hashlib.sha256()
    for d in docs:
        h.update(f"\x1d{d.id}\x1f{d.text}".encode())
        for s in spans if d.id == "d1" else ():
            h.update(f"\x1e{s.id}\x1f{s.start}\x1f{s.end}\x1f{s.label}\x1f{s.canonical}\x1f{s.num_kind}\x1f"
                     f"{s.speaker}\x1f{s.text}".encode())
    assert fingerprint_of(docs, {"d1": spans}) == h.hexdigest()


def _json_path(raw: bytes):
    from newsspans.corpus.jsonl import BAD, json_line
    from newsspans.evaluation.predictions import _record_predictions

    problems = []
    record = json_line(raw, "p.jsonl", 3, problems)
    return ("error", [str(p) for p in problems]) if record is BAD else \
        outcome(lambda: _record_predictions(record, "p.jsonl", 3))


@SETTINGS
@given(st.lists(span, max_size=8), st.sampled_from(["d1", 7, None]), st.booleans())
def test_a_line_msgspec_reads_is_read_alike_by_the_json_path(spans, doc_id, extra):
    import json

    from newsspans.evaluation.predictions import common_line

    raw = json.dumps({"id": doc_id, "spans": spans, **({"model": "x"} if extra else {})}).encode()
    common = common_line(raw, "p.jsonl", 3)
    if common is not None:
        kind, value = _json_path(raw)
        assert kind == "ok" and value == common
        assert [(p.file, p.line) for p in common[1]] == [(p.file, p.line) for p in value[1]]


def test_msgspec_leaves_to_the_json_path_what_it_would_read_differently():
    from newsspans.evaluation.predictions import common_line

    for raw in (b'{"id": "d1", "spans": [{"start": 1.0, "end": 2, "label": "PER"}]}',
                b'{"id": "d1", "spans": [{"start": true, "end": 2, "label": "PER"}]}',
                b'{"id": "d1", "spans": [{"start": NaN, "end": 2, "label": "PER"}]}',
                b'\xef\xbb\xbf{"id": "d1", "spans": []}',
                b'{"id": "d1", "spans": [{"start": 1, "end": 2, "label": "\\ud800"}]}',
                b'{"id": "d1", "spans": [{"start": 1, "end": 2, "label": "PER", "score": 0.5}]}',
                b'{"id": "d1", "spans": [{"start": 1, "end": 2, "label": ""}]}',
                b'{"id": "d1", "spans": [{"start": 1, "end": 2, "label": "NUM", "num_kind": "lots"}]}',
                b'{"id": "d1", "spans": []} trailing'):
        assert common_line(raw, "p.jsonl", 3) is None, raw
    raw = (b'{"id": "d1", "spans": [{"start": 1, "start": 0, "end": 4, "label": "QUOTE", '
           b'"speaker": {"start": 5, "end": 9, "x": 1}}]}')  # a repeated key: the last one, as json reads it
    assert common_line(raw, "p.jsonl", 3) == _json_path(raw)[1]


def test_poisson_weights_by_prefix_equal_the_binary_search():
    import numpy as np

    from newsspans.evaluation.scoring.bootstrap import PREFIX_WEIGHT, THRESHOLDS, document_keys, poisson_weights

    # Every threshold and its neighbours, as 53-bit uniforms placed in the top bits of x.
    edges = np.concatenate([THRESHOLDS - np.uint64(1), THRESHOLDS, THRESHOLDS + np.uint64(1),
                            np.array([0, 2 ** 53 - 1], np.uint64)])
    randoms = np.random.default_rng(0).integers(0, 2 ** 53, 200_000, dtype=np.uint64)
    u = np.concatenate([edges[edges < 2 ** 53], randoms])
    x = u << np.uint64(11)
    by_prefix = PREFIX_WEIGHT[x >> np.uint64(48)]
    unsure = by_prefix < 0
    by_prefix[unsure] = np.searchsorted(THRESHOLDS, u[unsure], side="right")
    assert (by_prefix == np.searchsorted(THRESHOLDS, u, side="right")).all()
    assert 0 < (PREFIX_WEIGHT < 0).sum() <= len(THRESHOLDS)
    w = poisson_weights(document_keys([f"doc{i}" for i in range(1000)], seed=3), 50)
    assert w.shape == (50, 1000) and abs(w.mean() - 1) < 0.02 and abs(w.var() - 1) < 0.05
