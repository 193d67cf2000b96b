"""From parsed Label Studio annotations to the corpus's new gold standoff file.

Documents with a usable annotation get their gold replaced by the chosen spans; documents
without one keep their current gold. A pulled span equal in content to a current gold span
keeps the current line, id and provenance included, so pulling unchanged work changes nothing
and the diff of a pull shows exactly what annotators changed, credited to who changed it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsspans.corpus.model import Document, Span
from newsspans.corpus.standoff import spans_by_document
from newsspans.corpus.store import Corpus

from .convert import AnnotationImportError, ImportProblem, ParsedExport, parse_export
from .policies import Adjudication, choose, span_key


@dataclass
class ImportOutcome:
    """The new gold and an account of how it was made."""

    spans: list[Span] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    adjudication: list[Adjudication] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def keep_unchanged(new: Sequence[Span], current: Sequence[Span]) -> list[Span]:
    """`new` (one document's spans), with each span equal in content to a current span replaced by it.

    Content is what annotators can draw: offsets, label, canonical, num_kind and the speaker by its
    offsets, not the region id (a region redrawn identically, or agreed on by several annotators,
    has another id). A kept span keeps its id and provenance; the other spans keep their own id
    unless a kept span took it, and speakers are re-pointed at the ids kept.
    """
    current_by_id = {s.id: s for s in current}
    current_by_key = {span_key(s, current_by_id): s for s in current}
    new_by_id = {s.id: s for s in new}
    kept = {s.id: m for s in new if (m := current_by_key.get(span_key(s, new_by_id))) is not None}
    taken = {m.id for m in kept.values()}
    ids: dict[str, str] = {}
    for s in new:
        if s.id in kept:
            ids[s.id] = kept[s.id].id
            continue
        fresh, n = s.id, 1
        while fresh in taken:
            n += 1
            fresh = f"{s.id}-{n}"
        taken.add(fresh)
        ids[s.id] = fresh
    out = []
    for s in new:
        speaker = ids.get(s.speaker, s.speaker) if s.speaker is not None else None
        base = kept.get(s.id)
        out.append(replace(base, speaker=speaker) if base is not None else replace(s, id=ids[s.id], speaker=speaker))
    return out


def gold_from_annotations(parsed: ParsedExport, documents: Sequence[Document], current: Sequence[Span],
                          policy: str) -> ImportOutcome:
    """Choose spans per task by `policy` and merge them with the current gold of other documents."""
    out = ImportOutcome(problems=list(parsed.problems), skipped=list(parsed.skipped), notes=list(parsed.notes))
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
        out.skipped += choice.unused
        out.adjudication += choice.adjudication
        if not choice.problems:
            chosen[doc_id] = choice.spans
    current_by_doc = spans_by_document(current)
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
