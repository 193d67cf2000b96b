"""`newsspans corpus add` for a scraped page and for a JSONL file."""
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsspans.corpus import Corpus, CorpusError
from newsspans.corpus.cli.commands import corpus_app

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
runner = CliRunner()

PAGE = """
Floods hit Valencia as rivers burst their banks
Valencia
Heavy rain flooded Valencia on Tuesday, officials said.
Rescue teams reached 300 homes.

Comments
Related Articles


El Pais
2 hours ago
- El Pais
Spain sends troops to flooded towns
EFE Madrid Spain sent 1,000 soldiers to help, the defence ministry said.
"""


def corpus_copy(tmp_path) -> Corpus:
    root = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS / "sources", root / "sources")
    shutil.copy(REPO_CORPUS / "annotations.jsonl", root / "annotations.jsonl")
    return Corpus(root)


def test_add_page_and_jsonl_keep_existing_documents_and_gold(tmp_path):
    corpus = corpus_copy(tmp_path)
    before_docs = corpus.documents()
    before_gold = corpus.annotations.read_bytes()
    page = tmp_path / "valencia.txt"
    page.write_text(PAGE)
    result = runner.invoke(corpus_app, ["add", str(page), "--corpus", str(corpus.root)])
    assert result.exit_code == 0, result.output
    assert "added floods-hit-valencia-as-rivers-burst-their-banks" in result.output
    records = tmp_path / "extra.jsonl"
    records.write_text('{"title": "Markets rally", "text": "Shares rose 2 percent.", "outlet": "Wire"}\n')
    result = runner.invoke(corpus_app, ["add", str(records), "--corpus", str(corpus.root)])
    assert result.exit_code == 0, result.output

    after = corpus.documents()
    assert after[:len(before_docs)] == before_docs
    new = {d.id: d for d in after[len(before_docs):]}
    assert list(new) == ["floods-hit-valencia-as-rivers-burst-their-banks", "spain-sends-troops-to-flooded-towns",
                         "markets-rally"]
    assert new["spain-sends-troops-to-flooded-towns"].agency == "EFE"
    assert new["spain-sends-troops-to-flooded-towns"].outlet == "El Pais"
    assert new["markets-rally"].text == "Markets rally\n\nShares rose 2 percent."
    assert sorted(p.name for p in corpus.sources.iterdir()) == [
        "000_ce9a732754e3591d.txt", "001_valencia.txt", "002_extra.jsonl"]
    assert corpus.annotations.read_bytes() == before_gold
    assert corpus.load()  # the gold still validates against the grown corpus


def test_add_rejects_a_clashing_id_and_copies_nothing(tmp_path):
    corpus = corpus_copy(tmp_path)
    first = corpus.documents()[0]
    records = tmp_path / "dup.jsonl"
    records.write_text('{"title": "%s", "text": "again"}\n' % first.title.replace('"', '\\"'))
    result = runner.invoke(corpus_app, ["add", str(records), "--corpus", str(corpus.root)])
    assert result.exit_code == 2
    assert f"{records}:1, document '{first.id}': document id already exists" in result.output
    assert [p.name for p in corpus.sources.iterdir()] == ["000_ce9a732754e3591d.txt"]


def test_add_rejects_a_malformed_file(tmp_path):
    corpus = corpus_copy(tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\r\nBody.\r\n")
    result = runner.invoke(corpus_app, ["add", str(bad), "--corpus", str(corpus.root)])
    assert result.exit_code == 2 and "CRLF" in result.output
    assert len(list(corpus.sources.iterdir())) == 1


def test_commands_use_the_checkout_corpus_and_never_edit_the_installed_copy(tmp_path, monkeypatch):
    from newsspans.corpus import store

    installed = tmp_path / "site-packages" / "newsspans" / "corpus"
    (installed / "sources").mkdir(parents=True)
    monkeypatch.setattr(store, "CORPUS_DIR", installed.resolve())
    monkeypatch.chdir(tmp_path)  # not a checkout: no ./corpus/sources
    assert store.default_corpus_dir() == installed.resolve()
    with pytest.raises(CorpusError, match="installed with the package") as err:
        store.writable_corpus(None)
    assert str(installed) in str(err.value)
    checkout = tmp_path / "corpus" / "sources"
    checkout.mkdir(parents=True)
    assert store.default_corpus_dir() == tmp_path / "corpus"
    assert store.writable_corpus(None).root == tmp_path / "corpus"
