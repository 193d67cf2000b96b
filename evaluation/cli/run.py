"""`newsspans run`: an extractor over a corpus of any size, in resumable shards, locally or on Ray."""
from __future__ import annotations

from pathlib import Path
import typer

from .options import (GOLD, MAPPING, SCORING, WITH, GoldArgs, MappingArgs, ScoringArgs, SectionArgs, note,
                      score_options, takes)


@takes(GOLD, MAPPING, SCORING, WITH)
def run_command(
    gold: GoldArgs, mapping: MappingArgs, scoring: ScoringArgs, sections: SectionArgs,
    extractor: str = typer.Option(..., "--extractor", help="An extractor spec, as for `newsspans score`."),
    input: Path = typer.Option(..., "--input", help="Documents: a corpus folder, a Hugging Face dataset folder, or "
                               "a JSONL or Parquet file of {id, text}."),
    out: Path = typer.Option(..., "--out", file_okay=False, help="Folder for the shards: predictions-N.jsonl, "
                             "errors-N.json and, when --score, partial-N.npz."),
    engine: str = typer.Option("local", "--engine", help="local (this machine, --workers processes) or ray "
                               "(Ray Data; pip install 'newsspans[ray]'; RAY_ADDRESS picks a cluster)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Extractor copies: processes (local) or actors (ray)."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Documents per extractor batch (and Ray block)."),
    num_gpus: float = typer.Option(0.0, "--num-gpus", min=0.0, help="GPUs per Ray actor (ray engine)."),
    shard_size: int = typer.Option(1000, "--shard-size", min=1, help="Documents per written shard."),
    score: bool = typer.Option(False, "--score", help="Also write a partial score file per shard against --gold "
                               "(the default gold when not given), for `newsspans merge OUT`."),
) -> None:
    """Run an extractor over many documents in shards that resume and merge.

    Every --shard-size documents, in input order, writes predictions-NNNNN.jsonl, errors-NNNNN.json (documents the extractor failed on; the rest are kept) and, with --score, partial-NNNNN.npz. A rerun with the same --out skips the shards already written. Afterwards `newsspans merge OUT` prints the report of all shards.

    Example: `newsspans run --engine ray --extractor hf:/models/ner@cuda:0 --num-gpus 1 --workers 4 --input articles.parquet --out runs/ner --score --gold corpus`
    """  # noqa: E501
    from newsspans.corpus.errors import CorpusError, Problem

    from .. import load_gold, score_run
    from ..extractors.distributed import RunPlan, run_to_dir

    if engine == "local" and num_gpus:
        raise CorpusError(Problem("--num-gpus applies to --engine ray; a local run uses the devices the "
                                  "extractor spec names (e.g. hf:PATH@cuda:0)"))
    if engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise CorpusError(Problem("--engine ray needs Ray: pip install 'newsspans[ray]'")) from None
    score_shard = None
    if score:
        data = load_gold(gold.gold, gold.gold_documents)
        known = {d.id for d in data.documents}
        options = score_options(scoring, sections=sections.names())

        def score_shard(run, k: int) -> None:
            # Documents of the input that are not in the gold are predicted, not scored.
            run.predictions = {i: p for i, p in run.predictions.items() if i in known}
            run.errors = {i: e for i, e in run.errors.items() if i in known}
            report = score_run(data, run, source=f"{out}/predictions-*.jsonl", label_map=mapping.label_map,
                               ignore=mapping.ignore_label, drop_unknown=mapping.drop_unknown, options=options,
                               detail=False, only=list(run.predictions) + list(run.errors))
            report.partial.save(out / f"partial-{k:05d}.npz")

    summary = run_to_dir(RunPlan(extractor, input, out, engine, workers, batch_size, num_gpus, shard_size),
                         score_shard)
    note(f"{summary['documents']} documents in {summary['shards']} new shard(s) ({summary['skipped_shards']} "
         f"already written), {summary['errors']} failed; in {out}")
