"""Label Studio result items for the schema's controls, built and read in one place."""

from __future__ import annotations

from stancekit.schema import SCHEMA


def stance_item(stance: str, item_id: str = "stance", origin: str = "manual") -> dict:
    """A ``choices`` result item for the sentence stance."""
    return {
        "id": item_id,
        "type": "choices",
        "from_name": SCHEMA.stance_control,
        "to_name": SCHEMA.text_control,
        "origin": origin,
        "value": {"choices": [stance]},
    }


def entity_item(item_id: str, start: int, end: int, text: str, label: str,
                origin: str = "manual") -> dict:
    """A ``labels`` result item for one entity span of the sentence."""
    return {
        "id": item_id,
        "type": "labels",
        "from_name": SCHEMA.entity_control,
        "to_name": SCHEMA.text_control,
        "origin": origin,
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def relation_item(source_id: str, target_id: str) -> dict:
    """A ``relation`` result item from a source entity to a target entity."""
    return {
        "from_id": source_id,
        "to_id": target_id,
        "type": "relation",
        "direction": "right",
        "labels": [SCHEMA.relation],
    }


def annotation_result(stance: str, entities: list[dict], dyads: list[tuple[int, int]],
                      prefix: str = "e") -> list[dict]:
    """The result list of one annotation: stance, entity spans and source→target dyads.

    ``entities`` hold ``start``, ``end``, ``text`` and ``label``; ``dyads`` index into them.
    """
    ids = [f"{prefix}{i}" for i in range(len(entities))]
    items = [stance_item(stance)]
    items += [
        entity_item(i, e["start"], e["end"], e["text"], e["label"])
        for i, e in zip(ids, entities, strict=True)
    ]
    items += [relation_item(ids[s], ids[t]) for s, t in dyads]
    return items
