"""A generated gold corpus and predictions of a controlled quality, for merge tests and the scale
benchmarks (benchmarks/ put this folder on sys.path).

Each document is about `chars` characters of filler words with entities (PER, LOC, ORG, NUM)
and quotes whose speaker is a PER mention: about 31 gold spans per 2,000 characters. Predictions
keep about 85% of gold spans exactly; the rest are dropped, mistyped, shortened by one character,
or joined by a spurious span; a quote's predicted speaker is the right mention 90% of the time.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

WORDS = ("the", "council", "said", "on", "report", "market", "after", "talks", "with", "a", "new", "plan",
         "for", "city", "week", "rose", "fell", "budget", "their", "was", "by", "in", "of", "and")
NAMES = {"PER": ("Anna Berg", "Olaf Scholz", "Marie Curie", "Jon Snow", "Lena Meyer"),
         "LOC": ("Paris", "Berlin", "Lagos", "Lima", "Oslo"),
         "ORG": ("the UN", "Siemens", "FIFA", "Reuters", "NATO"),
         "NUM": ("5%", "12 million", "Monday", "2024", "three")}
KINDS = {"5%": "percent", "12 million": "cardinal", "Monday": "date", "2024": "date", "three": "cardinal"}
LABELS = tuple(NAMES)


def document(rng: random.Random, doc_id: str, chars: int = 2000) -> tuple[dict, dict]:
    """One gold record {id, text, spans} and its predictions record {id, spans}."""
    parts: list[str] = []
    spans: list[dict] = []
    pos = 0

    def add(piece: str, label: str | None = None, **extra) -> dict | None:
        nonlocal pos
        if parts:
            parts.append(" ")
            pos += 1
        parts.append(piece)
        span = None
        if label:
            span = {"id": f"T{len(spans) + 1}", "start": pos, "end": pos + len(piece), "label": label, **extra}
            spans.append(span)
        pos += len(piece)
        return span

    while pos < chars:
        r = rng.random()
        if r < 0.012:  # a quote: "words," said PER
            start = pos + (1 if parts else 0)
            add('"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))) + '"')
            quote = {"id": f"T{len(spans) + 1}", "start": start, "end": pos, "label": "QUOTE"}
            spans.append(quote)
            add("said")
            speaker = add(rng.choice(NAMES["PER"]), "PER")
            quote["speaker"] = speaker["id"]
        elif r < 0.078:
            label = rng.choice(LABELS)
            name = rng.choice(NAMES[label])
            add(name, label, **({"num_kind": KINDS[name]} if label == "NUM" else {}))
        else:
            add(rng.choice(WORDS))
    text = "".join(parts)
    return {"id": doc_id, "text": text, "spans": spans}, {"id": doc_id, "spans": predict(rng, text, spans)}


def predict(rng: random.Random, text: str, spans: list[dict]) -> list[dict]:
    by_id = {s["id"]: s for s in spans}
    out = []
    for s in spans:
        r = rng.random()
        start, end, label = s["start"], s["end"], s["label"]
        if r < 0.04:
            continue  # missed
        if r < 0.08 and label != "QUOTE":
            label = rng.choice([x for x in LABELS if x != label])  # mistyped
        elif r < 0.12 and end - start > 1:
            end -= 1  # boundary error
        p = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if s.get("speaker"):
            mention = by_id[s["speaker"]]
            p["speaker"] = {"start": mention["start"], "end": mention["end"]} if rng.random() < 0.9 else "Nobody"
        out.append(p)
        if rng.random() < 0.03 and label != "QUOTE" and s["label"] != "QUOTE":
            out.append({"start": s["start"], "end": s["end"], "label": label, "text": text[s["start"]:s["end"]]})
    return out


def records(n_docs: int, seed: int = 0, chars: int = 2000) -> Iterator[tuple[dict, dict]]:
    rng = random.Random(seed)
    for i in range(n_docs):
        yield document(rng, f"doc{i:07d}", chars)


def write_corpus(folder: Path, n_docs: int, seed: int = 0, chars: int = 2000,
                 fields: bool = False) -> tuple[Path, Path]:
    """Write gold.jsonl and predictions.jsonl into `folder`; returns their paths. `fields`: give
    every document an `outlet` (one of three) and the last quarter a field of the user's own, `desk`
    (so the first shards of a split have no document with it)."""
    folder.mkdir(parents=True, exist_ok=True)
    gold, preds = folder / "gold.jsonl", folder / "predictions.jsonl"
    with open(gold, "w", encoding="utf-8") as g, open(preds, "w", encoding="utf-8") as p:
        for i, (gold_record, pred_record) in enumerate(records(n_docs, seed, chars)):
            if fields:
                gold_record["outlet"] = f"outlet {i % 3}"
                if i >= n_docs * 3 // 4:
                    gold_record["desk"] = "sport" if i % 2 else "politics"
            g.write(json.dumps(gold_record, ensure_ascii=False) + "\n")
            p.write(json.dumps(pred_record, ensure_ascii=False) + "\n")
    return gold, preds
