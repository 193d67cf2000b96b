"""Self-contained HTML evaluation reports: summary, legend, and every document with its spans.

`render_html(report, texts)` draws one system's report (the JSON of `Report.to_dict()`), the
documents with most errors first; `render_compare_html(report_a, report_b, texts, names)` draws
two systems side by side, the documents where they differ most first. Both are pure: they return
the page as a string.

The summary is markup; the documents are data (`page_data`, layout in data.py) that the page's
script (report.js) draws when a document comes into view, so that a page of 10,000 documents
stays small and opens at once. All report data (document text, labels, names, speakers,
messages) is escaped or written with textContent, every name is direction-isolated; the page
loads nothing (inline CSS and script, and a Content-Security-Policy that allows only that
script and no requests), so it can be opened offline, mailed or archived as it is.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from newsspans.corpus.errors import CorpusError, Problem

from .assets import CSS, JS, script_hash
from .data import (OUTCOMES, doc_spans, doc_title, embed_json, encode, errors_of, mark_differences, safe_name,
                   safe_text)
from .marks import LAYER_NAMES, OUTCOME_NAMES, check_report, index_report
from .sections import sections_html
from .summary import diff_interval_text, name_html, pct, summary_html, table_html


def _page(title: str, body: str, data: object) -> str:
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src '{script_hash(JS)}'; "
           "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(safe_name(title))}</title><style>{CSS}</style></head><body>{body}"
            f'<div id="tip" role="tooltip" hidden></div>'
            f'<script type="application/json" id="report-data">{embed_json(data)}</script>'
            f"<script>{JS}</script></body></html>\n")


def _labels(*reports: Mapping) -> list[str]:
    seen: dict[str, None] = {}
    for report in reports:
        for layer in report["layers"].values():
            seen.update((label, None) for label in layer["labels"])
            seen.update((e["label"], None) for e in layer["gold"])
            seen.update((e["label"], None) for e in layer["predicted"])
    return list(seen)


COMPARE_FILTERS = {"a-right": "only {a} right, {b} wrong", "b-right": "only {b} right, {a} wrong"}


def _controls(labels: Sequence[str], names: Sequence[str] = ()) -> str:
    """Filters and next/previous error; hidden until the script runs, since without it they do nothing."""
    outcomes = "".join(f'<option value="{o}">only {escape(n)}</option>' for o, n in OUTCOME_NAMES.items()
                       if o != "correct")
    outcomes += '<option value="speaker-wrong">only quotes with a wrong speaker</option>'
    if names:
        outcomes += "".join(f'<option value="{k}">{escape(t.format(a=safe_name(names[0]), b=safe_name(names[1])))}'
                            "</option>" for k, t in COMPARE_FILTERS.items())
    label_options = "".join(f'<option value="{i}">{escape(safe_name(lb))}</option>' for i, lb in enumerate(labels))
    what = "difference" if names else "error"
    return ('<div class="controls" id="controls" role="search" aria-label="span filters" hidden>'
            '<label>Show <select id="f-outcome"><option value="all">all spans</option>'
            f'<option value="errors">only errors</option>{outcomes}</select></label>'
            f'<label>Label <select id="f-label"><option value="all">all labels</option>{label_options}'
            f'</select></label><button type="button" id="f-prev" aria-keyshortcuts="p k">◀ previous {what}</button>'
            f'<button type="button" id="f-next" aria-keyshortcuts="n j">next {what} ▶</button>'
            '<span class="keys">keys n / p</span><span class="status" id="f-pos" aria-live="polite"></span>'
            '<span class="status" id="f-status" aria-live="polite"></span></div>')


LEGEND_SIDES = {"missed": ("gold",), "spurious": ("pred",)}  # other outcomes have both sides


def _demo(outcome: str, word: str, layer: str = "entity") -> str:
    """A sample word drawn like a span with `outcome` on the given layer's gold/pred tracks."""
    sides = LEGEND_SIDES.get(outcome, ("gold", "pred"))
    opening = "".join(f'<span class="demo t-{layer}-{side} o-{outcome}">' for side in sides)
    return f"{opening}{escape(word)}{'</span>' * len(sides)}"


def _legend() -> str:
    items = "".join(f"<li>{_demo(o, 'Lavrov', 'quote' if o == 'speaker' else 'entity')} {escape(name)}</li>"
                    for o, name in OUTCOME_NAMES.items())
    tracks = (f'<span class="demo t-quote-gold o-boundary"><span class="demo t-quote-pred o-boundary">'
              f'‘{_demo("correct", "Lavrov")} said so’</span></span>')
    return ('<section id="legend" aria-labelledby="legend-h"><h2 id="legend-h">Legend</h2>'
            f'<ul class="legend">{items}</ul>'
            '<p class="meta">Entity lines run below the text, quote lines above it (quotes contain entities, '
            'and are tinted blue): the grey line nearer the text is the gold span (dashed when missed), the '
            'farther line the prediction. The prediction\'s line style tells its boundaries: solid right, '
            'double wrong, dotted spurious; hatching marks a wrong label; colours repeat this. '
            'Each span ends in a small tag: the gold label in grey, then the predicted label in the colour of '
            'its outcome when it differs from gold (a wrong label shows both); "✗ speaker" marks a quote '
            'attributed to the wrong speaker, which is an error even when its span is right.</p>'
            f'<p class="tracks">Example, a quote predicted with wrong boundaries around a correct entity: {tracks}</p>'
            '<p class="meta">Hover over or tab to a span to see its label, offsets, text, outcome and, for quotes, '
            "the gold and predicted speaker; Esc hides it. Keys n and p (or the buttons in the filter bar) go to "
            "the next and previous error. Control characters in a text are drawn as visible symbols "
            "(↵ carriage return, ∅ NUL, ⇄ a bidirectional control, � any other), one per character, so offsets hold."
            "</p></section>")


DOC_COUNTS = ("correct", "incorrect", "partial", "missed", "spurious")


def doc_counts(report: Mapping, doc_id: str, scheme: str) -> list[list[int]]:
    """Per layer with spans in gold or predictions (a layer with none is left out of the line):
    [layer number, correct, incorrect, partial, missed, spurious, P, R, F1 in tenths of a percent];
    the page writes it "entity: P 84.6 R 88.0 F1 86.3 (22 correct, 3 incorrect, ...)"."""
    out = []
    for name, layer in report["layers"].items():
        c = layer["documents"].get(doc_id, {}).get(scheme)
        if c and (c["possible"] or c["actual"]):
            out.append([LAYER_NAMES.index(name), *(int(c[k]) for k in DOC_COUNTS),
                        *(round(1000 * float(c[k])) for k in ("precision", "recall", "f1"))])
    return out


def _intervals_text(report: Mapping, paired: Mapping | None) -> str:
    if paired:
        t = next(iter(paired.values()))
        if t.get("note"):
            return f"no interval or p-value for A − B: {t['note']}"
        return (f"paired bootstrap test of micro F1 over documents: {int(t['n_resamples'])} paired resamples, "
                f"{100 * float(t['confidence']):g}% interval of A − B")
    boot = report.get("settings", {}).get("bootstrap", {})
    if boot.get("note"):
        return f"no intervals: {boot['note']}"
    if boot.get("resamples"):
        return (f"{100 * float(boot.get('confidence', 0)):g}% bootstrap intervals over documents "
                f"({int(boot['resamples'])} resamples, seed {boot.get('seed')})")
    return "no intervals (bootstrap off)"


def _header(title: str, report: Mapping, scheme: str, systems: str, paired: Mapping | None = None) -> str:
    settings = report.get("settings", {})
    return (f"<header><h1>{name_html(title)}</h1>{systems}"
            f'<p class="meta"><b>gold</b> {name_html(report.get("gold", ""))} · <b>scheme</b> {escape(scheme)} · '
            f'{len(report["documents"])} documents · min overlap {float(settings.get("min_overlap", 0)):g} · '
            f"{escape(_intervals_text(report, paired))}</p>"
            '<nav class="toc" aria-label="sections"><a href="#summary">Summary</a><a href="#legend">Legend</a>'
            '<a href="#documents">Documents</a></nav></header>')


def _documents_section(n_docs: int, labels: Sequence[str], order_note: str, names: Sequence[str] = ()) -> str:
    open_attr = " open" if n_docs <= 200 else ""
    return ('<section id="documents" aria-labelledby="documents-h"><h2 id="documents-h">Documents</h2>'
            f'<details class="doclist-box"{open_attr}><summary>{n_docs} documents, {escape(order_note)}</summary>'
            '<ol class="doclist" id="doclist"></ol></details>' + _controls(labels, names)
            + '<div id="docs"></div><noscript><p class="meta">The documents are drawn by the page\'s script; '
            "enable JavaScript to see them.</p></noscript></section>")


def _system_data(report: Mapping, texts: Mapping[str, str], label_index: Mapping[str, int],
                 id_lists: list[dict[str, int]]) -> tuple[list[list[int]], list[dict]]:
    index = index_report(report)
    spans, speakers = [], []
    for d, doc_id in enumerate(report["documents"]):
        flat, sp = doc_spans(index[doc_id], texts[doc_id], label_index, id_lists[d])
        spans.append(flat)
        speakers.append(sp)
    return spans, speakers


def page_data(reports: Sequence[Mapping], texts: Mapping[str, str], names: Sequence[str], scheme: str) -> dict:
    """The JSON the page's script draws documents from (layout in data.py), documents in report order,
    `order` the order to show them in: most errors (or differences) first, report order among ties."""
    doc_ids = list(reports[0]["documents"])
    labels = _labels(*reports)
    label_index = {lb: i for i, lb in enumerate(labels)}
    id_lists: list[dict[str, int]] = [{} for _ in doc_ids]
    systems = [_system_data(r, texts, label_index, id_lists) for r in reports]
    if len(reports) == 2:
        counts = [mark_differences(systems[0][0][d], systems[1][0][d], list(id_lists[d])) for d in range(len(doc_ids))]
    else:
        counts = [errors_of(flat) for flat in systems[0][0]]
    compare = len(reports) == 2
    docs = []
    for d, doc_id in enumerate(doc_ids):
        text = safe_text(texts[doc_id])
        doc = {"id": safe_name(doc_id), "text": text, "ids": [safe_name(i) for i in id_lists[d]], "n": counts[d],
               "c": [doc_counts(r, doc_id, scheme) for r in reports],
               "s": [encode(spans[d], compare) for spans, _ in systems], "sp": [sp[d] for _, sp in systems]}
        title = doc_title(texts[doc_id])
        if title != (text.split("\n", 1)[0].strip() or "(untitled)"):  # else the page takes the first line
            doc["title"] = title
        docs.append(doc)
    order = sorted(range(len(doc_ids)), key=lambda d: -counts[d])  # stable: report order among ties
    return {"outcomes": list(OUTCOMES), "outcome_names": [OUTCOME_NAMES[o] for o in OUTCOMES],
            "layers": list(LAYER_NAMES), "count_names": list(DOC_COUNTS),
            "labels": [safe_name(lb) for lb in labels], "systems": [safe_name(n) for n in names],
            "docs": docs, "order": order}


def render_html(report: Mapping, texts: Mapping[str, str], *, scheme: str = "strict",
                title: str = "newsspans evaluation report") -> str:
    """The HTML page of one report; `texts` maps every document id of the report to its text.

    Raises CorpusError when a text is missing or does not match the report's spans.
    """
    check_report(report, texts)
    data = page_data([report], texts, [str(report.get("predictions", ""))], scheme)
    systems = f'<p class="meta"><b>predictions</b> {name_html(report.get("predictions", ""))}</p>'
    body = (_header(title, report, scheme, systems)
            + f'<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            f"{summary_html(report, scheme)}{sections_html(report, scheme)}</section>{_legend()}"
            + _documents_section(len(report["documents"]), data["labels"], "most errors first"))
    return _page(title, body, data)


def document_differences(report_a: Mapping, report_b: Mapping, texts: Mapping[str, str]) -> dict[str, int]:
    """Per document, how many spans the two systems draw differently: gold spans with another
    outcome plus spurious predictions only one of them makes."""
    data = page_data([report_a, report_b], texts, ["A", "B"], "strict")
    return {doc_id: data["docs"][d]["n"] for d, doc_id in enumerate(report_a["documents"])}


def _p_text(t: Mapping) -> str:
    """The p-value cell: none below the documents a p-value needs, an upper bound at the resolution."""
    if t.get("p_value") is None:
        return escape(t.get("note") or "none")
    return f'{"≤ " if t.get("p_value_bound") else ""}{t["p_value"]:.3g}'


def _paired_table(paired: Mapping[str, Mapping], names: Sequence[str]) -> str:
    rows = []
    for layer, t in paired.items():
        rows.append(f'<tr><th scope="row">{name_html(layer)}</th><td>{pct(t["f1_a"])}</td><td>{pct(t["f1_b"])}</td>'
                    f'<td>{100 * float(t["difference"]):+.1f}</td><td>{diff_interval_text(t["interval"])}</td>'
                    f'<td>{_p_text(t)}</td><td>{int(t["n_resamples"])}</td></tr>')
    conf = next(iter(paired.values()), {}).get("confidence", 0.95)
    head = "".join(f'<th scope="col">{h}</th>' for h in
                   ("layer", "F1 A", "F1 B", "A − B", f"{100 * float(conf):g}% interval of A − B", "p-value",
                    "paired resamples"))
    caption = (f"Paired bootstrap test of micro F1 in points (A = {name_html(names[0])}, B = {name_html(names[1])}): "
               "the interval of the difference and the two-sided p-value")
    return table_html("paired", caption, head, rows)


def render_compare_html(report_a: Mapping, report_b: Mapping, texts: Mapping[str, str], names: Sequence[str],
                        *, scheme: str = "strict", paired: Mapping[str, Mapping] | None = None,
                        title: str = "newsspans comparison report") -> str:
    """Two systems' reports on the same gold side by side, documents where they differ most first.

    `names` are the two systems' display names; `paired` optionally holds the paired bootstrap
    results per layer (`PairedTest.to_dict()`). Raises CorpusError when the reports do not
    cover the same documents or a text is missing or does not match.
    """
    if list(report_a["documents"]) != list(report_b["documents"]):
        raise CorpusError(Problem("the two reports are not on the same documents; compare needs the same gold"))
    check_report(report_a, texts)
    check_report(report_b, texts)
    data = page_data([report_a, report_b], texts, names, scheme)
    sources = (f'<p class="meta"><b>A</b> {name_html(names[0])} ({name_html(report_a.get("predictions", ""))}) · '
               f'<b>B</b> {name_html(names[1])} ({name_html(report_b.get("predictions", ""))})</p>')
    summaries = "".join(f'<div class="system"><h3 class="colhead">{k} = {name_html(n)}</h3>{summary_html(r, scheme)}'
                        f"{sections_html(r, scheme)}</div>"
                        for k, r, n in (("A", report_a, names[0]), ("B", report_b, names[1])))
    body = (_header(title, report_a, scheme, sources, paired)
            + '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            + (_paired_table(paired, names) if paired else "") + summaries + "</section>"
            + _legend()
            + _documents_section(len(report_a["documents"]), data["labels"],
                                 "most spans drawn differently first", names))
    return _page(title, body, data)
