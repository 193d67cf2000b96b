"""Which spans become gold when a task has several completed annotations.

- `ground-truth`: the annotation marked as ground truth in Label Studio (exactly one must be).
- `latest`: the most recently updated annotation.
- `agreement`: spans that a strict majority of annotators drew identically (offsets, label,
  canonical, num_kind and speaker); the rest are listed for adjudication.
A task with a single completed annotation uses it under every policy.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsspans.corpus.model import Span

from .convert import ImportProblem, TaskAnnotation

POLICIES: tuple[str, ...] = ("ground-truth", "latest", "agreement")

# A span's identity across annotators: everything but its id, with the speaker by position.
SpanKey = tuple


def _updated(a: TaskAnnotation) -> tuple:
    return (a.updated_at or a.created_at, a.annotation_id)


def latest_per_annotator(annotations: Sequence[TaskAnnotation]) -> list[TaskAnnotation]:
    """One annotation per annotator (their latest), in annotator order."""
    latest: dict[str, TaskAnnotation] = {}
    for a in annotations:
        if a.annotator not in latest or _updated(a) > _updated(latest[a.annotator]):
            latest[a.annotator] = a
    return [latest[k] for k in sorted(latest)]


def span_key(span: Span, by_id: dict[str, Span]) -> SpanKey:
    """What annotators must agree on; the speaker is compared by its offsets and label, not its id."""
    speaker = by_id.get(span.speaker) if span.speaker is not None else None
    speaker_key = (speaker.start, speaker.end, speaker.label) if speaker else None
    return (span.start, span.end, span.label, span.canonical, span.num_kind, speaker_key)


@dataclass(frozen=True)
class Adjudication:
    """A span that too few annotators agreed on under the `agreement` policy."""

    task_id: int
    doc_id: str
    span: Span
    annotators: tuple[str, ...]
    of: int

    def __str__(self) -> str:
        s = self.span
        extra = "".join(f", {k}={v!r}" for k, v in (("canonical", s.canonical), ("num_kind", s.num_kind))
                        if v is not None)
        return (f"task {self.task_id}, document {self.doc_id!r}: {s.label} [{s.start}, {s.end}) {s.text!r}{extra}"
                f"{' with a speaker' if s.speaker else ''}: drawn so by {len(self.annotators)} of {self.of} "
                f"annotators ({', '.join(self.annotators)})")


@dataclass
class Choice:
    """The spans chosen for one task, spans left for adjudication, problems, and annotations not used."""

    spans: list[Span] = field(default_factory=list)
    adjudication: list[Adjudication] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # one line per annotation the policy left out


def _not_used(annotations: Sequence[TaskAnnotation], used: Sequence[TaskAnnotation], policy: str) -> list[str]:
    """Say which annotations a policy left out, so that no annotation is dropped silently."""
    taken = {a.annotation_id for a in used}
    chose = ", ".join(str(a.annotation_id) for a in used)
    return [f"task {a.task_id}, annotation {a.annotation_id} by {a.annotator} (document {a.doc_id!r}, "
            f"{len(a.spans)} spans): not used, policy {policy} took annotation(s) {chose}"
            for a in annotations if a.annotation_id not in taken]


def _ground_truth(annotations: Sequence[TaskAnnotation]) -> Choice:
    marked = [a for a in annotations if a.ground_truth]
    first = annotations[0]
    if len(marked) == 1 and not marked[0].spans and any(a.spans for a in annotations):
        drawn = ", ".join(str(a.annotation_id) for a in annotations if a.spans)
        return Choice(problems=[ImportProblem(
            f"the ground-truth annotation {marked[0].annotation_id} is empty while annotation(s) {drawn} have spans; "
            "mark the right one as ground truth in Label Studio or use --policy latest/agreement",
            task_id=first.task_id, doc_id=first.doc_id)])
    if len(marked) == 1:
        return Choice(spans=list(marked[0].spans), unused=_not_used(annotations, marked, "ground-truth"))
    ids = ", ".join(str(a.annotation_id) for a in (marked or annotations))
    what = "none is" if not marked else f"{len(marked)} are"
    return Choice(problems=[ImportProblem(
        f"policy ground-truth needs exactly one ground-truth annotation, but {what} marked among annotations {ids}; "
        "mark one in Label Studio or use --policy latest/agreement", task_id=first.task_id, doc_id=first.doc_id)])


def _agreement(annotations: Sequence[TaskAnnotation]) -> Choice:
    voters = latest_per_annotator(annotations)
    votes: dict[SpanKey, list[tuple[TaskAnnotation, Span]]] = {}
    for a in voters:
        by_id = {s.id: s for s in a.spans}
        for s in a.spans:
            votes.setdefault(span_key(s, by_id), []).append((a, s))
    kept: dict[SpanKey, Span] = {}
    out = Choice()
    for key, cast in votes.items():
        annotation, span = cast[0]
        names = tuple(a.annotator for a, _ in cast)
        if 2 * len(cast) > len(voters):
            kept[key] = replace(span, annotator=",".join(names))
        else:
            out.adjudication.append(Adjudication(annotation.task_id, annotation.doc_id, span, names, len(voters)))
    out.spans = _relink(kept, out, voters[0].task_id, len(voters))
    out.unused = _not_used(annotations, voters, "agreement (each annotator's latest)")
    return out


def _relink(kept: dict[SpanKey, Span], out: Choice, task_id: int, voters: int) -> list[Span]:
    """Give kept spans unique ids and point each quote's speaker at the kept speaker span.

    Kept spans come from different annotations, so two may share a region id. A quote whose
    speaker span was not kept cannot keep its link, so it goes to adjudication as well.
    Within one annotation no two spans share offsets and label, so (start, end, label) names a
    kept span uniquely.
    """
    ids: dict[tuple, str] = {}
    for key, s in kept.items():
        new_id, n = s.id, 1
        while new_id in ids.values():
            n += 1
            new_id = f"{s.id}-{n}"
        ids[key[:3]] = new_id
    spans = []
    for key, s in kept.items():
        speaker = ids.get(key[5]) if key[5] is not None else None
        if key[5] is not None and speaker is None:
            out.adjudication.append(Adjudication(task_id, s.doc_id, s, tuple((s.annotator or "").split(",")), voters))
            continue
        spans.append(replace(s, id=ids[key[:3]], speaker=speaker))
    return spans


def choose(annotations: Sequence[TaskAnnotation], policy: str) -> Choice:
    """Apply `policy` to the completed annotations of one task."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    if len(annotations) == 1:
        return Choice(spans=list(annotations[0].spans))
    if policy == "ground-truth":
        return _ground_truth(annotations)
    if policy == "latest":
        latest = max(annotations, key=_updated)
        return Choice(spans=list(latest.spans), unused=_not_used(annotations, [latest], "latest"))
    return _agreement(annotations)
