"""The dataset schema: one `datasets.Features` per config writes the Parquet data and the card."""
from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from .model import LABELS, NUM_KINDS

SPAN_FEATURE = {
    "id": Value("string"),
    "start": Value("int32"),
    "end": Value("int32"),
    "label": ClassLabel(names=list(LABELS)),
    "text": Value("string"),
    "canonical": Value("string"),
    "num_kind": ClassLabel(names=list(NUM_KINDS)),  # null on spans other than NUM
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
    """IOB2 tag names: O, then B-/I- per label, in the order given."""
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


# conll2003's ids for the labels it shares with us (O 0, B-PER 1, I-PER 2, B-ORG 3, I-ORG 4,
# B-LOC 5, I-LOC 6), so an integer from a conll2003 model means the same tag here; NUM, which
# conll2003 lacks, comes after them (7, 8 are B-MISC, I-MISC there: map MISC out by name).
NER_TAG_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "NUM")
NER_TAGS = iob2_names(NER_TAG_LABELS)
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
