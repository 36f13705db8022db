"""The Label Studio labeling config and instructions, generated from the schema."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

from stancekit.schema import SCHEMA


@functools.cache
def label_config() -> str:
    """The Label Studio XML config: sentence, entity labels, dyad relation, stance, context,
    checked by the Label Studio SDK."""
    from label_studio_sdk.label_interface import LabelInterface

    # Written with ElementTree: the SDK's LabelInterface.create gives every tag, <Relations>
    # too, a name and a toName, which Label Studio's <Relations> does not take.
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Sentence")
    labels = ET.SubElement(view, "Labels", name=SCHEMA.entity_control,
                           toName=SCHEMA.text_control)
    for label in SCHEMA.entity_types:
        ET.SubElement(labels, "Label", value=label.name, background=label.color,
                      hotkey=label.hotkey, hint=label.definition)
    ET.SubElement(view, "Text", name=SCHEMA.text_control, value=f"${SCHEMA.text_control}")
    relations = ET.SubElement(view, "Relations")
    ET.SubElement(relations, "Relation", value=SCHEMA.relation)
    ET.SubElement(view, "Header", value="Stance")
    choices = ET.SubElement(view, "Choices", name=SCHEMA.stance_control,
                            toName=SCHEMA.text_control, choice="single-radio", required="true",
                            showInline="true")
    for stance in SCHEMA.stances:
        ET.SubElement(choices, "Choice", value=stance.name, hotkey=stance.hotkey,
                      hint=stance.definition)
    ET.SubElement(view, "Header", value="Context")
    ET.SubElement(view, "Text", name=SCHEMA.context_control,
                  value=f"${SCHEMA.context_control}", selectionEnabled="false")
    ET.indent(view)
    config = ET.tostring(view, encoding="unicode") + "\n"
    LabelInterface(config).validate()
    return config


def instructions() -> str:
    """The annotation guidelines as HTML, for the project's instructions panel."""
    from markdown_it import MarkdownIt

    from stancekit.labeling.guidelines import guidelines_text

    return MarkdownIt("commonmark").enable("table").render(guidelines_text())
