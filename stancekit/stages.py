"""Resumable pipeline stages: a stage is skipped when its inputs and options are unchanged."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from stancekit import __version__
from stancekit.files import read_json, tree_sha256, write_json

log = logging.getLogger(__name__)


def fingerprint(inputs: Iterable[Path], params: dict[str, Any]) -> str:
    """A sha256 over the bytes of the input files (folders recursively) and the options."""
    h = hashlib.sha256(json.dumps([__version__, params], sort_keys=True, default=str).encode())
    for path in inputs:
        h.update(tree_sha256(path).encode())
    return h.hexdigest()


class Stages:
    """Runs named stages in an output folder, recording a stamp after each success."""

    def __init__(self, out_dir: Path, force: bool = False) -> None:
        self.stamps = out_dir / ".stamps"
        self.force = force

    def run(self, name: str, inputs: list[Path], outputs: list[Path], params: dict[str, Any],
            fn: Callable[[], Any]) -> bool:
        """Run *fn* unless the stamp of *name* matches; return whether it ran."""
        stamp = self.stamps / f"{name}.json"
        key = fingerprint(inputs, params)
        if (not self.force and stamp.exists() and all(p.exists() for p in outputs)
                and read_json(stamp).get("fingerprint") == key):
            log.debug("stage %s: fingerprint %s unchanged", name, key[:12])
            return False
        log.debug("stage %s: running (fingerprint %s)", name, key[:12])
        fn()
        write_json(stamp, {"stage": name, "fingerprint": key})
        return True
