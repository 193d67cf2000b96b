"""Document-level entity sets: did the extractor find who and what each article is about?

Per document, the gold holds a set of entities, one per (label, canonical name) of its PER, LOC
and ORG spans (a span without `canonical` is an entity of its own normalized text). The
predictions name a set too:

- predictions are grouped into predicted entities by (label, their own `canonical`) when they
  carry one, else by (label, normalized text);
- a predicted entity *names* a gold entity of the same label when its canonical name or the
  text of any of its mentions equals, after `normalize_name`, the gold entity's canonical name
  or the text of any of its mentions;
- the predicted set is every gold entity some predicted entity names, plus one entry for each
  predicted entity that names none (a spurious entity).

So "Obama" and "Barack Obama" predicted without a canonical name both name the gold entity
"Barack Obama" and count once, as neleval's document-level `entity_match` counts a set of ids.
Offsets are never used, only texts: the score serves predictions without offsets as well.
NUM spans have no canonical name and are not entities here.

Counts per document and label: (named gold entities, gold entities, predicted entities), so
precision = named / predicted, recall = named / gold, and documents add up.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newsspans.corpus.model import CANONICAL_LABELS, ENTITY_LABELS, Document, Span

from ..predictions import Prediction
from .intervals import interval_at
from .metrics import safe_div, set_prf

# The labels that carry canonical names, in the order of the entity layer.
ENTITY_SET_LABELS: tuple[str, ...] = tuple(label for label in ENTITY_LABELS if label in CANONICAL_LABELS)

_LEADING_THE = re.compile(r"^the\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")


@lru_cache(maxsize=1 << 16)  # names repeat across mentions, documents and sections
def normalize_name(text: str) -> str:
    """A name as compared: case-folded, runs of whitespace as one space, a leading "the" and a
    trailing possessive ('s, ’s, or the apostrophe of "Reuters'") removed.

    "The  Bundesbank's" -> "bundesbank"; "Reuters'" -> "reuters".
    """
    name = " ".join(text.split()).casefold()
    name = _LEADING_THE.sub("", name)
    if _POSSESSIVE.search(name):
        name = name[:-1] if name.endswith(("'", "’")) else name[:-2]
    return name.strip()


def mention_text(p: Prediction, text: str) -> str:
    """A prediction's text: its own, else the document's characters at its offsets."""
    return p.text if p.text is not None else text[p.start:p.end]


Key = tuple[str, str]  # (label, normalized canonical name or text)

# One document's keys packed in one string: far less memory than lists of pairs over a large
# corpus, and a partial saves them as JSON strings. A normalized name holds no \x1e or \x1f:
# `str.split()` counts them as whitespace.
_KEY, _PAIR = "\x1e", "\x1f"


def pack_keys(keys: Iterable[Key]) -> str:
    return _KEY.join(f"{label}{_PAIR}{name}" for label, name in keys)


def unpack_keys(packed: str | list) -> list[Key]:
    """The keys of `pack_keys` (or, from a partial written before packing, [label, name] pairs)."""
    if not isinstance(packed, str):
        return [tuple(pair) for pair in packed]
    return [tuple(item.split(_PAIR, 1)) for item in packed.split(_KEY)] if packed else []


def gold_entities(spans: Iterable[Span]) -> dict[Key, set[str]]:
    """Gold entities of one document: key -> every normalized name they go by."""
    out: dict[Key, set[str]] = defaultdict(set)
    for s in spans:
        if s.label in ENTITY_SET_LABELS:
            key = (s.label, normalize_name(s.canonical or s.text))
            out[key].update({key[1], normalize_name(s.text)})
    return dict(out)


def predicted_entities(preds: Iterable[Prediction], text: str) -> dict[Key, set[str]]:
    """Predicted entities of one document, grouped by canonical name or normalized text."""
    out: dict[Key, set[str]] = defaultdict(set)
    for p in preds:
        if p.label in ENTITY_SET_LABELS:
            own = normalize_name(mention_text(p, text))
            key = (p.label, normalize_name(p.canonical) if p.canonical else own)
            out[key].update({key[1], own})
    return dict(out)


def name_entities(gold: Mapping[Key, set[str]], predicted: Mapping[Key, set[str]]) -> tuple[set[Key], set[Key]]:
    """(gold entities named by some prediction, predicted entities that name none)."""
    by_name: dict[tuple[str, str], set[Key]] = defaultdict(set)
    for key, names in gold.items():
        for name in names:
            by_name[(key[0], name)].add(key)
    found: set[Key] = set()
    spurious: set[Key] = set()
    for key, names in predicted.items():
        named = set().union(*(by_name.get((key[0], n), set()) for n in names))
        found |= named
        if not named:
            spurious.add(key)
    return found, spurious


@dataclass
class EntitySets:
    """Per-document entity-set counts and what was found, for the report's `entities` section."""

    labels: tuple[str, ...]
    counts: np.ndarray  # (n_docs, n_labels, 3): named, gold, predicted
    # Per document, packed (`pack_keys`), sorted: gold entities named, gold entities not named,
    # predicted entities naming no gold entity.
    found: list[str]
    missed: list[str]
    spurious: list[str]
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def count_entity_sets(documents: Sequence[Document], gold: Mapping[str, Sequence[Span]],
                      predictions: Mapping[str, Sequence[Prediction]]) -> EntitySets:
    """Entity-set counts of every document (gold and predictions by document id)."""
    labels = ENTITY_SET_LABELS
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(documents), len(labels), 3), np.int64)
    found_all, missed_all, spurious_all = [], [], []
    for d, doc in enumerate(documents):
        g = gold_entities(gold.get(doc.id, ()))
        p = predicted_entities(predictions.get(doc.id, ()), doc.text)
        found, spurious = name_entities(g, p)
        for key in found:
            counts[d, index[key[0]], 0] += 1
        for key in g:
            counts[d, index[key[0]], 1] += 1
        for key in found | spurious:
            counts[d, index[key[0]], 2] += 1
        found_all.append(pack_keys(sorted(found)))
        missed_all.append(pack_keys(sorted(set(g) - found)))
        spurious_all.append(pack_keys(sorted(spurious)))
    return EntitySets(labels, counts, found_all, missed_all, spurious_all)


def entity_set_scores(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per-label and micro/macro precision, recall, F1 from summed counts (..., n_labels, 3).

    Macro averages the labels with gold entities, like the span scores' macro.
    """
    p, r, f = set_prf(counts)
    out = {"label_precision": p, "label_recall": r, "label_f1": f}
    mp, mr, mf = set_prf(counts.sum(axis=-2))
    out.update(micro_precision=mp, micro_recall=mr, micro_f1=mf)
    present = (counts[..., 1] > 0).astype(float)
    for name, values in (("precision", p), ("recall", r), ("f1", f)):
        out[f"macro_{name}"] = safe_div((values * present).sum(axis=-1), present.sum(axis=-1))
    return out


def entity_sets_dict(result: EntitySets, documents: Sequence[str], per_document: bool = True) -> dict:
    """The report's `entities` section (see docs/report-schema.md); `per_document=False` leaves out
    what each document's entities are (a terminal table shows the totals only)."""
    totals = result.counts.sum(axis=0)
    scores = entity_set_scores(totals)

    def block(c: np.ndarray, p: float, r: float, f: float, key: str, index: tuple) -> dict:
        return {"named": int(c[0]), "gold": int(c[1]), "predicted": int(c[2]), "precision": float(p),
                "recall": float(r), "f1": float(f), "f1_ci": interval_at(result.intervals, key, index)}

    labels = {label: block(totals[i], scores["label_precision"][i], scores["label_recall"][i],
                           scores["label_f1"][i], "label_f1", (i,)) for i, label in enumerate(result.labels)}
    micro = block(totals.sum(axis=0), scores["micro_precision"], scores["micro_recall"], scores["micro_f1"],
                  "micro_f1", ())
    macro = {m: float(scores[f"macro_{m}"]) for m in ("precision", "recall", "f1")}
    macro["f1_ci"] = interval_at(result.intervals, "macro_f1", ())

    def names(packed: str) -> list[dict]:
        return [{"label": label, "name": name} for label, name in unpack_keys(packed)]

    out = {"labels": labels, "micro": micro, "macro": macro}
    if per_document:
        out["documents"] = {doc_id: {"found": names(result.found[d]), "missed": names(result.missed[d]),
                                     "spurious": names(result.spurious[d])} for d, doc_id in enumerate(documents)}
    return out
