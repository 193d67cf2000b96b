(function () {
  "use strict";
  // Draws the documents of a newsspans report from the JSON in #report-data (see data.py for its
  // layout), each one when it comes near the viewport, and drops it again when it leaves, so a
  // page of 10,000 documents holds only a few of them in its DOM. Writes text with textContent only.
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var SMALL = 200000;  // characters of text drawn at once, without waiting for scrolling
  var STRIDE = 9, OUT = D.outcomes, NAMES = D.outcome_names, LABELS = D.labels, SYS = D.systems;
  var DOCS = D.docs, ORDER = D.order, COMPARE = SYS.length === 2;
  var E = COMPARE ? 8 : 7;  // numbers per span in the page's encoded arrays (data.py, `encode`)
  var LAYER = ["entity", "entity", "quote", "quote"], SIDE = ["gold", "pred", "gold", "pred"];
  var RANK = [2, 3, 0, 1];  // tracks outermost first: quote-gold, quote-pred, entity-gold, entity-pred
  var SPEAKER = ["", "right", "wrong"];
  var state = {outcome: "all", label: -1};
  var tip = document.getElementById("tip");
  var list = document.getElementById("doclist");
  var holder = document.getElementById("docs");
  var status = document.getElementById("f-status");
  var articles = [], shownEls = [], collapsed = [], rendered = {}, targets = null, cursor = -1;
  if (window.performance && performance.mark) { performance.mark("newsspans:parsed"); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function bdi(text) { var b = el("bdi", null, text); b.dir = "auto"; return b; }
  function cps(d) {  // the document text as code points (offsets are code points, JS strings UTF-16)
    var doc = DOCS[d];
    if (!doc.cp) { doc.cp = Array.from(doc.text); }
    return doc.cp;
  }
  function slice(d, a, b) { return cps(d).slice(a, b).join(""); }
  function quoted(d, a, b) {
    var s = slice(d, a, b).replace(/\s+/g, " ");
    return "\u201c" + (s.length > 80 ? s.slice(0, 79) + "\u2026" : s) + "\u201d";
  }

  // ---- filters -------------------------------------------------------------------------------
  // Decoded arrays (STRIDE numbers per span, as data.py builds them) and encoded ones (E) keep
  // kind, label, outcome, partner and speaker at the same places; `st` says which one `s` is.
  function cmpOf(s, i, st) { return COMPARE ? s[i + (st === E ? 7 : 8)] : 0; }
  function wanted(s, i, st) {
    st = st || STRIDE;
    var o = state.outcome, oc = OUT[s[i + 4]], ok;
    if (o === "all") { ok = true; }
    else if (o === "errors") { ok = oc !== "correct"; }
    else if (o === "speaker-wrong") { ok = s[i + 6] === 2; }
    else if (o === "a-right") { ok = cmpOf(s, i, st) === 1; }
    else if (o === "b-right") { ok = cmpOf(s, i, st) === 2; }
    else { ok = oc === o; }
    if (!ok || state.label < 0) { return ok; }
    return s[i + 3] === state.label || (s[i + 5] >= 0 && s[s[i + 5] * st + 3] === state.label);
  }
  function isUnit(s, i) { return s[i] % 2 === 0 || s[i + 5] < 0; }  // gold spans and spurious predictions
  function isTarget(s, i, k, st) {  // what next/previous error visits
    if (!isUnit(s, i) || !wanted(s, i, st)) { return false; }
    if (COMPARE) { return cmpOf(s, i, st) !== 0 && (k === 0 || s[i] % 2 === 1); }  // a gold difference once, in A
    return s[i] % 2 === 0 ? OUT[s[i + 4]] !== "correct" : true;
  }
  function S(d, k) {  // the decoded span array of document d, system k (see data.py, `decode`)
    var doc = DOCS[d];
    if (!doc.ds) { doc.ds = []; }
    if (!doc.ds[k]) {
      var e = doc.s[k], out = [], start = 0, ref = 0;
      for (var i = 0; i < e.length; i += E) {
        start += e[i + 1];
        out.push(e[i], start, start + e[i + 2], e[i + 3], e[i + 4], e[i + 5], e[i + 6],
                 e[i] % 2 === 0 ? ref : -1, COMPARE ? e[i + 7] : 0);
        if (e[i] % 2 === 0) { ref += 1; }
      }
      doc.ds[k] = out;
    }
    return doc.ds[k];
  }
  function filtering() { return state.outcome !== "all" || state.label >= 0; }

  // ---- one span: marks, tags, tooltip ------------------------------------------------------------
  function marksOf(d, k) {
    var s = S(d, k), out = [];
    for (var i = 0; i < s.length; i += STRIDE) {
      out.push({n: i / STRIDE, i: i, kind: s[i], start: s[i + 1], end: s[i + 2], lane: 0,
                sid: "d" + d + (COMPARE ? "abc"[k] : "") + "-" + (i / STRIDE)});
    }
    // Spans overlapping on one track get a second line (greedy by start); more than two share it.
    var ends = [[], [], [], []];
    out.slice().sort(function (a, b) { return a.start - b.start || b.end - a.end || a.n - b.n; })
      .forEach(function (m) {
        var e = ends[m.kind], lane = 0;
        while (lane < e.length && e[lane] > m.start) { lane += 1; }
        e[lane] = m.end;
        m.lane = Math.min(lane, 1);
      });
    return out;
  }
  function tagText(d, k, s, i) {
    var label = LABELS[s[i + 3]], p = s[i + 5], t = label;
    if (s[i] % 2 === 1 && p >= 0) {  // a prediction: its tag only says what differs from gold
      var pi = p * STRIDE;
      if (s[pi + 1] === s[i + 1] && s[pi + 2] === s[i + 2] && s[pi + 3] === s[i + 3]) {
        return s[i + 6] === 2 ? "\u2717 speaker" : "";
      }
    }
    if (s[i + 6] === 2) { t += " \u2717 speaker"; }
    if (COMPARE && isUnit(s, i) && s[i + 8]) { t += ["", " A\u2713 B\u2717", " A\u2717 B\u2713", " A\u2260B"][s[i + 8]]; }
    return t;
  }
  function openMark(d, k, m, first) {
    var s = S(d, k), i = m.i, oc = OUT[s[i + 4]];
    var span = el("span", "m t-" + LAYER[m.kind] + "-" + SIDE[m.kind] + " o-" + oc + " lane" + m.lane +
                  (first ? "" : " cont") + (m.end - m.start <= 2 ? " short" : "") +
                  (s[i + 6] === 2 ? " spk-bad" : "") + (wanted(s, i) ? "" : " off"));
    var ds = span.dataset, p = s[i + 5];
    ds.sid = m.sid; ds.layer = LAYER[m.kind]; ds.side = SIDE[m.kind]; ds.label = LABELS[s[i + 3]];
    ds.labels = LABELS[s[i + 3]] + (p >= 0 ? " " + LABELS[s[p * STRIDE + 3]] : "");
    ds.outcome = oc; ds.start = m.start; ds.end = m.end; ds.d = d; ds.k = k; ds.i = i;
    if (s[i + 6]) { ds.speaker = SPEAKER[s[i + 6]]; }
    if (COMPARE) { ds.compare = ["same", "a-right", "b-right", "differ"][s[i + 8]]; }
    if (first) {
      span.id = m.sid;
      span.tabIndex = wanted(s, i) ? 0 : -1;
      span.setAttribute("aria-describedby", "tip");
    }
    return span;
  }
  function speakerOf(d, k, i) { return DOCS[d].sp[k][String(i / STRIDE)] || "none"; }
  function where(s, i) { return LABELS[s[i + 3]] + " [" + s[i + 1] + ", " + s[i + 2] + ")"; }
  function tipText(d, k, i) {
    var doc = DOCS[d], s = S(d, k), gold = s[i] % 2 === 0, p = s[i + 5];
    var lines = [(gold ? "gold " : "predicted ") + where(s, i) + (gold ? " \u00b7 span " + doc.ids[s[i + 7]] : ""),
                 "outcome: " + NAMES[s[i + 4]]];
    var other = gold ? "predicted" : "gold";
    lines.push(p < 0 ? other + ": nothing" : other + ": " + where(s, p * STRIDE) +
               (gold ? "" : " \u00b7 span " + doc.ids[s[p * STRIDE + 7]]));
    lines.push("text: " + quoted(d, s[i + 1], s[i + 2]));
    if (s[i] >= 2) {
      var g = gold ? i : (p >= 0 ? p * STRIDE : -1), q = gold ? (p >= 0 ? p * STRIDE : -1) : i;
      if (g >= 0) { lines.push("gold speaker: " + speakerOf(d, k, g)); }
      if (q >= 0) {
        lines.push("predicted speaker: " + speakerOf(d, k, q) + " \u00b7 " +
                   (s[q + 6] ? SPEAKER[s[q + 6]] : "not scored (quote unmatched)"));
      }
    }
    if (COMPARE && isUnit(s, i)) {
      lines.push(SYS[0] + ": " + verdictIn(d, 0, s, i) + " \u00b7 " + SYS[1] + ": " + verdictIn(d, 1, s, i));
    }
    return lines.join("\n");
  }
  function verdictIn(d, k, s, i) {  // what system k did with the unit at s[i] of another column
    var t = S(d, k);
    for (var j = 0; j < t.length; j += STRIDE) {
      if (s[i] % 2 === 0 ? (t[j] === s[i] && t[j + 7] === s[i + 7])
          : (t[j] === s[i] && t[j + 1] === s[i + 1] && t[j + 2] === s[i + 2] && t[j + 3] === s[i + 3])) {
        return NAMES[t[j + 4]];
      }
    }
    return s[i] % 2 === 0 ? "?" : "not predicted";
  }

  // ---- one document's text: marks may cross, so the text is cut at every boundary -------------
  function layered(d, k) {
    var box = el("p", "text"), marks = marksOf(d, k), s = S(d, k), n = cps(d).length;
    box.dataset.doc = DOCS[d].id;
    var order = marks.slice().sort(function (a, b) {
      return RANK[a.kind] - RANK[b.kind] || a.start - b.start || b.end - a.end || a.n - b.n;
    });
    var pos = {}, starts = {}, endAt = {}, cutSet = {0: 1}, opened = {};
    cutSet[n] = 1;
    order.forEach(function (m, j) { pos[m.sid] = j; });
    marks.forEach(function (m) {
      (starts[m.start] = starts[m.start] || []).push(m);
      (endAt[m.end] = endAt[m.end] || []).push(m);
      cutSet[m.start] = 1; cutSet[m.end] = 1;
    });
    var cuts = Object.keys(cutSet).map(Number).sort(function (a, b) { return a - b; });
    var stack = [], nodes = [], active = [];
    function top() { return nodes.length ? nodes[nodes.length - 1] : box; }
    function tags(at) {  // label tags of the spans ending here: gold before predictions, no text of their own
      (endAt[at] || []).slice().sort(function (a, b) { return a.kind % 2 - b.kind % 2 || a.kind - b.kind; })
        .forEach(function (m) {
          var t = tagText(d, k, s, m.i);
          if (!t) { return; }
          var tag = el("span", "tag t-" + SIDE[m.kind] + " o-" + OUT[s[m.i + 4]] + (wanted(s, m.i) ? "" : " off"));
          tag.dataset.t = t; tag.dataset.sid = m.sid;
          top().appendChild(tag);
        });
    }
    for (var c = 0; c + 1 < cuts.length; c += 1) {
      var a = cuts[c], b = cuts[c + 1];
      active = active.filter(function (m) { return m.end > a; }).concat(starts[a] || []);
      var cover = active.slice().sort(function (x, y) { return pos[x.sid] - pos[y.sid]; });
      var keep = 0;
      while (keep < Math.min(stack.length, cover.length) && stack[keep].sid === cover[keep].sid) { keep += 1; }
      stack.length = keep; nodes.length = keep;
      tags(a);
      for (var j = keep; j < cover.length; j += 1) {
        var span = openMark(d, k, cover[j], !opened[cover[j].sid]);
        opened[cover[j].sid] = 1;
        top().appendChild(span);
        stack.push(cover[j]); nodes.push(span);
      }
      top().appendChild(document.createTextNode(slice(d, a, b)));
    }
    stack.length = 0; nodes.length = 0;
    tags(n);
    return box;
  }

  // The document's errors, or on a compare page the spans the systems draw differently (a gold
  // span once, from A's column; a spurious prediction in the column that makes it), as links.
  function errorList(d, ks) {
    var items = [];
    ks.forEach(function (k) {
      var s = S(d, k);
      for (var i = 0; i < s.length; i += STRIDE) {
        if (!isUnit(s, i)) { continue; }
        if (COMPARE ? !s[i + 8] || (k === 1 && s[i] % 2 === 0) : (s[i] % 2 === 0 && OUT[s[i + 4]] === "correct")) {
          continue;
        }
        var p = s[i + 5], what = NAMES[s[i + 4]];
        var text = LABELS[s[i + 3]] + " " + quoted(d, s[i + 1], s[i + 2]);
        if (p >= 0 && s[i] % 2 === 0) {
          var pi = p * STRIDE;
          if (s[pi + 3] !== s[i + 3]) { text += " \u2192 " + LABELS[s[pi + 3]]; }
          if (s[pi + 1] !== s[i + 1] || s[pi + 2] !== s[i + 2]) { text += " \u2192 " + quoted(d, s[pi + 1], s[pi + 2]); }
        }
        if (COMPARE) { what = SYS[0] + " " + verdictIn(d, 0, s, i) + "; " + SYS[1] + " " + verdictIn(d, 1, s, i); }
        var li = el("li", wanted(s, i) ? "" : "off"), a = el("a", null, text);
        a.href = "#d" + d + (COMPARE ? "abc"[k] : "") + "-" + (i / STRIDE);
        a.dataset.sid = a.getAttribute("href").slice(1);
        li.appendChild(el("span", "what o-" + OUT[s[i + 4]], what + ": "));
        li.appendChild(a);
        li.dataset.k = k; li.dataset.i = i;
        items.push(li);
      }
    });
    if (!items.length) { return null; }
    var box = el("details", "errors");
    box.open = true;
    box.appendChild(el("summary"));
    var ul = el("ul");
    items.forEach(function (li) { ul.appendChild(li); });
    box.appendChild(ul);
    errorsSummary(box);
    return box;
  }

  function quotesTable(d, k) {  // each gold quote with its prediction, then spurious quotes, with speakers
    var doc = DOCS[d], s = S(d, k), rows = [];
    for (var i = 0; i < s.length; i += STRIDE) {
      if (s[i] < 2 || !isUnit(s, i)) { continue; }
      var gold = s[i] === 2, p = s[i + 5], q = gold ? (p >= 0 ? p * STRIDE : -1) : i;
      var tr = el("tr", "frow" + (wanted(s, i) ? "" : " off"));
      tr.dataset.i = i;
      var cell = el("td", "q", quoted(d, s[i + 1], s[i + 2]).slice(1, -1) + " ");
      cell.appendChild(el("span", "docid", "[" + s[i + 1] + ", " + s[i + 2] + ")"));
      tr.appendChild(cell);
      tr.appendChild(el("td", null, OUT[s[i + 4]]));
      tr.appendChild(el("td", null, gold ? speakerOf(d, k, i) : "\u2013"));
      tr.appendChild(el("td", null, q >= 0 ? speakerOf(d, k, q) : "\u2013"));
      var v = q >= 0 && gold ? s[q + 6] : 0;
      tr.appendChild(el("td", v === 1 ? "ok" : (v === 2 ? "bad" : ""), v ? (v === 1 ? "\u2713 right" : "\u2717 wrong")
                                                                           : "\u2013"));
      rows.push(tr);
    }
    if (!rows.length) { return null; }
    var fig = el("figure", "table quotes");
    fig.appendChild(el("figcaption", null, "Quotes and their speakers"));
    var scroll = el("div", "scroll"), table = el("table", "quotes"), head = el("tr"), body = el("tbody");
    ["quote", "outcome", "gold speaker", "predicted speaker", "speaker"].forEach(function (h) {
      var th = el("th", null, h); th.scope = "col"; head.appendChild(th);
    });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    rows.forEach(function (r) { body.appendChild(r); });
    table.appendChild(body); scroll.appendChild(table); fig.appendChild(scroll);
    return fig;
  }

  function countsLine(rows) {  // [layer, correct, incorrect, partial, missed, spurious, P, R, F1 in 0.1%]
    if (!rows.length) { return "no spans in gold or predictions"; }
    return rows.map(function (r) {
      function p(x) { return (x / 10).toFixed(1); }
      return D.layers[r[0]] + ": P " + p(r[6]) + " R " + p(r[7]) + " F1 " + p(r[8]) + " (" +
        D.count_names.map(function (n, j) { return r[1 + j] + " " + n; }).join(", ") + ")";
    }).join(" \u00b7 ");
  }
  function title(d) {
    var doc = DOCS[d];
    return doc.title || doc.text.split("\n", 1)[0].trim() || "(untitled)";
  }

  function renderBody(d) {
    if (rendered[d]) { return; }
    var body = articles[d].querySelector(".body"), view = el("div", COMPARE ? "two" : "one");
    for (var k = 0; k < SYS.length; k += 1) {
      var col = el("div", "col");
      col.dataset.system = "abc"[k];
      if (COMPARE) { col.appendChild(el("p", "colhead")).appendChild(bdi(SYS[k])); }
      col.appendChild(el("p", "counts", countsLine(DOCS[d].c[k])));
      col.appendChild(layered(d, k));
      [COMPARE ? null : errorList(d, [k]), quotesTable(d, k)].forEach(function (x) { if (x) { col.appendChild(x); } });
      view.appendChild(col);
    }
    body.textContent = "";
    body.style.minHeight = "";
    var diffs = COMPARE ? errorList(d, [0, 1]) : null;
    if (diffs) { body.appendChild(diffs); }
    body.appendChild(view);
    rendered[d] = true;
  }
  function dropBody(d) {  // out of sight: keep its height, drop its nodes
    var body = articles[d].querySelector(".body");
    if (!rendered[d] || body.contains(document.activeElement)) { return; }
    body.style.minHeight = body.offsetHeight + "px";
    body.textContent = "";
    rendered[d] = false;
  }

  // ---- the document list and the articles, in order (most errors or differences first) ---------
  function countText(n) { return COMPARE ? n + " drawn differently" : n + (n === 1 ? " error" : " errors"); }
  var frag = document.createDocumentFragment(), items = document.createDocumentFragment(), lis = [];
  ORDER.forEach(function (d) {
    var doc = DOCS[d], art = el("article", "doc"), h = el("h3");
    art.id = "doc-" + d; art.dataset.doc = doc.id;
    h.appendChild(bdi(title(d)));
    h.appendChild(document.createTextNode(" "));
    h.appendChild(el("span", "docid")).appendChild(bdi(doc.id));
    h.appendChild(document.createTextNode(" "));
    h.appendChild(el("span", "nerr" + (doc.n ? " has" : ""), countText(doc.n)));
    art.appendChild(h);
    shownEls[d] = art.appendChild(el("p", "shown"));
    var body = el("div", "body");
    body.style.minHeight = Math.round(40 + doc.text.length / 95 * 44 * (COMPARE ? 2 : 1)) + "px";
    art.appendChild(body);
    articles[d] = art;
    frag.appendChild(art);
    var li = el("li"), a = el("a");
    a.href = "#doc-" + d;
    a.appendChild(bdi(title(d)));
    li.appendChild(a);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "nerr" + (doc.n ? " has" : ""), countText(doc.n)));
    lis[d] = li;
    items.appendChild(li);
  });
  holder.appendChild(frag);
  list.appendChild(items);

  var printing = window.matchMedia ? window.matchMedia("print") : null;
  var observer = null, size = 0;
  DOCS.forEach(function (doc) { size += doc.text.length; });
  // A small report is drawn at once (and stays drawn, so find-in-page sees all of it); a large
  // one document by document as they come near the viewport.
  if (size <= SMALL && "IntersectionObserver" in window) {
    ORDER.forEach(renderBody);
  } else if ("IntersectionObserver" in window) {
    document.body.classList.add("lazy");
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        var d = Number(e.target.id.slice(4));
        if (e.isIntersecting) { renderBody(d); } else if (!(printing && printing.matches)) { dropBody(d); }
      });
    }, {rootMargin: "1200px 0px"});
    articles.forEach(function (a) { observer.observe(a); });
  } else {
    ORDER.forEach(renderBody);
  }
  function renderAll() { ORDER.forEach(renderBody); }
  window.addEventListener("beforeprint", renderAll);
  if (printing) {
    if (printing.matches) { renderAll(); }
    if (printing.addEventListener) { printing.addEventListener("change", function (e) { if (e.matches) { renderAll(); } }); }
  }

  // ---- applying a filter: counts from the data, classes on the few drawn documents -------------
  function apply() {
    hide();
    var on = 0, all = 0, hiddenDocs = 0, f = filtering();
    for (var d = 0; d < DOCS.length; d += 1) {
      var shown = 0, total = 0;
      for (var k = 0; k < SYS.length; k += 1) {
        var s = DOCS[d].s[k];
        for (var i = 0; i < s.length; i += E) { total += 1; if (wanted(s, i, E)) { shown += 1; } }
      }
      on += shown; all += total;
      var collapse = f && shown === 0, note = f ? shown + " of " + total + " spans shown" : "";
      if (collapse) { hiddenDocs += 1; }
      if (collapse !== !!collapsed[d]) {  // touch the DOM only where something changes
        articles[d].classList.toggle("collapsed", collapse);
        lis[d].classList.toggle("off", collapse);
        collapsed[d] = collapse;
      }
      if (shownEls[d].textContent !== note) { shownEls[d].textContent = note; }
      if (rendered[d]) { restyle(d); }
    }
    targets = null; cursor = -1;
    status.textContent = on + " of " + all + " spans shown" +
      (hiddenDocs ? " \u00b7 " + hiddenDocs + " documents without such spans collapsed" : "");
  }
  function restyle(d) {
    var art = articles[d];
    art.querySelectorAll(".m, .tag, tr.frow, details.errors li").forEach(function (x) {
      var sid = x.dataset.sid, k, i;
      if (x.classList.contains("m")) { k = Number(x.dataset.k); i = Number(x.dataset.i); }
      else if (x.tagName === "LI") { k = Number(x.dataset.k); i = Number(x.dataset.i); }
      else if (x.tagName === "TR") {
        k = Number(x.closest(".col").dataset.system === "b"); i = Number(x.dataset.i);
      } else {
        var m = document.getElementById(sid); k = Number(m.dataset.k); i = Number(m.dataset.i);
      }
      var ok = wanted(S(d, k), i);
      x.classList.toggle("off", !ok);
      if (x.classList.contains("m") && x.id) { x.tabIndex = ok ? 0 : -1; }
    });
    art.querySelectorAll("details.errors").forEach(function (box) { errorsSummary(box); });
  }
  function errorsSummary(box) {  // "16 errors:", or "16 errors (3 shown):" under a filter
    var all = box.querySelectorAll("li").length, on = box.querySelectorAll("li:not(.off)").length;
    var base = COMPARE ? all + " spans drawn differently" : all + (all === 1 ? " error" : " errors");
    box.querySelector("summary").textContent = base + (on < all ? " (" + on + " shown)" : "") + ":";
  }

  // ---- next / previous error --------------------------------------------------------------------
  function buildTargets() {
    targets = [];
    ORDER.forEach(function (d) {
      if (collapsed[d]) { return; }
      for (var k = 0; k < SYS.length; k += 1) {
        var s = DOCS[d].s[k], here = [], start = 0;
        for (var i = 0; i < s.length; i += E) {  // encoded: starts are differences
          start += s[i + 1];
          if (isTarget(s, i, k, E)) { here.push([d, k, (i / E) * STRIDE, start]); }
        }
        here.sort(function (x, y) { return x[3] - y[3] || x[2] - y[2]; });
        for (var h = 0; h < here.length; h += 1) { targets.push(here[h]); }
      }
    });
  }
  function jump(step) {
    if (targets === null) { buildTargets(); }
    var pos = document.getElementById("f-pos");
    if (!targets.length) { pos.textContent = "no errors to visit"; return; }
    cursor = cursor < 0 ? (step > 0 ? 0 : targets.length - 1) : (cursor + step + targets.length) % targets.length;
    var t = targets[cursor];
    renderBody(t[0]);
    var sid = "d" + t[0] + (COMPARE ? "abc"[t[1]] : "") + "-" + (t[2] / STRIDE);
    var m = document.getElementById(sid);
    m.scrollIntoView({block: "center"});
    m.focus({preventScroll: true});
    pos.textContent = (COMPARE ? "difference " : "error ") + (cursor + 1) + " of " + targets.length;
  }
  document.getElementById("f-next").addEventListener("click", function () { jump(1); });
  document.getElementById("f-prev").addEventListener("click", function () { jump(-1); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { hide(); return; }
    var t = e.target, tag = t && t.tagName;
    if (e.altKey || e.ctrlKey || e.metaKey || tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA") { return; }
    if (e.key === "n" || e.key === "j") { e.preventDefault(); jump(1); }
    else if (e.key === "p" || e.key === "k") { e.preventDefault(); jump(-1); }
  });
  holder.addEventListener("click", function (e) {  // an error-list link focuses its span
    var a = e.target.closest ? e.target.closest("details.errors a") : null;
    if (!a) { return; }
    e.preventDefault();
    var m = document.getElementById(a.dataset.sid);
    if (m) { m.scrollIntoView({block: "center"}); m.focus({preventScroll: true}); }
  });

  // ---- tooltip --------------------------------------------------------------------------------
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
  function show(m) {
    var sid = m.dataset.sid;
    if (sid === current) { return; }
    hide();
    current = sid;
    pieces(sid).forEach(function (p) { p.classList.add("hl"); });
    tip.textContent = tipText(Number(m.dataset.d), Number(m.dataset.k), Number(m.dataset.i));
    tip.hidden = false;
    place(m);
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

  // ---- controls ---------------------------------------------------------------------------------
  var byOutcome = document.getElementById("f-outcome"), byLabel = document.getElementById("f-label");
  byOutcome.addEventListener("change", function () { state.outcome = byOutcome.value; apply(); });
  byLabel.addEventListener("change", function () {
    state.label = byLabel.value === "all" ? -1 : Number(byLabel.value); apply();
  });
  var controls = document.getElementById("controls");
  controls.hidden = false;
  function barHeight() {  // anchors and jumps land below the sticky filter bar
    var sticky = getComputedStyle(controls).position === "sticky";
    document.documentElement.style.setProperty("--bar", (sticky ? controls.offsetHeight + 8 : 8) + "px");
  }
  window.addEventListener("resize", barHeight);
  barHeight();
  apply();
  document.body.dataset.ready = "1";
  if (window.performance && performance.mark) { performance.mark("newsspans:ready"); }
  if (location.hash) {  // a link to a document or span: draw it, then go there
    var target = location.hash.slice(1), dm = /^d(\d+)/.exec(target) || /^doc-(\d+)$/.exec(target);
    if (dm && DOCS[Number(dm[1])]) {
      renderBody(Number(dm[1]));
      var found = document.getElementById(target);
      if (found) { found.scrollIntoView(); }
    }
  }
})();
