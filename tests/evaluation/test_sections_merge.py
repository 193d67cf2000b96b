"""The sections beyond the span tables merge across shards: stacking the per-document counts of
two shards and bootstrapping them gives exactly what one run over all documents gives."""
from __future__ import annotations

from newsspans.evaluation import load_gold, run_extractor
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score
from newsspans.evaluation.scoring.sections import finish_sections, merge_counted


def test_two_shards_merge_to_the_whole_run():
    gold = load_gold()
    run, _ = run_extractor(gold, extractor="baseline")
    options = ScoreOptions(n_resamples=200, by=("outlet",))

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
