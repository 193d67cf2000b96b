"""Score IOB2 tag predictions on the `tokens` config (one row per sentence) with seqeval strict
mode and with the span scorer, side by side.

Gold sentences are rebuilt from the gold spans with the corpus' own tokenizer
(`newsspans.corpus.rows.token_rows`), so they are what `newsspans corpus build` writes, never a
stale copy. Predictions: JSONL, one line per sentence, `{"id": "<doc id>-<n>", "ner_tags": [...],
"quote_tags": [...]}` with tags as strings ("B-PER") or as the dataset's ClassLabel ids; a layer
left out of every line is not scored.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import jsonl_records, read_utf8
from newsspans.corpus.model import Document, Span
from newsspans.corpus.rows import token_rows
from newsspans.corpus.schema import NER_TAGS, QUOTE_TAGS


TAG_FIELDS: dict[str, list[str]] = {"ner_tags": NER_TAGS, "quote_tags": QUOTE_TAGS}


def gold_sentences(documents: Sequence[Document], spans: Sequence[Span]) -> list[dict]:
    rows, problems = token_rows(documents, spans)
    if problems:
        raise CorpusError(problems)
    return rows


def _tags(value: object, names: list[str], where: dict) -> list[str]:
    if not isinstance(value, list):
        raise CorpusError(Problem(f"tags must be a list, got {value!r}", **where))
    out = []
    for i, tag in enumerate(value):
        if isinstance(tag, int) and not isinstance(tag, bool) and 0 <= tag < len(names):
            out.append(names[tag])
        elif isinstance(tag, str) and tag in names:
            out.append(tag)
        else:
            raise CorpusError(Problem(f"token {i}: {tag!r} is not one of {', '.join(names)} or their ids", **where))
    return out


def read_tag_predictions(path: Path, gold: Sequence[dict]) -> dict[str, tuple[list[list[str]], list[list[str]]]]:
    """(gold tags, predicted tags) per tag field present in the file, sentences in gold order."""
    path = Path(path)
    lengths = {row["id"]: len(row["tokens"]) for row in gold}
    predicted: dict[str, dict[str, list[str]]] = {field: {} for field in TAG_FIELDS}
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    text = read_utf8(path)
    for number, record in jsonl_records(text, str(path), problems):
        where = dict(file=str(path), line=number)
        try:
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise CorpusError(Problem('expected {"id": sentence id, "ner_tags": [...]}', **where))
            sid = record["id"]
            if sid not in lengths:
                raise CorpusError(Problem("not a sentence id of the tokens config", doc_id=sid, **where))
            if sid in first_line:  # as `score` refuses a document listed twice: which line is meant?
                raise CorpusError(Problem(f"sentence listed twice (first at line {first_line[sid]})", doc_id=sid,
                                          **where))
            first_line[sid] = number
            for field, names in TAG_FIELDS.items():
                if field in record:
                    tags = _tags(record[field], names, dict(doc_id=sid, **where))
                    if len(tags) != lengths[sid]:
                        raise CorpusError(Problem(f"{field}: {len(tags)} tags for {lengths[sid]} tokens",
                                                  doc_id=sid, **where))
                    predicted[field][sid] = tags
        except CorpusError as exc:
            problems.extend(exc.problems)
    out = {}
    for field, by_id in predicted.items():
        if not by_id:
            continue
        missing = [row["id"] for row in gold if row["id"] not in by_id]
        if missing:
            problems.append(Problem(f"{field}: {len(missing)} sentence(s) have no prediction, first {missing[0]!r}",
                                    file=str(path)))
            continue
        out[field] = ([row[field] for row in gold], [by_id[row["id"]] for row in gold])
    if problems:
        raise CorpusError(problems)
    if not out:
        raise CorpusError(Problem("no ner_tags or quote_tags predictions", file=str(path)))
    return out
