"""The dataset schema: one `datasets.Features` per config writes the Parquet data and the card."""
from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from .model import ENTITY_LABELS, LABELS

SPAN_FEATURE = {
    "id": Value("string"),
    "start": Value("int32"),
    "end": Value("int32"),
    "label": ClassLabel(names=list(LABELS)),
    "text": Value("string"),
    "canonical": Value("string"),
    "num_kind": Value("string"),
    "speaker": Value("string"),
}

DOCUMENT_FEATURES = Features({
    "id": Value("string"),
    "title": Value("string"),
    "outlet": Value("string"),
    "agency": Value("string"),
    "dateline": Value("string"),
    "published": Value("string"),
    "text": Value("string"),
    "source": Value("string"),
    "segments": List({
        "start": Value("int32"),
        "end": Value("int32"),
        "line": Value("int32"),
        "column": Value("int32"),
        "field": Value("string"),
    }),
    "spans": List(SPAN_FEATURE),
})


def iob2_names(labels: tuple[str, ...]) -> list[str]:
    """IOB2 tag names in conll2003 order: O, then B-/I- per label."""
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


NER_TAGS = iob2_names(ENTITY_LABELS)
QUOTE_TAGS = iob2_names(("QUOTE",))

TOKEN_FEATURES = Features({
    "id": Value("string"),
    "doc_id": Value("string"),
    "sentence": Value("int32"),
    "tokens": List(Value("string")),
    "token_starts": List(Value("int32")),
    "token_ends": List(Value("int32")),
    "ner_tags": List(ClassLabel(names=NER_TAGS)),
    "quote_tags": List(ClassLabel(names=QUOTE_TAGS)),
})

CONFIG_FEATURES = {"documents": DOCUMENT_FEATURES, "tokens": TOKEN_FEATURES}
DEFAULT_CONFIG = "documents"
SPLIT = "test"
