"""`newsspans probe`: invariance probes (swap person or place names, keep offsets exact)."""
from __future__ import annotations

import json
from typing import Optional

import typer

from .options import (GOLD, MAPPING, RUN, SCORING, Format, GoldArgs, MappingArgs, RunArgs, ScoringArgs, extractor_help,
                      load_gold_of, run_settings, takes)


@takes(GOLD, MAPPING, SCORING, RUN)
def probe_command(
    gold: GoldArgs, mapping: MappingArgs, scoring: ScoringArgs, run: RunArgs,
    extractor: Optional[str] = typer.Option(None, "--extractor", help=extractor_help("The extractor to probe")),
    command: Optional[str] = typer.Option(None, "--command", help="Or an external program speaking JSONL."),
    swap: list[str] = typer.Option([], "--swap", metavar="KIND", help="person or place (repeatable; default both)."),
    swap_seed: int = typer.Option(0, "--swap-seed", help="Seed of the draw of replacement names."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json on stdout."),
) -> None:
    """Invariance probe: swap person names (and, separately, place names) in the gold documents for others from a bundled list, shift the gold offsets exactly, run the extractor on the changed texts and report the F1 change with a paired bootstrap interval.

    A model that only memorized names loses here. Prints, per swap type, the entity layer's micro F1 and the swapped label's F1 (PER, LOC) on the original and the swapped texts, the difference swapped - original, its 95% interval and p-value.

    Example: `newsspans probe --extractor baseline --bootstrap 2000`
    """  # noqa: E501
    from newsspans.corpus.errors import CorpusError, Problem

    from ..pipeline import ScoreOptions
    from ..probes.run import probe
    from ..probes.swap import SWAP_LABELS

    unknown = [s for s in swap if s not in SWAP_LABELS]
    if unknown:
        raise CorpusError(Problem(f"--swap {unknown[0]}: unknown swap type (known: {', '.join(SWAP_LABELS)})"))
    if (extractor is None) == (command is None):
        raise CorpusError(Problem("give exactly one of --extractor or --command"))
    data = load_gold_of(gold)
    result = probe(data, extractor=extractor, command=command, swaps=tuple(swap) or tuple(SWAP_LABELS),
                   settings=run_settings(run), label_map=mapping.label_map, ignore=mapping.ignore_label,
                   drop_unknown=mapping.drop_unknown, scheme=scoring.scheme.value, swap_seed=swap_seed,
                   options=ScoreOptions(scoring.min_overlap, scoring.bootstrap, scoring.seed))
    if fmt is Format.json:
        typer.echo(json.dumps(result, indent=1))
        return
    scheme = result["scheme"]
    typer.echo(f"original texts: entity micro F1 {100 * result['original']['micro_f1']:.1f} ({scheme})")
    for kind, entry in result["swaps"].items():
        typer.echo(f"{kind} names swapped: {entry['entities_swapped']} entities, {entry['mentions_swapped']} mentions "
                   f"in {entry['documents_changed']} documents")
        for name in ("micro", SWAP_LABELS[kind]):
            t = entry[name]
            where = f"no interval, no p-value: {t['note']}" if t["interval"] is None else \
                f"[{100 * t['interval'][0]:+.1f}, {100 * t['interval'][1]:+.1f}]  p = {t['p_value']:.3g}"
            typer.echo(f"  {name} F1: {100 * t['f1_original']:.1f} -> {100 * t['f1_swapped']:.1f}  "
                       f"change {100 * t['difference']:+.1f} {where}")
