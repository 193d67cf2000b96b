"""The leaderboard, workers and cache on a real spaCy adapter: a pipeline the test builds and saves
to a folder (blank English + entity_ruler, no weights), named as `spacy:FOLDER`."""
from __future__ import annotations

import json

import pytest
from adapter_support import need
from typer.testing import CliRunner

spacy = need("spacy", "spacy")

from test_leaderboard import APP  # noqa: E402

from newsspans.corpus.model import Document  # noqa: E402
from newsspans.evaluation.extractors.cache import PredictionCache, run_cached, spec_key  # noqa: E402
from newsspans.evaluation.extractors.workers import RunSettings, run_spec  # noqa: E402

TEXTS = ["Amara Okafor flew to Lagos on Friday with 40 engineers.",
         "Exports to Lagos fell 12 percent, Amara Okafor said.",
         "Nothing here.",
         "Lagos and Accra signed the accord."]
PATTERNS = [("PERSON", "Amara Okafor"), ("GPE", "Lagos"), ("CARDINAL", "40"), ("PERCENT", "12 percent")]


@pytest.fixture(scope="module")
def pipeline_folder(tmp_path_factory):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": [{"ORTH": t.text} for t in nlp.make_doc(phrase)]}
                        for label, phrase in PATTERNS])
    folder = tmp_path_factory.mktemp("pipeline") / "ruler_en"
    nlp.to_disk(folder)
    return folder


def find(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def gold(tmp_path):
    """Gold with Accra as LOC (the ruler misses it), so entity F1 is not trivially 1."""
    records = []
    for k, text in enumerate(TEXTS):
        spans = []
        for label, phrase, kind in (("PER", "Amara Okafor", None), ("LOC", "Lagos", None), ("LOC", "Accra", None),
                                    ("NUM", "40", "cardinal"), ("NUM", "12 percent", "percent")):
            if phrase in text:
                start, end = find(text, phrase)
                spans.append({"start": start, "end": end, "label": label} | ({"num_kind": kind} if kind else {}))
        records.append({"id": f"d{k}", "text": text, "spans": spans})
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_spacy_folder_on_the_leaderboard_with_workers_and_cache(pipeline_folder, gold, tmp_path):
    spec = f"spacy:{pipeline_folder}"
    runner = CliRunner()
    args = ["leaderboard", "--gold", str(gold), "--extractor", spec, "--bootstrap", "0", "--format", "json",
            "--no-progress", "--cache", str(tmp_path / "cache")]
    result = runner.invoke(APP, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)["rows"][0]
    # 8 gold entities; the ruler finds all but Accra: P 1, R 7/8.
    assert first["entity"]["micro"]["f1"] == pytest.approx(2 * (7 / 8) / (1 + 7 / 8))
    assert first["entity"]["labels"]["PER"]["f1"] == 1.0 and first["quote"] is None
    assert first["cached_documents"] == 0
    again = json.loads(runner.invoke(APP, args + ["--workers", "2"], catch_exceptions=False).stdout)["rows"][0]
    assert again["cached_documents"] == 4 and again["entity"] == first["entity"]


def test_two_workers_load_the_folder_and_match_one(pipeline_folder):
    docs = [Document(f"d{k}", "t", text) for k, text in enumerate(TEXTS * 3)]
    docs = [Document(f"d{k}", "t", d.text) for k, d in enumerate(docs)]
    spec = f"spacy:{pipeline_folder}"
    one = run_spec(spec, docs, RunSettings(workers=1, batch_size=2))
    two = run_spec(spec, docs, RunSettings(workers=2, batch_size=2))
    assert two.predictions == one.predictions and not two.errors
    assert sum(len(p) for p in one.predictions.values()) == 3 * 7


def test_resaving_the_pipeline_is_a_new_cache_version(pipeline_folder, tmp_path):
    folder = tmp_path / "copy"
    spacy.load(pipeline_folder).to_disk(folder)
    key = spec_key(f"spacy:{folder}")
    cache, docs = PredictionCache(tmp_path / "cache"), [Document("d0", "t", TEXTS[0])]
    calls = []

    def runner(documents):
        calls.append(len(documents))
        return run_spec(f"spacy:{folder}", documents)

    run_cached(cache, key, docs, runner)
    run_cached(cache, key, docs, runner)
    assert calls == [1]
    (folder / "ner_notes.txt").write_text("retrained")  # any change to the folder's files
    new_key = spec_key(f"spacy:{folder}")
    assert new_key != key
    run_cached(cache, new_key, docs, runner)
    assert calls == [1, 1]
