"""Self-contained HTML evaluation reports: summary, legend, and every document with its spans.

`render_html(report, texts)` draws one system's report (the JSON of `Report.to_dict()`);
`render_compare_html(report_a, report_b, texts, names)` draws two systems side by side, the
documents where they differ most first. Both are pure: they return the page as a string.

All report data (document text, labels, names, speakers, messages) is escaped; the page
loads nothing (inline CSS and script, and a Content-Security-Policy that allows only that
script and no requests), so it can be opened offline, mailed or archived as it is.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from newsspans.corpus.errors import CorpusError, Problem

from .assets import CSS, JS, script_hash
from .marks import (OUTCOME_NAMES, DocLayer, check_report, display_outcome, document_marks, gold_speaker,
                         index_report, layered_html, predicted_speaker, speaker_verdict)
from .summary import ci_text, pct, summary_html, table_html

QUOTE_PREVIEW = 90  # characters of a quote shown in the speakers table


def _page(title: str, body: str) -> str:
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src '{script_hash(JS)}'; "
           "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}"
            f'<div id="tip" role="tooltip" hidden></div><script>{JS}</script></body></html>\n')


def _labels(report: Mapping) -> list[str]:
    seen: dict[str, None] = {}
    for layer in report["layers"].values():
        seen.update((label, None) for label in layer["labels"])
        seen.update((e["label"], None) for e in layer["predicted"])
    return list(seen)


def _controls(labels: Sequence[str]) -> str:
    """Filters; hidden until the script runs, since without it they would do nothing."""
    outcomes = "".join(f'<option value="{o}">only {escape(n)}</option>' for o, n in OUTCOME_NAMES.items()
                       if o != "correct")
    label_options = "".join(f'<option value="{escape(lb)}">{escape(lb)}</option>' for lb in labels)
    return ('<div class="controls" id="controls" role="search" aria-label="span filters" hidden>'
            '<label>Show <select id="f-outcome"><option value="all">all spans</option>'
            f'<option value="errors">only errors</option>{outcomes}</select></label>'
            f'<label>Label <select id="f-label"><option value="all">all labels</option>{label_options}'
            '</select></label><span class="status" id="f-status" aria-live="polite"></span></div>')


LEGEND_SIDES = {"missed": ("gold",), "spurious": ("pred",)}  # other outcomes have both sides


def _demo(outcome: str, word: str, layer: str = "entity") -> str:
    """A sample word drawn like a span with `outcome` on the given layer's gold/pred tracks."""
    sides = LEGEND_SIDES.get(outcome, ("gold", "pred"))
    opening = "".join(f'<span class="demo t-{layer}-{side} o-{outcome}">' for side in sides)
    return f"{opening}{escape(word)}{'</span>' * len(sides)}"


def _legend() -> str:
    items = "".join(f"<li>{_demo(o, 'Lavrov')} {escape(name)}</li>" for o, name in OUTCOME_NAMES.items())
    tracks = (f'<span class="demo t-quote-gold o-boundary"><span class="demo t-quote-pred o-boundary">'
              f'‘{_demo("correct", "Lavrov")} said so’</span></span>')
    return ('<section id="legend" aria-labelledby="legend-h"><h2 id="legend-h">Legend</h2>'
            f'<ul class="legend">{items}</ul>'
            '<p class="meta">Entity lines run below the text, quote lines above it (quotes contain entities, '
            'and are tinted blue): the grey line nearer the text is the gold span (dashed when missed), the '
            'farther line the prediction. The prediction\'s line style tells its boundaries: solid right, '
            'double wrong, dotted spurious; hatching marks a wrong label; colours repeat this.</p>'
            f'<p class="tracks">Example, a quote predicted with wrong boundaries around a correct entity: {tracks}</p>'
            '<p class="meta">Hover over or tab to a span to see its label, offsets, outcome and, for quotes, '
            "the gold and predicted speaker; Esc hides it.</p></section>")


def _doc_title(text: str) -> str:
    return text.split("\n", 1)[0].strip() or "(untitled)"


def _doc_counts(report: Mapping, doc_id: str, scheme: str) -> str:
    parts = []
    for name, layer in report["layers"].items():
        c = layer["documents"].get(doc_id, {}).get(scheme)
        if c:
            parts.append(f"{escape(name)}: P {pct(c['precision'])} R {pct(c['recall'])} F1 {pct(c['f1'])} "
                         f"({c['missed']} missed, {c['spurious']} spurious)")
    return " · ".join(parts)


def _preview(s: str) -> str:
    flat = " ".join(s.split())
    return escape(flat if len(flat) <= QUOTE_PREVIEW else flat[:QUOTE_PREVIEW - 1] + "…")


def _verdict(right: bool | None) -> str:
    cls = {True: "ok", False: "bad", None: ""}[right]
    sign = {True: "✓ ", False: "✗ ", None: ""}[right]
    return f'<span class="{cls}">{sign}{escape(speaker_verdict(right))}</span>'


def _quote_row(text: str, quote: Mapping, outcome: str, labels: list[str], gold: Mapping | None,
               pred: Mapping | None) -> str:
    """A speakers-table row; it carries the filter attributes of its quote, so filters hide it too."""
    return (f'<tr class="frow" data-outcome="{outcome}" data-labels="{escape(" ".join(labels))}">'
            f'<td class="q">{_preview(text[quote["start"]:quote["end"]])} '
            f'<span class="docid">[{quote["start"]}, {quote["end"]})</span></td><td>{escape(outcome)}</td>'
            f"<td>{escape(gold_speaker(gold)) if gold else '–'}</td>"
            f"<td>{escape(predicted_speaker(pred, text)) if pred else '–'}</td>"
            f"<td>{_verdict(pred.get('speaker_correct')) if pred and gold else '–'}</td></tr>")


def _quotes_table(doc: Mapping[str, DocLayer], text: str) -> str:
    """Each gold quote with its matched prediction, then each spurious predicted quote, with speakers."""
    quotes = doc.get("quote")
    if quotes is None:
        return ""
    rows = [_quote_row(text, g, display_outcome(g["outcomes"]), [g["label"]] + ([p["label"]] if p else []), g, p)
            for _, g, p in quotes.gold]
    rows += [_quote_row(text, p, "spurious", [p["label"]], None, p) for p, g in quotes.predicted if g is None]
    if not rows:
        return ""
    columns = ("quote", "outcome", "gold speaker", "predicted speaker", "speaker")
    head = "".join(f'<th scope="col">{h}</th>' for h in columns)
    return table_html("quotes", "Quotes and their speakers", head, rows)


def _system_view(doc: Mapping[str, DocLayer], doc_id: str, text: str, prefix: str) -> str:
    """One system's drawing of a document: the text with its marks, then the speakers table."""
    return (f'<p class="text" data-doc="{escape(doc_id)}">{layered_html(text, document_marks(doc, text, prefix))}'
            f"</p>{_quotes_table(doc, text)}")


def _article(i: int, doc_id: str, text: str, counts: str, inner: str, extra: str = "") -> str:
    return (f'<article class="doc" id="doc-{i}" data-doc="{escape(doc_id)}"{extra}>'
            f'<h3>{escape(_doc_title(text))} <span class="docid">{escape(doc_id)}</span></h3>'
            f'<p class="counts">{counts} <span class="shown"></span></p>{inner}</article>')


def _header(title: str, report: Mapping, scheme: str, systems: str) -> str:
    settings = report.get("settings", {})
    boot = settings.get("bootstrap", {})
    intervals = (f"{100 * boot.get('confidence', 0):g}% bootstrap intervals over documents "
                 f"({boot.get('resamples')} resamples, seed {boot.get('seed')})" if boot.get("resamples")
                 else "no intervals (bootstrap off)")
    return (f"<header><h1>{escape(title)}</h1>{systems}"
            f'<p class="meta"><b>gold</b> {escape(str(report.get("gold", "")))} · <b>scheme</b> {escape(scheme)} · '
            f'{len(report["documents"])} documents · min overlap {escape(str(settings.get("min_overlap", 0)))} · '
            f"{escape(intervals)}</p>"
            '<nav class="toc" aria-label="sections"><a href="#summary">Summary</a><a href="#legend">Legend</a>'
            '<a href="#documents">Documents</a></nav></header>')


def _doc_nav(doc_ids: Sequence[str], texts: Mapping[str, str]) -> str:
    links = "".join(f'<li><a href="#doc-{i}">{escape(_doc_title(texts[d]))}</a></li>' for i, d in enumerate(doc_ids))
    return f'<ol class="doclist">{links}</ol>'


def render_html(report: Mapping, texts: Mapping[str, str], *, scheme: str = "strict",
                title: str = "newsspans evaluation report") -> str:
    """The HTML page of one report; `texts` maps every document id of the report to its text.

    Raises CorpusError when a text is missing or does not match the report's spans.
    """
    check_report(report, texts)
    index = index_report(report)
    docs = [_article(i, doc_id, texts[doc_id], _doc_counts(report, doc_id, scheme),
                     _system_view(index[doc_id], doc_id, texts[doc_id], f"d{i}-"))
            for i, doc_id in enumerate(report["documents"])]
    systems = f'<p class="meta"><b>predictions</b> {escape(str(report.get("predictions", "")))}</p>'
    body = (_header(title, report, scheme, systems)
            + f'<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            f"{summary_html(report, scheme)}</section>{_legend()}"
            + '<section id="documents" aria-labelledby="documents-h"><h2 id="documents-h">Documents</h2>'
            + _doc_nav(report["documents"], texts) + _controls(_labels(report)) + "".join(docs) + "</section>")
    return _page(title, body)


def _outcome_keys(doc: Mapping[str, DocLayer]) -> tuple[dict, set]:
    """Per gold span its outcome, and the set of spurious predictions, of one document."""
    gold = {(name, e["id"]): display_outcome(e["outcomes"]) for name, d in doc.items() for _, e, _ in d.gold}
    spurious = {(name, e["start"], e["end"], e["label"]) for name, d in doc.items() for e, g in d.predicted
                if g is None}
    return gold, spurious


def document_differences(report_a: Mapping, report_b: Mapping) -> dict[str, int]:
    """Per document, how many spans the two systems draw differently: gold spans with another
    outcome plus spurious predictions only one of them makes."""
    index_a, index_b = index_report(report_a), index_report(report_b)
    out = {}
    for doc_id in report_a["documents"]:
        gold_a, spu_a = _outcome_keys(index_a[doc_id])
        gold_b, spu_b = _outcome_keys(index_b[doc_id])
        out[doc_id] = sum(gold_a.get(k) != gold_b.get(k) for k in gold_a.keys() | gold_b.keys()) + len(spu_a ^ spu_b)
    return out


def _paired_table(paired: Mapping[str, Mapping], names: Sequence[str]) -> str:
    rows = []
    for layer, t in paired.items():
        rows.append(f'<tr><th scope="row">{escape(layer)}</th><td>{pct(t["f1_a"])}</td><td>{pct(t["f1_b"])}</td>'
                    f'<td>{100 * t["difference"]:+.1f}</td><td>{ci_text(t["interval"])}</td>'
                    f'<td>{t["p_value"]:.3g}</td><td>{int(t["n_resamples"])}</td></tr>')
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in
                   ("layer", f"F1 {names[0]}", f"F1 {names[1]}", "A − B", "interval", "p", "resamples"))
    caption = f"Paired bootstrap test of micro F1 (A = {escape(names[0])}, B = {escape(names[1])})"
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
    diff = document_differences(report_a, report_b)
    order = sorted(report_a["documents"], key=lambda d: -diff[d])  # stable: gold order among ties
    name_a, name_b = (escape(n) for n in names)
    systems = [(key, report, index_report(report), name)
               for key, report, name in (("a", report_a, name_a), ("b", report_b, name_b))]
    docs = []
    for i, doc_id in enumerate(order):
        text = texts[doc_id]
        cols = "".join(f'<div class="col" data-system="{key}"><p class="colhead">{name}</p>'
                       f'<p class="counts">{_doc_counts(report, doc_id, scheme)}</p>'
                       f"{_system_view(index[doc_id], doc_id, text, f'd{i}{key}-')}</div>"
                       for key, report, index, name in systems)
        docs.append(_article(i, doc_id, text, f"{diff[doc_id]} spans drawn differently",
                             f'<div class="two">{cols}</div>', f' data-diff="{diff[doc_id]}"'))
    sources = (f'<p class="meta"><b>A</b> {name_a} ({escape(str(report_a.get("predictions", "")))}) · '
               f'<b>B</b> {name_b} ({escape(str(report_b.get("predictions", "")))})</p>')
    summaries = "".join(f'<div><h3 class="colhead">{n}</h3>{summary_html(r, scheme)}</div>'
                        for r, n in ((report_a, name_a), (report_b, name_b)))
    labels = _labels(report_a) + [lb for lb in _labels(report_b) if lb not in _labels(report_a)]
    body = (_header(title, report_a, scheme, sources)
            + '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            + (_paired_table(paired, names) if paired else "") + f'<div class="two">{summaries}</div></section>'
            + _legend()
            + '<section id="documents" aria-labelledby="documents-h"><h2 id="documents-h">Documents</h2>'
            '<p class="meta">Ordered by how many spans the two systems draw differently, most first.</p>'
            + _doc_nav(order, texts) + _controls(labels) + "".join(docs) + "</section>")
    return _page(title, body)
