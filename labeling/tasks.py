"""Label Studio tasks: sentence records as task data, with pre-annotations as predictions."""

from __future__ import annotations

from stancekit.labeling.corpus import METADATA

TASK_FIELDS = ("sentence_id", "doc_id", "index", "start", "end", "text", "context")


def task_data(record: dict) -> dict:
    """The task ``data`` of one sentence record: the public contract fields."""
    data = {k: record[k] for k in TASK_FIELDS}
    data.update({k: record[k] for k in METADATA if record.get(k)})
    return data
