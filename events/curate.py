"""Extending an actor dictionary file with new names, comments and layout kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from stancekit.events.dictionary import (
    BUNDLED,
    Actors,
    load_actors,
    parse_actors,
    read_dictionary,
)
from stancekit.files import InputError, write_text
from stancekit.schema import SCHEMA

NEW_VERSION = "1"


def add_actor(path: Path | str, name: str, country: str | None = None, role: str | None = None,
              code: str | None = None, wikipedia: str | None = None,
              entity_type: str | None = None) -> tuple[dict, Actors]:
    """Add *name* as an actor to the dictionary file at *path* (a new file extends the bundled
    dictionary); the entry and the dictionary as loaded after the change."""
    path = Path(path)
    if entity_type is not None and entity_type not in SCHEMA.entity_names:
        raise InputError(path, f"unknown entity type {entity_type!r}; expected one of "
                         f"{', '.join(SCHEMA.entity_names)}", field="type")
    fields = {"country": country, "role": role, "code": code, "type": entity_type,
              "wikipedia": wikipedia}
    entry = {"names": [name], **{k: v for k, v in fields.items() if v is not None}}
    line = "  - " + yaml.safe_dump(entry, default_flow_style=True, allow_unicode=True,
                                   sort_keys=False, width=10_000).strip() + "\n"
    if path.exists():
        old = read_dictionary(path)
        text = path.read_text(encoding="utf-8")
        appended = text + ("" if text.endswith("\n") else "\n") + line
        # Appending keeps comments; it is right only when the actors list ends the file.
        new = _parsed(appended)
        before = (old or {}).get("actors") if isinstance(old, dict) else None
        if (isinstance(before, list) and isinstance(new, dict)
                and new.get("actors") == [*before, entry]):
            text = appended
        elif isinstance(old, dict):
            text = yaml.safe_dump({**old, "actors": [*(before or []), entry]}, sort_keys=False,
                                  allow_unicode=True, width=100)
        else:
            raise InputError(path, "expected a mapping with version and actors")
    else:
        text = yaml.safe_dump({"version": NEW_VERSION, "extends": BUNDLED, "actors": []},
                              sort_keys=False).replace("actors: []\n", "actors:\n") + line
    data = _parsed(text)
    base = load_actors() if isinstance(data, dict) and data.get("extends") == BUNDLED else None
    actors = parse_actors(data, path, base)
    write_text(path, text)
    return entry, actors


def _parsed(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None
