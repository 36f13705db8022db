"""The annotation guidelines, with their label tables generated from the schema."""

from __future__ import annotations

import re
from pathlib import Path

from stancekit.schema import SCHEMA, Label

GUIDELINES = Path(__file__).with_name("GUIDELINES.md")
_BLOCK = re.compile(r"(<!-- schema:(\w+) -->\n)(.*?)(<!-- /schema:\2 -->)", re.S)


def _label_table(header: str, labels: tuple[Label, ...]) -> str:
    rows = [f"| {header} | hotkey | definition |", "|---|---|---|"]
    rows += [f"| `{x.name}` | `{x.hotkey}` | {x.definition} |" for x in labels]
    return "\n".join(rows) + "\n"


def schema_blocks() -> dict[str, str]:
    """The generated content of every ``<!-- schema:NAME -->`` block."""
    roles = ["| role | definition |", "|---|---|"]
    roles += [f"| `{r.name}` | {r.definition} |" for r in SCHEMA.roles]
    order = [*SCHEMA.precedence, SCHEMA.default_stance]
    return {
        "stances": _label_table("stance", SCHEMA.stances),
        "entities": _label_table("type", SCHEMA.entity_types),
        "roles": "\n".join(roles) + "\n",
        "precedence": " > ".join(f"`{name}`" for name in order) + "\n",
    }


def render(text: str) -> str:
    """Replace every schema block of *text* with its generated content."""
    blocks = schema_blocks()
    return _BLOCK.sub(lambda m: m.group(1) + blocks[m.group(2)] + m.group(4), text)


def guidelines_text() -> str:
    """The guidelines as shown to annotators, tables freshly generated."""
    return render(GUIDELINES.read_text(encoding="utf-8"))
