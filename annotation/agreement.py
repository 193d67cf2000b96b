"""Pairwise span-level agreement between annotators (Label Studio community edition has none).

For every task annotated by two or more people, each pair of annotators (their latest
annotation each) is compared, per label:
- strict: same start, end and label. Agreement F1 = 2 * matches / (spans of A + spans of B).
- overlap: same label and overlapping offsets, paired one to one by the scorer's optimal
  matching (`newsspans.evaluation.scoring.matching`), so one long span over two short ones agrees
  with one of them. F1 = 2 * pairs / (spans of A + spans of B). Symmetric in A and B.
- quote speaker: of the QUOTE spans both drew identically, how many have the same speaker
  (compared by the speaker span's offsets and label; "no speaker" agrees with "no speaker").
Counts are summed (micro-averaged) per document, per annotator pair and overall.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from newsspans.corpus.model import LABELS, Span
from newsspans.evaluation.scoring.matching import SpanArrays, match

from .convert import TaskAnnotation
from .policies import latest_per_annotator, span_key


@dataclass
class LabelCounts:
    """Counts for one label between annotators A and B (summable)."""

    a: int = 0
    b: int = 0
    strict: int = 0
    a_overlapped: int = 0
    b_overlapped: int = 0

    def add(self, other: "LabelCounts") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def strict_f1(self) -> float | None:
        return 2 * self.strict / (self.a + self.b) if self.a + self.b else None

    @property
    def overlap_f1(self) -> float | None:
        if not self.a + self.b:
            return None
        p = self.b_overlapped / self.b if self.b else 0.0
        r = self.a_overlapped / self.a if self.a else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Agreement:
    """Agreement counts per label plus quote-speaker counts; summable across pairs and documents."""

    labels: dict[str, LabelCounts] = field(default_factory=lambda: {label: LabelCounts() for label in LABELS})
    quotes_matched: int = 0
    speakers_agreed: int = 0
    pairs: int = 0

    def add(self, other: "Agreement") -> None:
        for label, counts in other.labels.items():
            self.labels[label].add(counts)
        self.quotes_matched += other.quotes_matched
        self.speakers_agreed += other.speakers_agreed
        self.pairs += other.pairs

    @property
    def all_labels(self) -> LabelCounts:
        total = LabelCounts()
        for counts in self.labels.values():
            total.add(counts)
        return total

    @property
    def speaker_agreement(self) -> float | None:
        return self.speakers_agreed / self.quotes_matched if self.quotes_matched else None

    def to_dict(self) -> dict:
        def row(c: LabelCounts) -> dict:
            return {"spans_a": c.a, "spans_b": c.b, "strict_matches": c.strict, "strict_f1": c.strict_f1,
                    "overlap_f1": c.overlap_f1}
        return {"pairs": self.pairs, "labels": {k: row(v) for k, v in self.labels.items()},
                "all": row(self.all_labels), "quotes_matched": self.quotes_matched,
                "speakers_agreed": self.speakers_agreed, "speaker_agreement": self.speaker_agreement}


def _overlap_pairs(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Overlapping pairs under the scorer's one-to-one optimal matching (touching is no overlap)."""
    if not a or not b:
        return 0

    def arrays(spans: Sequence[Span]) -> SpanArrays:
        zeros = [0] * len(spans)
        return SpanArrays.build(zeros, [s.start for s in spans], [s.end for s in spans], zeros)

    return len(match(arrays(a), arrays(b)))


def compare(a: Sequence[Span], b: Sequence[Span]) -> Agreement:
    """Agreement between two annotators' spans of one document."""
    out = Agreement(pairs=1)
    for label, counts in out.labels.items():
        sa = [s for s in a if s.label == label]
        sb = [s for s in b if s.label == label]
        positions_b = {(s.start, s.end) for s in sb}
        counts.a, counts.b = len(sa), len(sb)
        counts.strict = sum((s.start, s.end) in positions_b for s in sa)
        # One-to-one, as the scorer matches: one long span over two short ones agrees with one.
        counts.a_overlapped = counts.b_overlapped = _overlap_pairs(sa, sb)
    by_id_a, by_id_b = {s.id: s for s in a}, {s.id: s for s in b}
    quotes_b = {(s.start, s.end): span_key(s, by_id_b)[5] for s in b if s.label == "QUOTE"}
    for s in a:
        if s.label == "QUOTE" and (s.start, s.end) in quotes_b:
            out.quotes_matched += 1
            out.speakers_agreed += span_key(s, by_id_a)[5] == quotes_b[(s.start, s.end)]
    return out


@dataclass
class AgreementReport:
    """Agreement overall, per document and per annotator pair."""

    overall: Agreement = field(default_factory=Agreement)
    documents: dict[str, Agreement] = field(default_factory=dict)
    pairs: dict[tuple[str, str], Agreement] = field(default_factory=dict)
    single: list[str] = field(default_factory=list)  # documents with fewer than two annotators

    def to_dict(self) -> dict:
        return {"overall": self.overall.to_dict(),
                "documents": {k: v.to_dict() for k, v in self.documents.items()},
                "pairs": [{"a": a, "b": b, **v.to_dict()} for (a, b), v in self.pairs.items()],
                "documents_with_one_annotator": self.single}


def agreement_report(annotations: Sequence[TaskAnnotation]) -> AgreementReport:
    """Pairwise agreement over all tasks (each annotator's latest annotation per task)."""
    report = AgreementReport()
    by_task: dict[int, list[TaskAnnotation]] = {}
    for a in annotations:
        by_task.setdefault(a.task_id, []).append(a)
    for task_annotations in by_task.values():
        people = latest_per_annotator(task_annotations)
        doc_id = people[0].doc_id
        if len(people) < 2:
            report.single.append(doc_id)
            continue
        for x, y in combinations(people, 2):
            result = compare(x.spans, y.spans)
            for bucket in (report.overall, report.documents.setdefault(doc_id, Agreement()),
                           report.pairs.setdefault((x.annotator, y.annotator), Agreement())):
                bucket.add(result)
    return report


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def format_agreement(name: str, agreement: Agreement) -> list[str]:
    """Table lines for one Agreement: a row per label, one for all labels, the speaker line."""
    lines = [f"{name}  ({agreement.pairs} annotator pair(s) compared)",
             f"  {'label':<6} {'spans A':>7} {'spans B':>7} {'strict':>6} {'strict F1':>9} {'overlap F1':>10}"]
    for label, c in [*agreement.labels.items(), ("all", agreement.all_labels)]:
        lines.append(f"  {label:<6} {c.a:>7} {c.b:>7} {c.strict:>6} {_pct(c.strict_f1):>9} {_pct(c.overlap_f1):>10}")
    lines.append(f"  quote speaker: {agreement.speakers_agreed} of {agreement.quotes_matched} matched quotes "
                 f"agree ({_pct(agreement.speaker_agreement).strip()})")
    return lines


def format_report(report: AgreementReport) -> str:
    """The human-readable agreement report: overall, per annotator pair, per document."""
    if not report.overall.pairs:
        return "no task has completed annotations by two or more annotators; nothing to compare"
    lines = format_agreement("OVERALL", report.overall)
    for (a, b), agreement in report.pairs.items():
        lines += ["", *format_agreement(f"PAIR {a} vs {b}", agreement)]
    for doc_id, agreement in report.documents.items():
        lines += ["", *format_agreement(f"DOCUMENT {doc_id}", agreement)]
    if report.single:
        lines += ["", "documents with a single annotator (not compared): " + ", ".join(report.single)]
    return "\n".join(lines)
