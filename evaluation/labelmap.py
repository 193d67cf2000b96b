"""Map an extractor's own labels (PERSON, GPE, ...) to newsspans labels before scoring.

A prediction whose label is neither a newsspans label nor mapped is an error, unless its label
is ignored (`--ignore-label X`, or a preset's list of labels with no counterpart) or
`--drop-unknown` drops every unmapped label; dropped predictions are counted per label, and the
report shows the counts, so nothing disappears silently.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import LABELS, NUM_KINDS

from .predictions import Prediction, PredictionSet


@dataclass(frozen=True)
class Preset:
    """A named label set: label -> (newsspans label, num_kind or None), and labels to ignore."""

    mapping: Mapping[str, tuple[str, str | None]]
    ignore: frozenset[str] = frozenset()


# spaCy's English models use the OntoNotes 5 label set. NORP (nationalities, religious and
# political groups), EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT and TIME (clock times) have no
# newsspans counterpart and are ignored; FAC (buildings, airports, roads) counts as a location.
_ONTONOTES = Preset(
    mapping={
        "PERSON": ("PER", None), "GPE": ("LOC", None), "LOC": ("LOC", None), "FAC": ("LOC", None),
        "ORG": ("ORG", None), "CARDINAL": ("NUM", "cardinal"), "ORDINAL": ("NUM", "ordinal"),
        "PERCENT": ("NUM", "percent"), "MONEY": ("NUM", "money"), "QUANTITY": ("NUM", "quantity"),
        "DATE": ("NUM", "date"),
    },
    ignore=frozenset({"NORP", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT", "TIME"}),
)
# CoNLL-2003: MISC (nationalities, events, titles) has no counterpart.
_CONLL = Preset(mapping={"PER": ("PER", None), "LOC": ("LOC", None), "ORG": ("ORG", None)},
                ignore=frozenset({"MISC"}))
PRESETS: dict[str, Preset] = {"spacy": _ONTONOTES, "ontonotes": _ONTONOTES, "conll": _CONLL}


@dataclass(frozen=True)
class LabelMap:
    """How to turn foreign labels into newsspans labels; newsspans labels map to themselves."""

    mapping: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    drop_unknown: bool = False

    def target(self, label: str) -> tuple[str, str | None] | None:
        """(newsspans label, num_kind) for `label`, or None when it is not mapped."""
        if label in self.mapping:
            return self.mapping[label]
        return (label, None) if label in LABELS else None

    def keeps(self, label: str) -> bool:
        """Whether a prediction labelled `label` passes `apply_label_map` unchanged."""
        target = None if label in self.ignore else self.target(label)
        return target is not None and target[0] == label


def parse_label_map(spec: str | None, ignore: Iterable[str] = (), drop_unknown: bool = False) -> LabelMap:
    """Parse `--label-map`: comma-separated preset names and FOREIGN=LABEL pairs.

    `spacy,WORK_OF_ART=ORG` starts from the spaCy preset and adds one pair; a pair overrides a
    preset (`spacy,GPE=ORG`). A pair may give a NUM kind: `MONEY=NUM:money`. The same label given
    two different targets by pairs (`PERSON=PER,PERSON=LOC`) is an error: which one was meant?
    """
    mapping: dict[str, tuple[str, str | None]] = {}
    paired: dict[str, str] = {}  # label -> the pair that mapped it, for conflicts between pairs
    ignored: set[str] = set()
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            preset = PRESETS.get(item.lower())
            if preset is None:
                raise CorpusError(Problem(f"--label-map: {item!r} is neither a preset ({', '.join(PRESETS)}) "
                                          "nor a FOREIGN=LABEL pair"))
            mapping.update(preset.mapping)
            ignored |= preset.ignore
            continue
        source, target = (part.strip() for part in item.split("=", 1))
        label, _, num_kind = target.partition(":")
        if not source or label not in LABELS:
            raise CorpusError(Problem(f"--label-map: {item!r} must map a label to one of {', '.join(LABELS)}"))
        if num_kind and (label != "NUM" or num_kind not in NUM_KINDS):
            raise CorpusError(Problem(f"--label-map: {item!r}: a number kind goes with NUM and is one of "
                                      f"{', '.join(NUM_KINDS)}"))
        _check_conflict(paired, source, item, (label, num_kind or None), mapping)
        mapping[source] = (label, num_kind or None)
        paired[source] = item
        ignored.discard(source)
    return LabelMap(mapping, frozenset(ignored | set(ignore)), drop_unknown)


def _check_conflict(paired: dict[str, str], source: str, item: str, target: tuple[str, str | None],
                    mapping: dict[str, tuple[str, str | None]]) -> None:
    if source in paired and mapping[source] != target:
        raise CorpusError(Problem(f"--label-map maps {source} twice, to different labels: {paired[source]!r} and "
                                  f"{item!r}; keep one"))


def apply_label_map(predictions: Mapping[str, Iterable[Prediction]],
                    label_map: LabelMap) -> tuple[dict[str, list[Prediction]], dict[str, int]]:
    """Relabel predictions; returns them and the count of dropped predictions per original label.

    Raises CorpusError naming each prediction with an unmapped label that is not dropped.
    """
    out = PredictionSet(file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", None))
    # The common case, every label kept as it is (newsspans labels, no map): one pass over the labels.
    if all(isinstance(preds, (list, tuple)) for preds in predictions.values()) and \
            all(label_map.keeps(label) for label in {p.label for preds in predictions.values() for p in preds}):
        out.update((doc_id, list(preds)) for doc_id, preds in predictions.items())
        return out, {}
    dropped: Counter[str] = Counter()
    problems = []
    for doc_id, preds in predictions.items():
        kept = []
        for i, p in enumerate(preds):
            # An ignored label is dropped even when it is mapped or a newsspans label (--ignore-label QUOTE).
            target = None if p.label in label_map.ignore else label_map.target(p.label)
            if target is None:
                if p.label in label_map.ignore or label_map.drop_unknown:
                    dropped[p.label] += 1
                else:
                    problems.append(Problem(
                        f"unknown label {p.label!r}: map it with --label-map {p.label}=LABEL (or a preset: "
                        f"{', '.join(PRESETS)}), or drop it with --ignore-label {p.label} or --drop-unknown",
                        file=p.file, line=p.line, doc_id=doc_id, span_id=f"prediction {i}"))
                continue
            label, num_kind = target
            kept.append(p if label == p.label else replace(p, label=label, num_kind=p.num_kind or num_kind))
        out[doc_id] = kept
    if problems:
        raise CorpusError(problems)
    return out, dict(sorted(dropped.items()))
