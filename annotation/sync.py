"""Push the corpus to a Label Studio project and pull its annotations back.

Push matches documents to tasks by `data.doc_id`, so re-running it never duplicates a task, and
it never changes or deletes an annotation: gold is added only to tasks with no annotation yet.
Predictions (not annotations) of the same model version are replaced on every push.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from newsspans.corpus.model import Document, Span

from .client import LabelStudioClient, RemoteTask
from .config import load_config
from .tasks import build_task, gold_result, task_data

# `track(items, label)` wraps an iterable in a progress bar; the default shows nothing.
Track = Callable[[Sequence, str], Iterable]
IMPORT_BATCH = 50
EXPORT_BATCH = 50


def no_progress(items: Sequence, label: str) -> Iterable:
    return items


@dataclass
class PushReport:
    """What a push did, document by document."""

    project_id: int = 0
    project_created: bool = False
    created: list[str] = field(default_factory=list)
    data_updated: list[str] = field(default_factory=list)
    annotated: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things left alone, and why

    def summary(self) -> str:
        return (f"project {self.project_id} ({'created' if self.project_created else 'existing'}): "
                f"{len(self.created)} task(s) created, {len(self.data_updated)} task text(s) updated, "
                f"{len(self.annotated)} gold annotation(s) added, {len(self.predicted)} prediction(s) set")


def _batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def push(client: LabelStudioClient, project: str, documents: Sequence[Document],
         gold: Mapping[str, Sequence[Span]] | None = None, predictions: Mapping[str, list[dict]] | None = None,
         model_version: str | None = None, track: Track = no_progress) -> PushReport:
    """Create or update `project` so it holds one task per document, pre-annotated as asked.

    `gold` (doc id -> spans) becomes a ground-truth annotation on tasks that have none;
    `predictions` (doc id -> Label Studio result) becomes a prediction of `model_version`.
    """
    report = PushReport()
    report.project_id, report.project_created = client.ensure_project(project, load_config().xml)
    remote: dict[str, RemoteTask] = {}
    for task in client.tasks(report.project_id):
        if task.doc_id in remote:
            report.notes.append(f"document {task.doc_id!r} has several tasks ({remote[task.doc_id].id}, {task.id}); "
                                "only the first is updated; delete the duplicate in Label Studio")
        else:
            remote.setdefault(task.doc_id, task)
    new_tasks = []
    for doc in track(documents, "push"):
        doc_gold = gold.get(doc.id, []) if gold is not None else None
        doc_prediction = predictions.get(doc.id) if predictions is not None else None
        task = remote.get(doc.id)
        if task is None:
            new_tasks.append(build_task(doc, doc_gold, doc_prediction, model_version))
            report.created.append(doc.id)
            continue
        _update_task(client, task, doc, doc_gold, doc_prediction, model_version, report)
    for batch in _batches(new_tasks, IMPORT_BATCH):
        client.import_tasks(report.project_id, batch)
    report.annotated += [d for d in report.created if gold is not None]
    report.predicted += [d for d in report.created if predictions is not None and d in predictions]
    return report


def _update_task(client: LabelStudioClient, task: RemoteTask, doc: Document, doc_gold: Sequence[Span] | None,
                 doc_prediction: list[dict] | None, model_version: str | None, report: PushReport) -> None:
    """Bring an existing task up to date without touching its annotations."""
    if task.data.get("text") != doc.text:
        if task.annotation_ids:
            report.notes.append(f"document {doc.id!r}: its text changed but task {task.id} has annotations whose "
                                "offsets refer to the old text; left alone (re-annotate in a new project)")
            return
        client.update_task_data(task.id, task_data(doc))
        report.data_updated.append(doc.id)
    if doc_gold is not None:
        if task.annotation_ids:
            report.notes.append(f"document {doc.id!r}: task {task.id} already has {len(task.annotation_ids)} "
                                "annotation(s); gold not added (annotations are never overwritten)")
        else:
            client.add_annotation(task.id, gold_result(doc, doc_gold), ground_truth=True)
            report.annotated.append(doc.id)
    if doc_prediction is not None:
        client.replace_predictions(task, doc_prediction, model_version or "predictions")
        report.predicted.append(doc.id)


def pull_export(client: LabelStudioClient, project: str, track: Track = no_progress) -> tuple[list[dict], dict[int, str]]:
    """The project's export (all tasks, fetched in batches for the progress bar) and user emails."""
    project_id = client.project_id(project)
    task_ids = [t.id for t in client.tasks(project_id)]
    exported: list[dict] = []
    for batch in track(_batches(task_ids, EXPORT_BATCH), "pull"):
        exported += client.export(project_id, batch)
    return exported, client.users()
