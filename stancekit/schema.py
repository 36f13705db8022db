"""The annotation schema: stance labels, entity types and roles, read from a YAML file.

The Label Studio config, the Hugging Face features, the guideline tables and the
baselines' label order are all derived from :data:`SCHEMA`, the active schema: the bundled
``schema.yaml`` unless :func:`use_schema` (``stancekit --schema FILE`` or ``STANCEKIT_SCHEMA``)
chose another file before any work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from stancekit.files import InputError, read_text

BUNDLED_FILE = Path(__file__).with_name("schema.yaml")
ENV = "STANCEKIT_SCHEMA"
NONE = "none"
# Label Studio's own shortcuts (web/libs/editor/src/core/settings/keymap.json, 1.23): a label
# hotkey equal to one of them shadows or is shadowed by the editor's action.
RESERVED_HOTKEYS = frozenset({
    "u", "enter", "escape", "backspace", "delete", "left", "right",
    "ctrl+b", "ctrl+enter", "ctrl+space", "ctrl+right", "ctrl+left", "ctrl+z", "ctrl+shift+z",
    "ctrl+backspace", "ctrl+d", "ctrl+alt+left", "ctrl+alt+right", "shift+ctrl+alt+left",
    "shift+ctrl+alt+right", "alt+left", "alt+right", "alt+r", "alt+h", "alt+l", "alt+m", "alt+.",
    "alt+space", "alt+enter", "shift+left", "shift+right", "shift+alt+left", "shift+alt+right",
    "command+b", "command+enter", "command+right", "command+left", "command+z",
    "command+shift+z", "command+backspace", "command+d",
})


@dataclass(frozen=True)
class Label:
    """One label with the definition and hotkey annotators see."""

    name: str
    definition: str
    hotkey: str
    color: str


@dataclass(frozen=True)
class Role:
    """One end of a dyad."""

    name: str
    definition: str


@dataclass(frozen=True)
class Schema:
    """Stance labels, entity types and the source→target dyad relation."""

    stances: tuple[Label, ...]
    entity_types: tuple[Label, ...]
    roles: tuple[Role, Role]
    relation: str
    precedence: tuple[str, ...]
    text_control: str = "text"
    context_control: str = "context"
    stance_control: str = "stance"
    entity_control: str = "entities"

    @property
    def stance_names(self) -> list[str]:
        """Stance names in their fixed order (the ClassLabel order)."""
        return [label.name for label in self.stances]

    @property
    def entity_names(self) -> list[str]:
        """Entity type names in their fixed order."""
        return [label.name for label in self.entity_types]

    @property
    def dyad_keys(self) -> tuple[str, str]:
        """The keys of a dyad record: the source role's name, then the target role's."""
        return self.roles[0].name, self.roles[1].name

    @property
    def bio_tags(self) -> list[str]:
        """BIO tag names derived from the entity types, ``O`` first."""
        return ["O"] + [f"{p}-{t}" for t in self.entity_names for p in ("B", "I")]

    @property
    def default_stance(self) -> str:
        """The stance of a sentence that takes no position."""
        return NONE

    def resolve(self, stances: set[str]) -> str:
        """Pick the one stance of a sentence that carries several, by precedence."""
        for name in self.precedence:
            if name in stances:
                return name
        return self.default_stance


def _items(path: Path, data: dict, field: str, keys: tuple[str, ...]) -> list[dict]:
    items = data.get(field)
    if not isinstance(items, list) or not items:
        raise InputError(path, f"expected a non-empty list of {{{', '.join(keys)}}}", field=field)
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != set(keys):
            raise InputError(path, f"expected exactly the keys {', '.join(keys)}",
                             field=f"{field}[{i}]")
        for key in keys:
            if not isinstance(item[key], str) or not item[key].strip():
                raise InputError(path, "expected a non-empty string", field=f"{field}[{i}].{key}")
    _unique(path, field, [item["name"] for item in items], "name")
    return items


def _unique(path: Path, field: str, values: list[str], what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise InputError(path, f"duplicate {what} {value!r}", field=f"{field}[{i}].{what}")
        seen.add(value)


def parse_schema(text: str, path: Path) -> Schema:
    """A schema from YAML *text*, checked; bad content raises InputError naming *path* and field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(path, f"not valid YAML{where}: {getattr(e, 'problem', None) or e}"
                         ) from None
    fields = ("stances", "precedence", "entity_types", "roles", "relation")
    if not isinstance(data, dict):
        raise InputError(path, f"expected a mapping with {', '.join(fields)}")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InputError(path, f"unknown field; expected {', '.join(fields)}", field=unknown[0])
    label = ("name", "definition", "hotkey", "color")
    stances = _items(path, data, "stances", label)
    entity_types = _items(path, data, "entity_types", label)
    roles = _items(path, data, "roles", ("name", "definition"))
    if len(roles) != 2:
        raise InputError(path, "expected two roles: the source, then the target", field="roles")
    names = [s["name"] for s in stances]
    if NONE not in names:
        raise InputError(path, f"no {NONE!r} stance: a sentence that takes no position needs it",
                         field="stances")
    labelled = [(f"{field}[{i}]", item) for field, items in
                (("stances", stances), ("entity_types", entity_types))
                for i, item in enumerate(items)]
    seen: dict[str, str] = {}
    for where, item in labelled:
        key = item["hotkey"].strip().lower()
        if key in RESERVED_HOTKEYS:
            raise InputError(path, f"hotkey {item['hotkey']!r} is one of Label Studio's own "
                             "shortcuts", field=f"{where}.hotkey")
        if key in seen:
            raise InputError(path, f"duplicate hotkey {item['hotkey']!r} (also {seen[key]})",
                             field=f"{where}.hotkey")
        seen[key] = where
    precedence = data.get("precedence")
    if not isinstance(precedence, list) or not all(isinstance(p, str) for p in precedence):
        raise InputError(path, "expected a list of stance names", field="precedence")
    _unique(path, "precedence", precedence, "stance")
    for i, name in enumerate(precedence):
        if name not in names or name == NONE:
            raise InputError(path, f"{name!r} is not a stance other than {NONE!r}",
                             field=f"precedence[{i}]")
    missing = [n for n in names if n != NONE and n not in precedence]
    if missing:
        raise InputError(path, f"leaves out the stance {missing[0]!r}; list every stance but "
                         f"{NONE!r}", field="precedence")
    relation = data.get("relation")
    if not isinstance(relation, str) or not relation.strip():
        raise InputError(path, "expected the relation's name", field="relation")
    return Schema(stances=tuple(Label(**s) for s in stances),
                  entity_types=tuple(Label(**t) for t in entity_types),
                  roles=(Role(**roles[0]), Role(**roles[1])), relation=relation,
                  precedence=tuple(precedence))


@dataclass(frozen=True)
class SchemaFile:
    """A loaded schema with the file it came from and that file's text and sha256."""

    schema: Schema
    path: Path
    text: str

    @property
    def sha256(self) -> str:
        """The sha256 of the file's bytes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def load_schema(path: Path) -> SchemaFile:
    """Read and check the schema file at *path*."""
    text = read_text(path)
    return SchemaFile(parse_schema(text, Path(path)), Path(path), text)


BUNDLED = load_schema(BUNDLED_FILE)
_active = [BUNDLED]


def use_schema(path: Path | str | None) -> SchemaFile:
    """Make the schema file at *path* the active one (None: the bundled default), before any
    work that reads labels; returns it."""
    _active[0] = BUNDLED if path is None else load_schema(Path(path))
    return _active[0]


def active() -> Schema:
    """The active schema."""
    return _active[0].schema


def active_file() -> SchemaFile:
    """The active schema with its file, text and sha256."""
    return _active[0]


class _Active:
    """Forwards every attribute to the active schema, so ``SCHEMA.x`` follows :func:`use_schema`."""

    def __getattr__(self, name: str) -> object:
        return getattr(_active[0].schema, name)

    def __repr__(self) -> str:
        return f"<active schema from {_active[0].path}>"


SCHEMA: Schema = _Active()  # type: ignore[assignment]
