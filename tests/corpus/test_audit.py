"""The completeness audit: the committed gold leaves nothing unexplained, and a gap is listed."""
import re
from pathlib import Path

import pytest

from newsspans.corpus import Corpus, CorpusError, Document, Span
from newsspans.corpus.audit import AuditItem, Explanation, audit, candidates, format_audit, load_explained, \
    unused_explanations

REPO = Path(__file__).resolve().parents[2]
EXPLAINED = REPO / "corpus" / "audit_explained.tsv"


@pytest.fixture(scope="module")
def gold():
    return Corpus(REPO / "corpus").load()


def test_committed_gold_has_no_unexplained_audit_item(gold):
    docs, spans = gold
    assert audit(docs, spans, explained=load_explained(EXPLAINED)) == []


def test_every_reviewed_exclusion_is_still_needed(gold):
    docs, spans = gold
    assert unused_explanations(docs, spans, load_explained(EXPLAINED)) == []


def test_without_exclusions_the_audit_lists_what_was_left_out_on_purpose(gold):
    docs, spans = gold
    tokens = {(i.kind, i.token) for i in audit(docs, spans)}
    assert {("capitalized", "Russian"), ("capitalized", "Monday"), ("number", "half"), ("number", "one"),
            ("quote-mark", "'"), ("capitalized", "Sanctioning"), ("number", "2025")} <= tokens


@pytest.mark.parametrize("surface, kind", [("Kursk", "capitalized"), ("14,000", "number"), ("two", "number")])
def test_a_removed_entity_span_is_listed_with_context(gold, surface, kind):
    docs, spans = gold
    victim = next(s for s in spans if s.text == surface)
    rest = [s for s in spans if s is not victim]
    items = audit(docs, rest, explained=load_explained(EXPLAINED))
    assert [(i.doc_id, i.start, i.kind, i.token) for i in items] == [(victim.doc_id, victim.start, kind, surface)]
    assert f"[{surface}]" in items[0].context and len(items[0].context) > len(surface) + 40


def test_a_removed_quote_lists_its_two_marks(gold):
    docs, spans = gold
    victim = next(s for s in spans if s.label == "QUOTE" and s.text == "'disappointed'")
    items = audit(docs, [s for s in spans if s is not victim], explained=load_explained(EXPLAINED))
    assert [(i.start, i.kind) for i in items] == [(victim.start, "quote-mark"), (victim.end - 1, "quote-mark")]


def test_an_entity_span_does_not_cover_quote_marks_nor_a_quote_span_names():
    doc = Document("d", "t", "'Kim met Lavrov,' she said.")
    quote = Span("d", "T1", 0, 17, "QUOTE", "'Kim met Lavrov,'")
    kim = Span("d", "T2", 1, 4, "PER", "Kim", canonical="Kim")
    assert [i.token for i in audit([doc], [quote, kim])] == ["Lavrov"]
    assert [i.token for i in audit([doc], [kim])] == ["'", "Lavrov", "'"]


def test_candidates_skip_apostrophes_but_not_possessive_plurals():
    text = "Russia's army didn't say 'no'; the countries' talks"
    found = [(text[a:b], k) for a, b, k in candidates(text)]
    assert ("'", "quote-mark") in found and found.count(("'", "quote-mark")) == 3
    assert ("Russia", "capitalized") in found and ("s", "capitalized") not in found


def test_number_words_digits_and_ordinals_are_candidates():
    text = "two to three, 18th, 5 million, the first of a dozen, G7, fifty-day"
    tokens = [text[a:b] for a, b, k in candidates(text) if k == "number"]
    assert tokens == ["two", "three", "18th", "5", "million", "first", "dozen", "G7", "fifty"]


def test_explanations_match_by_wildcard_offset_or_phrase():
    text = "North Korea and the North Korean leader"
    doc = Document("d", "t", text)
    items = audit([doc], [])
    north = [i for i in items if i.token == "North"]
    assert [i.start for i in north] == [0, 20]
    by_phrase = Explanation("d", "North", "North Korean", "L4")
    assert [by_phrase.matches(i, text) for i in north] == [False, True]
    assert [Explanation("*", "North", "20", "L4").matches(i, text) for i in north] == [False, True]
    assert all(Explanation("*", "North", "*", "L4").matches(i, text) for i in north)
    assert not Explanation("other-doc", "North", "*", "L4").matches(north[0], text)
    remaining = audit([doc], [], explained=[by_phrase])
    assert [(i.token, i.start) for i in remaining] == [("North", 0), ("Korea", 6), ("Korean", 26)]


def test_stale_explanations_are_reported():
    doc = Document("d", "t", "Moscow said so.")
    moscow = Span("d", "T1", 0, 6, "LOC", "Moscow", canonical="Moscow")
    stale = Explanation("d", "Moscow", "*", "G0")
    assert unused_explanations([doc], [moscow], [stale]) == [stale]
    assert unused_explanations([doc], [], [stale]) == []


def test_load_explained_reports_bad_lines_with_file_and_line(tmp_path):
    path = tmp_path / "explained.tsv"
    path.write_text("# comment\ndoc_id\ttoken\twhere\trule\n*\tThe\t*\tG0 sentence start\n"
                    "d\tNorth\n"
                    "d\tNorth\tSouth Korean\tL4\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_explained(path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert messages[0].startswith(f"{path}:4") and "4 non-empty tab-separated fields" in messages[0]
    assert messages[1].startswith(f"{path}:5") and "containing the token" in messages[1]


def test_format_audit_is_one_line_per_item_and_a_total():
    items = [AuditItem("d", 3, 8, "capitalized", "Kursk", "in [Kursk] today"),
             AuditItem("d", 20, 21, "quote-mark", "'", "said ['] no")]
    out = format_audit(items)
    assert out.splitlines()[0] == "d\t3\tcapitalized\tKursk\tin [Kursk] today"
    assert out.splitlines()[-1] == "2 item(s) to review: 1 capitalized, 0 number, 1 quote-mark"
    assert format_audit([]).strip() == "0 item(s) to review: 0 capitalized, 0 number, 0 quote-mark"


def test_every_exclusion_cites_a_rule_the_guidelines_define_with_examples():
    guidelines = (REPO / "annotation" / "GUIDELINES.md").read_text(encoding="utf-8")
    rules = {e.rule.split()[0] for e in load_explained(EXPLAINED)}
    assert rules >= {"G0", "G5", "L4", "N4", "P2", "Q4", "Q5"}
    for rule in rules:
        assert f"**{rule} " in guidelines, rule
    # Every rule of sections 1-8 has a positive and a negative example.
    blocks = re.split(r"\n(?=\*\*[A-Z]\d )", guidelines.split("## 9.")[0])[1:]
    assert len(blocks) >= 30
    for block in blocks:
        assert "\n- yes:" in block and "\n- no:" in block, block[:40]
