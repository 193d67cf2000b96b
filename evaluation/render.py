"""Terminal rendering of a report (rich tables) and of its error list with text context."""
from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .scoring.counts import CORRECT, MISSED, SCHEMES, SPURIOUS
from .scoring.report import Report

CONTEXT = 40  # characters of text shown on each side of an error


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _ci(ci: list[float] | None) -> str:
    return "" if ci is None else f"{_pct(ci[0])}–{_pct(ci[1])}"


def render_report(report: Report | Mapping, scheme: str = "strict", console: Console | None = None) -> None:
    """Per layer: per-label P/R/F1 (in %) with the F1 interval and support, then averages.

    `report`: a Report, or its JSON (`to_dict`); a Report is summarised without its per-document
    and per-span parts, which a table does not show.
    """
    console = console or Console()
    data = report if isinstance(report, Mapping) else report.to_dict(spans=False, documents=False)
    # Say which gold was scored: ./corpus in a checkout and the installed copy can differ.
    console.print(f"gold: {data['gold']} ({len(data['documents'])} documents); predictions: {data['predictions']}",
                  markup=False, highlight=False)
    for name, layer in data["layers"].items():
        s = layer["schemes"][scheme]
        table = Table(title=f"{name} layer, {scheme} scheme", title_justify="left")
        for col in ("label", "precision", "recall", "F1", "F1 95% CI", "support", "predicted"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for label, c in s["labels"].items():
            table.add_row(label, _pct(c["precision"]), _pct(c["recall"]), _pct(c["f1"]), _ci(c["f1_ci"]),
                          str(c["possible"]), str(c["actual"]))
        m = s["micro"]
        table.add_section()
        table.add_row("micro", _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"]), _ci(m["f1_ci"]),
                      str(m["possible"]), str(m["actual"]))
        for avg in ("macro", "weighted"):
            a = s[avg]
            table.add_row(avg, _pct(a["precision"]), _pct(a["recall"]), _pct(a["f1"]), _ci(a["f1_ci"]), "", "")
        console.print(table)
        others = " · ".join(f"{o} {_pct(layer['schemes'][o]['micro']['f1'])}" for o in SCHEMES if o != scheme)
        console.print(f"micro F1 under the other schemes: {others}")
        if "speakers" in layer:
            sp = layer["speakers"]
            att = sp["attribution"][scheme]
            console.print(f"speakers: {sp['speaker_correct']}/{sp['matched']} matched quotes right "
                          f"({_pct(sp['accuracy'])}%); attribution ({scheme}) P {_pct(att['precision'])} "
                          f"R {_pct(att['recall'])} F1 {_pct(att['f1'])}"
                          + (f" [{_ci(att['f1_ci'])}]" if att["f1_ci"] else ""))
        console.print()
    note = data["settings"]["bootstrap"].get("note")
    if note:
        console.print(f"[yellow]no intervals[/yellow]: {escape(note)}")
    if data["dropped"]:
        console.print("dropped predictions: " + ", ".join(f"{k} {v}" for k, v in data["dropped"].items()))
    for doc_id, message in data["extractor_errors"].items():
        console.print(f"[red]extractor failed[/red] on {escape(doc_id)}: {escape(message)} (scored as no predictions)")
    if data["missing_predictions"]:
        console.print(f"[yellow]no predictions for {len(data['missing_predictions'])} document(s)[/yellow] "
                      f"(scored as empty): {', '.join(data['missing_predictions'])}")


def _context(text: str, start: int, end: int) -> str:
    left, right = text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
    flat = lambda s: s.replace("\n", " ")  # noqa: E731 - one-line context
    marked = escape("[" + flat(text[start:end]) + "]")  # the brackets are text, not rich markup
    return f"…{escape(flat(left))}[bold]{marked}[/bold]{escape(flat(right))}…"


def error_kind(gold_label: str, pred_label: str, same_bounds: bool) -> str:
    if same_bounds:
        return "type"
    return "boundary" if gold_label == pred_label else "boundary+type"


def render_errors(report: Report, texts: Mapping[str, str], scheme: str = "strict",
                  console: Console | None = None) -> None:
    """Every error under `scheme` (missed, spurious, boundary, type, boundary+type) and every
    speaker error, with context, in document order."""
    console = console or Console()
    strict = SCHEMES.index(scheme)
    order = {doc_id: i for i, doc_id in enumerate(report.documents)}
    for name, layer in report.layers.items():
        pred_of = dict(zip(layer.matching.gold.tolist(), layer.matching.pred.tolist()))
        lines = []
        for i, g in enumerate(layer.gold):
            outcome = layer.gold_outcomes[strict, i]
            text = texts[g.doc_id]
            if outcome == MISSED:
                lines.append((g.doc_id, g.start, f"missed {g.label} {_context(text, g.start, g.end)}"))
            elif outcome != CORRECT:
                p = layer.predicted[pred_of[i]]
                kind = error_kind(g.label, p.label, (g.start, g.end) == (p.start, p.end))
                lines.append((g.doc_id, g.start, f"{kind}: gold {g.label} {_context(text, g.start, g.end)} "
                                                  f"predicted {p.label} {_context(text, p.start, p.end)}"))
        if layer.speakers is not None:
            for k, (i, j) in enumerate(zip(layer.matching.gold.tolist(), layer.matching.pred.tolist())):
                if not layer.speakers.right[k]:
                    g, p = layer.gold[i], layer.predicted[j]
                    said = p.speaker if not isinstance(p.speaker, tuple) else texts[p.doc_id][slice(*p.speaker)]
                    lines.append((g.doc_id, g.start, f"speaker: gold {layer.speakers.gold_names[i]!r}, predicted "
                                                      f"{said!r} for {_context(texts[g.doc_id], g.start, g.end)}"))
        for j, p in enumerate(layer.predicted):
            if layer.pred_outcomes[strict, j] == SPURIOUS:
                lines.append((p.doc_id, p.start, f"spurious {p.label} {_context(texts[p.doc_id], p.start, p.end)}"))
        what = f"{scheme}-scheme and speaker errors" if layer.speakers is not None else f"{scheme}-scheme errors"
        console.print(f"[bold]{name} layer: {len(lines)} {what}[/bold]")
        for doc_id, start, line in sorted(lines, key=lambda x: (order[x[0]], x[1])):
            console.print(f"{escape(doc_id)}:{start} {line}", soft_wrap=True)
