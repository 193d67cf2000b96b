"""`newsspans corpus publish`: a clean dataset folder that `datasets` loads and whose card the Hub
client parses; no clobbering, no half-written folder; a missing token or a failed upload is one line."""
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import datasets
import pytest
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard
from typer.testing import CliRunner

from newsspans.corpus import Corpus, CorpusError
from newsspans.corpus.card import LICENSE_FILE, dataset_info
from newsspans.corpus.cli.commands import corpus_app
from newsspans.corpus.model import LABELS, NUM_KINDS
from newsspans.corpus.publish import MANIFEST, publish
from newsspans.corpus.schema import CONFIG_FEATURES

REPO = Path(__file__).resolve().parents[2]
REPO_CORPUS = REPO / "corpus"
PUBLISHED_FILES = ["GUIDELINES.md", "LICENSE.md", "README.md", "documents/test-00000-of-00001.parquet",
                   "tokens/test-00000-of-00001.parquet"]
runner = CliRunner()

# The values the Hub's dataset card spec allows (huggingface_hub's DatasetCardData docstring).
ANNOTATIONS_CREATORS = {"found", "crowdsourced", "expert-generated", "machine-generated", "no-annotation", "other"}
LANGUAGE_CREATORS = {"found", "crowdsourced", "expert-generated", "machine-generated", "other"}
MULTILINGUALITY = {"monolingual", "multilingual", "translation", "other"}
SIZES = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "other"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "newsspans"
    result = publish(Corpus(REPO_CORPUS), out)
    return out, result


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_folder_holds_data_card_guidelines_and_licence_only(published):
    out, result = published
    assert files(out) == sorted(PUBLISHED_FILES + [MANIFEST])
    assert list(result.files) == PUBLISHED_FILES
    assert not list(out.rglob("*.py")) and not (out / "annotations.jsonl").exists()
    assert (out / "GUIDELINES.md").read_text() == (REPO / "annotation" / "GUIDELINES.md").read_text()
    # The licence file beside the card carries the repository's MIT text verbatim.
    mit = (REPO / "LICENSE").read_text().split("\n\nThe news article texts")[0]
    assert "\n".join(line.strip() for line in mit.splitlines()) in \
        "\n".join(line.strip() for line in (out / LICENSE_FILE).read_text().splitlines())


def test_load_dataset_loads_both_configs_of_the_published_folder(published):
    out, _ = published
    docs = datasets.load_dataset(str(out), split="test")
    tokens = datasets.load_dataset(str(out), "tokens", split="test")
    assert docs.num_rows == 4 and tokens.num_rows == 101
    assert docs.features == CONFIG_FEATURES["documents"] and tokens.features == CONFIG_FEATURES["tokens"]
    assert docs.features["spans"].feature["label"].names == list(LABELS)
    assert docs.features["spans"].feature["num_kind"].names == list(NUM_KINDS)
    assert tokens.features["ner_tags"].feature.names == [
        "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-NUM", "I-NUM"]
    assert datasets.get_dataset_config_names(str(out)) == ["documents", "tokens"]
    gold = Corpus(REPO_CORPUS).load()[1]
    assert sum(len(row) for row in docs["spans"]) == len(gold)


def test_the_card_parses_with_complete_hub_metadata(published):
    out, _ = published
    card = DatasetCard.load(out / "README.md")
    data = card.data.to_dict()
    assert data["license"] == "other" and data["license_name"]
    assert (out / data["license_link"]).is_file()
    assert data["task_categories"] == ["token-classification"] and data["task_ids"] == ["named-entity-recognition"]
    assert set(data["annotations_creators"]) <= ANNOTATIONS_CREATORS
    assert set(data["language_creators"]) <= LANGUAGE_CREATORS
    assert set(data["multilinguality"]) <= MULTILINGUALITY
    assert data["size_categories"] == ["n<1K"] and data["size_categories"][0] in SIZES
    assert data["source_datasets"] == ["original"] and data["language"] == ["en"]
    assert data["pretty_name"] and "news" in data["tags"]
    # datasets reads the same card: the configs and the features that wrote the data.
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert {name: info.features for name, info in infos.items()} == CONFIG_FEATURES
    assert infos["tokens"].splits["test"].num_examples == 101
    for section in ("## Annotation process", "## Who are the annotators?", "## Personal and sensitive information",
                    "## Bias, risks and limitations", "## Licence", "## Citation", "## Curators"):
        assert section in card.text
    # Every relative link of the card resolves inside the published folder.
    links = [link for link in re.findall(r"\]\(([^)]+)\)", card.text) if "://" not in link]
    assert links and all((out / link).is_file() for link in links), links


def test_the_repository_card_links_the_guidelines_where_they_live():
    text = (REPO_CORPUS / "README.md").read_text()
    links = [link for link in re.findall(r"\]\(([^)]+)\)", text) if "://" not in link]
    assert "../annotation/GUIDELINES.md" in links
    assert all((REPO_CORPUS / link).is_file() for link in links), links


def test_size_category_follows_the_hub_buckets():
    from newsspans.corpus.card import size_category

    assert [size_category(n) for n in (0, 999, 1000, 9999, 10_000, 999_999, 1_000_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M"]


def test_package_load_carries_description_and_citation():
    from newsspans.corpus import load

    info = load("tokens")["test"].info
    assert info.description == dataset_info("tokens").description and "conll2003" in info.description
    assert info.citation.startswith("@misc{newsspans,")
    assert info.citation in (REPO_CORPUS / "README.md").read_text()


def test_a_previous_publish_is_replaced(tmp_path):
    out = tmp_path / "ds"
    publish(Corpus(REPO_CORPUS), out)
    before = (out / "README.md").read_text()
    publish(Corpus(REPO_CORPUS), out)
    assert (out / "README.md").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]  # no temporary or old folder left beside


def test_an_empty_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    publish(Corpus(REPO_CORPUS), out)
    assert files(out) == sorted(PUBLISHED_FILES + [MANIFEST])


@pytest.mark.parametrize("change", ["foreign folder", "extra file", "edited card", "bad manifest"])
def test_a_folder_that_is_not_an_untouched_publish_is_never_overwritten(tmp_path, change):
    out = tmp_path / "ds"
    if change == "foreign folder":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    else:
        publish(Corpus(REPO_CORPUS), out)
        if change == "extra file":
            (out / "documents" / "notes.txt").write_text("mine")
        elif change == "edited card":
            (out / "README.md").write_text("my own card")
        else:
            (out / MANIFEST).write_text("[1, 2")
    before = {name: (out / name).read_bytes() for name in files(out)}
    result = runner.invoke(corpus_app, ["publish", "--out", str(out), "--corpus", str(REPO_CORPUS)])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.output and len(result.output.strip().splitlines()) == 1
    assert {name: (out / name).read_bytes() for name in files(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_invalid_gold_leaves_the_previous_publish_as_it_was(tmp_path):
    out = tmp_path / "ds"
    publish(Corpus(REPO_CORPUS), out)
    before = {name: (out / name).read_bytes() for name in files(out)}
    bad = tmp_path / "corpus"
    (bad / "sources").mkdir(parents=True)
    (bad / "sources" / "000_a.jsonl").write_text('{"id": "d", "title": "Lavrov", "text": "Lavrov spoke."}\n')
    (bad / "annotations.jsonl").write_text(json.dumps({"doc_id": "d", "id": "T1", "start": 0, "end": 6,
                                                       "label": "PERSON", "text": "Lavrov"}) + "\n")
    with pytest.raises(CorpusError, match="unknown label 'PERSON'"):
        publish(Corpus(bad), out)
    assert {name: (out / name).read_bytes() for name in files(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "ds"]


def test_a_missing_parent_folder_is_an_error(tmp_path):
    result = runner.invoke(corpus_app, ["publish", "--out", str(tmp_path / "no" / "ds")])
    assert result.exit_code == 2 and "parent folder does not exist" in result.output


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    # A fresh process, so that huggingface_hub reads HF_HOME, HF_ENDPOINT and HF_TOKEN from `env`.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING_FACE"))}
    return subprocess.run([sys.executable, "-m", "newsspans.corpus.cli.app", "corpus", "publish", *args],
                          env={**base, "HF_HUB_DISABLE_TELEMETRY": "1", **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_repo_id_without_a_token_is_a_one_line_error_and_writes_nothing(tmp_path):
    out = tmp_path / "ds"
    done = run_cli("--out", str(out), "--repo-id", "someone/newsspans", env={"HF_HOME": str(tmp_path / "hf")},
                   cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: --repo-id needs a Hugging Face token")
    assert "Traceback" not in done.stderr and not out.exists()


def test_a_bad_repo_id_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "ds"
    done = run_cli("--out", str(out), "--repo-id", "not a repo id!", env={"HF_HOME": str(tmp_path / "hf"),
                                                                          "HF_TOKEN": "hf_not_a_real_token"},
                   cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: --repo-id 'not a repo id!' is not a Hugging Face repository id")
    assert "hf_not_a_real_token" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and not out.exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_upload_is_a_one_line_error_without_the_token(tmp_path):
    token = "hf_notARealTokenButSecret123"
    done = run_cli("--repo-id", "someone/newsspans", "--corpus", str(REPO_CORPUS), cwd=tmp_path,
                   env={"HF_HOME": str(tmp_path / "hf"), "HF_TOKEN": token,
                        "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}"})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: upload to someone/newsspans failed:")
    assert token not in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert "published a temporary folder" in done.stdout


def test_publish_needs_a_target():
    result = runner.invoke(corpus_app, ["publish"])
    assert result.exit_code == 2 and "give --out DIR, --repo-id ID, or both" in result.output
