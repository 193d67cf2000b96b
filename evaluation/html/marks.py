"""Gold and predicted spans of one document drawn into its text as nested, escaped HTML marks.

A report's span entries become `Mark`s: one per gold span and per predicted span, with a
display outcome (correct, missed, spurious, boundary, label, boundary-label) derived from the
scheme outcomes. Marks sit on four tracks; quotes above the text line (they contain entities),
entities below it, gold nearer the text than predictions:

    quote-gold, quote-pred    lines above the text
    entity-gold, entity-pred  lines below the text

Marks may cross each other, so the text is cut at every span boundary and each piece is
wrapped in the marks covering it, outermost track first; a mark cut by an outer one continues
in a new element with the same `data-sid`. Only a mark's first piece is focusable.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from newsspans.corpus.errors import CorpusError, Problem

OUTCOME_NAMES: dict[str, str] = {
    "correct": "correct",
    "missed": "missed (gold, not predicted)",
    "spurious": "spurious (predicted, not in gold)",
    "boundary": "wrong boundary, right label",
    "label": "right boundary, wrong label",
    "boundary-label": "wrong boundary and label",
}
ERRORS: tuple[str, ...] = tuple(o for o in OUTCOME_NAMES if o != "correct")
KNOWN_OUTCOMES: frozenset[str] = frozenset({"correct", "incorrect", "partial", "missed", "spurious"})
LAYER_NAMES: tuple[str, ...] = ("entity", "quote")
TRACKS: tuple[str, ...] = ("quote-gold", "quote-pred", "entity-gold", "entity-pred")
MAX_LANE = 1  # spans overlapping on one track get a second line; more than two share it


@dataclass(frozen=True)
class Mark:
    """One span to draw: where, on which track, its outcome and the tooltip text."""

    sid: str  # unique in the page; letters, digits and '-' only (used in CSS selectors)
    layer: str  # entity | quote
    side: str  # gold | pred
    start: int
    end: int
    label: str
    outcome: str
    labels: tuple[str, ...]  # own label and the matched span's label: what the label filter tests
    tip: str
    lane: int = 0

    @property
    def track(self) -> str:
        return f"{self.layer}-{self.side}"


def display_outcome(outcomes: Mapping[str, str]) -> str:
    """The error kind of a span from its scheme outcomes: exact tells boundaries, type tells labels."""
    strict = outcomes["strict"]
    if strict in ("correct", "missed", "spurious"):
        return strict
    same_bounds, same_label = outcomes["exact"] == "correct", outcomes["type"] == "correct"
    if same_bounds:
        return "label"
    return "boundary" if same_label else "boundary-label"


def check_report(report: Mapping, texts: Mapping[str, str]) -> None:
    """Raise CorpusError unless the layers and outcomes are known, every document has a text
    and every span's text matches it (texts from another gold would draw spans in wrong places)."""
    problems = [Problem(f"unknown layer {name!r} in the report (known: {', '.join(LAYER_NAMES)})")
                for name in report["layers"] if name not in LAYER_NAMES]
    problems += [Problem("no text for this document (reload the gold the report was scored on)", doc_id=d)
                 for d in report["documents"] if d not in texts]
    for name, layer in report["layers"].items():
        for side in ("gold", "predicted"):
            for e in layer[side]:
                text = texts.get(e["doc_id"])
                span = e.get("id", f"prediction {e.get('index')}")
                if any(e["outcomes"].get(s) not in KNOWN_OUTCOMES for s in ("strict", "exact", "type")):
                    problems.append(Problem(f"unknown outcome in {e['outcomes']!r}", doc_id=e["doc_id"],
                                            span_id=span))
                if text is None:
                    if e["doc_id"] not in report["documents"]:
                        problems.append(Problem("span of a document that is not in the report's documents",
                                                doc_id=e["doc_id"], span_id=span))
                    continue
                if not 0 <= e["start"] < e["end"] <= len(text):
                    problems.append(Problem(f"offsets [{e['start']}, {e['end']}) are outside the text",
                                            doc_id=e["doc_id"], span_id=span))
                elif e.get("text") is not None and e["text"] != text[e["start"]:e["end"]]:
                    problems.append(Problem(f"span text {e['text']!r} is not text[{e['start']}:{e['end']}] = "
                                            f"{text[e['start']:e['end']]!r}: the texts are not the ones scored",
                                            doc_id=e["doc_id"], span_id=span))
    if problems:
        raise CorpusError(problems)


def _where(e: Mapping) -> str:
    return f"{e['label']} [{e['start']}, {e['end']})"


def gold_speaker(e: Mapping) -> str:
    if e.get("speaker") is None:
        return "none"
    return f"{e.get('speaker_name') or '?'} ({e['speaker']})"


def predicted_speaker(e: Mapping, text: str) -> str:
    """A predicted speaker as shown: its name, or the text at its offsets with the offsets."""
    speaker = e.get("speaker")
    if speaker is None:
        return "none"
    if isinstance(speaker, str):
        return speaker
    start, end = speaker
    return f"{text[start:end]} [{start}, {end})"


def speaker_verdict(correct: bool | None) -> str:
    return {True: "right", False: "wrong", None: "not scored (quote unmatched)"}[correct]


@dataclass
class DocLayer:
    """One layer's entries of one document, each with its matched partner (None when unmatched)."""

    gold: list[tuple[int, dict, dict | None]] = field(default_factory=list)  # (index in layer, entry, prediction)
    predicted: list[tuple[dict, dict | None]] = field(default_factory=list)  # (entry, gold entry)


def index_report(report: Mapping) -> dict[str, dict[str, DocLayer]]:
    """doc id -> layer name -> its entries and their partners, in one pass over the report
    (drawing then costs time in proportion to each document's own spans)."""
    index: dict[str, dict[str, DocLayer]] = {d: {name: DocLayer() for name in report["layers"]}
                                             for d in report["documents"]}
    for name, layer in report["layers"].items():
        by_index = {e["index"]: e for e in layer["predicted"]}
        gold_by_id = {(e["doc_id"], e["id"]): e for e in layer["gold"]}
        for i, e in enumerate(layer["gold"]):
            index[e["doc_id"]][name].gold.append((i, e, None if e["match"] is None else by_index[e["match"]]))
        for e in layer["predicted"]:
            partner = None if e["match"] is None else gold_by_id[(e["doc_id"], e["match"])]
            index[e["doc_id"]][name].predicted.append((e, partner))
    return index


def _tip(side: str, e: Mapping, partner: Mapping | None, quote: bool, text: str) -> str:
    """Tooltip text of an entry: label, offsets, outcome, its partner and, for quotes, the speakers."""
    gold, pred = (e, partner) if side == "gold" else (partner, e)
    head = f"gold {_where(e)} · span {e['id']}" if side == "gold" else f"predicted {_where(e)}"
    other = "predicted" if side == "gold" else "gold"
    if partner is None:
        seen = f"{other}: nothing"
    else:
        seen = f"{other}: {_where(partner)}" + (f" · span {partner['id']}" if side == "pred" else "")
    lines = [head, f"outcome: {OUTCOME_NAMES[display_outcome(e['outcomes'])]}", seen]
    if quote:
        speakers = []
        if gold is not None:
            speakers.append(f"gold speaker: {gold_speaker(gold)}")
        if pred is not None:
            speakers.append(f"predicted speaker: {predicted_speaker(pred, text)} · "
                            f"{speaker_verdict(pred.get('speaker_correct'))}")
        lines += speakers if side == "gold" else speakers[::-1]
    return "\n".join(lines)


def layer_marks(name: str, entries: DocLayer, text: str, prefix: str) -> list[Mark]:
    """Marks of one document in one layer; `prefix` keeps sids unique across columns."""
    quote = name == "quote"
    marks = []
    for i, e, p in entries.gold:
        marks.append(Mark(f"{prefix}{name[0]}g{i}", name, "gold", e["start"], e["end"], e["label"],
                          display_outcome(e["outcomes"]), (e["label"],) + ((p["label"],) if p else ()),
                          _tip("gold", e, p, quote, text)))
    for e, g in entries.predicted:
        marks.append(Mark(f"{prefix}{name[0]}p{e['index']}", name, "pred", e["start"], e["end"], e["label"],
                          display_outcome(e["outcomes"]), (e["label"],) + ((g["label"],) if g else ()),
                          _tip("pred", e, g, quote, text)))
    return marks


def document_marks(doc: Mapping[str, DocLayer], text: str, prefix: str = "") -> list[Mark]:
    """Every gold and predicted mark of a document (`index_report(...)[doc_id]`), lanes assigned."""
    return assign_lanes([m for name, entries in doc.items() for m in layer_marks(name, entries, text, prefix)])


def assign_lanes(marks: Iterable[Mark]) -> list[Mark]:
    """Give overlapping marks of the same track different lanes (greedy by start), capped at MAX_LANE."""
    out = []
    lane_end: dict[str, list[int]] = {t: [] for t in TRACKS}
    for m in sorted(marks, key=lambda m: (m.start, -m.end, m.sid)):
        ends = lane_end[m.track]
        lane = next((k for k, end in enumerate(ends) if end <= m.start), len(ends))
        if lane == len(ends):
            ends.append(m.end)
        else:
            ends[lane] = m.end
        out.append(Mark(**{**m.__dict__, "lane": min(lane, MAX_LANE)}))
    return out


def _open_tag(m: Mark, first: bool) -> str:
    classes = f"m t-{m.track} o-{m.outcome} lane{m.lane}" + ("" if first else " cont")
    attrs = (f' class="{classes}" data-sid="{m.sid}" data-layer="{m.layer}" data-side="{m.side}"'
             f' data-label="{escape(m.label)}" data-labels="{escape(" ".join(m.labels))}"'
             f' data-outcome="{m.outcome}" data-start="{m.start}" data-end="{m.end}"')
    if first:
        attrs += f' id="{m.sid}" tabindex="0" aria-describedby="tip" data-tip="{escape(m.tip)}"'
    return f"<span{attrs}>"


def layered_html(text: str, marks: Sequence[Mark]) -> str:
    """`text`, escaped, with every mark wrapped around the characters it covers (see module doc)."""
    rank = {t: i for i, t in enumerate(TRACKS)}
    order = sorted(marks, key=lambda m: (rank[m.track], m.start, -m.end, m.sid))
    position = {m.sid: i for i, m in enumerate(order)}
    starts: dict[int, list[Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    out: list[str] = []
    stack: list[Mark] = []
    active: dict[str, Mark] = {}
    opened: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        active = {sid: m for sid, m in active.items() if m.end > a}
        active.update((m.sid, m) for m in starts.get(a, ()))
        cover = sorted(active.values(), key=lambda m: position[m.sid])
        keep = 0
        while keep < min(len(stack), len(cover)) and stack[keep].sid == cover[keep].sid:
            keep += 1
        out.append("</span>" * (len(stack) - keep))
        for m in cover[keep:]:
            out.append(_open_tag(m, m.sid not in opened))
            opened.add(m.sid)
        stack = cover
        out.append(escape(text[a:b]))
    out.append("</span>" * len(stack))
    return "".join(out)
