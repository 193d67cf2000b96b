"""Label Studio export (tasks with annotations) -> corpus spans, checked strictly.

Label Studio validates nothing about a result: it stores unknown labels, a `text` that does not
match the offsets and offsets past the end of the text. So every region is checked here against
the task text (offsets are code points, as Label Studio 1.23 stores them for Text regions),
relations must join a QUOTE to a PER/ORG region, and each annotation's spans must pass the corpus
validator. Every problem names the task, annotation and region at fault. Cancelled annotations
are skipped; drafts and the `prediction` object embedded in exported annotations are not read.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from newsspans.corpus.model import LABELS, NUM_KINDS, SPEAKER_LABELS, Document, Span
from newsspans.corpus.standoff import LocatedSpan

from .config import CANONICAL_TAG, LABEL_TAG, NUM_KIND_TAG, SPEAKER_RELATION, TEXT_TAG

# from_name -> the result type Label Studio writes for it.
_RESULT_TYPES = {LABEL_TAG: "labels", NUM_KIND_TAG: "choices", CANONICAL_TAG: "textarea"}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in an export, located by task, annotation and region."""

    message: str
    source: str = ""
    task_id: object = None
    annotation_id: object = None
    region_id: object = None
    doc_id: str | None = None

    def __str__(self) -> str:
        parts = [f"task {self.task_id}"] if self.task_id is not None else []
        if self.annotation_id is not None:
            parts.append(f"annotation {self.annotation_id}")
        if self.region_id is not None:
            parts.append(f"region {self.region_id!r}")
        if self.doc_id is not None:
            parts.append(f"document {self.doc_id!r}")
        where = ", ".join(parts)
        prefix = ": ".join(p for p in (self.source, where) if p)
        return f"{prefix}: {self.message}" if prefix else self.message


class AnnotationImportError(ValueError):
    """Problems that stop an import; every problem is listed."""

    def __init__(self, problems: Sequence[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class TaskAnnotation:
    """One completed, valid annotation of a task, as corpus spans with provenance."""

    task_id: int
    annotation_id: int
    doc_id: str
    annotator: str
    created_at: str
    updated_at: str
    ground_truth: bool
    spans: tuple[Span, ...]


@dataclass
class ParsedExport:
    """Valid annotations, the problems that disqualified the others, and what was skipped."""

    annotations: list[TaskAnnotation] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, changes nothing

    def by_task(self) -> dict[int, list[TaskAnnotation]]:
        out: dict[int, list[TaskAnnotation]] = defaultdict(list)
        for a in self.annotations:
            out[a.task_id].append(a)
        return dict(out)


@dataclass
class _Region:
    start: int
    end: int
    label: str
    text: str
    position: int  # 1-based index of its labels result, to point at it in messages
    canonical: str | None = None
    num_kind: str | None = None
    speaker: str | None = None


def annotator_name(completed_by: object, users: Mapping[int, str]) -> str:
    """Who made an annotation: the user's email when known, else `user:<id>`."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if email:
            return str(email)
        completed_by = completed_by.get("id")
    if isinstance(completed_by, int) and completed_by in users:
        return users[completed_by]
    return f"user:{completed_by}"


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _offsets(value: dict, text: str) -> tuple[tuple[int, int] | None, str | None]:
    """(start, end) of a region value, or an error message."""
    start, end = value.get("start"), value.get("end")
    if not (_is_int(start) and _is_int(end)):
        return None, f"start/end must be integers, got {start!r}/{end!r}"
    if not 0 <= start < end <= len(text):
        return None, f"offsets [{start}, {end}) are not inside the task text (length {len(text)}) or start >= end"
    return (start, end), None


def _label_region(value: dict, text: str, position: int) -> tuple[_Region | None, list[str]]:
    span, error = _offsets(value, text)
    if error:
        return None, [error]
    start, end = span
    errors = []
    labels = value.get("labels")
    if not (isinstance(labels, list) and len(labels) == 1):
        errors.append(f"a region needs exactly one label, got {labels!r}")
    elif labels[0] not in LABELS:
        errors.append(f"unknown label {labels[0]!r} (known: {', '.join(LABELS)})")
    actual = text[start:end]
    if value.get("text") != actual:
        errors.append(f"region text {value.get('text')!r} does not match the task text[{start}:{end}] = {actual!r} "
                      "(offsets are code points)")
    if errors:
        return None, errors
    return _Region(start, end, labels[0], actual, position), []


def _attribute(item: dict, region: _Region) -> tuple[str, str | None, str | None]:
    """(attribute name, value, error) of a per-region num_kind or canonical result."""
    value = item["value"]
    if (value.get("start"), value.get("end")) != (region.start, region.end):
        return item["from_name"], None, (f"{item['from_name']} offsets [{value.get('start')}, {value.get('end')}) "
                                         f"differ from its region's [{region.start}, {region.end})")
    if item["from_name"] == NUM_KIND_TAG:
        choices = value.get("choices")
        if not (isinstance(choices, list) and len(choices) == 1 and choices[0] in NUM_KINDS):
            return "num_kind", None, f"num_kind must be one of {', '.join(NUM_KINDS)}, got {choices!r}"
        return "num_kind", choices[0], None
    lines = value.get("text")
    if not (isinstance(lines, list) and all(isinstance(x, str) for x in lines)):
        return "canonical", None, f"canonical must be a list of strings, got {lines!r}"
    lines = [x for x in lines if x.strip()]
    if len(lines) > 1:
        return "canonical", None, f"canonical has {len(lines)} entries {lines!r}; give one name"
    return "canonical", (lines[0] if lines else None), None


def _check_item(item: object) -> str | None:
    """Shape errors of one non-relation result item."""
    if not isinstance(item, dict):
        return f"result item must be an object, got {item!r}"
    if item.get("from_name") not in _RESULT_TYPES:
        return f"unknown control {item.get('from_name')!r} (known: {', '.join(_RESULT_TYPES)}, relations)"
    if item.get("type") != _RESULT_TYPES[item["from_name"]]:
        return f"{item['from_name']} result has type {item.get('type')!r}, expected {_RESULT_TYPES[item['from_name']]!r}"
    if item.get("to_name") != TEXT_TAG:
        return f"result points at {item.get('to_name')!r}, expected {TEXT_TAG!r}"
    if not isinstance(item.get("value"), dict):
        return "result has no value object"
    if not isinstance(item.get("id"), str) or not item["id"]:
        return f"region id must be a non-empty string, got {item.get('id')!r}"
    return None


def regions_of(result: object, text: str) -> tuple[dict[str, _Region], list[tuple[object, str]]]:
    """Regions (by id) of one annotation result, and (region id, message) problems."""
    if not isinstance(result, list):
        return {}, [(None, f"result must be a list, got {type(result).__name__}")]
    problems: list[tuple[object, str]] = []
    regions: dict[str, _Region] = {}
    relations, attributes = [], []
    for position, item in enumerate(result, start=1):
        if isinstance(item, dict) and item.get("type") == "relation":
            relations.append(item)
            continue
        error = _check_item(item)
        if error:
            problems.append((item.get("id") if isinstance(item, dict) else None, error))
        elif item["from_name"] != LABEL_TAG:
            attributes.append(item)
        elif item["id"] in regions:
            problems.append((item["id"], "two label results share this region id"))
        else:
            region, errors = _label_region(item["value"], text, position)
            problems += [(item["id"], e) for e in errors]
            if region is not None:
                regions[item["id"]] = region
    failed = {rid for rid, _ in problems}
    for item in attributes:
        region = regions.get(item["id"])
        if region is None:
            if item["id"] not in failed:
                problems.append((item["id"], f"{item['from_name']} result has no labelled region with this id"))
            continue
        name, value, error = _attribute(item, region)
        if error:
            problems.append((item["id"], error))
        elif getattr(region, name) is not None and getattr(region, name) != value:
            problems.append((item["id"], f"two {name} results for one region"))
        else:
            setattr(region, name, value)
    problems += _link_speakers(relations, regions, failed)
    return regions, problems


def _link_speakers(relations: list[dict], regions: dict[str, _Region], failed: set) -> list[tuple[object, str]]:
    """Set each QUOTE region's speaker from the relations; a relation may be drawn either way."""
    problems = []
    for rel in relations:
        ends = (rel.get("from_id"), rel.get("to_id"))
        labels = rel.get("labels") or []
        if not isinstance(labels, list) or any(x != SPEAKER_RELATION for x in labels):
            problems.append((ends[0], f"relation {ends[0]!r} -> {ends[1]!r} has labels {labels!r}; "
                                      f"only {SPEAKER_RELATION!r} is known"))
            continue
        missing = [e for e in ends if e not in regions]
        if missing:
            if not set(missing) & failed:
                problems.append((ends[0], f"relation {ends[0]!r} -> {ends[1]!r} points at no region {missing[0]!r}"))
            continue
        by_label = {regions[e].label: e for e in ends}
        quote = by_label.get("QUOTE")
        speaker = next((e for e in ends if regions[e].label in SPEAKER_LABELS), None)
        if quote is None or speaker is None or ends[0] == ends[1]:
            problems.append((ends[0], f"relation {ends[0]!r} -> {ends[1]!r} joins {regions[ends[0]].label} and "
                                      f"{regions[ends[1]].label}; a speaker relation joins a QUOTE to a PER/ORG region"))
        elif regions[quote].speaker not in (None, speaker):
            problems.append((quote, f"quote has two speakers: {regions[quote].speaker!r} and {speaker!r}"))
        else:
            regions[quote].speaker = speaker
    return problems


def _annotation_spans(task: dict, ann: dict, doc: Document, users: Mapping[int, str],
                      source: str) -> tuple[TaskAnnotation | None, list[ImportProblem]]:
    where = dict(source=source, task_id=task.get("id"), annotation_id=ann.get("id"), doc_id=doc.id)
    regions, raw = regions_of(ann.get("result"), doc.text)
    problems = [ImportProblem(message, region_id=rid, **where) for rid, message in raw]
    annotator = annotator_name(ann.get("completed_by"), users)
    stamp = str(ann.get("updated_at") or ann.get("created_at") or "")
    spans = [Span(doc.id, rid, r.start, r.end, r.label, r.text, r.canonical, r.num_kind, r.speaker,
                  annotator=annotator, annotation_id=ann.get("id"), annotated_at=stamp or None)
             for rid, r in regions.items()]
    # The corpus validator adds the cross-span rules (overlaps, speaker targets, canonical names);
    # imported here because it loads the grapheme tables, which `newsspans --help` must not pay for.
    from newsspans.corpus.validate import validate

    located = [LocatedSpan(s, "", regions[s.id].position) for s in spans]
    for p in validate([doc], located, require_canonical=True):
        # The validator points at "lines"; in an annotation those are positions in the result list.
        problems.append(ImportProblem(p.message.replace(" at line ", " at result item "), region_id=p.span_id, **where))
    if problems:
        return None, problems
    return TaskAnnotation(task_id=task.get("id"), annotation_id=ann.get("id"), doc_id=doc.id, annotator=annotator,
                          created_at=str(ann.get("created_at") or ""), updated_at=stamp,
                          ground_truth=bool(ann.get("ground_truth")), spans=tuple(spans)), []


def _edited_by_another(task: dict, ann: dict, doc: Document, users: Mapping[int, str]) -> list[str]:
    """A note when someone other than its author last saved an annotation.

    Spans are credited to `completed_by`, the author. `updated_by` cannot say who changed which
    span (marking an annotation as ground truth sets it too), so it is only reported; the fix is
    that each person submits their own annotation, which `push` makes the default.
    """
    updated_by = ann.get("updated_by")
    if updated_by is None:
        return []
    author, editor = annotator_name(ann.get("completed_by"), users), annotator_name(updated_by, users)
    if author == editor:
        return []
    return [f"task {task.get('id')}, annotation {ann.get('id')} (document {doc.id!r}): made by {author}, last saved "
            f"by {editor}; its changed spans are credited to {author} (have {editor} submit their own annotation "
            "to be credited)"]


def _task_document(task: object, docs: Mapping[str, Document], source: str) -> tuple[Document | None, ImportProblem | None]:
    if not isinstance(task, dict):
        return None, ImportProblem(f"a task must be an object, got {type(task).__name__}", source)
    data = task.get("data")
    doc_id = data.get("doc_id") if isinstance(data, dict) else None
    where = dict(source=source, task_id=task.get("id"))
    if not isinstance(doc_id, str):
        return None, ImportProblem("task data has no doc_id, so it cannot be matched to a corpus document", **where)
    doc = docs.get(doc_id)
    if doc is None:
        return None, ImportProblem(f"this document is no longer in the corpus; delete task {task.get('id')} in Label "
                                   "Studio, or pull with --skip-invalid to leave its annotations out",
                                   doc_id=doc_id, **where)
    if data.get("text") != doc.text:
        return None, ImportProblem("the task text differs from the corpus document text, so its offsets cannot be "
                                   "trusted; push the document again", doc_id=doc_id, **where)
    return doc, None


def parse_export(tasks: object, documents: Sequence[Document], users: Mapping[int, str] | None = None,
                 source: str = "") -> ParsedExport:
    """Convert an export (a list of tasks) into valid annotations plus every problem found."""
    out = ParsedExport()
    if not isinstance(tasks, list):
        out.problems.append(ImportProblem(f"an export must be a JSON list of tasks, got {type(tasks).__name__}", source))
        return out
    docs = {d.id: d for d in documents}
    for task in tasks:
        doc, problem = _task_document(task, docs, source)
        if problem and isinstance(task, dict) and not task.get("annotations"):
            # Nothing to lose: a task nobody annotated need not stop the pull.
            out.skipped.append(f"{problem} (the task has no annotation; skipped)")
            continue
        if problem:
            out.problems.append(problem)
            continue
        annotations = task.get("annotations") or []
        for ann in annotations:
            if not isinstance(ann, dict):
                out.problems.append(ImportProblem("an annotation must be an object", source, task.get("id"), doc_id=doc.id))
            elif ann.get("was_cancelled"):
                out.skipped.append(f"task {task.get('id')}, annotation {ann.get('id')} (document {doc.id!r}): "
                                   "cancelled (skipped)")
            else:
                annotation, problems = _annotation_spans(task, ann, doc, users or {}, source)
                out.problems += problems
                out.notes += _edited_by_another(task, ann, doc, users or {})
                if annotation is not None:
                    out.annotations.append(annotation)
    return out
