"""The dataset card (corpus/README.md): YAML metadata generated from the schema, plus prose."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from .model import LABELS, NUM_KINDS, Document, Span
from .schema import CONFIG_FEATURES, DEFAULT_CONFIG, SPLIT

GUIDELINES_URL = "../annotation/GUIDELINES.md"


def data_path(config: str) -> str:
    return f"{config}/{SPLIT}-00000-of-00001.parquet"


def card_metadata(sizes: dict[str, tuple[int, int]]) -> str:
    """YAML front matter; `sizes` maps config -> (num_bytes, num_examples)."""
    configs = [{"config_name": name, "data_files": [{"split": SPLIT, "path": data_path(name)}],
                **({"default": True} if name == DEFAULT_CONFIG else {})} for name in CONFIG_FEATURES]
    card = DatasetCardData(language=["en"], license="other", pretty_name="newsspans",
                           task_categories=["token-classification"], configs=configs)
    infos = {}
    for name, features in CONFIG_FEATURES.items():
        splits = SplitDict()
        num_bytes, num_examples = sizes[name]
        splits.add(SplitInfo(name=SPLIT, num_bytes=num_bytes, num_examples=num_examples))
        infos[name] = DatasetInfo(features=features, splits=splits, config_name=name)
    DatasetInfosDict(infos).to_dataset_card_data(card)
    return card.to_yaml()


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _example_row(doc_row: dict) -> str:
    row = dict(doc_row)
    row["text"] = row["text"][:120] + "…"
    row["segments"] = row["segments"][:2]
    row["spans"] = row["spans"][:3]
    return json.dumps(row, ensure_ascii=False, indent=2)


def render_card(documents: Sequence[Document], spans: Sequence[Span], doc_rows: Sequence[dict],
                sizes: dict[str, tuple[int, int]]) -> str:
    per_label = Counter(s.label for s in spans)
    per_doc = Counter((s.doc_id, s.label) for s in spans)
    kinds = Counter(s.num_kind for s in spans if s.label == "NUM")
    outlets = Counter(d.outlet or "(unknown: the page's main article)" for d in documents)
    doc_table = _table(["document", "outlet", "agency", "characters", *LABELS, "total"], [
        [d.id, d.outlet or "–", d.agency or "–", len(d.text), *(per_doc[d.id, lab] for lab in LABELS),
         sum(per_doc[d.id, lab] for lab in LABELS)] for d in documents])
    label_table = _table(["label", "spans"], [[lab, per_label[lab]] for lab in LABELS] + [["total", len(spans)]])
    kind_table = _table(["num_kind", "spans"], [[k, kinds[k]] for k in NUM_KINDS])
    sources = sorted({d.source for d in documents})
    n_sentences = sizes["tokens"][1]
    return f"""---
{card_metadata(sizes).rstrip()}
---

# newsspans

An evaluation corpus of English news articles with gold character-offset spans for people
(PER), places (LOC), organizations (ORG), numbers (NUM, with their kind) and direct quotes
(QUOTE, each linked to its speaker). It is built by `newsspans corpus build` from the raw
sources in `sources/` and the gold standoff file `annotations.jsonl`; do not edit the Parquet
files or this card by hand.

## Sources

{len(documents)} documents from {len(sources)} scraped web page(s) ({", ".join(sources)}): the page's
main article and the related articles printed below it. Page chrome (navigation, comments,
"Related Articles", outlet and time lines) is dropped; document text is the title, a blank line
and the body, copied verbatim (scrape quirks such as a missing space after a full stop are kept).
Every document records in `segments` the source line and column of each copied run.

Outlets: {", ".join(f"{o} ({n})" for o, n in sorted(outlets.items()))}.

{doc_table}

## Labels

Annotated according to the [annotation guidelines]({GUIDELINES_URL}). Two layers: entities
(PER, LOC, ORG, NUM) never overlap each other; QUOTE spans never overlap each other but contain
entity spans. PER/LOC/ORG spans carry `canonical` (the fullest name of the entity in the
document), NUM spans carry `num_kind`, QUOTE spans carry `speaker` (the `id` of a PER or ORG
span of the same document, or null when the document never names the speaker).

{label_table}

{kind_table}

## Configs and schema

All documents are in one `{SPLIT}` split: this is an evaluation corpus, too small to train on.

- `documents` (default): one row per document, with `spans` as a list. Offsets are Python
  string (code point) indices into `text`, end exclusive: `text[start:end] == span["text"]`.
- `tokens`: one row per sentence ({n_sentences} rows), in the shape of `conll2003`: `tokens`,
  their character offsets in the document (`token_starts`, `token_ends`), `ner_tags` (IOB2
  over PER/LOC/ORG/NUM) and `quote_tags` (IOB2 over QUOTE). Tokens are numbers with
  separators, runs of word characters, a possessive `'s`, or single other characters; a new
  sentence starts after a line break or after `.`, `!`, `?`, `…` (and any closing quotation
  marks or brackets) followed by a space, except inside an annotated span, so no span is cut.

Example row of `documents` (text and lists shortened):

```json
{_example_row(doc_rows[0]) if doc_rows else "{}"}
```

## Loading

```python
from datasets import load_dataset
docs = load_dataset("path/to/newsspans/corpus", split="{SPLIT}")            # documents
tokens = load_dataset("path/to/newsspans/corpus", "tokens", split="{SPLIT}")
label_names = docs.features["spans"].feature["label"].names

# or, from the installed package:
from newsspans.corpus import load
dataset_dict = load("documents")
```

## Licence

The annotations, guidelines and code are released under the MIT licence. The article texts
belong to their publishers (Qatar Tribune, Al Jazeera, the DPA agency and the unnamed outlet of
the main article); they are included verbatim, as scraped from a public web page, only so that
extractors can be evaluated against the annotations. No licence to the text is granted: do not
redistribute the text for other purposes, and remove it on the rights holders' request.
"""
