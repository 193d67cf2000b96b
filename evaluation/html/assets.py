"""The CSS and JavaScript inlined into every HTML report (no network, no CDN).

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every
outcome also has its own line style, so nothing depends on colour alone. The script only
reads `data-*` attributes and writes with `textContent`: report data never becomes markup.
"""
from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --bg: #fff; --panel: #f6f6f4; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1200px; padding: 0 1.25rem 3rem; color: var(--ink); background: var(--bg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 1.5rem; margin: 1.2rem 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin: 1.2rem 0 .4rem; }
a { color: #0057a0; }
.meta { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.meta b { color: var(--ink); font-weight: 600; }
nav.toc { margin: .6rem 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
figure.table { margin: .4rem 0 .8rem; min-width: 0; max-width: 100%; }
figcaption { color: var(--muted); padding-bottom: .25rem; }
td { white-space: nowrap; }
th, td { padding: .2rem .55rem; border-bottom: 1px solid var(--rule); text-align: right; }
th[scope=row], thead th:first-child { text-align: left; }
tr.avg th, tr.avg td { background: var(--panel); }
table.confusion td.diag { font-weight: 700; }
table.confusion td.err { background: #fbe3d3; }
table.confusion td.zero { color: #aaa; }
.charts { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: flex-start; }
.charts > * { min-width: 0; max-width: 100%; }
svg.chart { width: 100%; max-width: 440px; height: auto; font-size: 11px; }
svg.chart text { fill: var(--ink); }
svg.chart .axis { fill: var(--muted); font-size: 9px; }
svg.chart .tick { stroke: #e2e2e2; }
svg.chart .bar { fill: #0072B2; }
svg.chart .bar.avg { fill: #009E73; }
svg.chart .ci { stroke: #000; stroke-width: 1.3; fill: none; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.5rem; }
.two > * { min-width: 0; }
.legend { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .3rem 1.2rem;
  list-style: none; padding: 0; margin: .3rem 0 .8rem; }
.legend li { line-height: 2.6; }
.legend .demo { margin-right: .4rem; }
.tracks { line-height: 3; margin: .2rem 0; }
.controls { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; padding: .5rem .7rem;
  background: var(--panel); border: 1px solid var(--rule); border-radius: 4px; z-index: 5; }
.controls label { white-space: nowrap; }
.controls select { font: inherit; padding: .15rem .3rem; }
.status { color: var(--muted); }
@media (min-width: 900px) and (min-height: 600px) { .controls { position: sticky; top: 0; } }
article.doc { border-top: 1px solid var(--rule); margin-top: 1.4rem; }
.docid { color: var(--muted); font-weight: 400; font-size: .85rem; overflow-wrap: anywhere; }
.counts { color: var(--muted); margin: .1rem 0 .3rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 1.02rem; line-height: 2.9; margin: 0;
  font-family: Georgia, "DejaVu Serif", serif; }
.colhead { font-weight: 600; margin: .6rem 0 0; overflow-wrap: anywhere; }
/* Gold lines are neutral grey (dashed vermillion when missed); predicted lines carry the outcome:
   line style = boundaries (solid right, double wrong, dotted spurious), hatching = wrong label,
   colour (--c) repeats both for quick scanning. Tracks: quotes above the text, entities below,
   gold nearer the text. */
.o-correct { --c: #009E73; --s: solid; --w: 3px; }
.o-missed { --c: #D55E00; --s: dashed; --w: 3px; }
.o-spurious { --c: #CC79A7; --s: dotted; --w: 4px; }
.o-boundary { --c: #0072B2; --s: double; --w: 5px; }
.o-label { --c: #E69F00; --s: solid; --w: 3px; }
.o-boundary-label { --c: #000000; --s: double; --w: 5px; }
.t-entity-gold { border-bottom: 2px solid #707070; padding-bottom: 1px; }
.t-quote-gold { border-top: 2px solid #707070; padding-top: 1px; background: rgba(86, 180, 233, .13); }
.t-entity-gold.o-missed { border-bottom: 3px dashed var(--c); }
.t-quote-gold.o-missed { border-top: 3px dashed var(--c); }
.t-entity-pred { border-bottom: var(--w) var(--s) var(--c); padding-bottom: 5px; }
.t-quote-pred { border-top: var(--w) var(--s) var(--c); padding-top: 5px; }
.t-entity-pred.o-label, .t-entity-pred.o-boundary-label, .t-quote-pred.o-label, .t-quote-pred.o-boundary-label {
  background-image: repeating-linear-gradient(135deg, rgba(0, 0, 0, .22) 0 1.5px, transparent 1.5px 5px); }
.t-entity-gold.lane1 { padding-bottom: 3px; }
.t-entity-pred.lane1 { padding-bottom: 10px; }
.t-quote-gold.lane1 { padding-top: 3px; }
.t-quote-pred.lane1 { padding-top: 10px; }
.m.off { border-color: transparent; background: none; }
.m.hl { background: rgba(240, 228, 66, .45); }
.m:focus { outline: 2px solid #000; outline-offset: 2px; }
.m:focus:not(:focus-visible) { outline: none; }
#tip { position: absolute; z-index: 10; max-width: min(30rem, 92vw); padding: .4rem .6rem; background: #111;
  color: #fff; border-radius: 4px; font-size: .85rem; line-height: 1.35; white-space: pre-line;
  pointer-events: none; box-shadow: 0 2px 6px rgba(0,0,0,.3); }
table.quotes { font-size: .9rem; width: 100%; }
table.quotes td, table.quotes th { text-align: left; vertical-align: top; }
table.quotes td { white-space: normal; }
table.quotes td.q { min-width: 12rem; max-width: 24rem; overflow-wrap: anywhere; }
tr.off { display: none; }
.ok { color: #006e50; font-weight: 600; }
.bad { color: #b34700; font-weight: 600; }
@media (max-width: 700px) {
  body { padding: 0 .6rem 2rem; font-size: 14px; }
  .two { grid-template-columns: 1fr; }
  .text { font-size: .98rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .controls, nav.toc, #tip, .shown { display: none !important; }
  .two { grid-template-columns: 1fr; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  table, svg.chart, .legend { break-inside: avoid; }
  .m, .demo, svg.chart, td.err { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .m.hl { background: none; }
  .m.off { border-color: transparent; background: none; }
}
"""

JS = """
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  var current = null;
  function pieces(sid) { return document.querySelectorAll('.m[data-sid="' + sid + '"]'); }
  function hide() {
    if (current !== null) { pieces(current).forEach(function (p) { p.classList.remove("hl"); }); }
    current = null;
    tip.hidden = true;
  }
  function place(el) {
    var r = el.getBoundingClientRect();
    var left = Math.max(4, Math.min(r.left + window.scrollX,
                                    window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4));
    tip.style.left = left + "px";
    tip.style.top = (r.bottom + window.scrollY + 6) + "px";
  }
  function show(el) {
    var sid = el.getAttribute("data-sid");
    if (sid === current) { return; }
    hide();
    current = sid;
    pieces(sid).forEach(function (p) { p.classList.add("hl"); });
    tip.textContent = document.getElementById(sid).getAttribute("data-tip");
    tip.hidden = false;
    place(el);
  }
  document.addEventListener("mouseover", function (e) {
    var m = e.target.closest ? e.target.closest(".m:not(.off)") : null;
    var focused = document.activeElement && document.activeElement.classList.contains("m");
    if (m) { show(m); } else if (current !== null && !focused) { hide(); }  // a focused span keeps its tip
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("m")) { show(e.target); } else { hide(); }
  });
  document.addEventListener("focusout", function (e) {
    if (e.target.classList && e.target.classList.contains("m")) { hide(); }
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });

  var byOutcome = document.getElementById("f-outcome");
  var byLabel = document.getElementById("f-label");
  var status = document.getElementById("f-status");
  function wanted(el) {
    var o = byOutcome.value, l = byLabel.value, oc = el.getAttribute("data-outcome");
    var okOutcome = o === "all" || (o === "errors" ? oc !== "correct" : oc === o);
    var okLabel = l === "all" || el.getAttribute("data-labels").split(" ").indexOf(l) >= 0;
    return okOutcome && okLabel;
  }
  function apply() {
    hide();
    document.querySelectorAll("article.doc").forEach(function (doc) {
      var shown = 0, total = 0;
      doc.querySelectorAll(".m, tr.frow").forEach(function (el) {
        var ok = wanted(el);
        el.classList.toggle("off", !ok);
        if (el.classList.contains("m") && el.hasAttribute("tabindex")) {
          el.tabIndex = ok ? 0 : -1;
          total += 1;
          if (ok) { shown += 1; }
        }
      });
      var out = doc.querySelector(".shown");
      if (out) { out.textContent = "· " + shown + " of " + total + " spans shown"; }
    });
    var all = document.querySelectorAll(".m[tabindex]").length;
    var on = document.querySelectorAll('.m[tabindex="0"]').length;
    status.textContent = on + " of " + all + " spans shown";
  }
  byOutcome.addEventListener("change", apply);
  byLabel.addEventListener("change", apply);
  document.getElementById("controls").hidden = false;
  apply();
})();
"""


def script_hash(script: str) -> str:
    """CSP source for `script` (sha256), so only this exact inline script may run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
