"""The sections beyond the span tables are computed when asked for, and merge across shards:
stacking the per-document counts of two shards and bootstrapping them gives exactly what one
run over all documents gives."""
from __future__ import annotations

from newsspans.evaluation import load_gold, run_extractor
import pytest

from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score
from newsspans.evaluation.scoring.sections import SECTIONS, finish_sections, merge_counted


def test_two_shards_merge_to_the_whole_run():
    gold = load_gold()
    run, _ = run_extractor(gold, extractor="baseline")
    options = ScoreOptions(n_resamples=200, by=("outlet",), sections=("all",))

    def scored(docs):
        ids = {d.id for d in docs}
        return score(docs, [s for s in gold.spans if s.doc_id in ids], {i: run.predictions[i] for i in ids},
                     options, gold_checked=True)

    whole = scored(gold.documents).to_dict()
    shards = [scored(gold.documents[:2]), scored(gold.documents[2:])]
    merged = finish_sections(merge_counted([next(iter(r.sections.values())).counted for r in shards]), options)
    rendered = {name: section.render() for name, section in merged.items()}
    for name in ("entities", "coreference", "num_kinds", "document_average"):
        assert rendered[name] == whole[name], name
    # "seen" is judged within each shard's gold (another document of the shard), so it is left out.
    for dimension in ("outlet", "length", "shape", "quote_length"):
        assert rendered["breakdowns"][dimension] == whole["breakdowns"][dimension], dimension
    assert set(rendered["breakdowns"]["seen"]) <= {"seen", "unseen"}


def test_a_section_is_computed_only_when_asked_for():
    gold = load_gold()
    run, _ = run_extractor(gold, extractor="baseline")

    def report(**options):
        return score(gold.documents, gold.spans, run.predictions, ScoreOptions(n_resamples=0, **options),
                     gold_checked=True, detail=False)

    bare = report()
    assert bare.sections == {} and not set(SECTIONS) & set(bare.to_dict())
    assert not any(name.startswith("sections/") for name in bare.partial.tables) and not bare.partial.lists.get(
        "sections/entities.found")
    one = report(sections=("coreference",)).to_dict()
    assert one["settings"]["sections"] == ["coreference"] and set(SECTIONS) & set(one) == {"coreference"}
    assert one["layers"] == bare.to_dict()["layers"]
    # --by FIELD asks for the breakdown of FIELD alone; `breakdowns` for every default dimension.
    by = report(by=("length",)).to_dict()
    assert set(SECTIONS) & set(by) == {"breakdowns"} and list(by["breakdowns"]) == ["length"]
    assert by["settings"]["sections"] == ["breakdowns"]
    every = report(sections="all", by=("length",)).to_dict()
    assert set(SECTIONS) <= set(every) and {"length", "shape", "seen", "quote_length"} <= set(every["breakdowns"])
    assert every["breakdowns"]["length"] == by["breakdowns"]["length"]
    with pytest.raises(ValueError, match="unknown report section 'entity'"):
        ScoreOptions(sections=("entity",))
