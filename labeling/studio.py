"""Talking to a Label Studio server: the project, pushing tasks and pulling exports."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from stancekit.files import InputError, StageError, atomic_open, iter_jsonl, read_json
from stancekit.labeling.config import CONTEXT_HTML, context_html, instructions, label_config
from stancekit.labeling.server import read_secret
from stancekit.labeling.tasks import task_data
from stancekit.schema import SCHEMA

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

DEFAULT_URL = "http://localhost:8080"
DEFAULT_PROJECT = "stancekit"
DEFAULT_OVERLAP = 2
DEFAULT_OVERLAP_PERCENT = 20
EXPORT_FORMAT = "JSON"
# Predictions and drafts in full, annotators as user ids.
SERIALIZATION = {
    "predictions": {"only_id": False},
    "drafts": {"only_id": False},
    "annotations__completed_by": {"only_id": True},
}


class StudioError(StageError):
    """Label Studio is unreachable, refuses a request or misses credentials."""


def api_key_from_env() -> str | None:
    """The API key from ``LABEL_STUDIO_API_KEY``, or from the file ``LABEL_STUDIO_API_KEY_FILE``."""
    if key := os.environ.get("LABEL_STUDIO_API_KEY"):
        return key
    if file := os.environ.get("LABEL_STUDIO_API_KEY_FILE"):
        path = Path(file)
        key = read_secret(path)
        if key is None:
            raise StudioError(f"LABEL_STUDIO_API_KEY_FILE names {path}, which does not exist")
        return key
    return None


def connect(url: str | None = None, api_key: str | None = None,
            timeout: float = 300.0) -> LabelStudio:
    """A Label Studio client; missing arguments come from ``LABEL_STUDIO_URL`` and the key vars."""
    from label_studio_sdk import LabelStudio

    url = url or os.environ.get("LABEL_STUDIO_URL") or DEFAULT_URL
    api_key = api_key or api_key_from_env()
    if not api_key:
        raise StudioError("no API key: set LABEL_STUDIO_API_KEY, or LABEL_STUDIO_API_KEY_FILE "
                          "to a file holding it")
    client = LabelStudio(base_url=url.rstrip("/"), api_key=api_key, timeout=timeout)
    try:
        client.users.whoami()
    except Exception as e:
        raise StudioError(f"cannot use Label Studio at {url}: {_reason(e)}") from None
    return client


def _reason(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    if status in (401, 403):
        return f"the API key was refused (HTTP {status})"
    return f"HTTP {status}: {getattr(error, 'body', error)}" if status else str(error)


@contextlib.contextmanager
def api(action: str) -> Iterator[None]:
    """Turn a refused API request into a StudioError that says what was being done."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except ApiError as e:
        raise StudioError(f"{action}: {_reason(e)}") from None
    except httpx.TransportError as e:
        raise StudioError(f"{action}: the server does not answer ({e or type(e).__name__})"
                          ) from None


def find_project(client: LabelStudio, title: str) -> Any | None:
    """The project with exactly this title, or None."""
    with api("cannot list projects"):
        matches = [p for p in client.projects.list(page_size=100) if p.title == title]
    if len(matches) > 1:
        raise StudioError(f"{len(matches)} projects are titled {title!r}; rename all but one")
    return matches[0] if matches else None


def get_project(client: LabelStudio, title: str = DEFAULT_PROJECT) -> Any:
    """The project with this title, or a clear error when there is none."""
    project = find_project(client, title)
    if project is None:
        raise StudioError(f"no project titled {title!r}; run `stancekit studio up` or push first")
    return project


def ensure_project(client: LabelStudio, title: str = DEFAULT_PROJECT,
                   overlap: int | None = None, overlap_percent: int | None = None) -> Any:
    """Create the project, or bring an existing one's config and instructions up to date.

    *overlap* annotators label *overlap_percent* % of the tasks, shown first; a new project
    gets ``DEFAULT_OVERLAP`` on ``DEFAULT_OVERLAP_PERCENT`` % when they are not given. The
    settings are read back from the server and must match.
    """
    project = find_project(client, title)
    if project is None:
        overlap = DEFAULT_OVERLAP if overlap is None else overlap
        overlap_percent = DEFAULT_OVERLAP_PERCENT if overlap_percent is None else overlap_percent
    wanted = {}
    if overlap is not None:
        wanted["maximum_annotations"] = overlap
    if overlap_percent is not None:
        wanted.update(overlap_cohort_percentage=overlap_percent, show_overlap_first=True)
    settings = {"label_config": label_config(), "expert_instruction": instructions(),
                "show_instruction": True, **wanted}
    with api(f"cannot set up project {title!r}"):
        if project is None:
            project = client.projects.create(title=title, **settings)
        else:
            current = client.projects.get(project.id)
            if any(getattr(current, k) != v for k, v in settings.items()):
                client.projects.update(project.id, **settings)
        project = client.projects.get(project.id)
    kept = {k: getattr(project, k) for k in wanted if getattr(project, k) != wanted[k]}
    if kept:
        raise StudioError(f"project {title!r}: the server kept "
                          + ", ".join(f"{k}={v!r} (asked for {wanted[k]!r})"
                                      for k, v in kept.items()))
    return project


def overlap_summary(project: Any) -> str:
    """How many annotators label how many tasks, as the server has it."""
    first = ", shown first" if project.show_overlap_first else ""
    return (f"{project.maximum_annotations} annotators on "
            f"{project.overlap_cohort_percentage}% of tasks{first}")


def read_tasks(path: Path | str) -> list[dict]:
    """Read tasks from a JSON list or JSONL file; bare sentence records become task data."""
    path = Path(path)
    if path.suffix == ".jsonl":
        items = [(f"line {n}", obj) for n, obj in iter_jsonl(path)]
    else:
        loaded = read_json(path)
        if not isinstance(loaded, list):
            raise InputError(path, "expected a JSON list of tasks")
        items = [(f"task {i}", obj) for i, obj in enumerate(loaded, 1)]
    tasks = []
    for where, obj in items:
        if not isinstance(obj, dict):
            raise InputError(path, "expected a JSON object", record=where)
        if "data" not in obj:
            missing = [k for k in ("sentence_id", "text") if k not in obj]
            if missing:
                raise InputError(path, "neither a task with 'data' nor a sentence record",
                                 record=where, field=missing[0])
            try:
                obj = {"data": task_data(obj)}
            except KeyError as e:
                raise InputError(path, "missing in the sentence record", record=where,
                                 field=e.args[0]) from None
        if not isinstance(obj["data"], dict) or not obj["data"].get("sentence_id"):
            raise InputError(path, "task data needs a sentence_id", record=where,
                             field="data.sentence_id")
        tasks.append(obj)
    return tasks


def with_view(task: dict) -> dict:
    """The task with its context as the labeling view shows it (HTML, the sentence marked)."""
    data = task["data"]
    if CONTEXT_HTML in data or not isinstance(data.get("text"), str):
        return task
    return {**task, "data": {**data, CONTEXT_HTML: context_html(data)}}


def without_stance(tasks: list[dict]) -> list[dict]:
    """The tasks with the stance taken out of their predictions, the entity spans and dyads
    kept, so annotators choose the stance unprompted."""
    return [{**task, "predictions": [
        {**p, "result": [i for i in p.get("result") or ()
                         if i.get("from_name") != SCHEMA.stance_control]}
        for p in task["predictions"]]} if task.get("predictions") else task for task in tasks]


def list_tasks(client: LabelStudio, project_id: int, page_size: int = 1000) -> list[Any]:
    """The id, data and annotation count of every task in a project."""
    with api(f"cannot list the tasks of project {project_id}"):
        return list(client.tasks.list(project=project_id, fields="task_only",
                                      include="id,data,total_annotations",
                                      page_size=page_size))


def task_ids(client: LabelStudio, project_id: int, tasks: list[Any] | None = None
             ) -> dict[str, int]:
    """The task id of each sentence id already in a project (its first task), from *tasks* if
    given (as ``list_tasks`` returns them)."""
    ids: dict[str, int] = {}
    listed = list_tasks(client, project_id) if tasks is None else tasks
    for task in sorted(listed, key=lambda t: t.id):
        if task.data:
            ids.setdefault(task.data.get("sentence_id"), task.id)
    return ids


def remove_duplicates(client: LabelStudio, project_id: int) -> tuple[list[Any], int]:
    """Delete unannotated later tasks of a sentence that has an earlier task; return the
    tasks left and how many were deleted.

    Two pushes of the same sentences at once both import them; each push runs this after its
    import, so the last one to finish sees every copy and the first task of each sentence stays.
    """
    tasks = sorted(list_tasks(client, project_id), key=lambda t: t.id)
    first: set[str] = set()
    extra = []
    for task in tasks:
        sid = (task.data or {}).get("sentence_id")
        if sid in first and not task.total_annotations:
            extra.append(task.id)
        first.add(sid)
    if extra:
        with api(f"cannot delete {len(extra)} duplicate tasks of project {project_id}"):
            client.actions.create(id="delete_tasks", project=project_id,
                                  selected_items={"all": False, "included": extra})
        deleted = set(extra)
        tasks = [t for t in tasks if t.id not in deleted]
    return tasks, len(extra)


def push(client: LabelStudio, project: Any, tasks: Iterable[dict],
         batch_size: int = 500, progress: bool | None = None) -> dict[str, int]:
    """Import the tasks whose sentence is not in the project yet, each with its context
    view (``with_view``); return the counts.

    ``skipped`` counts tasks whose sentence was in the project or earlier in *tasks*;
    ``imported`` the imported tasks still in the project after copies of the same sentence
    imported at the same time were removed; ``project_tasks`` is read back from the server.
    """
    tasks = list(tasks)
    existing = list_tasks(client, project.id)
    seen = set(task_ids(client, project.id, existing))
    new = []
    for task in tasks:
        sid = task["data"]["sentence_id"]
        if sid not in seen:
            seen.add(sid)
            new.append(with_view(task))
    # disable=None turns the bar off when stderr is not a terminal.
    bar = tqdm(total=len(new), unit="task", desc="push",
               disable=None if progress is None else not progress)
    imported: set[int] = set()
    with bar:
        for i in range(0, len(new), batch_size):
            batch = new[i:i + batch_size]
            with api(f"import of tasks {i + 1}-{i + len(batch)} refused"):
                response = client.projects.import_tasks(project.id, request=batch,
                                                        return_task_ids=True)
            imported.update(response.task_ids or ())
            bar.update(len(batch))
    left, removed = remove_duplicates(client, project.id) if new else (existing, 0)
    return {"read": len(tasks), "skipped": len(tasks) - len(new),
            "imported": len(imported & {t.id for t in left}), "duplicates_removed": removed,
            "project_tasks": len(left)}


def pull(client: LabelStudio, project: Any, path: Path | str, timeout: float = 600.0,
         poll: float = 0.5) -> int:
    """Write a full JSON snapshot export of the project to *path* atomically; return its size."""
    with api(f"cannot export project {project.id}"):
        export = client.projects.exports.create(
            project.id, title=f"stancekit {time.strftime('%Y-%m-%dT%H:%M:%S')}",
            serialization_options=SERIALIZATION,
        )
    try:
        return _download(client, project.id, export, path, timeout, poll)
    finally:
        # Best effort: when the server is gone, so is any way to delete its snapshot.
        with contextlib.suppress(StudioError), api(f"cannot delete export {export.id}"):
            client.projects.exports.delete(project.id, export.id)


def _download(client: LabelStudio, project_id: int, export: Any, path: Path | str,
              timeout: float, poll: float) -> int:
    """Wait for the export snapshot to complete and write it to *path*; return its size."""
    deadline = time.monotonic() + timeout
    while export.status != "completed":
        if export.status == "failed":
            raise StudioError(f"the export of project {project_id} failed on the server")
        if time.monotonic() > deadline:
            raise StudioError(f"the export of project {project_id} took over {timeout:.0f} s")
        time.sleep(poll)
        with api(f"cannot follow export {export.id} of project {project_id}"):
            export = client.projects.exports.get(project_id, export.id)
    size = 0
    with api(f"cannot download export {export.id} of project {project_id}"), \
            atomic_open(path, "wb") as f:
        for chunk in client.projects.exports.download(project_id, export.id,
                                                      export_type=EXPORT_FORMAT):
            f.write(chunk)
            size += len(chunk)
    return size
