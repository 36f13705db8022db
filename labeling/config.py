"""The Label Studio labeling config and instructions, generated from the schema."""

from __future__ import annotations

import functools
import html
import xml.etree.ElementTree as ET

from stancekit.schema import Schema, active

CONTEXT_HTML = "context_html"
"""The task data field the context is shown from (HTML, the sentence marked)."""
UNSURE_CONTROL = "unsure"
UNSURE = "unsure"
COMMENT_CONTROL = "comment"


def label_config() -> str:
    """The Label Studio XML config of the active schema (see :func:`config_for`)."""
    return config_for(active())


@functools.cache
def config_for(schema: Schema) -> str:
    """The Label Studio XML config of *schema*: the context with the sentence marked, the
    sentence with word-granular entity labels and dyad relations, the stance, an unsure flag,
    a comment; checked by the Label Studio SDK."""
    from label_studio_sdk.label_interface import LabelInterface

    # Written with ElementTree: the SDK's LabelInterface.create gives every tag, <Relations>
    # too, a name and a toName, which Label Studio's <Relations> does not take.
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Context")
    ET.SubElement(view, "HyperText", name=schema.context_control, value=f"${CONTEXT_HTML}",
                  inline="true")
    ET.SubElement(view, "Header", value="Sentence")
    labels = ET.SubElement(view, "Labels", name=schema.entity_control,
                           toName=schema.text_control, granularity="word")
    for label in schema.entity_types:
        ET.SubElement(labels, "Label", value=label.name, background=label.color,
                      hotkey=label.hotkey, hint=label.definition)
    ET.SubElement(view, "Text", name=schema.text_control, value=f"${schema.text_control}")
    relations = ET.SubElement(view, "Relations")
    ET.SubElement(relations, "Relation", value=schema.relation)
    ET.SubElement(view, "Header", value="Stance")
    choices = ET.SubElement(view, "Choices", name=schema.stance_control,
                            toName=schema.text_control, choice="single-radio", required="true",
                            showInline="true")
    for stance in schema.stances:
        ET.SubElement(choices, "Choice", value=stance.name, hotkey=stance.hotkey,
                      hint=stance.definition)
    unsure = ET.SubElement(view, "Choices", name=UNSURE_CONTROL, toName=schema.text_control,
                           choice="multiple", showInline="true")
    ET.SubElement(unsure, "Choice", value=UNSURE,
                  hint="Tick when you are not sure of this sentence's labels.")
    ET.SubElement(view, "TextArea", name=COMMENT_CONTROL, toName=schema.text_control,
                  placeholder="Comment (optional): why unsure, what the guidelines miss",
                  rows="2", maxSubmissions="1", editable="true")
    ET.indent(view)
    config = ET.tostring(view, encoding="unicode") + "\n"
    LabelInterface(config).validate()
    return config


def context_html(record: dict) -> str:
    """The task's context as HTML: title, source and date, then the context with the
    sentence marked."""
    meta = " · ".join(html.escape(str(record[k])) for k in ("source", "date") if record.get(k))
    context, text = record.get("context") or record["text"], record["text"]
    at = context.find(text)
    if at < 0:
        context, at = text, 0
    parts = [f"<h4>{html.escape(str(record['title']))}</h4>" if record.get("title") else "",
             f"<p><small>{meta}</small></p>" if meta else "",
             '<p style="white-space: pre-wrap">' + html.escape(context[:at])
             + f"<mark>{html.escape(text)}</mark>{html.escape(context[at + len(text):])}</p>"]
    return "".join(parts)


def instructions() -> str:
    """The annotation guidelines as HTML, for the project's instructions panel."""
    from markdown_it import MarkdownIt

    from stancekit.labeling.guidelines import guidelines_text

    return MarkdownIt("commonmark").enable("table").render(guidelines_text())
