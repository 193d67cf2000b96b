"""Invariance probes: name swaps keep every gold offset exact (validator and hand-checked
texts), map full names, last and first names and possessives, skip what they cannot map, and
`newsspans probe` reports the F1 change per swap type with a paired interval."""
from __future__ import annotations

import json
import random

from cli_app import make_app
from occurrences import occurrence
from typer.testing import CliRunner

from newsspans.corpus.model import Document, Span
from newsspans.corpus.store import Corpus
from newsspans.evaluation.probes.swap import replacement_names, swap_document, swap_names
from newsspans.evaluation.scoring.scorer import check_gold

TEXT = 'Olaf Scholz met Mr Macron in Paris. "Scholz is right," said Olaf. Scholz\'s aide left Paris.'


def at(part: str, nth: int = 0) -> tuple[int, int]:
    return occurrence(TEXT, part, nth)


DOC = Document("d", "t", TEXT)
SPANS = [
    Span("d", "T1", *at("Olaf Scholz"), "PER", "Olaf Scholz", canonical="Olaf Scholz"),
    Span("d", "T2", *at("Mr Macron"), "PER", "Mr Macron", canonical="Emmanuel Macron"),  # not mappable: kept
    Span("d", "T3", *at("Paris"), "LOC", "Paris", canonical="Paris"),
    Span("d", "T4", *at('"Scholz is right,"'), "QUOTE", '"Scholz is right,"', speaker="T5"),
    Span("d", "T5", *at("Olaf", 1), "PER", "Olaf", canonical="Olaf Scholz"),
    Span("d", "T6", *at("Scholz's"), "PER", "Scholz's", canonical="Olaf Scholz"),
    Span("d", "T7", *at("Paris", 1), "LOC", "Paris", canonical="Paris"),
]


def test_lists_are_bundled():
    assert len(replacement_names("person")) >= 20 and all(len(n.split()) == 2 for n in replacement_names("person"))
    assert len(replacement_names("place")) >= 20


def test_person_swap_by_hand():
    doc, spans, entities, mentions = swap_document(DOC, SPANS, "person", random.Random(0))
    by_id = {s.id: s for s in spans}
    new = by_id["T1"].canonical
    first, last = new.split()
    assert new in replacement_names("person") and (entities, mentions) == (1, 3)
    # Full name, first name (the speaker mention), possessive last name; the quote text itself is
    # not a PER span, so "Scholz" inside it stays (only gold mentions are rewritten).
    assert doc.text == (f'{new} met Mr Macron in Paris. "Scholz is right," said {first}. {last}\'s aide left Paris.')
    assert by_id["T5"].text == first and by_id["T6"].text == f"{last}'s"
    # "Mr Macron" is neither the canonical name nor one of its words: the entity keeps its name.
    assert by_id["T2"].text == "Mr Macron" and by_id["T2"].canonical == "Emmanuel Macron"
    for s in spans:
        assert doc.text[s.start:s.end] == s.text
    assert check_gold([doc], spans) == []


def test_place_swap_shifts_quotes_and_later_spans():
    text = 'In Paris, "Paris is calm," Anna said in Paris.'
    pos = [i for i in range(len(text)) if text.startswith("Paris", i)]
    spans = [Span("e", f"L{k}", p, p + 5, "LOC", "Paris", canonical="Paris") for k, p in enumerate(pos)] + [
        Span("e", "Q", text.index('"'), text.index(',"') + 2, "QUOTE", '"Paris is calm,"', speaker="A"),
        Span("e", "A", text.index("Anna"), text.index("Anna") + 4, "PER", "Anna", canonical="Anna")]
    doc, new_spans, entities, mentions = swap_document(Document("e", "t", text), spans, "place", random.Random(1))
    new = new_spans[0].text
    assert doc.text == f'In {new}, "{new} is calm," Anna said in {new}.' and (entities, mentions) == (1, 3)
    quote = next(s for s in new_spans if s.id == "Q")
    assert quote.text == f'"{new} is calm,"' and doc.text[quote.start:quote.end] == quote.text
    assert check_gold([doc], new_spans) == []


def test_bundled_corpus_swaps_validate():
    docs, spans = Corpus().load()
    for swap in ("person", "place"):
        changed = swap_names(docs, spans, swap, seed=3)
        assert changed.entities > 0 and changed.mentions >= changed.entities
        assert check_gold(changed.documents, changed.spans) == []
        assert len(changed.spans) == len(spans)  # nothing dropped


def test_probe_command_reports_each_swap(tmp_path):
    result = CliRunner().invoke(make_app(), ["probe", "--extractor", "baseline", "--format", "json", "--no-progress",
                                             "--bootstrap", "100"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for swap, label in (("person", "PER"), ("place", "LOC")):
        entry = data["swaps"][swap]
        for key in ("micro", label):
            t = entry[key]
            assert t["difference"] == t["f1_swapped"] - t["f1_original"]
            # The bundled corpus has 4 documents: too few for an interval (bootstrap.MIN_DOCUMENTS).
            assert t["interval"] is None and t["p_value"] is None and t["note"].startswith("too few documents")
    assert data["original"]["micro_f1"] == data["swaps"]["place"]["micro"]["f1_original"]
    bad = CliRunner().invoke(make_app(), ["probe", "--extractor", "baseline", "--swap", "animal"])
    assert bad.exit_code == 2 and "unknown swap type" in bad.output
