"""Push the corpus to a Label Studio project and pull its annotations back.

Push matches documents to tasks by `data.doc_id`, so re-running it never duplicates a task, and
it never creates, changes or deletes an annotation: pre-annotations (the gold, or an extractor's
output) are Label Studio predictions of one model version, replaced on every push, and the
project's model version is set to it so that the editor and "Label all tasks" start every
annotator from it. Annotations are only ever made by people, so each one's `completed_by` is
the person who drew its spans.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from newsspans.corpus.model import Document

from .client import LabelStudioClient, RemoteTask
from .config import load_config
from .tasks import build_task, task_data

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
    predicted: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)  # stale predictions removed (e.g. the gold became empty)
    model_version: str | None = None
    notes: list[str] = field(default_factory=list)  # things left alone, and why

    def summary(self) -> str:
        version = f" of {self.model_version}" if self.model_version else ""
        return (f"project {self.project_id} ({'created' if self.project_created else 'existing'}): "
                f"{len(self.created)} task(s) created, {len(self.data_updated)} task text(s) updated, "
                f"{len(self.predicted)} prediction(s){version} set"
                + (f", {len(self.cleared)} removed" if self.cleared else ""))


def _batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def push(client: LabelStudioClient, project: str, documents: Sequence[Document],
         predictions: Mapping[str, list[dict]] | None = None, model_version: str | None = None,
         track: Track = no_progress) -> PushReport:
    """Create or update `project` so it holds one task per document, pre-annotated as asked.

    `predictions` (doc id -> Label Studio result) becomes a prediction of `model_version`; a
    document missing from it gets none (an earlier prediction of that version is removed).
    """
    report = PushReport(model_version=model_version if predictions is not None else None)
    version = model_version or "predictions"
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
        doc_prediction = predictions.get(doc.id) if predictions is not None else None
        task = remote.get(doc.id)
        if task is None:
            new_tasks.append(build_task(doc, doc_prediction, version))
            report.created.append(doc.id)
            if doc_prediction is not None:
                report.predicted.append(doc.id)
            continue
        _update_task(client, task, doc, predictions is not None, doc_prediction, version, report)
    for batch in _batches(new_tasks, IMPORT_BATCH):
        client.import_tasks(report.project_id, batch)
    if report.predicted:
        # The editor and the labeling stream start annotators from predictions of this version.
        client.set_model_version(report.project_id, version)
    return report


def _update_task(client: LabelStudioClient, task: RemoteTask, doc: Document, predicting: bool,
                 doc_prediction: list[dict] | None, version: str, report: PushReport) -> None:
    """Bring an existing task up to date without touching its annotations."""
    if task.data.get("text") != doc.text:
        if task.annotation_ids:
            report.notes.append(f"document {doc.id!r}: its text changed but task {task.id} has annotations whose "
                                "offsets refer to the old text; left alone (re-annotate in a new project)")
            return
        client.update_task_data(task.id, task_data(doc))
        report.data_updated.append(doc.id)
    if doc_prediction is not None:
        client.replace_predictions(task, doc_prediction, version)
        report.predicted.append(doc.id)
    elif predicting and task.predictions.get(version):
        client.replace_predictions(task, None, version)
        report.cleared.append(doc.id)


def pull_export(client: LabelStudioClient, project: str, track: Track = no_progress) -> tuple[list[dict], dict[int, str]]:
    """The project's export (all tasks, fetched in batches for the progress bar) and user emails."""
    project_id = client.project_id(project)
    task_ids = [t.id for t in client.tasks(project_id)]
    exported: list[dict] = []
    for batch in track(_batches(task_ids, EXPORT_BATCH), "pull"):
        exported += client.export(project_id, batch)
    return exported, client.users()
