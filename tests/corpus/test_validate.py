"""Every validator rule, each with a failing example, and the standoff reader's errors."""
import json

import pytest

from newsspans.corpus import CorpusError, Document, Span
from newsspans.corpus.standoff import LocatedSpan, read_spans
from newsspans.corpus.validate import validate

TEXT = "Lavrov met Kim in Wonsan. 'We agree,' Lavrov said on 12 July."
DOC = Document(id="d1", title="t", text=TEXT)


def span(id, surface, label, nth=1, **attrs):
    start = -1
    for _ in range(nth):
        start = TEXT.index(surface, start + 1)
    return Span("d1", id, start, start + len(surface), label, surface, **attrs)


def valid_spans():
    return [
        span("T1", "Lavrov", "PER", canonical="Sergei Lavrov"),
        span("T2", "Kim", "PER", canonical="Kim Jong Un"),
        span("T3", "Wonsan", "LOC", canonical="Wonsan"),
        span("T4", "'We agree,'", "QUOTE", speaker="T5"),
        span("T5", "Lavrov", "PER", nth=2, canonical="Sergei Lavrov"),
        span("T6", "12 July", "NUM", num_kind="date"),
    ]


def check(spans, docs=(DOC,), require_canonical=True):
    located = [LocatedSpan(s, "gold.jsonl", i + 1) for i, s in enumerate(spans)]
    return validate(list(docs), located, require_canonical=require_canonical)


def replace(spans, index, **changes):
    from dataclasses import replace as dc_replace
    out = list(spans)
    out[index] = dc_replace(out[index], **changes)
    return out


def test_valid_spans_pass():
    assert check(valid_spans()) == []


@pytest.mark.parametrize("mutate, message, line", [
    (lambda s: replace(s, 0, end=999), "not inside the text", 1),
    (lambda s: replace(s, 0, start=6, end=6), "start >= end", 1),
    (lambda s: replace(s, 0, text="Lavrov!"), "does not match", 1),
    (lambda s: replace(s, 1, start=s[1].start - 1, text=" Kim"), "starts or ends on whitespace", 2),
    (lambda s: replace(s, 2, label="GPE"), "unknown label 'GPE'", 3),
    (lambda s: replace(s, 5, num_kind="year"), "num_kind in cardinal", 6),
    (lambda s: replace(s, 0, num_kind="date"), "num_kind is only for NUM", 1),
    (lambda s: replace(s, 5, canonical="12"), "canonical is only for", 6),
    (lambda s: replace(s, 0, speaker="T5"), "speaker is only for QUOTE", 1),
    (lambda s: replace(s, 0, canonical=None), "needs a canonical name", 1),
    (lambda s: replace(s, 1, id="T1"), "duplicate span id (first at line 1)", 2),
    (lambda s: replace(s, 3, speaker="T9"), "speaker 'T9' is not a span of this document", 4),
    (lambda s: replace(s, 3, speaker="T3"), "a speaker must be PER or ORG", 4),
    (lambda s: replace(s, 0, doc_id="missing"), "document that does not exist", 1),
    (lambda s: s + [Span("d1", "T7", 0, 10, "ORG", "Lavrov met", canonical="x")], "entity-layer spans overlap", 7),
    (lambda s: s + [Span("d1", "T7", 27, 38, "QUOTE", TEXT[27:38])], "quote-layer spans overlap", 7),
])
def test_each_rule_has_a_failing_example(mutate, message, line):
    problems = check(mutate(valid_spans()))
    assert any(message in str(p) and p.line == line and p.file == "gold.jsonl" for p in problems), problems


def test_touching_spans_do_not_overlap_and_quotes_may_contain_entities():
    doc = Document(id="d2", title="t", text="'TASS/KCTV said'")
    spans = [Span("d2", "A", 1, 5, "ORG", "TASS", canonical="TASS"),
             Span("d2", "B", 5, 6, "ORG", "/", canonical="slash"),
             Span("d2", "C", 6, 10, "ORG", "KCTV", canonical="KCTV"),
             Span("d2", "Q", 0, 16, "QUOTE", doc.text, speaker="A")]
    assert check(spans, docs=(doc,)) == []


def test_all_problems_are_reported_at_once():
    spans = replace(replace(valid_spans(), 0, label="X"), 2, end=999)
    problems = check(spans)
    assert {p.span_id for p in problems} >= {"T1", "T3"}
    assert all(p.doc_id == "d1" for p in problems)


def test_reader_reports_every_malformed_line(tmp_path):
    path = tmp_path / "annotations.jsonl"
    good = json.dumps(valid_spans()[0].to_dict())
    path.write_text("\n".join([good, "{oops", json.dumps({"doc_id": "d1", "id": "T2"}),
                               json.dumps({**valid_spans()[1].to_dict(), "start": "3", "colour": 1})]) + "\n")
    with pytest.raises(CorpusError) as err:
        read_spans(path)
    lines = [(p.line, p.message.split(" (")[0]) for p in err.value.problems]
    assert (2, "malformed JSON: Expecting property name enclosed in double quotes") in lines
    assert any(line == 3 and "missing field 'start'" in msg for line, msg in lines)
    assert any(line == 4 and "unknown field 'colour'" in msg for line, msg in lines)
    assert any(line == 4 and "'start' must be an integer" in msg for line, msg in lines)
    assert all(str(path) in str(p) for p in err.value.problems)


def test_atomic_writes_follow_the_umask(tmp_path):
    import os

    from newsspans.corpus.atomic import write_text_atomic

    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "out.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_writes_do_not_invent_folders(tmp_path):
    from newsspans.corpus.atomic import write_text_atomic

    with pytest.raises(CorpusError, match="the folder does not exist"):
        write_text_atomic(tmp_path / "typo" / "out.json", "x")
    assert not (tmp_path / "typo").exists()
    write_text_atomic(tmp_path / "made" / "out.json", "x", make_parents=True)
    assert (tmp_path / "made" / "out.json").read_text() == "x"
