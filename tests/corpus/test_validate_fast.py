"""The fast paths of reading gold agree with the exact ones they stand in for.

`validate.proven_valid` (all spans at once) must say "valid" exactly when `validate`'s span-by-span
rules find nothing; a JSONL gold read through `iter_gold`'s bulk proof must give the chunks, spans
and problems (same words, same order) of reading it line by line; `graphemes.one_per_code_point`
must be true only of texts where \\X makes every code point its own cluster.
"""
import json
import random
import sys
from dataclasses import astuple, replace

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.graphemes import _JOINER, grapheme_bounds, one_per_code_point
from newsspans.corpus.model import LABELS, NUM_KINDS, Document, Span
from newsspans.corpus.standoff import LocatedSpan
from newsspans.corpus.validate import SpanColumns, _problems, proven_valid, validate
from newsspans.evaluation.gold import Gold, _document, _jsonl_lines, _located, _shaped, iter_gold

# Characters that make the rules bite: whitespace of several kinds (U+001C is whitespace to
# str.isspace), a combining accent, ZWJ with emoji, regional indicators, CR LF, Hangul jamo, a
# precomposed syllable, a Devanagari virama (a conjunct linker).
ALPHABET = "ab Xy\t\n\x1c\u00a0\u0301\u200d\U0001F468\U0001F1E9\U0001F1EA\r\u1100\u1161\uac00\u0915\u094d.é"
MUTATIONS = ["none", "none", "none", "offset", "reverse", "outside", "label", "text", "space", "num_kind",
             "num_kind_on_other", "canonical_other", "canonical_empty", "speaker_missing", "speaker_label",
             "speaker_on_other", "duplicate_id", "overlap", "no_document", "cluster", "require_canonical"]


@st.composite
def chunks(draw, mutations=MUTATIONS):
    """Documents with spans built valid, then (maybe) broken by one mutation of each kind."""
    n_docs = draw(st.integers(1, 3))
    mutation = draw(st.sampled_from(mutations))
    require = mutation == "require_canonical" or draw(st.booleans())
    docs, spans = [], []
    for d in range(n_docs):
        alphabet = ALPHABET if draw(st.booleans()) else "ab Xy.\n"
        text = draw(st.text(alphabet=alphabet, min_size=draw(st.sampled_from([0, 4, 4, 4])), max_size=40))
        doc = Document(id=f"d{d}", title="", text=text)
        docs.append(doc)
        bounds = sorted(grapheme_bounds(text))  # built valid: cut between clusters only
        cuts = sorted(set(draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=8))))
        for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
            piece = text[a:b]
            a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
            if a >= b or a not in bounds or b not in bounds:
                continue
            label = draw(st.sampled_from(LABELS))
            named = label in ("PER", "LOC", "ORG") and (require or draw(st.booleans()))
            spans.append(Span(doc.id, f"T{i + 1}", a, b, label, text[a:b], canonical="Name" if named else None,
                              num_kind=draw(st.sampled_from(NUM_KINDS)) if label == "NUM" else None))
    if mutation == "require_canonical":
        spans = [replace(s, canonical=None) if s.label in ("PER", "LOC", "ORG") else s
                 for s in spans]
    # A quote's speaker: some PER/ORG span of the same document.
    for k, s in enumerate(spans):
        if s.label == "QUOTE":
            who = [o.id for o in spans if o.doc_id == s.doc_id and o.label in ("PER", "ORG")]
            if who and draw(st.booleans()):
                spans[k] = replace(s, speaker=draw(st.sampled_from(who)))
    if spans and mutation not in ("none", "require_canonical"):
        k = draw(st.integers(0, len(spans) - 1))
        s = spans[k]
        text = next(d.text for d in docs if d.id == s.doc_id)
        change = {
            "offset": dict(start=s.start + draw(st.sampled_from([-1, 1]))),
            "reverse": dict(start=s.end, end=s.start),
            "outside": dict(end=len(text) + 1),
            "label": dict(label="MISC"),
            "text": dict(text=s.text + "x"),
            "space": dict(start=max(s.start - 1, 0), text=text[max(s.start - 1, 0):s.end]),
            "num_kind": dict(label="NUM", num_kind=draw(st.sampled_from([None, "weight"]))),
            "num_kind_on_other": dict(label="PER", num_kind="date"),
            "canonical_other": dict(label="NUM", num_kind="cardinal", canonical="Name"),
            "canonical_empty": dict(label="PER", canonical=" ", num_kind=None),
            "speaker_missing": dict(label="QUOTE", num_kind=None, canonical=None, speaker="T999"),
            "speaker_label": dict(label="QUOTE", num_kind=None, canonical=None, speaker=s.id),
            "speaker_on_other": dict(label="LOC", num_kind=None, speaker=s.id),
            "duplicate_id": dict(id=spans[0].id, doc_id=spans[0].doc_id),
            "overlap": {},
            "no_document": dict(doc_id="elsewhere"),
            "cluster": {},
        }[mutation]
        if mutation == "overlap":
            spans.append(replace(s, id="T100"))
        elif mutation == "cluster":
            spans.append(Span(s.doc_id, "T101", 0, 1, "QUOTE", text[:1]))
        else:
            if "start" in change or "end" in change:
                a, b = change.get("start", s.start), change.get("end", s.end)
                change.setdefault("text", text[a:b] if 0 <= a <= b <= len(text) else s.text)
            spans[k] = replace(s, **change)
    if draw(st.booleans()):
        spans = draw(st.permutations(spans))
    return docs, spans, require


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks())
def test_the_bulk_proof_agrees_with_the_span_by_span_rules(chunk):
    docs, spans, require = chunk
    located = [LocatedSpan(s, "g.jsonl", i + 1) for i, s in enumerate(spans)]
    texts = {d.id: d.text for d in docs}
    exact = _problems(texts, located, require)
    assert proven_valid(texts, SpanColumns.of(spans), require) == (exact == [])
    assert validate(docs, located, require) == exact


def test_the_proof_refuses_what_it_cannot_compare():
    """Offsets that are not plain ints (a bool, a float, an int beyond 64 bits) are never proven valid."""
    text = {"d": "Anna Berg"}
    for start in (True, 0.0, 2 ** 70):
        s = Span("d", "T1", start, 4, "PER", "Anna")
        assert not proven_valid(text, SpanColumns.of([s]))
    assert proven_valid(text, SpanColumns.of([Span("d", "T1", 0, 4, "PER", "Anna")]))


def test_every_code_point_outside_the_joiners_is_a_cluster_of_its_own():
    """\\X over every code point that `_JOINER` leaves out, in order, reversed and shuffled: each
    is one cluster, so a text without joiners needs no \\X."""
    others = _JOINER.sub("", "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000))
    shuffled = list(others)
    random.Random(11).shuffle(shuffled)
    for text in (others, others[::-1], "".join(shuffled)):
        assert len(regex.findall(r"\X", text)) == len(text)


@pytest.mark.parametrize("text, simple", [("plain ascii", True), ("caf\u00e9 \u201cquoted\u201d", True),
                                          ("line\r\nbreak", False), ("e\u0301", False), ("\U0001F1E9\U0001F1EA", False),
                                          ("\u1100\u1161", False), ("\U0001F468\u200d\U0001F469", False)])
def test_one_per_code_point(text, simple):
    assert one_per_code_point(text) == simple
    assert set(grapheme_bounds(text)) == {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


# ---- JSONL gold: iter_gold's bulk path against reading line by line -------------------------------

def _line_by_line(path, chunk):
    """Reading a JSONL gold the way iter_gold did before its bulk proof: every line's spans built
    and checked when the line is read, each chunk validated span by span."""
    problems, seen, docs, located, fields, out = [], {}, [], [], {}, []

    def flush():
        problems.extend(_problems({d.id: d.text for d in docs}, located, False))
        if not problems:
            out.append(Gold(list(docs), [ls.span for ls in located], str(path), dict(fields)))
        docs.clear(), located.clear(), fields.clear()

    for number, record in _jsonl_lines(path, problems):
        doc_id = _shaped(record, number, path, problems)
        if doc_id is not None and doc_id in seen:
            problems.append(Problem(f"duplicate document id (first at line {seen[doc_id]})", file=str(path),
                                    line=number, doc_id=doc_id))
        elif doc_id is not None:
            seen[doc_id] = number
            located.extend(_located(record, number, str(path), problems))
            doc, extra = _document(record, path)
            docs.append(doc)
            if extra:
                fields[doc.id] = extra
        if len(docs) >= chunk:
            flush()
    if docs:
        flush()
    return problems, out


def _read(path, chunk):
    try:
        return [], list(iter_gold(path, chunk=chunk))
    except CorpusError as exc:
        return exc.problems, None


BROKEN_LINES = ["not json", "[1, 2]", '{"id": "d0", "text": "dup", "spans": []}', '{"id": 5, "text": "x"}', ""]
BROKEN_SPANS = [7, {"start": 0, "label": "PER"}, {"start": "0", "end": 1, "label": "PER"},
                {"start": 0, "end": 1, "label": "PER", "doc_id": "other"}, {"start": 0, "end": 1, "label": 3},
                {"start": 0, "end": 1, "label": "PER", "id": None}, {"start": 0, "end": 1, "label": "PER", "colour": 1},
                {"start": 0, "end": 1, "label": "PER", "annotator": 5}, {"start": 0, "end": 1, "label": "PER", "text": 1}]


@st.composite
def gold_files(draw):
    """JSONL gold lines from `chunks()`, spans as users write them (ids and text often left out),
    with broken lines and broken span objects mixed in."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        docs, spans, _ = draw(chunks(["none"] * 60 + MUTATIONS))
        for d in docs:
            own = [s for s in spans if s.doc_id == d.id]
            records = []
            for s in own:
                nulls = draw(st.booleans())  # explicit nulls, or the keys left out
                record = {k: v for k, v in s.to_dict().items() if k != "doc_id" and (nulls or v is not None)}
                if draw(st.booleans()) and s.text == d.text[s.start:s.end]:
                    del record["text"]
                records.append(record)
            if records and draw(st.integers(0, 12)) == 0:
                records.insert(draw(st.integers(0, len(records))), draw(st.sampled_from(BROKEN_SPANS)))
            line = {"id": f"{len(lines)}-{d.id}", "text": d.text, "spans": records}
            if draw(st.booleans()):
                line["outlet"], line["topic"] = "Wire", "economy"
            lines.append(json.dumps(line, ensure_ascii=draw(st.booleans())))
    if draw(st.integers(0, 6)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(BROKEN_LINES)))
    # Documents listed again, in the same chunk or a later one, some more than once.
    for _ in range(draw(st.integers(0, 3)) if draw(st.integers(0, 4)) == 0 else 0):
        copied = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(copied + 1, len(lines))), lines[copied])
    return "\n".join(lines) + "\n"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(gold_files(), st.sampled_from([1, 2, 3, 1000]))
def test_iter_gold_reads_as_line_by_line(tmp_path, content, chunk):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    problems, expected = _line_by_line(path, chunk)
    got_problems, got = _read(path, chunk)
    assert [str(p) for p in got_problems] == [str(p) for p in problems]
    if not problems:
        assert got == expected
        # Every field, its type too (`==` would take 1 for True).
        typed = lambda s: [(type(v), v) for v in astuple(s)]  # noqa: E731
        assert [[typed(s) for s in g.spans] for g in got] == [[typed(s) for s in g.spans] for g in expected]


def test_the_gold_fingerprint_is_the_sha256_of_its_definition(tmp_path):
    """The digest that partials from score_run and score_files compare: documents in order, each
    `\\x1d id \\x1f text` then `\\x1e id \\x1f start \\x1f end \\x1f label \\x1f canonical \\x1f num_kind
    \\x1f speaker \\x1f text` per span (None as "None"), UTF-8, whichever path reads the gold."""
    import hashlib

    from newsspans.evaluation.pipeline import score_files
    from newsspans.evaluation.scoring.partial import fingerprint_of

    lines = [{"id": "a", "text": "Anna Berg said “yes”.", "spans": [
                 {"start": 0, "end": 9, "label": "PER", "canonical": "Anna Berg"},
                 {"id": "Q", "start": 15, "end": 20, "label": "QUOTE", "speaker": "T1"}]},
             {"id": "b", "text": "5% rose", "spans": [{"start": 0, "end": 2, "label": "NUM", "num_kind": "percent"}]},
             {"id": "c", "text": "nothing", "spans": []}]
    expected = hashlib.sha256("".join([
        "\x1da\x1fAnna Berg said “yes”.", "\x1eT1\x1f0\x1f9\x1fPER\x1fAnna Berg\x1fNone\x1fNone\x1fAnna Berg",
        "\x1eQ\x1f15\x1f20\x1fQUOTE\x1fNone\x1fNone\x1fT1\x1f“yes”",
        "\x1db\x1f5% rose", "\x1eT1\x1f0\x1f2\x1fNUM\x1fNone\x1fpercent\x1fNone\x1f5%",
        "\x1dc\x1fnothing"]).encode()).hexdigest()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    parts = list(iter_gold(gold, chunk=2))
    docs = [d for g in parts for d in g.documents]
    by_doc = {}
    for g in parts:
        for s in g.spans:
            by_doc.setdefault(s.doc_id, []).append(s)
    assert fingerprint_of(docs, by_doc) == expected
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text("".join(json.dumps({"id": line["id"], "spans": []}) + "\n" for line in lines))
    assert score_files(gold, predictions, chunk=2).gold_fingerprint == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(gold_files())
def test_load_gold_reads_in_chunks_as_in_one(tmp_path, content):
    """load_gold of a JSONL gold reads chunks (bounded memory for the parsed lines) and gives what one
    chunk of the whole file gives: the same Gold, or the same problems in the same order."""
    from newsspans.evaluation.gold import _jsonl_documents

    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    problems, whole = _read(path, 1 << 62)
    try:
        got, got_problems = _jsonl_documents(path, chunk=2), []
    except CorpusError as exc:
        got, got_problems = None, exc.problems
    assert [str(p) for p in got_problems] == [str(p) for p in problems]
    if not problems:
        assert got == (whole[0] if whole else Gold([], [], str(path)))


@pytest.mark.parametrize("line", [
    b'{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": 4, "label": "PER", "annotation_id": '
    + b"[" * 3000 + b"]" * 3000 + b"}]}",
    b'{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": 4, "label": "PER", "annotation_id": NaN}]}',
    b'{"id": "a", "text": "\\ud800Anna", "spans": [{"start": 1, "end": 5, "label": "PER"}]}',
    b'\xef\xbb\xbf{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": 4, "label": "PER"}]}',
    b'{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": 4, "label": "PER", "start": 1}]}',
    b'{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": 4.0, "label": "PER"}]}',
    b'{"id": "a", "text": "Anna", "spans": [{"start": 0, "end": true, "label": "PER"}]}',
    b'{"id": "a", "text": "Anna", "desk": "economy", "spans": [{"start": 0, "end": 4, "label": "PER"}]}',
])
def test_lines_msgspec_refuses_are_read_by_json_alike(tmp_path, line):
    """What msgspec will not decode (deep nesting, NaN, a lone surrogate, a BOM) or decodes only
    after json's rules (a repeated key: the last wins) reads as line by line with json."""
    path = tmp_path / "gold.jsonl"
    path.write_bytes(line + b"\n")
    problems, expected = _line_by_line(path, 2)
    got_problems, got = _read(path, 2)
    assert [str(p) for p in got_problems] == [str(p) for p in problems]
    assert got == (expected if not problems else None)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(gold_files())
def test_the_seen_pass_indexes_what_the_gold_holds(tmp_path, content):
    """score_files' first pass (`seen` breakdown) reads each line's distinct mentions without
    validating: on valid gold its index is `seen_index` of the validated gold's entity spans."""
    from newsspans.corpus.model import ENTITY_LABELS
    from newsspans.evaluation.pipeline import _seen_of_file
    from newsspans.evaluation.scoring.breakdowns import seen_index

    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    problems, chunks = _read(path, 3)
    if not problems:
        assert _seen_of_file(path, None, 3) == seen_index(s for g in chunks for s in g.spans
                                                          if s.label in ENTITY_LABELS)


def test_the_fast_constructor_builds_what_the_class_builds():
    from dataclasses import dataclass, field

    from newsspans.corpus.model import Span, build_span, fast_constructor

    # The defaults are the class's; every field is set, in order (Prediction's is checked against
    # its rules in tests/evaluation/test_fast_paths.py).
    assert build_span("d", "T1", 0, 3, "PER", "Ann") == Span("d", "T1", 0, 3, "PER", "Ann")
    full = ("d", "T2", 4, 8, "QUOTE", "said", None, None, "T1", "ann", 7, "2026-12-01")
    assert astuple(build_span(*full)) == astuple(Span(*full)) == full

    @dataclass(frozen=True)
    class Plain:  # no slots: its fields live in __dict__
        x: int

    @dataclass(frozen=True, slots=True)
    class Listed:
        x: list = field(default_factory=list)  # a fresh default per instance is beyond it

    for cls in (Plain, Listed):
        with pytest.raises(TypeError, match=cls.__name__):
            fast_constructor(cls)
