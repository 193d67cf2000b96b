"""The summary part of the HTML report: score tables, an inline SVG F1 chart, label confusion.

Pure functions from the report JSON (see `report.py`) to escaped HTML strings.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape

from .data import safe_name

NONE = "none"  # row/column of the confusion table for "no matched span"

SCHEME_NOTES = {
    "strict": "same boundaries and label",
    "exact": "same boundaries, any label",
    "partial": "overlap counts half, label ignored",
    "type": "overlap with the same label",
}


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def ci_text(ci: list[float] | None) -> str:
    return "–" if ci is None else f"[{pct(ci[0])}, {pct(ci[1])}]"


def diff_interval_text(ci: list[float] | None) -> str:
    """The interval of a difference in points, signed: "[-41.7, +13.3]"."""
    return "–" if ci is None else f"[{100 * float(ci[0]):+.1f}, {100 * float(ci[1]):+.1f}]"


def table_html(cls: str, caption: str, head: str, rows: list[str]) -> str:
    """A table under its caption; only the table scrolls sideways on a narrow window, the caption wraps.

    `caption` and `head` are HTML (already escaped); the caption names the table for screen readers.
    """
    return (f'<figure class="table {cls}"><figcaption>{caption}</figcaption><div class="scroll">'
            f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            "</div></figure>")


def name_html(name: object) -> str:
    """A name, id, label or file name as markup: escaped, controls made visible, direction isolated."""
    return f'<bdi dir="auto">{escape(safe_name(name))}</bdi>'


def _row(cells: list[str], head: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<tr{attr}><th scope="row">{name_html(head)}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


COUNT_COLUMNS = ("correct", "incorrect", "partial", "missed", "spurious")


def _counts(c: Mapping) -> list[str]:
    return [str(int(c[k])) for k in ("possible", "actual", *COUNT_COLUMNS)]


def scores_table(name: str, layer: Mapping, scheme: str) -> str:
    """Per-label and average precision, recall, F1 (in %) with the F1 interval, and the counts of
    gold, predicted, correct, incorrect, partial, missed and spurious spans (nervaluate's five)."""
    s = layer["schemes"][scheme]
    head = ("label", "P", "R", "F1", "F1 interval", "gold", "pred", *COUNT_COLUMNS)
    rows = []
    for label, c in s["labels"].items():
        rows.append(_row([pct(c["precision"]), pct(c["recall"]), pct(c["f1"]), ci_text(c["f1_ci"]), *_counts(c)],
                         label))
    m = s["micro"]
    rows.append(_row([pct(m["precision"]), pct(m["recall"]), pct(m["f1"]), ci_text(m["f1_ci"]), *_counts(m)],
                     "micro", "avg"))
    for avg in ("macro", "weighted"):
        a = s[avg]
        rows.append(_row([pct(a["precision"]), pct(a["recall"]), pct(a["f1"]), ci_text(a["f1_ci"])]
                         + [""] * (2 + len(COUNT_COLUMNS)), avg, "avg"))
    # Narrow windows show the short headings (CSS), wide ones the full words; both say what they abbreviate.
    short = {"P": "precision", "R": "recall", "pred": "predicted", "correct": "cor", "incorrect": "inc",
             "partial": "par", "missed": "mis", "spurious": "spu"}
    header = "".join(
        f'<th scope="col" title="{short[h] if h in ("P", "R", "pred") else h}">{h}</th>' if h in ("P", "R", "pred")
        else (f'<th scope="col"><span class="full">{h}</span><abbr class="short" title="{h}">{short[h]}</abbr></th>'
              if h in short else f'<th scope="col">{h}</th>')
        for h in head)
    caption = f"{escape(name)} layer, {escape(scheme)} scheme ({SCHEME_NOTES.get(scheme, '')}), scores in %"
    return table_html("scores", caption, header, rows)


def schemes_line(layer: Mapping) -> str:
    """Micro F1 under every scheme, one line."""
    parts = [f"{name_html(s)} {pct(v['micro']['f1'])}" for s, v in layer["schemes"].items()]
    return f'<p class="schemes">micro F1 by scheme: {" · ".join(parts)}</p>'


def speakers_line(layer: Mapping, scheme: str) -> str:
    sp = layer.get("speakers")
    if not sp:
        return ""
    att = sp["attribution"][scheme]
    return (f'<p class="speakers">speakers: {int(sp["speaker_correct"])} of {int(sp["matched"])} matched quotes right '
            f'({pct(sp["accuracy"])}%); attribution ({escape(scheme)}): precision {pct(att["precision"])}, '
            f'recall {pct(att["recall"])}, F1 {pct(att["f1"])} {ci_text(att["f1_ci"])}</p>')


def f1_chart(name: str, layer: Mapping, scheme: str) -> str:
    """Horizontal F1 bars per label and micro, with the interval as a whisker; inline SVG."""
    s = layer["schemes"][scheme]
    rows = [(label, c["f1"], c["f1_ci"]) for label, c in s["labels"].items()]
    rows.append(("micro", s["micro"]["f1"], s["micro"]["f1_ci"]))
    left, width, row_h, top = 64, 300, 24, 18
    height = top + row_h * len(rows) + 6
    parts = [f'<svg class="chart" viewBox="0 0 {left + width + 60} {height}" role="img" '
             f'aria-label="{escape(name)} layer F1 by label ({escape(scheme)})">',
             f"<title>{escape(name)} layer: F1 by label, {escape(scheme)} scheme</title>"]
    for tick in (0, 0.5, 1):
        x = left + tick * width
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}"/>'
                     f'<text class="axis" x="{x:.1f}" y="{top - 6}" text-anchor="middle">{tick:g}</text>')
    for i, (label, f1, ci) in enumerate(rows):
        y = top + i * row_h
        cls = "bar avg" if label == "micro" else "bar"
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(safe_name(label))}</text>'
                     f'<rect class="{cls}" x="{left}" y="{y + 4}" width="{f1 * width:.1f}" height="14">'
                     f"<title>{escape(safe_name(label))}: F1 {pct(f1)}, interval {ci_text(ci)}</title></rect>"
                     f'<text x="{left + width + 6}" y="{y + 15}">{pct(f1)}</text>')
        if ci is not None:
            x0, x1 = left + ci[0] * width, left + ci[1] * width
            parts.append(f'<path class="ci" d="M{x0:.1f} {y + 11}H{x1:.1f}M{x0:.1f} {y + 6}V{y + 16}'
                         f'M{x1:.1f} {y + 6}V{y + 16}"/>')
    parts.append("</svg>")
    return "".join(parts)


def confusion(layer: Mapping) -> Counter:
    """(gold label, predicted label) -> number of spans; NONE stands for a missed or spurious side."""
    pred_label = {e["index"]: e["label"] for e in layer["predicted"]}
    counts: Counter = Counter()
    for e in layer["gold"]:
        counts[(e["label"], NONE if e["match"] is None else pred_label[e["match"]])] += 1
    for e in layer["predicted"]:
        if e["match"] is None:
            counts[(NONE, e["label"])] += 1
    return counts


def confusion_table(name: str, layer: Mapping) -> str:
    """Gold labels as rows, predicted labels as columns, over matched pairs plus missed/spurious."""
    counts = confusion(layer)
    labels = list(layer["labels"])
    extra = sorted({p for _, p in counts if p not in labels and p != NONE})  # foreign labels, if any
    cols, rows = labels + extra + [NONE], labels + [NONE]
    header = "".join(f'<th scope="col">{name_html(c)}</th>' for c in cols)
    body = []
    for g in rows:
        cells = []
        for p in cols:
            n = counts.get((g, p), 0)
            cls = "diag" if g == p else ("err" if n else "zero")
            cells.append(f'<td class="{cls}">{n}</td>' if (g, p) != (NONE, NONE) else '<td class="zero">·</td>')
        body.append(f'<tr><th scope="row">{name_html(g)}</th>{"".join(cells)}</tr>')
    caption = (f"{escape(name)} layer: gold label (rows) predicted as (columns); "
               f"column {NONE} = missed, row {NONE} = spurious; pairs matched at any overlap")
    return table_html("confusion", caption, f'<th scope="col">gold \\ predicted</th>{header}', body)


def layer_summary(name: str, layer: Mapping, scheme: str) -> str:
    return (f'<section class="layer" aria-label="{escape(safe_name(name))} layer"><h3>{name_html(name.capitalize())} layer</h3>'
            f'{scores_table(name, layer, scheme)}{schemes_line(layer)}{speakers_line(layer, scheme)}'
            f'<div class="charts">{f1_chart(name, layer, scheme)}{confusion_table(name, layer)}</div></section>')


def summary_html(report: Mapping, scheme: str) -> str:
    """Every layer's tables, chart and confusion, plus what was dropped, missing or failed."""
    parts = [layer_summary(name, layer, scheme) for name, layer in report["layers"].items()]
    notes = []
    if report.get("dropped"):
        notes.append("dropped predictions: " + ", ".join(f"{name_html(k)} {int(v)}"
                                                         for k, v in report["dropped"].items()))
    for doc_id, message in report.get("extractor_errors", {}).items():
        notes.append(f"extractor failed on {name_html(doc_id)}: {name_html(message)} (scored as no predictions)")
    if report.get("missing_predictions"):
        notes.append("no predictions (scored as empty): " + ", ".join(name_html(d) for d in report["missing_predictions"]))
    if notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{n}</li>" for n in notes) + "</ul>")
    return "".join(parts)
