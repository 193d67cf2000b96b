"""Input that used to be accepted and must not be: each refused with one line naming file and line.

Also the grapheme-cluster rule of the validator and the tokens config, and `validate` on a
corpus with no gold file.
"""
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsspans.corpus import Corpus, Span
from newsspans.corpus.cli.commands import corpus_app
from newsspans.corpus.standoff import LocatedSpan
from newsspans.corpus.tokens import tokenize
from newsspans.corpus.validate import validate
from newsspans.corpus.model import Document

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
runner = CliRunner()


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    root = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS / "sources", root / "sources")
    shutil.copy(REPO_CORPUS / "annotations.jsonl", root / "annotations.jsonl")
    return Corpus(root)


def _record(**fields) -> str:
    return json.dumps({"title": "A fine title", "text": "AFP Paris A body.", **fields})


# (file name, file content, the message expected after "error: <file>:<line>: ")
REFUSED = [
    ("surrogate.jsonl", '{"title": "T", "text": "broken \\ud800 text"}',
     "'text' has a lone surrogate (U+D800) at character 7"),
    ("nul.jsonl", _record(text="a\u0000b"), "'text' has a NUL character (U+0000) at character 1"),
    ("bell.jsonl", _record(text="ding\u0007"), "'text' has a control character (U+0007) at character 4"),
    ("c1.jsonl", _record(text="x\u0085y"), "'text' has a control character (U+0085) at character 1"),
    ("cr.jsonl", _record(text="one\r\ntwo"), "'text' has a carriage return at character 3"),
    ("title.jsonl", _record(title="Two\nlines"), "'title' has a line break (U+000A) at character 3 "
                                                 "(it must be a single line)"),
    ("traversal.jsonl", _record(id="../../etc/passwd"), "'id' '../../etc/passwd' is not a valid document id"),
    ("intid.jsonl", _record(id=7), "'id' must be a string, got 7"),
    ("outlet.jsonl", _record(outlet=["X"]), "'outlet' must be a string, got ['X']"),
]


@pytest.mark.parametrize("name,content,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_corpus_add_refuses_with_one_line_naming_file_and_line(corpus, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(_record(title="First record fine") + "\n" + content + "\n", encoding="utf-8",
                    errors="surrogatepass")
    before = sorted(p.name for p in corpus.sources.iterdir())
    result = runner.invoke(corpus_app, ["add", str(path), "--corpus", str(corpus.root)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:2: {message}"), lines
    assert sorted(p.name for p in corpus.sources.iterdir()) == before


def test_a_page_with_a_control_character_is_refused_with_line_and_column(corpus, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("A title for the page\nSome body\x00 text here.\n", encoding="utf-8")
    result = runner.invoke(corpus_app, ["add", str(page), "--corpus", str(corpus.root)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {page}:2: NUL character (U+0000) at column 10; remove it (only " \
                                    "line breaks and tabs may appear in a source)"


def test_a_csv_file_is_not_a_document(corpus, tmp_path):
    csv = tmp_path / "articles.csv"
    csv.write_text("title,text\nA title,A body\n", encoding="utf-8")
    result = runner.invoke(corpus_app, ["add", str(csv), "--corpus", str(corpus.root)])
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"error: {csv}: unsupported source type '.csv': expected a scraped "
                                            "page (.txt) or JSON Lines records (.jsonl)")
    assert len(list(corpus.sources.iterdir())) == 1


def test_validate_without_a_gold_file_is_an_error_unless_allowed(corpus):
    corpus.annotations.unlink()
    result = runner.invoke(corpus_app, ["validate", "--corpus", str(corpus.root)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {corpus.annotations}: the gold file does not exist; pass "
                                     "--allow-empty to validate a corpus with no annotations yet")
    result = runner.invoke(corpus_app, ["validate", "--corpus", str(corpus.root), "--allow-empty"])
    assert result.exit_code == 0 and "ok: 0 spans in 4 documents" in result.output


# --- grapheme clusters ---------------------------------------------------------------------

TEXT = "Jose\u0301 met the \U0001F1E9\U0001F1EA team and \U0001F468\u200d\U0001F469\u200d\U0001F467 fans"
#       0123 4     5..       14 15        17...        26  27 28 29 30  (code points)


def _problems(start: int, end: int, label: str = "ORG") -> list[str]:
    doc = Document("d", "t", TEXT)
    span = Span("d", "S", start, end, label, TEXT[start:end], canonical="x")
    return [p.message for p in validate([doc], [LocatedSpan(span, "gold.jsonl", 1)])]


def test_span_leaving_out_a_combining_accent_is_refused_naming_the_cluster():
    assert _problems(0, 4, "PER") == [
        "span end 4 splits the character 'e\u0301' (U+0065 U+0301: LATIN SMALL LETTER E, COMBINING ACUTE ACCENT) "
        "at [3, 5); move it to 3 or 5"]
    assert _problems(0, 5, "PER") == []


def test_span_with_one_regional_indicator_of_a_flag_is_refused():
    flag = TEXT.index("\U0001F1E9")
    [message] = _problems(flag, flag + 1)
    assert message.startswith(f"span end {flag + 1} splits the character '\U0001F1E9\U0001F1EA' (U+1F1E9 U+1F1EA: "
                              "REGIONAL INDICATOR SYMBOL LETTER D, REGIONAL INDICATOR SYMBOL LETTER E)")
    assert _problems(flag, flag + 2) == []


def test_span_cutting_a_zwj_sequence_is_refused():
    family = TEXT.index("\U0001F468")
    [message] = _problems(family + 2, family + 5)
    assert message.startswith(f"span start {family + 2} splits the character "
                              "'\U0001F468\\u200d\U0001F469\\u200d\U0001F467' (U+1F468 U+200D U+1F469 U+200D U+1F467")
    assert _problems(family, family + 5) == []


def test_tokens_never_split_a_cluster():
    tokens = [TEXT[a:b] for a, b in tokenize(TEXT)]
    assert tokens == ["Jose\u0301", "met", "the", "\U0001F1E9\U0001F1EA", "team", "and",
                      "\U0001F468\u200d\U0001F469\u200d\U0001F467", "fans"]
    assert tokenize("Zu\u0308rich") == [(0, 7)]


def test_ascii_fast_path_gives_the_bounds_of_the_regex():
    from newsspans.corpus.graphemes import _CLUSTER, grapheme_bounds

    for text in ("Scholz said: \"no\".\tDone\x07", "", "a\r\nb\rc\n", "x" * 50):
        expected = {m.start() for m in _CLUSTER.finditer(text)} | {len(text)}
        got = grapheme_bounds(text)
        assert {i for i in range(len(text) + 1) if i in got} == expected, text
