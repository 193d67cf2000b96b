"""The compact data a report page embeds, from which its script draws each document on demand.

A page of 10,000 documents cannot hold every span as markup (the old page spent 350 bytes of
markup per span and took minutes to load), so the page holds one JSON blob: the documents'
texts and, per system, one flat integer array per document. Python builds it with STRIDE
numbers per span:

    kind      0 entity-gold, 1 entity-pred, 2 quote-gold, 3 quote-pred
    start     offset in code points (Python's, as in the report)
    end
    label     index into `labels`
    outcome   index into OUTCOMES (display outcome, with "speaker" for a right span, wrong speaker)
    partner   position (span number in this array) of the matched span, -1 when unmatched
    speaker   0 not a scored quote, 1 right speaker, 2 wrong speaker
    ref       gold: index into the document's `ids`; predicted: the prediction's index in its layer
    compare   0 both systems alike, 1 only A right, 2 only B right, 3 drawn differently, neither
              right (always 0 on a one-system page)

and the page gets it `encode`d, smaller: start as the difference to the previous span's start,
end as the length, no ref (gold refs count up in order, prediction indices are not shown), no
compare field on a one-system page. The script decodes a document when it draws it.

Everything shown as text is made safe here, once: names, ids, titles and labels get visible
markers for bidirectional and other control characters (`safe_name`), and document texts get
one visible placeholder code point per control character (`safe_text`), so offsets are kept.
The script only ever writes with `textContent`.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from .marks import DocLayer, display_outcome, gold_speaker, predicted_speaker

STRIDE = 9
OUTCOMES = ("correct", "missed", "spurious", "boundary", "label", "boundary-label", "speaker")

# Characters that reorder or hide text: the explicit bidi embeddings, overrides and isolates,
# the implicit marks, and the invisible format characters that can hide a difference.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_PLACEHOLDER = "\u21c4"  # ⇄, one code point in place of a bidi control inside a document text


# Control characters (Unicode category Cc) but newline and tab, and the bidi controls: one
# regular expression, since a page may hold millions of characters.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS))
CONTROL_IN_TEXT = re.compile(f"[{_CONTROLS}]")
CONTROL_IN_NAME = re.compile(f"[{_CONTROLS}\n\t]")

# The Control Pictures block (U+2400) is missing from common fonts, so: ↵ for CR, ∅ for NUL,
# the replacement character for any other control.
PICTURES = {"\r": "\u21b5", "\0": "\u2205"}


def _placeholder(match: re.Match) -> str:
    ch = match.group()
    return BIDI_PLACEHOLDER if ch in BIDI_CONTROLS else PICTURES.get(ch, "\ufffd")


def safe_text(text: str) -> str:
    """`text` with every control character but newline and tab replaced by one visible code point.

    The browser drops CR and NUL and lets bidi controls reorder what follows; a placeholder of
    the same length in code points keeps every offset where the report says it is."""
    return CONTROL_IN_TEXT.sub(_placeholder, text)


def safe_name(name: object) -> str:
    """A name, id, title, label or file name with controls shown as visible markers ("[U+202E]").

    Drawn inside <bdi>, so its own direction cannot leak into the text around it either."""
    return CONTROL_IN_NAME.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(name))


def doc_title(text: str) -> str:
    return safe_name(text.split("\n", 1)[0].strip() or "(untitled)")


def outcome_of(e: Mapping, speaker_right: bool | None) -> str:
    """Display outcome, where a quote with the right span but the wrong speaker is not correct."""
    o = display_outcome(e["outcomes"])
    return "speaker" if o == "correct" and speaker_right is False else o


def _speaker_code(right: bool | None) -> int:
    return {None: 0, True: 1, False: 2}[right]


def doc_spans(doc: Mapping[str, DocLayer], text: str, label_index: Mapping[str, int],
              ids: dict[str, int]) -> tuple[list[int], dict[str, str]]:
    """One system's flat span array of one document and its speaker strings (span number -> text).

    `ids` collects the document's gold span ids (shared by both systems of a compare page)."""
    rows: list[list[int]] = []
    speakers: dict[str, str] = {}
    for kind_base, name in ((0, "entity"), (2, "quote")):
        entries = doc.get(name)
        if entries is None:
            continue
        base = len(rows)
        gold_pos = {e["id"]: base + k for k, (_, e, _) in enumerate(entries.gold)}
        pred_base = base + len(entries.gold)
        pred_pos = {e["index"]: pred_base + k for k, (e, _) in enumerate(entries.predicted)}
        for _, e, p in entries.gold:
            right = p.get("speaker_correct") if p is not None and name == "quote" else None
            ref = ids.setdefault(e["id"], len(ids))
            rows.append([kind_base, e["start"], e["end"], label_index[e["label"]], OUTCOMES.index(outcome_of(e, right)),
                         -1 if p is None else pred_pos[p["index"]], _speaker_code(right), ref, 0])
            if name == "quote" and e.get("speaker") is not None:  # the page shows "none" for a missing one
                speakers[str(len(rows) - 1)] = safe_name(gold_speaker(e))
        for e, g in entries.predicted:
            right = e.get("speaker_correct") if g is not None and name == "quote" else None
            rows.append([kind_base + 1, e["start"], e["end"], label_index[e["label"]],
                         OUTCOMES.index(outcome_of(e, right)), -1 if g is None else gold_pos[g["id"]],
                         _speaker_code(right), int(e["index"]), 0])
            if name == "quote" and e.get("speaker") is not None:
                speakers[str(len(rows) - 1)] = safe_name(predicted_speaker(e, text))
    return [x for row in rows for x in row], speakers


def _units(flat: Sequence[int], ids_by_ref: Sequence[str]) -> dict[tuple, int]:
    """Per comparable unit of one system its outcome index: a gold span by id, a spurious
    prediction by place and label."""
    out = {}
    for i in range(0, len(flat), STRIDE):
        kind, start, end, label, outcome, partner = flat[i:i + 6]
        if kind % 2 == 0:
            out[("gold", ids_by_ref[flat[i + 7]])] = outcome
        elif partner < 0:
            out[("spurious", kind, start, end, label)] = outcome
    return out


SAME, ONLY_A_RIGHT, ONLY_B_RIGHT, BOTH_WRONG_DIFFERENTLY = 0, 1, 2, 3
CORRECT = OUTCOMES.index("correct")


def mark_differences(flat_a: list[int], flat_b: list[int], ids_by_ref: Sequence[str]) -> int:
    """Fill the compare field of both arrays and return how many spans the systems draw differently:
    gold spans with another outcome (1 only A right, 2 only B right, 3 neither right but drawn
    differently), spurious predictions only one system makes (the other is right there)."""
    units_a, units_b = _units(flat_a, ids_by_ref), _units(flat_b, ids_by_ref)

    def verdict(key) -> int:
        a, b = units_a.get(key, CORRECT), units_b.get(key, CORRECT)  # a spurious one not made is right
        if a == b:
            return SAME
        return ONLY_A_RIGHT if a == CORRECT else ONLY_B_RIGHT if b == CORRECT else BOTH_WRONG_DIFFERENTLY

    for flat in (flat_a, flat_b):
        for i in range(0, len(flat), STRIDE):
            kind, start, end, label, _, partner = flat[i:i + 6]
            if kind % 2 == 0:
                flat[i + 8] = verdict(("gold", ids_by_ref[flat[i + 7]]))
            elif partner < 0:
                flat[i + 8] = verdict(("spurious", kind, start, end, label))
        for i in range(0, len(flat), STRIDE):  # a matched prediction takes its gold partner's verdict
            if flat[i] % 2 == 1 and flat[i + 5] >= 0:
                flat[i + 8] = flat[flat[i + 5] * STRIDE + 8]
    return sum(1 for k in units_a.keys() | units_b.keys() if verdict(k) != SAME)


def errors_of(flat: Sequence[int]) -> int:
    """Error units of one system in one document: gold spans not correct, spurious predictions."""
    return sum(1 for i in range(0, len(flat), STRIDE)
               if (flat[i] % 2 == 0 and flat[i + 4] != 0) or (flat[i] % 2 == 1 and flat[i + 5] < 0))


ENCODED = (0, 1, 2, 3, 4, 5, 6)  # fields kept, in order (+ compare on a two-system page)


def encode(flat: Sequence[int], compare: bool) -> list[int]:
    """The page's form of a span array (see the module doc)."""
    out: list[int] = []
    previous = 0
    for i in range(0, len(flat), STRIDE):
        kind, start, end, label, outcome, partner, speaker = flat[i:i + 7]
        out += [kind, start - previous, end - start, label, outcome, partner, speaker]
        if compare:
            out.append(flat[i + 8])
        previous = start
    return out


def decode(encoded: Sequence[int], compare: bool) -> list[int]:
    """Back to STRIDE numbers per span (what report.js does when it draws a document)."""
    width = 8 if compare else 7
    out: list[int] = []
    start, gold_ref = 0, 0
    for i in range(0, len(encoded), width):
        kind, delta, length, label, outcome, partner, speaker = encoded[i:i + 7]
        start += delta
        ref = gold_ref if kind % 2 == 0 else -1
        gold_ref += kind % 2 == 0
        out += [kind, start, start + length, label, outcome, partner, speaker, ref, encoded[i + 7] if compare else 0]
    return out


def embed_json(data: object) -> str:
    """JSON for a <script type="application/json"> element: no "<" can end the element early."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
