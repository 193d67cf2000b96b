"""What the HTML report draws of a report's spans: display outcomes, matched partners, speakers.

A report's span entries get a display outcome (correct, missed, spurious, boundary, label,
boundary-label, and speaker for a quote with the right span and the wrong speaker) derived from
the scheme outcomes; `index_report` pairs each entry with its matched partner per document.
The drawing itself (marks on four tracks: quote lines above the text, entity lines below it,
gold nearer the text; crossing spans cut into pieces) is done in the page by report.js.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsspans.corpus.errors import CorpusError, Problem

OUTCOME_NAMES: dict[str, str] = {
    "correct": "correct",
    "missed": "missed (gold, not predicted)",
    "spurious": "spurious (predicted, not in gold)",
    "boundary": "wrong boundary, right label",
    "label": "right boundary, wrong label",
    "boundary-label": "wrong boundary and label",
    "speaker": "right quote, wrong speaker",
}
KNOWN_OUTCOMES: frozenset[str] = frozenset({"correct", "incorrect", "partial", "missed", "spurious"})
LAYER_NAMES: tuple[str, ...] = ("entity", "quote")


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
                if e["start"] is None and e.get("alignment") in ("unaligned", "merged"):
                    continue  # an offset-free prediction placed nowhere: listed, not drawn
                if not 0 <= e["start"] < e["end"] <= len(text):
                    problems.append(Problem(f"offsets [{e['start']}, {e['end']}) are outside the text",
                                            doc_id=e["doc_id"], span_id=span))
                elif e.get("text") is not None and e["text"] != text[e["start"]:e["end"]]:
                    problems.append(Problem(f"span text {e['text']!r} is not text[{e['start']}:{e['end']}] = "
                                            f"{text[e['start']:e['end']]!r}: the texts are not the ones scored",
                                            doc_id=e["doc_id"], span_id=span))
    if problems:
        raise CorpusError(problems)


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
            if e["start"] is None:
                continue  # an unaligned offset-free prediction: no place to draw; the alignment section lists it
            partner = None if e["match"] is None else gold_by_id[(e["doc_id"], e["match"])]
            index[e["doc_id"]][name].predicted.append((e, partner))
    return index
