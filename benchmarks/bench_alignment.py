"""How placing offset-free answers in the text decides the score: placement policy x answer shape.

Offset-free answers (`{"text": "Putin", "label": "PER"}`, what a language model returns) are
derived from the gold of the bundled corpus, so every string is right and any loss is the
placement's:

    mentions in order   every gold mention, in text order (a repeated name is listed each time)
    unique list         each distinct (text, label) once, in order of first mention
    shuffled            the mentions in order, shuffled (seed 0)
    noisy               the mentions in order with, per mention: 10% lowercased, 5% a character
                        deleted, 5% doubled spaces, 5% left out; plus one invented string per
                        20 mentions (a claim the text does not contain)

Policies: newsspans' `first`, `all` (the default) and `ordered`, each through `score()`; and two
re-implementations for comparison, placing the same strings with offsets before scoring:
"spacy-llm style" (spacy-llm's NER task: `find_substrings` finds every case-insensitive
occurrence of each distinct string, `doc.char_span(alignment_mode="contract")` keeps those on
token boundaries, here a whole-word check stands in for spaCy's tokenizer, then
`spacy.util.filter_spans` keeps the longest non-overlapping spans; strings it cannot find are
dropped, not counted; a second row counts them as spurious) and "no word boundary" (newsspans' `all` without the whole-word check,
so "Russia" matches inside "Russian"). The figure is the strict micro F1 of the entity layer;
a second table gives the strict F1 of the quote layer when quotes come back without their
quotation marks.

Run: python benchmarks/bench_alignment.py [--seed 0]
"""
from __future__ import annotations

import argparse
import random
import re

from newsspans.corpus.model import QUOTE_LABELS
from newsspans.evaluation import ScoreOptions, load_gold, score

INVENTED = ("Atlantis", "John Doe", "the Ministry of Silly Walks", "42 zillion", "Gotham City", "ACME Corp")
ENTITY = ("PER", "LOC", "ORG", "NUM")


def mentions(gold, labels) -> dict[str, list[dict]]:
    """Per document, every gold span of `labels` in text order as an offset-free answer."""
    out: dict[str, list[dict]] = {d.id: [] for d in gold.documents}
    for s in sorted(gold.spans, key=lambda s: (s.doc_id, s.start)):
        if s.label in labels:
            answer = {"text": s.text, "label": s.label}
            if s.num_kind:
                answer["num_kind"] = s.num_kind
            out[s.doc_id].append(answer)
    return out


def unique(answers: list[dict]) -> list[dict]:
    seen, out = set(), []
    for a in answers:
        if (a["text"], a["label"]) not in seen:
            seen.add((a["text"], a["label"]))
            out.append(a)
    return out


def shuffled(answers: list[dict], rng: random.Random) -> list[dict]:
    out = list(answers)
    rng.shuffle(out)
    return out


def noisy(answers: list[dict], rng: random.Random) -> list[dict]:
    out = []
    for a in answers:
        r, text = rng.random(), a["text"]
        if r < 0.05:
            continue
        if r < 0.15:
            text = text.lower()
        elif r < 0.20 and len(text) >= 5:
            k = rng.randrange(1, len(text) - 1)
            text = text[:k] + text[k + 1:]
        elif r < 0.25:
            text = text.replace(" ", "  ")
        out.append({**a, "text": text})
    for _ in range(max(1, len(answers) // 20)):
        out.insert(rng.randrange(len(out) + 1), {"text": rng.choice(INVENTED), "label": rng.choice(ENTITY)})
    return out


def strip_marks(answers: list[dict]) -> list[dict]:
    return [{**a, "text": a["text"].strip("\"'‘’“”«» ,.")} for a in answers]


def place_all(text: str, answers: list[dict], pattern) -> tuple[list[dict], int]:
    """Every occurrence of each distinct string, longest first, keeping spans that overlap none
    kept before (spacy.util.filter_spans' rule); strings found nowhere are dropped (and counted)."""
    found, unfound = [], 0
    for a in {(a["text"], a["label"]): a for a in answers}.values():
        hits = [(m.start(), m.end(), a) for m in pattern(a["text"]).finditer(text)]
        found += hits
        unfound += not hits
    kept, taken = [], []
    for s, e, a in sorted(found, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(e <= ts or te <= s for ts, te in taken):
            taken.append((s, e))
            kept.append({**a, "start": s, "end": e, "text": text[s:e]})
    return kept, unfound


def spacy_llm_pattern(needle: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)


def substring_pattern(needle: str) -> re.Pattern:
    return re.compile(re.escape(needle))


def f1(gold, predictions, layer: str, unfound: int = 0, **options) -> float:
    """Strict micro F1 of `layer`; `unfound` strings dropped before scoring are counted as spurious."""
    report = score(gold.documents, gold.spans, predictions, ScoreOptions(n_resamples=0, **options), gold_checked=True)
    micro = report.to_dict()["layers"][layer]["schemes"]["strict"]["micro"]
    return 100 * 2 * micro["correct"] / max(1, micro["possible"] + micro["actual"] + unfound)


def table(gold, layer: str, labels, shapes, seed: int) -> list[tuple[str, list[float]]]:
    texts = {d.id: d.text for d in gold.documents}
    base = mentions(gold, labels)
    answers = {name: {doc_id: make(a, random.Random(f"{seed}-{doc_id}")) for doc_id, a in base.items()}
               for name, make in shapes.items()}
    rows = []
    for policy in ("first", "all", "ordered"):
        rows.append((f"newsspans `{policy}`", [f1(gold, answers[s], layer, align=policy) for s in shapes]))
    for name, pattern, count in (
            ("spacy-llm style (case-insensitive, filter_spans), unfound strings dropped", spacy_llm_pattern, False),
            ("spacy-llm style, unfound strings counted as spurious", spacy_llm_pattern, True),
            ("every occurrence, longest first, no word boundary", substring_pattern, True)):
        values = []
        for s in shapes:
            placed = {d: place_all(texts[d], a, pattern) for d, a in answers[s].items()}
            unfound = sum(n for _, n in placed.values()) if count else 0
            values.append(f1(gold, {d: spans for d, (spans, _) in placed.items()}, layer, unfound))
        rows.append((name, values))
    return rows


def markdown(title: str, columns, rows) -> str:
    lines = [f"| {title} | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    lines += [f"| {name} | " + " | ".join(f"{x:.1f}" for x in values) + " |" for name, values in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    gold = load_gold()
    shapes = {"mentions in order": lambda a, rng: a, "unique list": lambda a, rng: unique(a),
              "shuffled": shuffled, "noisy": noisy}
    n = sum(s.label in ENTITY for s in gold.spans)
    print(f"Strict entity micro F1 (%) of perfect offset-free answers derived from the gold "
          f"({len(gold.documents)} documents, {n} entity mentions; seed {args.seed}):\n")
    print(markdown("placement", list(shapes), table(gold, "entity", ENTITY, shapes, args.seed)))
    quote_shapes = {"quotes with marks": lambda a, rng: a, "quotes without marks": lambda a, rng: strip_marks(a)}
    print(f"\nStrict quote micro F1 (%) ({sum(s.label in QUOTE_LABELS for s in gold.spans)} quotes):\n")
    print(markdown("placement", list(quote_shapes), table(gold, "quote", QUOTE_LABELS, quote_shapes, args.seed)))


if __name__ == "__main__":
    main()
