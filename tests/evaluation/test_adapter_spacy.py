"""The spaCy adapter, run for real on a pipeline the test builds (blank English + entity_ruler).

No model weights: the entity ruler labels the OntoNotes entities of sentences written for the test.
"""
from __future__ import annotations

import sys

import pytest
from adapter_support import need

spacy = need("spacy", "spacy")

from newsspans.corpus.model import Document  # noqa: E402
from newsspans.evaluation.adapters.spacy import SpacyExtractor  # noqa: E402
from newsspans.evaluation.extractors.registry import load_adapter  # noqa: E402
from newsspans.evaluation.extractors.runner import run_extractor  # noqa: E402

TEXTS = [
    "The European Commission's envoy met Amara Okafor in Lagos on Friday, about 40 days after the vote.",
    "Danish officials said exports fell to $4bn, or 12 percent, the 3rd drop since March 2019.",
    "",
]
PATTERNS = [
    ("ORG", "The European Commission's"), ("PERSON", "Amara Okafor"), ("GPE", "Lagos"), ("DATE", "Friday"),
    ("DATE", "about 40 days"), ("NORP", "Danish"), ("MONEY", "4bn"), ("PERCENT", "12 percent"),
    ("ORDINAL", "3rd"), ("DATE", "March 2019"), ("WEAPON", "vote"),
]


def ruler_pipeline(nlp=None):
    """A (blank English) pipeline plus an entity_ruler that tags the phrases in PATTERNS."""
    nlp = nlp or spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": [{"ORTH": t.text} for t in nlp.make_doc(phrase)]}
                        for label, phrase in PATTERNS])
    return nlp


def triples(spans: list[dict], text: str) -> list[tuple[str, str, str | None]]:
    for s in spans:
        assert text[s["start"]:s["end"]] == s["text"]
    return [(s["text"], s["label"], s.get("num_kind")) for s in spans]


EXPECTED = [
    [("European Commission", "ORG", None), ("Amara Okafor", "PER", None), ("Lagos", "LOC", None),
     ("40 days", "NUM", "duration"), ("vote", "WEAPON", None)],
    [("$4bn", "NUM", "money"), ("12 percent", "NUM", "percent"), ("3rd", "NUM", "ordinal"),
     ("March 2019", "NUM", "date")],
    [],
]


def test_entities_are_mapped_trimmed_and_batched():
    extractor = SpacyExtractor(nlp=ruler_pipeline(), batch_size=2)
    got = extractor.predict_batch(TEXTS)
    assert [triples(spans, text) for spans, text in zip(got, TEXTS)] == EXPECTED
    # Friday (a date without a numeral) and Danish (NORP) are dropped, and counted.
    assert extractor.dropped == {"DATE": 1, "NORP": 1}
    assert triples(extractor(TEXTS[1]), TEXTS[1]) == EXPECTED[1]


def test_pipeline_folder_loads_by_path_through_the_adapter_spec(tmp_path):
    # A tagger (initialized, untrained) that the adapter's entities-only load must leave out.
    nlp = spacy.blank("en")
    nlp.add_pipe("tagger")
    nlp.initialize(get_examples=lambda: [spacy.training.Example.from_dict(nlp.make_doc("Lagos"),
                                                                           {"tags": ["NNP"]})])
    ruler_pipeline(nlp).to_disk(tmp_path / "pipeline")
    extractor = load_adapter(f"spacy:{tmp_path / 'pipeline'}")
    assert isinstance(extractor, SpacyExtractor)
    assert extractor.nlp.pipe_names == ["entity_ruler"]
    assert [triples(s, t) for s, t in zip(extractor.predict_batch(TEXTS), TEXTS)] == EXPECTED
    assert extractor.version.startswith("spacy-en_pipeline-")


def test_runs_under_the_harness_as_a_batch_extractor():
    docs = [Document(id=f"d{i}", title="", text=t) for i, t in enumerate(TEXTS)]
    run = run_extractor(SpacyExtractor(nlp=ruler_pipeline()), docs, batch_size=2)
    assert not run.errors
    assert [(p.text, p.label, p.num_kind) for p in run.predictions["d1"]] == EXPECTED[1]


def test_missing_pipeline_says_what_to_install():
    with pytest.raises(RuntimeError, match="not installed.*leaderboard-requirements.txt"):
        SpacyExtractor("no_such_pipeline_xyz")


def test_pipeline_without_entity_component_is_refused():
    with pytest.raises(RuntimeError, match="no component that sets entities"):
        SpacyExtractor(nlp=spacy.blank("en"))


def test_missing_spacy_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` raise ImportError
    with pytest.raises(ImportError, match=r"pip install 'newsspans\[spacy\]'"):
        SpacyExtractor("en_core_web_sm")


def test_a_span_group_with_scores_gives_scored_predictions():
    # What spancat writes: doc.spans[key] with attrs["scores"], one per span. A component of our own
    # writes it here (a trained spancat needs training data), read through the same adapter path.
    from spacy.language import Language
    from spacy.tokens import SpanGroup

    @Language.component("fake_spancat")
    def fake_spancat(doc):
        spans = [doc.char_span(36, 48, "PERSON"), doc.char_span(52, 57, "GPE")]  # Amara Okafor, Lagos
        doc.spans["sc"] = SpanGroup(doc, name="sc", spans=spans, attrs={"scores": [0.75, 0.25]})
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("fake_spancat")
    extractor = SpacyExtractor(nlp=nlp, spans_key="sc")
    got = extractor(TEXTS[0])
    assert [(s["text"], s["label"], s["score"]) for s in got] == [("Amara Okafor", "PER", 0.75), ("Lagos", "LOC", 0.25)]
    assert extractor.version.endswith("-spans-sc")
    # Entities from doc.ents carry no score: none is made up.
    assert all("score" not in s for s in SpacyExtractor(nlp=ruler_pipeline())(TEXTS[0]))
