"""Terminal rendering of a report (rich tables) and of its error list with text context."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .alignment import STATUSES
from .scoring.counts import CORRECT, MISSED, SCHEMES, SPURIOUS
from .scoring.report import Report

CONTEXT = 40  # characters of text shown on each side of an error


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _ci(ci: list[float] | None) -> str:
    return "" if ci is None else f"{_pct(ci[0])}–{_pct(ci[1])}"


def render_report(report: Report | Mapping, scheme: str = "strict", console: Console | None = None,
                  by: Sequence[str] = ()) -> None:
    """Per layer: per-label P/R/F1 (in %) with the F1 interval and support, then averages; then
    entity sets, coreference, number kinds, the document average and the `by` breakdowns.

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
        beta = data["settings"].get("beta", 1.0)
        if beta != 1.0:
            console.print(f"micro F-beta (beta {beta:g}): {_pct(s['micro']['f_beta'])}")
        if "document_average" in data:
            a = data["document_average"][name][scheme]
            console.print(f"document average: F1 {_pct(a['f1_mean'])} ± {_pct(a['f1_sd'])} (sd) over "
                          f"{a['documents']} documents [{_ci(a['f1_mean_ci'])}]")
        if "speakers" in layer:
            sp = layer["speakers"]
            for level in ("mention", "entity"):
                if level not in sp:
                    continue
                lv = sp[level]
                att = lv["attribution"][scheme]
                console.print(f"speakers, {level} level: {lv['speaker_correct']}/{lv['matched']} matched quotes right "
                              f"({_pct(lv['accuracy'])}%); attribution ({scheme}) P {_pct(att['precision'])} "
                              f"R {_pct(att['recall'])} F1 {_pct(att['f1'])}"
                              + (f" [{_ci(att['f1_ci'])}]" if att["f1_ci"] else ""))
        _render_alignment(data.get("alignment", {}).get(name), console)
        _render_scores(data.get("thresholds", {}).get(name), console)
        console.print()
    note = data["settings"]["bootstrap"].get("note")
    if note:
        console.print(f"[yellow]no intervals[/yellow]: {escape(note)}")
    render_sections(data, scheme, console, by)
    if data.get("below_threshold"):
        console.print(f"below --threshold {data['settings']['threshold']:g}, dropped: "
                      + ", ".join(f"{k} {v}" for k, v in data["below_threshold"].items()))
    if data["dropped"]:
        console.print("dropped predictions: " + ", ".join(f"{k} {v}" for k, v in data["dropped"].items()))
    for doc_id, message in data["extractor_errors"].items():
        console.print(f"[red]extractor failed[/red] on {escape(doc_id)}: {escape(message)} (scored as no predictions)")
    if data["missing_predictions"]:
        console.print(f"[yellow]no predictions for {len(data['missing_predictions'])} document(s)[/yellow] "
                      f"(scored as empty): {', '.join(data['missing_predictions'])}")


def render_sections(data: dict, scheme: str, console: Console, by: Sequence[str] = ()) -> None:
    """Entity sets, coreference, number kinds and the breakdowns (of `by` in a schema-2 report), from the
    report JSON."""
    if "entities" in data:
        e = data["entities"]
        table = Table(title="entity sets per document (label + canonical name)", title_justify="left")
        for col in ("label", "precision", "recall", "F1", "F1 95% CI", "gold", "predicted"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for label, c in list(e["labels"].items()) + [("micro", e["micro"])]:
            if label == "micro":
                table.add_section()
            table.add_row(label, _pct(c["precision"]), _pct(c["recall"]), _pct(c["f1"]), _ci(c["f1_ci"]),
                          str(c["gold"]), str(c["predicted"]))
        m = e["macro"]
        table.add_row("macro", _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"]), _ci(m["f1_ci"]), "", "")
        console.print(table)
    if "coreference" in data:
        c = data["coreference"]
        console.print("coreference (F1): " + " · ".join(
            f"{label} {_pct(c[key]['f1'])} [{_ci(c[key]['f1_ci'])}]"
            for key, label in (("muc", "MUC"), ("b_cubed", "B-cubed"), ("ceaf_e", "CEAF-e"), ("conll", "CoNLL"))))
    if "num_kinds" in data:
        k = data["num_kinds"]
        swk = k["strict_with_kind"]
        confused = [f"{g}→{p} {n}" for g, row in k["confusion"].items() for p, n in row.items() if n and g != p]
        console.print(f"number kinds: {k['kind_correct']}/{k['matched']} matched NUMs of the right kind "
                      f"({_pct(k['accuracy'])}%); strict with kind P {_pct(swk['precision'])} R {_pct(swk['recall'])} "
                      f"F1 {_pct(swk['f1'])} [{_ci(swk['f1_ci'])}]"
                      + (f"; confused: {', '.join(confused)}" if confused else ""))
    # A report that says which sections it computed (schema 3) shows every breakdown it has: the
    # `--by` fields, or every dimension with `--with breakdowns`; an older one the `--by` fields.
    shown = list(data.get("breakdowns", {})) if "sections" in data["settings"] else by
    for dimension in shown:
        buckets = data.get("breakdowns", {}).get(dimension, {})
        beta = data["settings"].get("beta", 1.0)
        table = Table(title=f"by {dimension}, {scheme} scheme (n: gold spans, docs: documents with them)",
                      title_justify="left")
        columns = ["bucket", "layer", "P", "R", "F1"] + ([f"F{beta:g}"] if beta != 1.0 else []) + ["F1 95% CI", "n",
                                                                                                  "docs"]
        for col in columns:
            table.add_column(col, justify="left" if col in ("bucket", "layer") else "right", overflow="fold")
        for bucket, layers in buckets.items():
            for layer, schemes in layers.items():
                b = schemes[scheme]
                cells = [escape(bucket), layer, _pct(b["precision"]), _pct(b["recall"]), _pct(b["f1"])]
                cells += [_pct(b["f_beta"])] if beta != 1.0 else []
                cells += ["too small" if "note" in b else _ci(b["f1_ci"]), str(b["possible"]), str(b["documents"])]
                table.add_row(*cells)
        console.print(table)
def _render_alignment(counts: dict | None, console: Console) -> None:
    """One line on how offset-free predictions were placed, when there were any."""
    if not counts or all(counts.get(s, 0) == 0 for s in STATUSES if s != "offsets"):
        return
    parts = [f"{counts[s]} {s}" for s in STATUSES if s != "offsets" and counts[s]]
    given = f" ({counts['offsets']} with offsets)" if counts["offsets"] else ""
    console.print(f"offset-free predictions placed{given}: {' · '.join(parts)}"
                  + (" (unaligned: scored as spurious, listed by --errors)" if counts["unaligned"] else ""))


def _render_scores(sweeps: dict | None, console: Console) -> None:
    """One line on confidence scores: how many predictions have one, and the best threshold's F1."""
    micro = (sweeps or {}).get("micro")
    if not micro or not micro["scored"]:
        return
    best = micro["best"]
    console.print(f"confidence scores: {micro['scored']} scored, {micro['unscored']} without a score; strict micro "
                  f"F1 {_pct(best['f1'])} at threshold {best['threshold']:g} (best); average precision "
                  f"{_pct(micro['average_precision'])}; calibration error "
                  f"{micro['calibration']['expected_calibration_error']:.3f} (see --sweep)")


def render_sweep(report: Report, console: Console | None = None) -> None:
    """Per layer and label: the threshold with the best strict F1, average precision and calibration
    error; then the micro precision-recall curve (about 20 of its points, always the best and the
    last) and reliability bins."""
    console = console or Console()
    data = report.to_dict(spans=False, documents=False)
    for name, sweeps in data.get("thresholds", {}).items():
        table = Table(title=f"{name} layer: confidence threshold sweep (strict scheme)", title_justify="left")
        for col in ("label", "scored", "unscored", "best threshold", "precision", "recall", "F1", "avg precision",
                    "ECE"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for label, sw in sweeps.items():
            if not sw["scored"]:
                table.add_row(label, "0", str(sw["unscored"]), "no scores", "", "", "", "", "")
                continue
            b = sw["best"]
            table.add_row(label, str(sw["scored"]), str(sw["unscored"]), f"{b['threshold']:g}", _pct(b["precision"]),
                          _pct(b["recall"]), _pct(b["f1"]), _pct(sw["average_precision"]),
                          f"{sw['calibration']['expected_calibration_error']:.3f}")
        console.print(table)
        micro = sweeps["micro"]
        if micro["scored"]:
            curve = Table(title=f"{name} layer: micro precision-recall curve (kept: score >= threshold)",
                          title_justify="left")
            for col in ("threshold", "kept", "precision", "recall", "F1"):
                curve.add_column(col, justify="right")
            step = -(-len(micro["curve"]) // 20)  # at most about 20 rows; the JSON has every point
            for k, pt in enumerate(micro["curve"]):
                if k % step and pt["threshold"] != micro["best"]["threshold"] and k != len(micro["curve"]) - 1:
                    continue
                curve.add_row(f"{pt['threshold']:g}", str(pt["predicted"]), _pct(pt["precision"]), _pct(pt["recall"]),
                              _pct(pt["f1"]))
            console.print(curve)
            bins = Table(title=f"{name} layer: reliability (scored predictions)", title_justify="left")
            for col in ("score bin", "predictions", "mean score", "accuracy"):
                bins.add_column(col, justify="right")
            for b in micro["calibration"]["bins"]:
                bins.add_row(f"[{b['low']:g}, {b['high']:g})", str(b["count"]), f"{b['mean_score']:.3f}",
                             f"{b['accuracy']:.3f}")
            console.print(bins)
        console.print()


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
            if p.alignment == "unaligned":
                lines.append((p.doc_id, -1, f"unaligned {p.label} {escape(repr(p.text))}: not found in the text "
                                            "(scored as spurious)"))
            elif layer.pred_outcomes[strict, j] == SPURIOUS:
                lines.append((p.doc_id, p.start, f"spurious {p.label} {_context(texts[p.doc_id], p.start, p.end)}"))
        what = f"{scheme}-scheme and speaker errors" if layer.speakers is not None else f"{scheme}-scheme errors"
        console.print(f"[bold]{name} layer: {len(lines)} {what}[/bold]")
        for doc_id, start, line in sorted(lines, key=lambda x: (order[x[0]], x[1])):
            console.print(f"{escape(doc_id)}:{start if start >= 0 else '-'} {line}", soft_wrap=True)
