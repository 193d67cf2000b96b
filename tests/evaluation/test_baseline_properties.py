"""Properties every baseline output must have, on generated news-like text and on the corpus,
and the baseline running through the extractor registry and the scorer's prediction checks."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.corpus.model import LABELS, NUM_KINDS
from newsspans.corpus.store import Corpus
from newsspans.evaluation.baseline.extract import extract
from newsspans.evaluation.baseline.intervals import Ranges
from newsspans.evaluation.baseline.lexicon import gazetteer
from newsspans.evaluation.extractors.runner import load_extractor, run_extractor
from newsspans.evaluation.scoring.scorer import check_predictions

QUOTE_MARKS = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb\u201e"

# Pieces that exercise every rule: names, titles, cue words, numbers, quote marks, apostrophes.
PIECES = [
    "President", "Minister", "spokesman", "leader", "Anna", "Kowalski", "Jean-Luc", "Picard", "Poland",
    "Warsaw", "US", "US-made", "NATO", "GDP", "Council", "Security", "Party", "of", "the", "The", "said",
    "told", "he", "she", "according", "to", "region", "city", "in", "at", "Act", "2024", "1,500", "3.5",
    "percent", "%", "$4bn", "18th", "three", "one", "days", "50-day", "July", "8", "Monday", "it's",
    "didn't", "Poland's", "farmers'", "'", "\"", "\u2018", "\u2019", "\u201c", "\u201d", ",", ".", ":",
    "?", "(", ")", "-", "\u2014", "\n", "[", "]", "\u00e9t\u00e9", "Zo\u00eb", "St.", "Mr.",
]
news_like = (st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join)
             | st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
             | st.text(alphabet="aAbB zZ.,'\"\u2018\u2019\u201c\u201d0123456789$%-\n", max_size=80))


def check_output(text: str, spans: list[dict]) -> None:
    """Offsets, edges, labels, kinds, layers and speaker links of one extract() result."""
    entities, quotes = [], []
    for s in spans:
        assert 0 <= s["start"] < s["end"] <= len(text)
        surface = text[s["start"]:s["end"]]
        assert s["text"] == surface
        assert surface == surface.strip(), f"span with whitespace at an edge: {surface!r}"
        assert s["label"] in LABELS
        assert ("num_kind" in s) == (s["label"] == "NUM")
        if s["label"] == "NUM":
            assert s["num_kind"] in NUM_KINDS
        if s["label"] == "QUOTE":
            assert surface[0] in QUOTE_MARKS and surface[-1] in QUOTE_MARKS and len(surface) >= 2
            quotes.append(s)
        else:
            assert "speaker" not in s
            entities.append(s)
    for layer in (entities, quotes):
        ordered = sorted(layer, key=lambda s: s["start"])
        for a, b in zip(ordered, ordered[1:]):
            assert a["end"] <= b["start"], f"overlap: {a['text']!r} and {b['text']!r}"
    speakers = {(s["start"], s["end"]) for s in entities if s["label"] in ("PER", "ORG")}
    for q in quotes:
        if "speaker" in q:
            assert (q["speaker"]["start"], q["speaker"]["end"]) in speakers


@settings(max_examples=300, deadline=None)
@given(news_like)
def test_any_text_gives_well_formed_spans(text):
    spans = extract(text)
    check_output(text, spans)
    assert extract(text) == spans  # deterministic


def test_corpus_documents_give_well_formed_spans():
    for doc in Corpus().documents():
        check_output(doc.text, extract(doc.text))


def test_registry_runs_the_baseline_on_the_corpus():
    docs = Corpus().documents()
    run = run_extractor(load_extractor("baseline"), docs)
    assert run.errors == {}
    assert set(run.predictions) == {d.id for d in docs}
    assert all(run.predictions[d.id] for d in docs)
    assert check_predictions(docs, run.predictions) == []
    labels = {p.label for preds in run.predictions.values() for p in preds}
    assert labels == set(LABELS)
    quotes = [p for preds in run.predictions.values() for p in preds if p.label == "QUOTE"]
    assert any(isinstance(q.speaker, tuple) for q in quotes)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=25), st.integers(0, 70), st.integers(1, 8))
def test_ranges_agree_with_a_brute_force_overlap_check(candidates, start, length):
    ranges, kept = Ranges(), []
    for s, n in candidates:
        clash = any(s < e and b < s + n for b, e in kept)
        assert ranges.overlaps(s, s + n) == clash
        if not clash:
            ranges.add(s, s + n)
            kept.append((s, s + n))
    assert ranges.overlaps(start, start + length) == any(start < e and b < start + length for b, e in kept)


def test_gazetteer_is_general_and_not_built_from_the_corpus():
    gaz = gazetteer()
    assert len(gaz.places) > 300 and len(gaz.organisations) > 100
    assert {"Kyiv", "Ukraine", "Nairobi", "Middle East"} <= gaz.places
    assert {"NATO", "Reuters", "World Bank"} <= gaz.organisations
    assert {"Russian", "North Korean", "Western"} <= gaz.demonyms
    # Places and organisations of the corpus that only its context reveals must come from the
    # cue rules, not from the lists.
    corpus_only = {"Wonsan", "Kursk", "Kherson", "Donetsk", "Dnipro", "Karl Marx", "Leningrad", "KCTV",
                   "Capital Economics", "Federation Council", "Security Council", "Communist Party"}
    assert not corpus_only & (gaz.places | gaz.organisations)
