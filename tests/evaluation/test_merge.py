"""Shards and merge: `score --shard I/N --partial-out` and `newsspans merge` give, for any number
and order of shards, the report of one pass, bit for bit; mismatched partials are refused."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from cli_app import make_app
from synthetic_corpus import write_corpus
from typer.testing import CliRunner

from newsspans.evaluation import load_gold, run_extractor, score_run
from newsspans.evaluation.scoring.bootstrap import document_keys, poisson_weights
from newsspans.evaluation.scoring.partial import Partial, merge
from newsspans.evaluation.scoring.report import Report

APP = make_app()


def invoke(*args):
    return CliRunner().invoke(APP, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("synthetic"), 41, seed=3, chars=600, fields=True)


def test_merged_reports_are_bit_identical_to_one_pass_for_1_2_and_7_shards_in_any_order(corpus, tmp_path):
    gold, preds = corpus
    # `desk` is a field of the user's own gold that only the last quarter of the documents has.
    common = ("--gold", gold, "--predictions", preds, "--bootstrap", "200", "--seed", "5", "--no-progress",
              "--by", "desk", "--beta", "2", "--with", "all")
    one = invoke("score", *common, "--format", "json", "--no-spans")
    assert one.exit_code == 0, one.output
    report = json.loads(one.stdout)
    # Enough documents for intervals, and every part of the report is there to compare.
    assert report["layers"]["entity"]["schemes"]["strict"]["micro"]["f1_ci"] is not None
    assert report["layers"]["quote"]["speakers"]["attribution"]["partial"]["f1_ci"] is not None
    for level in ("mention", "entity"):
        assert report["layers"]["quote"]["speakers"][level]["attribution"]["partial"]["f1_ci"] is not None
    # ...and so are issue 13's sections, with intervals where they have enough documents.
    assert report["entities"]["micro"]["f1_ci"] is not None and report["coreference"]["conll"]["f1_ci"] is not None
    assert report["num_kinds"]["strict_with_kind"]["f1_ci"] is not None
    assert report["document_average"]["entity"]["strict"]["f1_mean_ci"] is not None
    assert set(report["breakdowns"]) == {"outlet", "desk", "length", "shape", "seen", "quote_length"}
    assert set(report["breakdowns"]["desk"]) == {"(none)", "politics", "sport"}
    assert set(report["breakdowns"]["seen"]) == {"seen", "unseen"}
    assert report["entities"]["documents"][report["documents"][0]]["found"]
    assert report["layers"]["entity"]["spans"] is False and "gold" not in report["layers"]["entity"]
    rng = random.Random(0)
    for n in (1, 2, 7):
        paths = []
        for i in range(n):
            path = tmp_path / f"n{n}-{i}.npz"
            result = invoke("score", *common, "--shard", f"{i}/{n}", "--partial-out", path, "--quiet")
            assert result.exit_code == 0, result.output
            paths.append(path)
        rng.shuffle(paths)
        merged = invoke("merge", *paths, "--format", "json")
        assert merged.exit_code == 0, merged.output
        assert merged.stdout == one.stdout, f"{n} shards differ from one pass"
    table = invoke("merge", *paths)
    assert "entity layer, strict scheme" in table.stdout and "speakers, entity level:" in table.stdout


def test_a_shard_is_scored_on_its_documents_only(corpus, tmp_path):
    gold, preds = corpus
    result = invoke("score", "--gold", gold, "--predictions", preds, "--shard", "1/4", "--format", "json",
                    "--no-spans", "--bootstrap", "0", "--quiet")
    report = json.loads(result.stdout)
    ids = [json.loads(line)["id"] for line in gold.read_text().splitlines()]
    assert report["documents"] == ids[10:20]  # 41 documents: blocks 0-9, 10-19, 20-29, 30-40
    assert report["missing_predictions"] == []


def test_merging_different_seeds_settings_or_gold_is_refused_naming_the_files(corpus, tmp_path):
    gold, preds = corpus
    common = ("--gold", gold, "--predictions", preds, "--bootstrap", "20", "--quiet")

    def partial(name, *extra, gold_path=gold):
        path = tmp_path / name
        args = list(common) + list(extra) + ["--partial-out", path]
        args[1] = gold_path
        assert invoke("score", *args).exit_code == 0
        return path

    a = partial("a.npz", "--shard", "0/2")
    b_seed = partial("b-seed.npz", "--shard", "1/2", "--seed", "9")
    b_overlap = partial("b-overlap.npz", "--min-overlap", "0.5", "--shard", "1/2")
    same = partial("a-again.npz", "--shard", "0/2")
    other_gold = tmp_path / "other-gold.jsonl"
    lines = gold.read_text().splitlines()
    record = json.loads(lines[-1])
    record["spans"] = record["spans"][:-1]
    other_gold.write_text("\n".join(lines[:-1] + [json.dumps(record)]) + "\n")
    b_gold = partial("b-gold.npz", "--shard", "1/2", gold_path=other_gold)
    b_sections = partial("b-sections.npz", "--shard", "1/2", "--with", "entities")
    for other, what in ((b_seed, "bootstrap seed"), (b_overlap, "settings"), (b_gold, "gold (fingerprint)"),
                        (same, "is in two partial results"), (b_sections, "different report sections (--with)")):
        result = invoke("merge", a, other)
        assert result.exit_code == 2, result.output
        assert what in result.output and str(other) in result.output
    assert invoke("merge", a, tmp_path / "missing.npz").exit_code == 2
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    result = invoke("merge", a, tmp_path / "junk.npz")
    assert result.exit_code == 2 and "not a newsspans partial result" in result.output
    result = invoke("merge", a, "--seed", "3")
    assert result.exit_code == 2 and "--seed" in result.output


@pytest.mark.parametrize("asked", [(), ("--with", "entities"), ("--by", "desk"),
                                   ("--by", "length", "--with", "num_kinds")])
def test_a_partial_written_beside_the_html_page_holds_only_the_sections_asked_for(corpus, tmp_path, asked):
    # The page draws every section, so --html computes them all; its partial must still merge
    # with shards scored without --html, and equal theirs.
    gold, preds = corpus
    common = ("--gold", gold, "--predictions", preds, "--bootstrap", "30", "--seed", "4", "--quiet", *asked)
    paged, plain = tmp_path / "paged.npz", tmp_path / "plain.npz"
    result = invoke("score", *common, "--shard", "0/2", "--html", tmp_path / "page.html", "--partial-out", paged)
    assert result.exit_code == 0, result.output
    assert "coreference" in (tmp_path / "page.html").read_text(encoding="utf-8")  # the page has every section
    assert invoke("score", *common, "--shard", "0/2", "--partial-out", plain).exit_code == 0
    a, b = Partial.load(paged), Partial.load(plain)
    assert a.meta() == b.meta()
    for field in ("tables", "sums", "points"):
        mine, theirs = getattr(a, field), getattr(b, field)
        assert mine.keys() == theirs.keys() and all(np.array_equal(mine[k], theirs[k]) for k in mine), field
    other = tmp_path / "other.npz"
    assert invoke("score", *common, "--shard", "1/2", "--partial-out", other).exit_code == 0
    merged = invoke("merge", paged, other, "--format", "json")
    assert merged.exit_code == 0, merged.output
    assert merged.stdout == invoke("merge", plain, other, "--format", "json").stdout


def test_poisson_weights_depend_on_the_document_id_and_seed_only():
    keys = document_keys(["x", "y", "z"], seed=1)
    w = poisson_weights(keys, 20000)
    assert w.shape == (20000, 3) and w.min() == 0 and (w == np.rint(w)).all()
    assert w.mean() == pytest.approx(1.0, abs=0.03) and w.var() == pytest.approx(1.0, abs=0.05)  # Poisson(1)
    # The same document draws the same weights wherever it is and whatever its neighbours.
    alone = poisson_weights(document_keys(["q", "y"], seed=1), 20000)
    assert (alone[:, 1] == w[:, 1]).all()
    assert not (poisson_weights(document_keys(["y"], seed=2), 20000)[:, 0] == w[:, 1]).all()


def test_partials_merge_in_python_and_round_trip_through_files(corpus, tmp_path):
    gold_path, preds = corpus
    gold = load_gold(gold_path)
    run, source = run_extractor(gold, predictions=preds)
    whole = score_run(gold, run, source=source, detail=False)
    shards = [score_run(gold, run, source=source, detail=False, shard=(i, 3)).partial for i in range(3)]
    for i, p in enumerate(shards):
        p.save(tmp_path / f"{i}.npz")
    loaded = [Partial.load(tmp_path / f"{i}.npz") for i in (2, 0, 1)]
    assert Report.from_partial(merge(loaded)).to_dict() == whole.to_dict()
    assert whole.to_dict(documents=False)["layers"]["entity"].keys() == {"labels", "schemes", "spans"}


def test_streamed_files_score_as_the_loaded_run_whatever_the_order_of_the_predictions(corpus, tmp_path):
    from newsspans.corpus.errors import CorpusError
    from newsspans.evaluation import score_files

    gold_path, preds = corpus
    lines = preds.read_text().splitlines()
    shuffled = tmp_path / "shuffled.jsonl"
    kept = lines[:3] + lines[4:]  # document 3 has no predictions line: scored as empty, listed as missing
    random.Random(1).shuffle(kept)
    shuffled.write_text("\n".join(kept) + "\n")
    gold = load_gold(gold_path)
    run, _ = run_extractor(gold, predictions=shuffled)
    loaded = score_run(gold, run, source=str(shuffled), detail=False).to_dict()
    for chunk in (1, 7, 1000):  # chunks smaller than, not dividing, and larger than the corpus
        assert score_files(gold_path, shuffled, chunk=chunk).to_dict() == loaded
    assert loaded["missing_predictions"] == ["doc0000003"]
    stray = tmp_path / "stray.jsonl"
    stray.write_text(preds.read_text() + '{"id": "nowhere", "spans": []}\n')
    with pytest.raises(CorpusError, match="not in the gold") as exc:
        score_files(gold_path, stray)
    assert exc.value.problems[0].line == 42 and exc.value.problems[0].file == str(stray)


def test_a_table_run_does_not_hash_the_gold_but_json_and_partials_carry_its_fingerprint(corpus, tmp_path,
                                                                                           monkeypatch):
    from newsspans.evaluation import pipeline, score_files

    gold_path, preds = corpus
    hashed = []

    class Recording(pipeline.Fingerprint):
        def __init__(self, hashing: bool = True) -> None:
            hashed.append(hashing)
            super().__init__(hashing)

    monkeypatch.setattr(pipeline, "Fingerprint", Recording)
    common = ("score", "--gold", gold_path, "--predictions", preds, "--bootstrap", "50", "--no-progress")
    table = invoke(*common)
    assert table.exit_code == 0, table.output
    as_json = invoke(*common, "--format", "json", "--no-spans")
    written = invoke(*common, "--partial-out", tmp_path / "p.npz")
    assert hashed == [False, True, True] and table.stdout == written.stdout
    expected = score_run(load_gold(gold_path), run_extractor(load_gold(gold_path), predictions=preds)[0],
                         detail=False).gold_fingerprint
    assert json.loads(as_json.stdout)["gold_fingerprint"] == expected == Partial.load(tmp_path / "p.npz").gold[
        "fingerprint"]
    # Without the fingerprint the partial could not be checked in a merge: it is not written.
    unhashed = score_files(gold_path, preds, fingerprint=False)
    assert unhashed.gold_fingerprint == ""
    with pytest.raises(ValueError, match="no gold fingerprint"):
        unhashed.partial.save(tmp_path / "unhashed.npz")
    assert not (tmp_path / "unhashed.npz").exists()


def test_weighted_sums_keep_floats_and_sparse_groups_sum_as_dense():
    from newsspans.evaluation.scoring.bootstrap import weighted_sums

    rng = np.random.default_rng(1)
    keys = document_keys([f"d{i}" for i in range(3000)], 4)  # more than one block of documents
    # Breakdown-like counts: each document has counts in one of five buckets only.
    counts = np.zeros((3000, 2, 5, 3), np.int64)
    counts[np.arange(3000), :, rng.integers(0, 5, 3000)] = rng.integers(0, 4, (3000, 2, 3))
    halves = np.full((3000, 2), 0.5)  # B-cubed credit and per-document F1 are fractions
    dense = weighted_sums({"c": counts, "h": halves}, keys, 20)
    sparse = weighted_sums({"c": counts, "h": halves}, keys, 20, sparse=["c"])
    assert np.array_equal(dense["c"], sparse["c"]) and dense["c"].dtype == np.int64
    w = poisson_weights(keys, 20)
    assert np.allclose(dense["h"], 0.5 * w.sum(axis=1)[:, None]) and (dense["h"] % 1).any()


def test_the_bootstrap_products_run_on_one_blas_thread(monkeypatch):
    # A second OpenBLAS thread spins after every product: 15% of a 10,000-document run's CPU.
    from threadpoolctl import threadpool_info

    from newsspans.evaluation.scoring import bootstrap

    def blas_threads() -> set[int]:
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    seen = []
    real = bootstrap.poisson_weights
    monkeypatch.setattr(bootstrap, "poisson_weights", lambda *a: seen.append(blas_threads()) or real(*a))
    before = blas_threads()
    bootstrap.weighted_sums({"c": np.ones((3000, 2), np.int64)}, document_keys([f"d{i}" for i in range(3000)], 1), 5)
    assert before and seen == [{1}, {1}]  # both blocks of documents
    assert blas_threads() == before  # given back after


def test_scores_thresholds_and_offset_free_predictions_merge_bit_for_bit(corpus, tmp_path):
    gold, preds = corpus
    # Every prediction gets a confidence score; every seventh entity loses its offsets (placed by
    # alignment), and a few name nothing in the text (unaligned).
    lines = []
    for k, line in enumerate(preds.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        for i, span in enumerate(record["spans"]):
            span["score"] = round(((k * 31 + i * 17) % 100) / 100, 2)
            if span["label"] != "QUOTE" and i % 7 == 3:
                span.pop("start"), span.pop("end")
                if i % 21 == 3:
                    span["text"] = "zzz nowhere"
        lines.append(json.dumps(record))
    scored = tmp_path / "scored.jsonl"
    scored.write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = ("--gold", gold, "--predictions", scored, "--bootstrap", "100", "--seed", "2", "--no-progress",
              "--threshold", "0.1")
    one = invoke("score", *common, "--format", "json", "--no-spans")
    assert one.exit_code == 0, one.output
    report = json.loads(one.stdout)
    assert report["thresholds"]["entity"]["micro"]["scored"] > 0 and report["below_threshold"]
    assert report["alignment"]["entity"]["exact"] > 0 and report["alignment"]["entity"]["unaligned_texts"]
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"s{i}.npz")
        result = invoke("score", *common, "--shard", f"{i}/3", "--partial-out", paths[-1], "--quiet")
        assert result.exit_code == 0, result.output
    merged = invoke("merge", *reversed(paths), "--format", "json")
    assert merged.exit_code == 0, merged.output
    assert merged.stdout == one.stdout


def scored_run(gold: Path, tmp_path: Path, *options: str) -> Path:
    """The folder of `run --score` with the baseline over the gold's documents (as `run --input`
    takes them: {id, text} lines), with `options`."""
    docs, out = tmp_path / "docs.jsonl", tmp_path / "out"
    docs.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n"
                            for r in map(json.loads, gold.read_text().splitlines())))
    result = invoke("run", "--extractor", "baseline", "--input", docs, "--out", out, "--score", "--gold", gold,
                    "--bootstrap", "0", *options)
    assert result.exit_code == 0, result.output
    return out


def test_run_score_computes_the_sections_asked_for_in_every_shard(corpus, tmp_path):
    out = scored_run(corpus[0], tmp_path, "--shard-size", "20", "--with", "entities", "--with", "num_kinds")
    assert len(list(out.glob("partial-*.npz"))) == 3
    report = json.loads(invoke("merge", out, "--format", "json").stdout)
    assert report["settings"]["sections"] == ["entities", "num_kinds"]
    assert {"entities", "num_kinds"} <= set(report) and not {"coreference", "breakdowns"} & set(report)
    assert len(report["entities"]["documents"]) == 41


def test_run_score_takes_every_scoring_option(corpus, tmp_path):
    # `run --score` shares the scoring options of `score`: none is accepted and then ignored.
    out = scored_run(corpus[0], tmp_path, "--threshold", "0.5", "--align", "first", "--align-threshold", "90")
    settings = json.loads(invoke("merge", out, "--format", "json").stdout)["settings"]
    assert (settings["threshold"], settings["align"], settings["align_threshold"]) == (0.5, "first", 90.0)


def test_a_streamed_run_keeps_no_object_per_document_from_one_chunk_to_the_next(tmp_path, monkeypatch):
    """Ids, unaligned lists and the like kept as an object per document lie scattered among the
    chunks' short-lived objects and slow every later chunk (packed_ids). The small-object heap
    after each chunk grows by a few objects per chunk (its partial's arrays), whatever the
    chunk's size: not by any per document."""
    import sys

    from newsspans.evaluation import collector, score_files
    from newsspans.evaluation import gold as gold_module

    alive = []

    class Counting:  # iter_gold pauses the collector as it starts each chunk: nothing else is held then
        @staticmethod
        def paused():
            alive.append(sys.getallocatedblocks())
            return collector.paused()

    monkeypatch.setattr(gold_module, "collector", Counting)
    gold_path, preds = write_corpus(tmp_path, 800, seed=5, chars=300)
    growth = {}
    for chunk in (10, 80):
        alive.clear()
        score_files(gold_path, preds, chunk=chunk, fingerprint=False)
        assert len(alive) == 800 // chunk + 1  # and once more to find the end
        growth[chunk] = np.polyfit(np.arange(len(alive) - 3), alive[3:], 1)[0]  # after the first chunks' caches
    per_document = (growth[80] - growth[10]) / 70
    assert abs(per_document) < 1, growth  # 3.4 a document before ids were packed
