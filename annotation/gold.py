"""From parsed Label Studio annotations to the corpus's new gold standoff file.

Documents with a usable annotation get their gold replaced by the chosen spans; documents
without one keep their current gold. A pulled span identical to a current gold span (every
field but provenance) keeps the current line, provenance included, so pulling unchanged work
changes nothing and the diff of a pull shows exactly what annotators changed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsspans.corpus.model import SPAN_FIELDS, Document, Span
from newsspans.corpus.store import Corpus

from .convert import AnnotationImportError, ImportProblem, ParsedExport, parse_export
from .policies import Adjudication, choose


@dataclass
class ImportOutcome:
    """The new gold and an account of how it was made."""

    spans: list[Span] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    adjudication: list[Adjudication] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _fields(span: Span) -> tuple:
    return tuple(getattr(span, f) for f in SPAN_FIELDS)


def keep_unchanged(new: Sequence[Span], current: Sequence[Span]) -> list[Span]:
    """`new`, with each span identical to a current span replaced by that current span."""
    current_by_fields = {_fields(s): s for s in current}
    return [current_by_fields.get(_fields(s), s) for s in new]


def gold_from_annotations(parsed: ParsedExport, documents: Sequence[Document], current: Sequence[Span],
                          policy: str) -> ImportOutcome:
    """Choose spans per task by `policy` and merge them with the current gold of other documents."""
    out = ImportOutcome(problems=list(parsed.problems), skipped=list(parsed.skipped))
    tasks_of_doc: dict[str, set] = {}
    for a in parsed.annotations:
        tasks_of_doc.setdefault(a.doc_id, set()).add(a.task_id)
    chosen: dict[str, list[Span]] = {}
    for task_id, task_annotations in parsed.by_task().items():
        doc_id = task_annotations[0].doc_id
        if len(tasks_of_doc[doc_id]) > 1:
            out.problems.append(ImportProblem(
                f"document has annotations in several tasks ({', '.join(map(str, sorted(tasks_of_doc[doc_id])))}); "
                "delete the duplicate tasks in Label Studio", task_id=task_id, doc_id=doc_id))
            continue
        choice = choose(task_annotations, policy)
        out.problems += choice.problems
        out.adjudication += choice.adjudication
        if not choice.problems:
            chosen[doc_id] = choice.spans
    current_by_doc: dict[str, list[Span]] = {}
    for s in current:
        current_by_doc.setdefault(s.doc_id, []).append(s)
    for doc in documents:
        if doc.id in chosen:
            out.spans += keep_unchanged(chosen[doc.id], current_by_doc.get(doc.id, []))
            out.updated.append(doc.id)
        else:
            out.spans += current_by_doc.get(doc.id, [])
            out.kept.append(doc.id)
    return out


def write_outcome(outcome: ImportOutcome, corpus: Corpus, skip_invalid: bool = False) -> None:
    """Write the new gold (validated, atomic), unless problems remain and `skip_invalid` is off."""
    if outcome.problems and not skip_invalid:
        raise AnnotationImportError(outcome.problems)
    corpus.write_gold(outcome.spans)


def import_export(tasks: object, corpus: Corpus, policy: str, users: dict[int, str] | None = None,
                  source: str = "", skip_invalid: bool = False, write: bool = True) -> ImportOutcome:
    """Parse an export, choose spans and (when `write`) replace the corpus gold with them."""
    documents = corpus.documents()
    current = [ls.span for ls in corpus.located_spans()]
    outcome = gold_from_annotations(parse_export(tasks, documents, users, source), documents, current, policy)
    if write:
        write_outcome(outcome, corpus, skip_invalid)
    return outcome
