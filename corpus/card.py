"""The dataset card (README.md): YAML metadata generated from the schema, plus prose.

The same card is written into the repository's `corpus/` folder by `newsspans corpus build` and
into a publish folder by `newsspans corpus publish`; only its relative links differ (`CardLinks`).
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from .model import LABELS, NUM_KINDS, Document, Span
from .schema import CONFIG_FEATURES, DEFAULT_CONFIG, NER_TAGS, SPLIT

PRETTY_NAME = "newsspans: gold spans for people, places, organizations, numbers and quotes in English news"
LICENSE_FILE = "LICENSE.md"  # corpus/LICENSE.md, beside the card in both folders
LICENSE_NAME = "mit-annotations-third-party-news-text"
CURATORS = "the newsspans contributors"
DESCRIPTION = (
    "An evaluation corpus of English news articles with gold character-offset spans for people (PER), "
    "places (LOC), organizations (ORG), numbers (NUM, with their kind) and direct quotes (QUOTE, each linked "
    "to its speaker), in a `documents` config (one row per article, spans as standoff offsets) and a "
    "conll2003-shaped `tokens` config (one row per sentence, IOB2 tags). For evaluating extractors, not for "
    "training.")
CITATION = """@misc{newsspans,
  title        = {newsspans: gold spans for people, places, organizations, numbers and quotes in English news},
  author       = {{the newsspans contributors}},
  year         = {2026},
  howpublished = {Dataset built and published with the newsspans toolkit},
  note         = {Annotations MIT; article texts belong to their publishers}
}"""


@dataclass(frozen=True)
class CardLinks:
    """Relative links of the card: to the guidelines, which live elsewhere in the repository."""

    guidelines: str


REPOSITORY_LINKS = CardLinks(guidelines="../annotation/GUIDELINES.md")
PUBLISHED_LINKS = CardLinks(guidelines="GUIDELINES.md")


def data_path(config: str) -> str:
    return f"{config}/{SPLIT}-00000-of-00001.parquet"


def dataset_info(config: str, num_bytes: int | None = None, num_examples: int | None = None) -> DatasetInfo:
    """The `DatasetInfo` of one config: features, description, citation, licence and (if given) its split."""
    splits = None
    if num_examples is not None:
        splits = SplitDict()
        splits.add(SplitInfo(name=SPLIT, num_bytes=num_bytes or 0, num_examples=num_examples))
    return DatasetInfo(description=DESCRIPTION, citation=CITATION, license="other", features=CONFIG_FEATURES[config],
                       splits=splits, config_name=config)


def size_category(n: int) -> str:
    """The Hub's size bucket for `n` examples (the largest config counts)."""
    names = ("n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B")
    for power, name in enumerate(names, start=3):
        if n < 10 ** power:
            return name
    return "other"


def card_metadata(sizes: dict[str, tuple[int, int]]) -> str:
    """YAML front matter; `sizes` maps config -> (num_bytes, num_examples)."""
    configs = [{"config_name": name, "data_files": [{"split": SPLIT, "path": data_path(name)}],
                **({"default": True} if name == DEFAULT_CONFIG else {})} for name in CONFIG_FEATURES]
    card = DatasetCardData(
        language=["en"], pretty_name=PRETTY_NAME,
        # The annotations are MIT, the article texts are not ours to license: `other`, explained in LICENSE.md.
        license="other", license_name=LICENSE_NAME, license_link=LICENSE_FILE,
        # Authored by an AI model session (annotation/seed_gold.py), see "Who are the annotators?".
        annotations_creators=["machine-generated"], language_creators=["found"], multilinguality=["monolingual"],
        size_categories=[size_category(max(n for _, n in sizes.values()))], source_datasets=["original"],
        task_categories=["token-classification"], task_ids=["named-entity-recognition"],
        tags=["news", "named-entity-recognition", "quotation-attribution", "numbers", "standoff-annotation",
              "evaluation"],
        configs=configs)
    infos = {name: dataset_info(name, *sizes[name]) for name in CONFIG_FEATURES}
    DatasetInfosDict(infos).to_dataset_card_data(card)
    return card.to_yaml()


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _example_row(doc_row: dict) -> str:
    row = dict(doc_row)
    row["text"] = row["text"][:120] + "…"
    row["segments"] = row["segments"][:2]
    row["spans"] = row["spans"][:3]
    return json.dumps(row, ensure_ascii=False, indent=2)


def _publishers(documents: Sequence[Document]) -> str:
    named = sorted({d.outlet for d in documents if d.outlet} | {f"the {d.agency} agency" for d in documents if d.agency})
    unnamed = any(not d.outlet for d in documents)
    return ", ".join(named + (["the unnamed outlet of the page's main article"] if unnamed else []))


def render_card(documents: Sequence[Document], spans: Sequence[Span], doc_rows: Sequence[dict],
                sizes: dict[str, tuple[int, int]], links: CardLinks = REPOSITORY_LINKS) -> str:
    per_label = Counter(s.label for s in spans)
    per_doc = Counter((s.doc_id, s.label) for s in spans)
    kinds = Counter(s.num_kind for s in spans if s.label == "NUM")
    outlets = Counter(d.outlet or "(unknown: the page's main article)" for d in documents)
    doc_table = _table(["document", "outlet", "agency", "characters", *LABELS, "total"], [
        [d.id, d.outlet or "–", d.agency or "–", len(d.text), *(per_doc[d.id, lab] for lab in LABELS),
         sum(per_doc[d.id, lab] for lab in LABELS)] for d in documents])
    label_table = _table(["label", "spans"], [[lab, per_label[lab]] for lab in LABELS] + [["total", len(spans)]])
    kind_table = _table(["num_kind", "id", "spans"], [[k, i, kinds[k]] for i, k in enumerate(NUM_KINDS)])
    tag_table = _table(["id", *range(len(NER_TAGS))], [["tag", *NER_TAGS]])
    sources = sorted({d.source for d in documents})
    pulled = [s for s in spans if s.annotator]
    annotators = sorted({s.annotator for s in pulled})
    people = sorted({s.canonical for s in spans if s.label == "PER" and s.canonical})
    n_sentences = sizes["tokens"][1]
    return f"""---
{card_metadata(sizes).rstrip()}
---

# newsspans

{DESCRIPTION}

It is built by `newsspans corpus build` from the raw sources and the gold standoff file
`annotations.jsonl` in the `corpus/` folder of the newsspans toolkit, and published with
`newsspans corpus publish`; do not edit the Parquet files or this card by hand.

**Uses.** Scoring span extractors (named-entity recognizers, number and quote extractors, quote
attribution) against a small, carefully checked gold standard, at character or token level.
**Out of scope:** training (four documents are far too few), measuring performance on news in
general (one topic, see the limitations), and drawing conclusions about the people named.

## Sources

{len(documents)} documents from {len(sources)} scraped web page(s) ({", ".join(sources)}): the page's
main article and the related articles printed below it. Page chrome (navigation, comments,
"Related Articles", outlet and time lines) is dropped; document text is the title, a blank line
and the body, copied verbatim (scrape quirks such as a missing space after a full stop are kept).
Every document records in `segments` the source line and column of each copied run of the raw
page (kept in the toolkit's `corpus/sources/`, not in the published dataset).

Outlets: {", ".join(f"{o} ({n})" for o, n in sorted(outlets.items()))}.

{doc_table}

## Labels

Annotated according to the [annotation guidelines]({links.guidelines}). Two layers: entities
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
  `label` and `num_kind` are `ClassLabel`s (ids in the tables above); attributes that do not
  apply (`canonical` of a NUM, `num_kind` of a PER, `speaker` of an entity) and metadata a
  document lacks (`outlet`, `agency`, `dateline`, `published`, a segment's `field`) are null.
- `tokens`: one row per sentence ({n_sentences} rows), in the shape of `conll2003`: `tokens`,
  their character offsets in the document (`token_starts`, `token_ends`), `ner_tags` (IOB2
  over PER/LOC/ORG/NUM) and `quote_tags` (IOB2 over QUOTE: O 0, B-QUOTE 1, I-QUOTE 2). Tokens
  are numbers with separators, runs of word characters, a possessive `'s`, or single other
  characters; a new sentence starts after a line break or after `.`, `!`, `?`, `…` (and any
  closing quotation marks or brackets) followed by a space, except inside an annotated span, so
  no span is cut.

`ner_tags` ids follow conll2003 for the labels it shares (ids 0–6), so an integer from a
conll2003 model means the same tag here; ids 7 and 8 are NUM here but MISC in conll2003, so map
a conll2003 model's MISC out by name before comparing ids:

{tag_table}

Example row of `documents` (text and lists shortened, `ClassLabel`s shown by name):

```json
{_example_row(doc_rows[0]) if doc_rows else "{}"}
```

## Loading

```python
from datasets import load_dataset
# a Hub repository id, a folder written by `newsspans corpus publish`, or the toolkit's corpus/
docs = load_dataset("path/to/newsspans", split="{SPLIT}")            # documents
tokens = load_dataset("path/to/newsspans", "tokens", split="{SPLIT}")
label_names = docs.features["spans"].feature["label"].names
tag_names = tokens.features["ner_tags"].feature.names

# or, from the installed package:
from newsspans.corpus import load
dataset_dict = load("documents")
```

## Scoring an extractor against it

The `newsspans` toolkit scores any extractor on this gold (span-level P/R/F1 under four schemes
with bootstrap intervals, quote speakers, a seqeval cross-check on the `tokens` config):
`newsspans score --extractor baseline` on the command line, or from Python the same pipeline,
`newsspans.evaluation.pipeline` (`load_gold`, `run_extractor`, `score_run`, also importable from
`newsspans.evaluation`); the scoring core is `newsspans.evaluation.scoring`.

## Annotation process

The initial gold was authored as a readable specification in `annotation/seed_gold.py` of the
toolkit: for every mention its surface string and an anchor phrase, its label and its canonical
name or number kind, and for every quote its first and last characters and its speaker's
mention. Code resolves the specification to offsets, so no offset was typed by hand. The gold
was then checked by:

- the validator (`newsspans corpus validate`, run again by every build): offsets inside the text
  and matching the span's `text`, no span starting or ending on whitespace, no overlap within a
  layer, known labels and attribute values, unique ids, speakers pointing to a PER or ORG span
  of the same document;
- the completeness audit (`newsspans corpus audit`): every capitalized word, number and
  quotation mark that no span covers must be annotated or explained by a guideline rule in the
  reviewed exclusions file (the toolkit's `corpus/audit_explained.tsv`); none may remain;
- an independent re-annotation: a second, separate session annotated the four seed documents
  from the annotation rules alone (without the gold, the guidelines or the exclusions) and
  produced the same 320 spans, attributes and speakers as the gold. Both sessions were the same
  model, so this shows that the rules are applied consistently, not that every decision is
  right.

The hard cases met in the corpus and the decision taken for each are listed in section 9 of the
guidelines. Decisions most likely to differ from human annotators: "US" as LOC when used
attributively ("US tariffs"); the title's ‘unequivocal support' as a QUOTE; one-word quotes
('severe', 'disappointed'); "Leningrad" keeps its own canonical name; canonical names are per
document ("US" in one article, "United States" in another).

Later corrections come through Label Studio (`newsspans annotate pull`, through the same
validator); each pulled span records its `annotator`, `annotation_id` and `annotated_at` in
`annotations.jsonl`. Spans pulled from Label Studio so far: {len(pulled)}{f" (annotators: {', '.join(annotators)})" if annotators else ""}.

## Who are the annotators?

The annotators are AI assistant sessions of the newsspans project (one session authored the
gold, a separate session of the same model re-annotated it for the check above), hence
`annotations_creators: machine-generated`. {"No human annotation or adjudication is recorded in the gold: no span carries Label Studio provenance." if not pulled else f"{len(pulled)} spans were corrected or added in Label Studio by the annotators named above."}

## Personal and sensitive information

The texts are news reports that name real people: {len(people)} distinct persons are annotated
as PER ({", ".join(people[:6])}{", …" if len(people) > 6 else ""}), mostly politicians, officials and
commentators, and the QUOTE spans attribute statements to them. Everything was published by the
outlets; the page's reader comments and other page chrome are dropped, and the seed page's
texts hold no contact details. The annotations record who is named and who said what, not judgements about
anyone; do not use them to profile the people named.

## Bias, risks and limitations

- **Tiny and narrow.** {len(documents)} documents, all from {len(sources)} scraped web page(s), on one
  topic (the seed page: Russia, Ukraine and US tariff and sanction threats in one news cycle)
  and from few outlets. Scores on it have wide confidence intervals and do not transfer to news
  in general, to other topics or to other registers.
- **Skewed labels.** {", ".join(f"{lab} {per_label[lab]}" for lab in LABELS)} spans: per-label
  scores for the small labels rest on a few dozen spans or fewer.
- **One set of rules, one annotator model.** The gold follows the guidelines' decisions (above),
  which other corpora (conll2003, OntoNotes) make differently; a system trained on those is
  penalized for following its own conventions. Map labels, and read the hard cases before
  comparing.
- **Verbatim scraped text.** Scrape quirks (a missing space after a full stop, mismatched
  quotation marks) are kept on purpose, since extractors meet them in the wild.

## Licence

`license: other` ([{LICENSE_FILE}]({LICENSE_FILE})). The annotations, guidelines and this card are
released under the MIT licence. The article texts belong to their publishers
({_publishers(documents)}); they are quoted verbatim, as scraped from a public web page, for
research only: so that extractors can be evaluated against the annotations. No licence to the
text is granted: do not redistribute the text for other purposes, and remove it on the rights
holders' request.

## Citation

```bibtex
{CITATION}
```

## Curators

Curated by {CURATORS}: the corpus, its gold and this card are built and checked by the newsspans
toolkit (`newsspans corpus build`, `validate`, `audit`, `build --check`), whose contributing
guide describes how gold changes are made.
"""
