"""The committed Hugging Face dataset: loads with `datasets`, matches a fresh build, tokens config."""
import shutil
from pathlib import Path

import datasets
import pytest
from typer.testing import CliRunner

from newsspans.corpus import Corpus, CorpusError, Span, load
from newsspans.corpus.build import build
from newsspans.corpus.cli.commands import corpus_app
from newsspans.corpus.model import LABELS
from newsspans.corpus.schema import NER_TAGS, QUOTE_TAGS
from newsspans.corpus.stale import stale_files

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
runner = CliRunner()


def test_load_dataset_on_the_folder_keeps_classlabel_names():
    docs = datasets.load_dataset(str(REPO_CORPUS), split="test")
    tokens = datasets.load_dataset(str(REPO_CORPUS), "tokens", split="test")
    assert docs.num_rows == 4
    assert docs.features["spans"].feature["label"].names == list(LABELS)
    assert tokens.features["ner_tags"].feature.names == NER_TAGS
    assert tokens.features["quote_tags"].feature.names == QUOTE_TAGS
    assert set(tokens["doc_id"]) == set(docs["id"])
    gold = Corpus(REPO_CORPUS).load()[1]
    assert sum(len(row) for row in docs["spans"]) == len(gold)


def test_tag_ids_are_conll2003_ids_for_the_shared_labels():
    from newsspans.corpus.model import ENTITY_LABELS
    from newsspans.corpus.schema import NER_TAG_LABELS

    tokens = datasets.load_dataset(str(REPO_CORPUS), "tokens", split="test")
    tag = tokens.features["ner_tags"].feature
    # conll2003: O 0, B-PER 1, I-PER 2, B-ORG 3, I-ORG 4, B-LOC 5, I-LOC 6 (7, 8 are MISC there, NUM here).
    assert [tag.str2int(t) for t in ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-NUM", "I-NUM")] \
        == list(range(9))
    assert tokens.features["quote_tags"].feature.names == ["O", "B-QUOTE", "I-QUOTE"]
    assert sorted(NER_TAG_LABELS) == sorted(ENTITY_LABELS)
    # The first sentence after the title is the dateline "Moscow": B-LOC, id 5.
    assert tokens[1]["tokens"] == ["Moscow"] and tokens[1]["ner_tags"] == [5]


def test_num_kind_is_a_classlabel_and_missing_values_are_null():
    docs = datasets.load_dataset(str(REPO_CORPUS), split="test")
    span = docs.features["spans"].feature
    assert span["num_kind"].names == ["cardinal", "ordinal", "percent", "money", "quantity", "date", "duration"]
    main = docs[0]  # the page's main article: no outlet, agency or time line
    assert (main["outlet"], main["agency"], main["published"], main["dateline"]) == (None, None, None, "Moscow")
    assert {seg["field"] for seg in main["segments"]} == {None}  # a scraped page has no record fields
    related = docs[1]
    assert (related["outlet"], related["agency"]) == ("Qatar Tribune", "DPA")
    num = span["label"].str2int("NUM")
    for row in docs:
        for s in row["spans"]:
            assert (s["num_kind"] is not None) == (s["label"] == num)
    two = next(s for s in main["spans"] if s["text"] == "two")
    assert span["num_kind"].int2str(two["num_kind"]) == "cardinal"


def test_no_module_is_named_after_the_folder():
    # datasets refuses a folder holding <folder>.py as a (no longer supported) loading script.
    assert not (REPO_CORPUS / "corpus.py").exists()


def test_package_load_returns_the_bundled_corpus():
    dataset = load()
    assert list(dataset) == ["test"] and dataset["test"].num_rows == 4
    assert dataset["test"][0]["title"].startswith("Russia's Lavrov praises")


def test_committed_dataset_is_what_the_build_produces(tmp_path):
    build(Corpus(REPO_CORPUS), tmp_path)
    assert stale_files(REPO_CORPUS, tmp_path) == []


def copy_corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copytree(REPO_CORPUS / "sources", root / "sources")
    shutil.copy(REPO_CORPUS / "annotations.jsonl", root / "annotations.jsonl")
    return root


def test_stale_check_fails_after_a_gold_change(tmp_path):
    root = copy_corpus(tmp_path)
    assert runner.invoke(corpus_app, ["build", "--corpus", str(root)]).exit_code == 0
    assert runner.invoke(corpus_app, ["build", "--check", "--corpus", str(root)]).exit_code == 0
    docs = Corpus(root).documents()
    text = docs[0].text
    start = text.index("Wonsan")
    spans = [s for s in Corpus(root).load()[1] if not (s.doc_id == docs[0].id and s.start == start)]
    Corpus(root).write_gold(spans + [Span(docs[0].id, "new", start, start + 6, "LOC", "Wonsan", canonical="Wonsan")])
    # Same spans, new id: the documents config changes, so the committed build is stale.
    result = runner.invoke(corpus_app, ["build", "--check", "--corpus", str(root)])
    assert result.exit_code == 1
    assert "documents/test-00000-of-00001.parquet differs" in result.output


def small_corpus(tmp_path, spans_jsonl: str) -> Corpus:
    root = tmp_path / "small"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "000_a.jsonl").write_text(
        '{"id": "d", "title": "Lavrov in Wonsan", "text": "Lavrov said: \'We won 3,000 votes.\' He left."}\n')
    (root / "annotations.jsonl").write_text(spans_jsonl)
    return Corpus(root)


def test_tokens_config_iob2_and_sentences(tmp_path):
    text = "Lavrov in Wonsan\n\nLavrov said: 'We won 3,000 votes.' He left."
    spans = [Span("d", "T1", 0, 6, "PER", "Lavrov", canonical="Sergei Lavrov"),
             Span("d", "T2", 10, 16, "LOC", "Wonsan", canonical="Wonsan"),
             Span("d", "T3", 18, 24, "PER", "Lavrov", canonical="Sergei Lavrov"),
             Span("d", "T4", 31, 52, "QUOTE", text[31:52], speaker="T3"),
             Span("d", "T5", 39, 44, "NUM", "3,000", num_kind="cardinal")]
    corpus = small_corpus(tmp_path, "")
    corpus.write_gold(spans)
    build(corpus, tmp_path / "out")
    rows = datasets.load_dataset(str(tmp_path / "out"), "tokens", split="test")
    tag = rows.features["ner_tags"].feature.int2str
    qtag = rows.features["quote_tags"].feature.int2str
    # The title, then one sentence: the '.' inside the quote is not a boundary, the one after it is.
    assert [r["tokens"] for r in rows] == [
        ["Lavrov", "in", "Wonsan"],
        ["Lavrov", "said", ":", "'", "We", "won", "3,000", "votes", ".", "'"],
        ["He", "left", "."]]
    assert tag(rows[1]["ner_tags"]) == ["B-PER", "O", "O", "O", "O", "O", "B-NUM", "O", "O", "O"]
    assert qtag(rows[1]["quote_tags"]) == ["O", "O", "O", "B-QUOTE"] + ["I-QUOTE"] * 6
    assert [text[a:b] for a, b in zip(rows[1]["token_starts"], rows[1]["token_ends"])] == rows[1]["tokens"]


def test_a_span_boundary_inside_a_token_is_a_build_error(tmp_path):
    corpus = small_corpus(tmp_path, "")
    corpus.write_gold([Span("d", "T1", 0, 5, "PER", "Lavro", canonical="Lavro")])
    with pytest.raises(CorpusError, match="document 'd', span 'T1': span end falls inside a token"):
        build(corpus, tmp_path / "out")
    assert not (tmp_path / "out" / "README.md").exists()


def test_invalid_gold_is_never_written(tmp_path):
    corpus = small_corpus(tmp_path, "")
    with pytest.raises(CorpusError, match="does not match"):
        corpus.write_gold([Span("d", "T1", 0, 6, "PER", "Wonsan", canonical="x")])
    assert corpus.annotations.read_text() == ""


def test_validate_command_lists_problems_and_exits_non_zero(tmp_path):
    corpus = small_corpus(tmp_path, '{"doc_id": "d", "id": "T1", "start": 0, "end": 6, "label": "PERSON", '
                                    '"text": "Lavrov", "canonical": "x", "num_kind": null, "speaker": null}\n'
                                    '{"doc_id": "zz", "id": "T2", "start": 0, "end": 1, "label": "PER", '
                                    '"text": "L", "canonical": "x", "num_kind": null, "speaker": null}\n')
    result = runner.invoke(corpus_app, ["validate", "--corpus", str(corpus.root)])
    assert result.exit_code == 1
    assert f"{corpus.annotations}:1, document 'd', span 'T1': unknown label 'PERSON'" in result.output
    assert f"{corpus.annotations}:2, document 'zz', span 'T2': span refers to a document that does not exist" \
        in result.output
