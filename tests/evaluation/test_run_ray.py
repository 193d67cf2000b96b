"""`newsspans run` on a real local Ray cluster (2 CPUs, loopback) and on the local engine: one
extractor failing on one document, that document reported, the rest scored, shards resumed, and
the merged report of the shards equal whatever the engine."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_app import make_app
from flaky_extractor import MARK
from synthetic_corpus import records
from typer.testing import CliRunner

ray = pytest.importorskip("ray", reason="needs Ray: pip install 'newsspans[ray]'")

APP = make_app()
SUPPORT = str(Path(__file__).resolve().parents[1] / "support")
BAD = "doc0000007"


def invoke(*args):
    return CliRunner().invoke(APP, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def cluster():
    path = os.pathsep.join([SUPPORT, os.environ.get("PYTHONPATH", "")])
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A gold of 23 documents (one marked to fail) and the same documents as {id, text} input."""
    folder = tmp_path_factory.mktemp("run")
    gold, docs = folder / "gold.jsonl", folder / "docs.jsonl"
    with open(gold, "w") as g, open(docs, "w") as d:
        for record, _ in records(23, seed=1, chars=500):
            if record["id"] == BAD:
                record["text"] += " " + MARK
            g.write(json.dumps(record) + "\n")
            d.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
    return gold, docs


def run(engine, files, out, *extra):
    gold, docs = files
    return invoke("run", "--engine", engine, "--extractor", "flaky_extractor:Flaky", "--input", docs, "--out", out,
                  "--score", "--gold", gold, "--shard-size", "5", "--batch-size", "3", "--bootstrap", "100", *extra)


def test_ray_runner_reports_the_failing_document_scores_the_rest_and_resumes(cluster, files, tmp_path):
    out = tmp_path / "ray"
    result = run("ray", files, out, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "23 documents in 5 new shard(s) (0 already written), 1 failed" in result.output
    errors = {}
    for k in range(5):
        errors.update(json.loads((out / f"errors-{k:05d}.json").read_text()))
    assert list(errors) == [BAD] and "cannot read this document" in errors[BAD]
    predicted = [json.loads(line)["id"] for k in range(5)
                 for line in (out / f"predictions-{k:05d}.jsonl").read_text().splitlines()]
    ids = [f"doc{i:07d}" for i in range(23)]
    assert predicted == [i for i in ids if i != BAD]  # input order, nothing lost

    merged = invoke("merge", out, "--format", "json")
    assert merged.exit_code == 0, merged.output
    report = json.loads(merged.stdout)
    assert report["documents"] == ids and list(report["extractor_errors"]) == [BAD]
    assert report["missing_predictions"] == []
    assert report["layers"]["entity"]["documents"][BAD]["strict"]["actual"] == 0  # scored as empty
    assert report["layers"]["entity"]["schemes"]["strict"]["micro"]["f1"] > 0.5

    # The same run on the local engine gives the same shards and the same merged report.
    local = tmp_path / "local"
    assert run("local", files, local).exit_code == 0
    for k in range(5):
        assert (local / f"predictions-{k:05d}.jsonl").read_text() == (out / f"predictions-{k:05d}.jsonl").read_text()
    local_report = json.loads(invoke("merge", local, "--format", "json").stdout)
    assert local_report.pop("predictions").startswith(str(local)) and report.pop("predictions").startswith(str(out))
    assert local_report == report

    # Resume: a lost last shard is redone, the others are skipped.
    for name in ("predictions-00004.jsonl", "errors-00004.json", "partial-00004.npz"):
        (out / name).unlink()
    again = run("ray", files, out, "--workers", "2")
    assert again.exit_code == 0, again.output
    assert "3 documents in 1 new shard(s) (4 already written)" in again.output
    assert invoke("merge", out, "--format", "json").stdout == merged.stdout


def test_run_refuses_bad_input_with_one_line(files, tmp_path):
    gold, _ = files
    result = invoke("run", "--extractor", "baseline", "--input", tmp_path / "nothing.jsonl", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "input not found" in result.output
    result = invoke("run", "--engine", "spark", "--extractor", "baseline", "--input", gold, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "expected local or ray" in result.output
