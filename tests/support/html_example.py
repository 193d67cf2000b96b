"""A small hand-made scoring example with every outcome, shared by the HTML report tests.

Document d1 (gold spans, and what the predictions do with them):

    T1 PER "Angela Merkel"   predicted PER, same boundaries        -> correct
    T2 LOC "Paris"           predicted ORG, same boundaries        -> label
    T3 NUM "3"               not predicted                         -> missed
    T4 QUOTE '"We will win,"' predicted without the quote marks    -> boundary; speaker span "Merkel" (right)
    T5 PER "Merkel"          predicted PER "said Merkel"           -> boundary
    T6 LOC "Berlin"          predicted ORG "in Berlin"             -> boundary-label
    (none)                   predicted ORG "We" inside the quote   -> spurious

Document d2 holds one PER, predicted correctly by system A and missed by system B, which also
adds a spurious LOC there: the systems differ more on d2 than on d1.
"""
from __future__ import annotations

from newsspans.corpus.model import Document, Span
from newsspans.evaluation.predictions import Prediction
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score

D1 = 'Angela Merkel visited Paris with 3 aides.\n\n"We will win," said Merkel in Berlin.'
D2 = "Olaf Scholz spoke.\n\nNothing else happened in the town."


def at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of `piece` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def documents() -> list[Document]:
    return [Document("d1", "Angela Merkel visited Paris with 3 aides.", D1),
            Document("d2", "Olaf Scholz spoke.", D2)]


def gold() -> list[Span]:
    def span(doc, sid, piece, label, nth=0, **kw):
        text = {"d1": D1, "d2": D2}[doc]
        s, e = at(text, piece, nth)
        return Span(doc, sid, s, e, label, piece, **kw)

    return [span("d1", "T1", "Angela Merkel", "PER", canonical="Angela Merkel"),
            span("d1", "T2", "Paris", "LOC", canonical="Paris"),
            span("d1", "T3", "3", "NUM", num_kind="cardinal"),
            span("d1", "T4", '"We will win,"', "QUOTE", speaker="T5"),
            span("d1", "T5", "Merkel", "PER", nth=1, canonical="Angela Merkel"),
            span("d1", "T6", "Berlin", "LOC", canonical="Berlin"),
            span("d2", "T1", "Olaf Scholz", "PER", canonical="Olaf Scholz")]


def pred(doc: str, piece: str, label: str, nth: int = 0, **kw) -> Prediction:
    text = {"d1": D1, "d2": D2}[doc]
    s, e = at(text, piece, nth)
    return Prediction(doc, s, e, label, piece, **kw)


def predictions_a() -> dict[str, list[Prediction]]:
    return {"d1": [pred("d1", "Angela Merkel", "PER"), pred("d1", "Paris", "ORG"),
                   pred("d1", "We will win,", "QUOTE", speaker=at(D1, "Merkel", 1)),
                   pred("d1", "said Merkel", "PER"), pred("d1", "in Berlin", "ORG"), pred("d1", "We", "ORG")],
            "d2": [pred("d2", "Olaf Scholz", "PER")]}


def predictions_b() -> dict[str, list[Prediction]]:
    b = predictions_a()
    b["d2"] = [pred("d2", "town", "LOC")]
    return b


# Expected (side, text drawn, label, outcome, start offset) of every mark in d1 for system A.
EXPECTED_D1 = [
    ("gold", "Angela Merkel", "PER", "correct", 0), ("pred", "Angela Merkel", "PER", "correct", 0),
    ("gold", "Paris", "LOC", "label", at(D1, "Paris")[0]), ("pred", "Paris", "ORG", "label", at(D1, "Paris")[0]),
    ("gold", "3", "NUM", "missed", at(D1, "3")[0]),
    ("gold", '"We will win,"', "QUOTE", "boundary", at(D1, '"We')[0]),
    ("pred", "We will win,", "QUOTE", "boundary", at(D1, "We will")[0]),
    ("gold", "Merkel", "PER", "boundary", at(D1, "Merkel", 1)[0]),
    ("pred", "said Merkel", "PER", "boundary", at(D1, "said")[0]),
    ("gold", "Berlin", "LOC", "boundary-label", at(D1, "Berlin")[0]),
    ("pred", "in Berlin", "ORG", "boundary-label", at(D1, "in Berlin")[0]),
    ("pred", "We", "ORG", "spurious", at(D1, "We")[0]),
]


def report(predictions: dict[str, list[Prediction]] | None = None) -> dict:
    """The real scorer's JSON report of the example (bootstrap on, fixed seed, every section, as --html asks)."""
    return score(documents(), gold(), predictions or predictions_a(),
                 ScoreOptions(n_resamples=200, seed=0, sections=("all",)),
                 gold_source="example", predictions_source="system A").to_dict()


def texts() -> dict[str, str]:
    return {d.id: d.text for d in documents()}
