"""The leaderboard: several extractors scored on the same gold, one row each, in one table.

A row holds, under one scheme: the entity layer's micro F1 with its bootstrap interval and the
F1 of each entity label; the document-level entity-set micro F1 with its interval (did it name
who and what each article is about; see `scoring/entities.py`); the quote layer's micro F1
with its interval and the quote attribution F1 (quote and speaker both right); the seconds the
extractor spent per document (time inside the extractor, model loading excluded; from the cache
entry when a document was cached); how many offset-free predictions were placed only fuzzily or
not at all (unaligned ones count as spurious); and, where the extractor gives confidence scores,
the micro F1 at the best threshold of each layer (`thresholds` of the report).

A layer an extractor does not produce is shown as "–", not as 0: `extractor_layers` says which
layers an extractor produces, from its registry entry or a `layers` attribute on a
`module.path:callable` extractor (see `registry.extractor_layers`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsspans.corpus.model import ENTITY_LABELS

from .scoring.report import Report
from .scoring.scorer import LAYERS

DASH = "–"
# The report sections the board shows beyond the span tables (the entity sets' F1), computed for each row.
BOARD_SECTIONS: tuple[str, ...] = ("entities",)


@dataclass
class Entry:
    """One scored extractor (or predictions file) of the leaderboard."""

    name: str
    report: Report
    layers: tuple[str, ...]
    seconds_per_document: float | None  # None for a predictions file
    cached_documents: int = 0


def _f1(block: dict) -> dict:
    return {"f1": block["f1"], "f1_ci": block["f1_ci"]}


def _best(sweep: dict) -> dict | None:
    """The best-threshold point of a micro sweep, or None when no prediction has a score."""
    return None if sweep["best"] is None else {"threshold": sweep["best"]["threshold"], "f1": sweep["best"]["f1"]}


def entry_row(entry: Entry, scheme: str) -> dict:
    """The JSON row of one entry; a layer the extractor does not produce is None."""
    data = entry.report.to_dict(spans=False, documents=False)  # the board shows scores only
    row: dict = {"extractor": entry.name, "layers": list(entry.layers)}
    for layer in LAYERS:
        if layer not in entry.layers:
            row[layer] = None
            continue
        s = data["layers"][layer]["schemes"][scheme]
        row[layer] = {"micro": _f1(s["micro"]), "labels": {label: _f1(c) for label, c in s["labels"].items()},
                      "possible": s["micro"]["possible"], "actual": s["micro"]["actual"]}
        if layer == "entity" and "entities" in data:
            row[layer]["entity_sets"] = _f1(data["entities"]["micro"])
        if "speakers" in data["layers"][layer]:
            row[layer]["attribution"] = _f1(data["layers"][layer]["speakers"]["attribution"][scheme])
    row["alignment"] = {status: sum(data["alignment"][layer][status] for layer in entry.layers)
                        for status in ("fuzzy", "unaligned")}
    row["best_threshold"] = {layer: _best(data["thresholds"][layer]["micro"]) for layer in entry.layers}
    row["seconds_per_document"] = entry.seconds_per_document
    row["documents"] = len(data["documents"])
    row["cached_documents"] = entry.cached_documents
    row["extractor_errors"] = data["extractor_errors"]
    return row


def leaderboard_dict(entries: Sequence[Entry], scheme: str, gold: str) -> dict:
    options = entries[0].report.options if entries else None
    return {"gold": gold, "scheme": scheme,
            "bootstrap": None if options is None else {"resamples": options.n_resamples, "seed": options.seed,
                                                       "confidence": options.confidence,
                                                       "documents": len(entries[0].report.documents)},
            "rows": [entry_row(e, scheme) for e in entries]}


# --- Text cells (shared by the terminal table and the Markdown table) ----------------------------

COLUMNS = ("extractor", "entities micro F1 (95% CI)", *ENTITY_LABELS, "entity sets F1 (95% CI)",
           "quotes micro F1 (95% CI)", "quote attribution F1 (95% CI)", "fuzzy / unaligned", "F1 at best threshold",
           "s/doc")
# The same columns with headers short enough for an 80-column terminal (intervals on a second line).
SHORT_COLUMNS = ("extractor", "entities F1", *ENTITY_LABELS, "entity sets", "quotes F1", "speakers F1",
                 "fuzzy/unal.", "best-t F1", "s/doc")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _with_ci(block: dict | None, two_lines: bool) -> str:
    if block is None:
        return DASH
    ci = block["f1_ci"]
    if ci is None:
        return _pct(block["f1"])
    return f"{_pct(block['f1'])}\n[{_pct(ci[0])}–{_pct(ci[1])}]" if two_lines else \
        f"{_pct(block['f1'])} ({_pct(ci[0])}–{_pct(ci[1])})"


def _seconds(x: float | None) -> str:
    return DASH if x is None else f"{x:.4f}"


def row_cells(row: dict, two_lines: bool = False) -> list[str]:
    """The table cells of one JSON row, in `COLUMNS` order; "–" where a layer is not produced.
    `two_lines` puts each interval under its F1 (terminal tables)."""
    entity, quote = row["entity"], row["quote"]
    labels = [DASH if entity is None else _pct(entity["labels"][label]["f1"]) for label in ENTITY_LABELS]
    return [row["extractor"], _with_ci(None if entity is None else entity["micro"], two_lines), *labels,
            _with_ci(None if entity is None else entity.get("entity_sets"), two_lines),
            _with_ci(None if quote is None else quote["micro"], two_lines),
            _with_ci(None if quote is None else quote.get("attribution"), two_lines),
            _alignment_cell(row.get("alignment")), _best_cell(row, two_lines),
            _seconds(row["seconds_per_document"])]


def _alignment_cell(counts: dict | None) -> str:
    # Rows written before offset-free predictions existed have no counts.
    return DASH if counts is None else f"{counts['fuzzy']} / {counts['unaligned']}"


def _best_cell(row: dict, two_lines: bool) -> str:
    """"E 91.2 @0.45" per layer with scores ("–" when no prediction has one)."""
    parts = [f"{layer[0].upper()} {_pct(b['f1'])} @{b['threshold']:g}"
             for layer, b in row.get("best_threshold", {}).items() if b is not None]
    return ("\n" if two_lines else "; ").join(parts) or DASH


def caption(board: dict) -> str:
    from .scoring.bootstrap import too_few_documents

    b = board["bootstrap"]
    too_few = too_few_documents(b["documents"]) if b and "documents" in b else None
    interval = "no intervals" if not b or not b["resamples"] else f"no intervals ({too_few})" if too_few else \
        f"{100 * b['confidence']:.0f}% bootstrap intervals over documents ({b['resamples']} resamples, seed {b['seed']})"
    return (f"F1 in %, {board['scheme']} scheme, on {board['gold']}; {interval}; s/doc: seconds inside the "
            f"extractor per document, model loading excluded; {DASH}: layer not produced by the extractor; "
            "fuzzy / unaligned: offset-free predictions placed only approximately / not found (spurious); "
            f"F1 at best threshold: strict micro F1 per layer (E entities, Q quotes) at the confidence threshold "
            f"that maximises it, {DASH} without scores.")


def notes(board: dict) -> list[str]:
    """Lines about documents an extractor failed on or that came from the cache."""
    out = []
    for row in board["rows"]:
        if row["extractor_errors"]:
            out.append(f"{row['extractor']}: failed on {len(row['extractor_errors'])} of {row['documents']} "
                       f"documents (scored as predicting nothing): "
                       + "; ".join(f"{k}: {v}" for k, v in row["extractor_errors"].items()))
        if row["cached_documents"]:
            out.append(f"{row['extractor']}: {row['cached_documents']} of {row['documents']} documents from the "
                       "prediction cache (s/doc as measured when they were computed)")
    return out


def _md_escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def leaderboard_markdown(board: dict) -> str:
    """A GitHub Markdown table, with its caption above and notes below, for the README."""
    lines = [caption(board), "",
             "| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|"]
    lines += ["| " + " | ".join(_md_escape(c) for c in row_cells(row)) + " |" for row in board["rows"]]
    extra = notes(board)
    return "\n".join(lines + ([""] + extra if extra else [])) + "\n"
