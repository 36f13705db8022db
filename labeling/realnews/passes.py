"""Annotation passes over selected sentences: ``sentence_id<TAB>stance | marked text | dyads``.

The marked text uses the bundled corpus's markup (``{span|TYPE}``, see corpus/AUTHORING.md);
with the markup removed it must equal the selected sentence exactly.
"""

from __future__ import annotations

from pathlib import Path

from stancekit.files import InputError, read_text
from stancekit.labeling.markup import MarkedSentence, parse_line
from stancekit.schema import SCHEMA


def read_pass(path: Path | str, sentences: dict[str, dict]) -> dict[str, MarkedSentence]:
    """The annotations of one pass by sentence id, each checked against its sentence."""
    out: dict[str, MarkedSentence] = {}
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {lineno}"
        sid, sep, rest = line.partition("\t")
        sid = sid.strip()
        if not sep:
            raise InputError(path, "expected 'sentence_id<TAB>stance | text | dyads'",
                             record=where)
        if sid not in sentences:
            raise InputError(path, f"sentence {sid!r} is not in the selection", record=where,
                             field="sentence_id")
        if sid in out:
            raise InputError(path, f"sentence {sid!r} is annotated twice", record=where,
                             field="sentence_id")
        marked = parse_line(rest, path, lineno)
        if marked.text != sentences[sid]["text"]:
            raise InputError(path, "text without markup differs from the sentence: "
                             f"{_first_difference(marked.text, sentences[sid]['text'])}",
                             record=where, field="text")
        if marked.stance == SCHEMA.default_stance and marked.dyads:
            raise InputError(path, f"a {SCHEMA.default_stance!r} sentence has dyads",
                             record=where, field="dyads")
        out[sid] = marked
    return out


def _first_difference(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a),
                                                                                      len(b)))
    return f"at character {i}: {a[max(0, i - 15):i + 15]!r} vs {b[max(0, i - 15):i + 15]!r}"
