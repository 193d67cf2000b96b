"""The Label Studio labeling config: the XML file, and the tag names the import relies on.

The XML (`labeling_config.xml`) is the single source of the labels, colours and number kinds;
`load_config()` parses it and checks it still agrees with the corpus model, so an edit to the
XML that would break the round trip fails loudly instead of producing unreadable exports.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsspans.corpus.model import LABELS, NUM_KINDS

CONFIG_PATH = Path(__file__).resolve().parent / "labeling_config.xml"

# Tag names (`from_name` / `to_name` in Label Studio results) and the relation label.
TEXT_TAG = "text"
LABEL_TAG = "label"
NUM_KIND_TAG = "num_kind"
CANONICAL_TAG = "canonical"
SPEAKER_RELATION = "speaker"


@dataclass(frozen=True)
class LabelingConfig:
    """What the XML declares: label -> colour, the number kinds and the relation labels."""

    xml: str
    colours: dict[str, str]
    num_kinds: tuple[str, ...]
    relations: tuple[str, ...]


def parse_config(xml: str) -> LabelingConfig:
    """Read labels, colours, number kinds and relations out of a labeling config."""
    root = ET.fromstring(xml)
    by_name = {el.get("name"): el for el in root.iter() if el.get("name")}
    problems = []
    for name, tag in ((TEXT_TAG, "Text"), (LABEL_TAG, "Labels"), (NUM_KIND_TAG, "Choices"),
                      (CANONICAL_TAG, "TextArea")):
        if name not in by_name or by_name[name].tag != tag:
            problems.append(f"needs a <{tag} name=\"{name}\"> tag")
    if problems:
        raise ValueError("labeling config: " + "; ".join(problems))
    for name in (NUM_KIND_TAG, CANONICAL_TAG):
        if by_name[name].get("perRegion") != "true":
            problems.append(f"<{by_name[name].tag} name=\"{name}\"> must have perRegion=\"true\"")
    colours = {el.get("value"): el.get("background", "") for el in by_name[LABEL_TAG].iter("Label")}
    num_kinds = tuple(el.get("value") for el in by_name[NUM_KIND_TAG].iter("Choice"))
    relations = tuple(el.get("value") for el in root.iter("Relation"))
    if tuple(colours) != LABELS:
        problems.append(f"labels {tuple(colours)} differ from the corpus labels {LABELS}")
    if len(set(colours.values())) != len(colours) or not all(colours.values()):
        problems.append("every label needs its own background colour")
    if num_kinds != NUM_KINDS:
        problems.append(f"number kinds {num_kinds} differ from the corpus number kinds {NUM_KINDS}")
    if relations != (SPEAKER_RELATION,):
        problems.append(f"relations {relations} must be exactly ({SPEAKER_RELATION!r},)")
    if problems:
        raise ValueError("labeling config: " + "; ".join(problems))
    return LabelingConfig(xml=xml, colours=colours, num_kinds=num_kinds, relations=relations)


@lru_cache(maxsize=1)
def load_config(path: Path = CONFIG_PATH) -> LabelingConfig:
    """The bundled labeling config, checked against the corpus model."""
    return parse_config(Path(path).read_text(encoding="utf-8"))
