"""The only module that talks to a Label Studio server, through label-studio-sdk 2.x.

Every failure becomes a `LabelStudioError` with a one-line message (unreachable server,
rejected key, missing project, timeout, unexpected answer). The API key is never put in a
message or a log line; messages name the variable it comes from instead.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field


API_KEY_ENV = "LABEL_STUDIO_API_KEY"
DEFAULT_TIMEOUT = 60.0


class LabelStudioError(RuntimeError):
    """A failure talking to Label Studio, as one line a user can act on."""


def resolve_api_key(explicit: str | None) -> str:
    """The key from `--api-key`, else from LABEL_STUDIO_API_KEY."""
    key = explicit or os.environ.get(API_KEY_ENV)
    if not key:
        raise LabelStudioError(f"no Label Studio API key: set {API_KEY_ENV} or pass --api-key "
                               "(find it in Label Studio under Account & Settings)")
    return key


@dataclass(frozen=True)
class RemoteTask:
    """What push needs to know about a task already on the server."""

    id: int
    data: dict
    annotation_ids: tuple[int, ...] = ()
    predictions: dict[str, tuple[int, ...]] = field(default_factory=dict)  # model version -> ids

    @property
    def doc_id(self) -> str | None:
        return self.data.get("doc_id")


def _body_detail(body: object) -> str:
    if isinstance(body, dict):
        for key in ("validation_errors", "detail", "message"):
            if body.get(key):
                return json.dumps(body[key], ensure_ascii=False)[:300]
    return str(body)[:300].replace("\n", " ")


def redact_url(url: str) -> str:
    """`url` as messages show it: a password in it (`http://user:secret@host`) and the query
    (`?token=...`) are secrets as much as the API key, so they are replaced by `***`."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.split(':', 1)[0]}:***@{host}" if ":" in user else f"{user}@{host}"
        return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))
    except ValueError:  # not a URL at all: nothing in it can be told apart, so show none of it
        return "(the --url given)"


class LabelStudioClient:
    """A thin, error-translating wrapper over the SDK calls newsspans uses."""

    def __init__(self, url: str, api_key: str, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 1):
        from label_studio_sdk import LabelStudio

        self.url = url.rstrip("/")
        self.timeout = timeout
        with self._errors("connect"):
            self._sdk = LabelStudio(base_url=self.url, api_key=api_key, timeout=timeout)
        self._options = {"max_retries": max_retries}

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        import httpx  # here, not at the top: `newsspans --help` must not pay for it
        from label_studio_sdk.core.api_error import ApiError
        from pydantic import ValidationError

        where = f"Label Studio at {redact_url(self.url)}"
        try:
            yield
        except ApiError as exc:
            if exc.status_code in (401, 403):
                raise LabelStudioError(f"{where} rejected the API key (HTTP {exc.status_code}) while trying to {action}: "
                                       f"check {API_KEY_ENV} or --api-key") from None
            if exc.status_code == 404:
                raise LabelStudioError(f"{where}: not found while trying to {action} (HTTP 404): "
                                       f"{_body_detail(exc.body)}") from None
            raise LabelStudioError(f"{where} answered HTTP {exc.status_code} while trying to {action}: "
                                   f"{_body_detail(exc.body)}") from None
        except httpx.TimeoutException:
            raise LabelStudioError(f"{where} did not answer within {self.timeout:g} s while trying to {action} "
                                   "(raise --timeout for large projects)") from None
        except httpx.ConnectError as exc:
            raise LabelStudioError(f"cannot reach {where} ({exc.__class__.__name__}: "
                                   f"{str(exc).replace(self.url, redact_url(self.url))[:120]}); "
                                   "is the server running and the URL right?") from None
        except (httpx.HTTPError, json.JSONDecodeError, ValidationError) as exc:
            raise LabelStudioError(f"unexpected answer from {where} while trying to {action}: "
                                   f"{exc.__class__.__name__}: "
                                   f"{str(exc).replace(self.url, redact_url(self.url)).splitlines()[0][:200]}") from None

    def whoami(self) -> str:
        """The email of the key's user; also proves the server is reachable and the key valid."""
        with self._errors("check the API key"):
            return self._sdk.users.whoami(request_options=self._options).email

    def users(self) -> dict[int, str]:
        """User id -> email, to name annotators."""
        with self._errors("list users"):
            return {u.id: u.email for u in self._sdk.users.list(request_options=self._options)}

    def find_project(self, project: str) -> int | None:
        """The id of the project with this title (or this numeric id), or None."""
        with self._errors(f"find project {project!r}"):
            for p in self._sdk.projects.list(request_options=self._options):
                if p.title == project or (project.isdigit() and p.id == int(project)):
                    return p.id
        return None

    def project_id(self, project: str) -> int:
        """Like `find_project`, but a missing project is an error."""
        pid = self.find_project(project)
        if pid is None:
            raise LabelStudioError(f"Label Studio at {redact_url(self.url)} has no project {project!r}; "
                                   "run `newsspans annotate push` first or pass --project")
        return pid

    def ensure_project(self, title: str, label_config: str) -> tuple[int, bool]:
        """(project id, created?): create the project, or bring its labeling config up to date."""
        pid = self.find_project(title)
        if pid is None:
            with self._errors(f"create project {title!r}"):
                return self._sdk.projects.create(title=title, label_config=label_config,
                                                 request_options=self._options).id, True
        with self._errors(f"update the labeling config of project {title!r}"):
            current = self._sdk.projects.get(pid, request_options=self._options).label_config
            if (current or "").strip() != label_config.strip():
                self._sdk.projects.update(pid, label_config=label_config, request_options=self._options)
        return pid, False

    def tasks(self, project_id: int) -> list[RemoteTask]:
        """Every task of the project, with its annotation ids and predictions by model version."""
        out = []
        with self._errors("list tasks"):
            for t in self._sdk.tasks.list(project=project_id, page_size=100, request_options=self._options):
                predictions: dict[str, list[int]] = {}
                for p in t.predictions or []:
                    predictions.setdefault(p.model_version or "", []).append(p.id)
                annotation_ids = tuple(a["id"] if isinstance(a, dict) else a.id for a in (t.annotations or []))
                out.append(RemoteTask(t.id, dict(t.data or {}), annotation_ids,
                                      {k: tuple(v) for k, v in predictions.items()}))
        return out

    def import_tasks(self, project_id: int, tasks: Sequence[dict]) -> int:
        """Create tasks (with their annotations and predictions); returns how many were created."""
        with self._errors("import tasks"):
            return self._sdk.projects.import_tasks(project_id, request=list(tasks),
                                                   request_options=self._options).task_count or 0

    def update_task_data(self, task_id: int, data: dict) -> None:
        with self._errors(f"update task {task_id}"):
            self._sdk.tasks.update(str(task_id), data=data, request_options=self._options)

    def add_annotation(self, task_id: int, result: list[dict], ground_truth: bool = False,
                       completed_by: int | None = None) -> int:
        """Create an annotation on a task; returns its id."""
        extra = {"completed_by": completed_by} if completed_by is not None else {}
        with self._errors(f"annotate task {task_id}"):
            return self._sdk.annotations.create(task_id, result=result, ground_truth=ground_truth,
                                                request_options=self._options, **extra).id

    def replace_predictions(self, task: RemoteTask, result: list[dict] | None, model_version: str) -> None:
        """Delete the task's predictions of `model_version` and add this one, if any (never annotations)."""
        with self._errors(f"replace predictions of task {task.id}"):
            for pid in task.predictions.get(model_version, ()):
                self._sdk.predictions.delete(pid, request_options=self._options)
            if result is not None:
                self._sdk.predictions.create(task=task.id, result=result, model_version=model_version,
                                             request_options=self._options)

    def set_model_version(self, project_id: int, model_version: str) -> None:
        """Make `model_version` the project's: the predictions the editor starts annotators from."""
        with self._errors(f"set the model version of project {project_id}"):
            if self._sdk.projects.get(project_id, request_options=self._options).model_version != model_version:
                self._sdk.projects.update(project_id, model_version=model_version, request_options=self._options)

    def export(self, project_id: int, task_ids: Sequence[int] | None = None) -> list[dict]:
        """The JSON export of the project (or of these tasks): the same format as the UI's export."""
        # The server filters by `ids[]`; the SDK's own `ids` argument sends `ids`, which it ignores.
        options = dict(self._options)
        if task_ids is not None:
            options["additional_query_parameters"] = {"ids[]": [str(i) for i in task_ids]}
        with self._errors("export annotations"):
            chunks = self._sdk.projects.exports.download_sync(project_id, export_type="JSON", download_all_tasks=True,
                                                              request_options=options)
            return json.loads(b"".join(chunks))
