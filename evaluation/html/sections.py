"""The report's optional sections drawn when present: alignment, thresholds, entities,
coreference, number kinds, breakdowns, speakers at two levels (shapes in docs/report-schema.md,
"HTML rendering of optional sections").

Each renderer takes the section as the report JSON has it and returns escaped HTML; a section
that is absent draws nothing. Values are formatted by `cell`, which shows a number as a number
and anything else as escaped text, so an unexpected shape can look odd but never inject markup.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from .data import safe_name
from .summary import ci_text, name_html, table_html

METRIC_KEYS = ("precision", "recall", "f1")
# Counts in order of preference: the support first, then what was predicted.
COUNT_KEYS = ("possible", "gold", "actual", "predicted", "named", "documents", "correct", "incorrect", "partial",
              "missed", "spurious", "count", "matched")
MAX_COUNTS = 2
SHORT = {"precision": "P", "recall": "R", "f1": "F1", "possible": "n", "actual": "pred.", "gold": "n",
         "predicted": "pred.", "documents": "docs"}
SCHEMES = ("strict", "exact", "partial", "type")


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def cell(x: object, percent: bool = False) -> str:
    if _is_number(x):
        if isinstance(x, int) and not percent:
            return str(x)
        return f"{100 * x:.1f}" if percent else f"{x:.3g}"
    if x is None:
        return "–"
    return name_html(x)


def _head(columns: Sequence[str]) -> str:
    return "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)


def prf_table(cls: str, caption: str, rows: Mapping[str, Mapping], first: str = "") -> str:
    """Rows of precision/recall/F1 (in %), their interval when given, and whichever counts they carry."""
    rows = {k: v for k, v in rows.items() if isinstance(v, Mapping)}
    if not rows:
        return ""
    metrics = [k for k in METRIC_KEYS if any(k in r for r in rows.values())]
    has_ci = any("f1_ci" in r for r in rows.values())
    # At most two counts, with short headings, so a table fits a 400 px window like the score tables.
    counts = [k for k in COUNT_KEYS if any(k in r for r in rows.values())][:MAX_COUNTS]
    head = _head([first, *[SHORT.get(m, m) for m in metrics]] + (["F1 CI"] if has_ci else [])
                 + [SHORT.get(c, c) for c in counts])
    body = []
    for name, r in rows.items():
        cells = [cell(r.get(m), percent=True) for m in metrics]
        if has_ci:
            ci = r.get("f1_ci")
            cells.append(ci_text(ci) if isinstance(ci, list) and len(ci) == 2 and all(map(_is_number, ci)) else "–")
        cells += [cell(r.get(c)) for c in counts]
        body.append(f'<tr><th scope="row">{name_html(name)}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return table_html(cls, caption, head, body)


def alignment_html(alignment: Mapping) -> str:
    """{layer: {status: count, ..., "unaligned_texts": [{"doc_id", "label", "text"}]}}: how offset-free
    spans were placed (an older shape with the list under "unaligned" is read too)."""
    parts = []
    for layer, statuses in alignment.items():
        if not isinstance(statuses, Mapping):
            continue
        counts = {k: v for k, v in statuses.items() if _is_number(v)}
        if not any(v for k, v in counts.items() if k != "offsets") and not statuses.get("unaligned"):
            continue  # every prediction came with offsets: nothing was placed
        rows = [f'<tr><th scope="row">{name_html(k)}</th><td>{cell(v)}</td></tr>' for k, v in counts.items()]
        parts.append(table_html("alignment", f"{name_html(layer)} layer: predicted spans by alignment status",
                                _head(["status", "spans"]), rows))
        unaligned = statuses.get("unaligned_texts") or statuses.get("unaligned") or []
        if isinstance(unaligned, list) and unaligned:
            items = "".join(f"<li>{name_html(u.get('doc_id', ''))}: {name_html(u.get('text', ''))}</li>" if isinstance(u, Mapping)
                            else f"<li>{name_html(u)}</li>" for u in unaligned[:50])
            more = f"<li>… {len(unaligned) - 50} more</li>" if len(unaligned) > 50 else ""
            parts.append(f'<details class="unaligned"><summary>{len(unaligned)} texts not found in their document'
                         f"</summary><ul>{items}{more}</ul></details>")
    return _section("alignment", "Alignment of offset-free predictions", "".join(parts))


def pr_curve_svg(name: str, curve: Sequence[Mapping], best: Mapping | None) -> str:
    """Precision (y) against recall (x), the best-F1 threshold as a dot; inline SVG."""
    points = [(p["recall"], p["precision"]) for p in curve
              if isinstance(p, Mapping) and _is_number(p.get("recall")) and _is_number(p.get("precision"))]
    left, top, size = 34, 8, 200
    parts = [f'<svg class="curve" viewBox="0 0 {left + size + 12} {top + size + 30}" role="img" '
             f'aria-label="precision-recall curve, {escape(safe_name(name))}"><title>precision-recall curve, '
             f"{escape(safe_name(name))}</title>"]
    for t in (0, 0.5, 1):
        x, y = left + t * size, top + (1 - t) * size
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + size}"/>'
                     f'<line class="tick" x1="{left}" y1="{y:.1f}" x2="{left + size}" y2="{y:.1f}"/>'
                     f'<text x="{x:.1f}" y="{top + size + 12}" text-anchor="middle">{t:g}</text>'
                     f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{t:g}</text>')
    parts.append(f'<text x="{left + size / 2}" y="{top + size + 26}" text-anchor="middle">recall</text>')
    if points:
        d = " ".join(f"{'M' if i == 0 else 'L'}{left + r * size:.1f} {top + (1 - p) * size:.1f}"
                     for i, (r, p) in enumerate(sorted(points)))
        parts.append(f'<path class="line" d="{d}"/>')
    if isinstance(best, Mapping) and _is_number(best.get("recall")) and _is_number(best.get("precision")):
        parts.append(f'<circle class="best" cx="{left + best["recall"] * size:.1f}" '
                     f'cy="{top + (1 - best["precision"]) * size:.1f}" r="4"><title>best threshold '
                     f"{cell(best.get('threshold'))}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def thresholds_html(thresholds: Mapping) -> str:
    """{layer: {label|"micro": {curve: [{threshold, precision, recall}], average_precision,
    best: {threshold, precision, recall, f1}, calibration: [{low, high, mean_score, accuracy, count}]}}}."""
    parts = []
    for layer, by_label in thresholds.items():
        if not isinstance(by_label, Mapping):
            continue
        for label, t in by_label.items():
            if not isinstance(t, Mapping):
                continue
            if t.get("scored") == 0:  # no prediction of this label has a score: nothing to sweep
                continue
            best = t.get("best") if isinstance(t.get("best"), Mapping) else {}
            curve = t.get("curve") if isinstance(t.get("curve"), list) else []
            line = (f'<p class="meta">average precision {cell(t.get("average_precision"), True)} · best threshold '
                    f'{cell(best.get("threshold"))}: precision {cell(best.get("precision"), True)}, recall '
                    f'{cell(best.get("recall"), True)}, F1 {cell(best.get("f1"), True)}</p>')
            calibration = t.get("calibration")
            if isinstance(calibration, Mapping):  # {bins, expected_calibration_error}
                line = line.replace("</p>", f' · expected calibration error '
                                    f'{cell(calibration.get("expected_calibration_error"))}</p>')
                calibration = calibration.get("bins")
            calibration = calibration if isinstance(calibration, list) else []
            cal_rows = [f"<tr><th scope=\"row\">{cell(b.get('low'))}–{cell(b.get('high'))}</th>"
                        f"<td>{cell(b.get('mean_score'))}</td><td>{cell(b.get('accuracy'), True)}</td>"
                        f"<td>{cell(b.get('count'))}</td></tr>" for b in calibration if isinstance(b, Mapping)]
            cal = table_html("calibration", "calibration: score bin, mean score, correct in %, spans",
                             _head(["score", "mean score", "correct", "spans"]), cal_rows) if cal_rows else ""
            parts.append(f'<div class="threshold"><h4>{name_html(layer)} · {name_html(label)}</h4>{line}'
                         f'<div class="charts">{pr_curve_svg(f"{layer} {label}", curve, best)}{cal}</div></div>')
    return _section("thresholds", "Confidence thresholds", "".join(parts))


def entities_html(entities: Mapping) -> str:
    """{"micro": {precision, recall, f1, f1_ci?, counts...}, "labels": {label: {...}}}: document-level
    entity sets (each distinct entity of a document counted once)."""
    rows = dict(entities.get("labels", {})) if isinstance(entities.get("labels"), Mapping) else {}
    if isinstance(entities.get("micro"), Mapping):
        rows["micro"] = entities["micro"]
    return _section("entities", "Entities (document-level sets)",
                    prf_table("entities", "distinct entities per document, scores in %", rows, "label"))


def coreference_html(coref: Mapping) -> str:
    """{"muc"|"b_cubed"|"ceaf_e"|"conll": {precision, recall, f1}} (conll may carry f1 only)."""
    names = {"muc": "MUC", "b_cubed": "B³", "ceaf_e": "CEAF-e", "conll": "CoNLL (mean F1)"}
    rows = {names.get(k, k): v for k, v in coref.items()}
    return _section("coreference", "Coreference", prf_table("coreference", "coreference metrics in %", rows, "metric"))


# Short column heads of the kind confusion, so eight kinds fit a narrow window (full name on hover).
KIND_HEADS = {"cardinal": "card.", "ordinal": "ord.", "percent": "%", "quantity": "qty", "duration": "dur."}


def _kind_head(kind: object) -> str:
    short = KIND_HEADS.get(kind) if isinstance(kind, str) else None
    return f'<abbr title="{escape(kind)}">{escape(short)}</abbr>' if short else name_html(kind)


def num_kinds_html(num_kinds: Mapping) -> str:
    """{"accuracy", "matched", "confusion": {gold kind: {predicted kind: count}}, "strict_with_kind": {p, r, f1}}."""
    parts = [f'<p class="meta">kind right on {cell(num_kinds.get("accuracy"), True)}% of '
             f'{cell(num_kinds.get("matched"))} matched numbers</p>']
    conf = num_kinds.get("confusion")
    if isinstance(conf, Mapping) and conf:
        # Only kinds that occur: the scorer lists every kind, most with zeros.
        used = {p for row in conf.values() if isinstance(row, Mapping) for p, n in row.items() if n != 0}
        used |= {g for g, row in conf.items() if isinstance(row, Mapping) and any(n != 0 for n in row.values())}
        kinds = [k for k in dict.fromkeys([*conf, *(p for row in conf.values() if isinstance(row, Mapping)
                                                      for p in row)]) if k in used]
        rows = [f'<tr><th scope="row">{name_html(g)}</th>'
                + "".join(f"<td>{cell((conf.get(g) or {}).get(p, 0))}</td>" for p in kinds) + "</tr>"
                for g in conf if g in used]
        parts.append(table_html("confusion", "number kind: gold (rows) predicted as (columns)",
                                "<th scope=\"col\">gold \\ pred.</th>" + "".join(
                                    f'<th scope="col">{_kind_head(k)}</th>' for k in kinds), rows))
    if isinstance(num_kinds.get("strict_with_kind"), Mapping):
        parts.append(prf_table("numkind", "NUM spans scored strict with their kind, in %",
                               {"strict with kind": num_kinds["strict_with_kind"]}))
    return _section("num-kinds", "Number kinds", "".join(parts))


def _bucket_rows(buckets: Mapping, scheme: str) -> dict[str, Mapping]:
    """Table rows of one breakdown field: a bucket's scores, or, in the scorer's shape
    {bucket: {layer: {scheme: scores}}}, one row per bucket and layer under `scheme`."""
    rows: dict[str, Mapping] = {}
    for bucket, value in buckets.items():
        layers = {k: v[scheme] for k, v in value.items()
                  if isinstance(v, Mapping) and isinstance(v.get(scheme), Mapping)} if isinstance(value, Mapping) else {}
        if layers:
            rows.update({f"{bucket} · {layer}": v for layer, v in layers.items()})
        else:
            rows[str(bucket)] = value
    return rows


def breakdowns_html(breakdowns: Mapping, scheme: str = "strict") -> str:
    """{field: {bucket: {precision, recall, f1, counts...}}}, or the scorer's {field: {bucket: {layer:
    {scheme: ...}}}}: scores per slice of the documents (too-small buckets have no interval)."""
    parts = [prf_table("breakdown", f"by {name_html(field)}, {escape(scheme)} scheme, scores in %",
                       _bucket_rows(buckets, scheme), "bucket")
             for field, buckets in breakdowns.items() if isinstance(buckets, Mapping)]
    return _section("breakdowns", "Breakdowns", "".join(parts))


def document_average_html(averages: Mapping, scheme: str = "strict") -> str:
    """{layer: {scheme: {f1_mean, f1_sd, documents, f1_mean_ci}}}: the mean and spread of per-document F1."""
    rows = []
    for layer, schemes in averages.items():
        a = schemes.get(scheme) if isinstance(schemes, Mapping) else None
        if not isinstance(a, Mapping):
            continue
        ci = a.get("f1_mean_ci")
        ci = ci_text(ci) if isinstance(ci, list) and len(ci) == 2 and all(map(_is_number, ci)) else "–"
        rows.append(f'<tr><th scope="row">{name_html(layer)}</th><td>{cell(a.get("f1_mean"), True)}</td>'
                    f'<td>{cell(a.get("f1_sd"), True)}</td><td>{ci}</td><td>{cell(a.get("documents"))}</td></tr>')
    if not rows:
        return ""
    return _section("document-average", "Per-document F1", table_html(
        "docaverage", f"mean and standard deviation of each document's micro F1 ({escape(scheme)}), in %",
        _head(["layer", "mean F1", "sd", "interval of the mean", "documents"]), rows))


def _level_row(level: Mapping, scheme: str) -> Mapping:
    """A speaker level's row: its scores, or, in the scorer's shape, its attribution under `scheme`."""
    attribution = level.get("attribution")
    if isinstance(attribution, Mapping) and isinstance(attribution.get(scheme), Mapping):
        return {**attribution[scheme], "matched": level.get("matched")}
    return level


def speaker_levels_html(report: Mapping, scheme: str = "strict") -> str:
    """layers.quote.speakers.mention / .entity: {precision, recall, f1, f1_ci?, counts...}, or the
    scorer's {matched, speaker_correct, accuracy, attribution: {scheme: ...}}."""
    sp = report.get("layers", {}).get("quote", {}).get("speakers") or {}
    rows = {level: _level_row(sp[level], scheme) for level in ("mention", "entity")
            if isinstance(sp.get(level), Mapping)}
    if not rows:
        return ""
    return _section("speaker-levels", "Speakers at two levels",
                    prf_table("speakers", "speaker attribution: mention = the speaker span, entity = the person "
                              "it refers to; in %", rows, "level"))


def _section(key: str, title: str, inner: str) -> str:
    if not inner:
        return ""
    return (f'<section class="extra sections" id="s-{key}" aria-labelledby="s-{key}-h">'
            f'<h3 id="s-{key}-h">{escape(title)}</h3>{inner}</section>')


RENDERERS = (("alignment", alignment_html), ("thresholds", thresholds_html), ("entities", entities_html),
             ("coreference", coreference_html), ("num_kinds", num_kinds_html))
# Sections whose tables depend on the page's scheme.
SCHEME_RENDERERS = (("breakdowns", breakdowns_html), ("document_average", document_average_html))


def sections_html(report: Mapping, scheme: str = "strict") -> str:
    """Every optional section the report has, in a fixed order, then speakers at two levels."""
    scheme = scheme if scheme in SCHEMES else "strict"
    out = [render(report[key]) for key, render in RENDERERS if isinstance(report.get(key), Mapping)]
    out += [render(report[key], scheme) for key, render in SCHEME_RENDERERS if isinstance(report.get(key), Mapping)]
    return "".join(out) + speaker_levels_html(report, scheme)
