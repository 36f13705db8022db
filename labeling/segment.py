"""Sentence segmentation with character offsets back into the article."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator

import pycountry
import sentencex

from stancekit.files import InputError
from stancekit.labeling.corpus import Document

_PARAGRAPH = re.compile(r"[^\n]+")


@functools.cache
def check_language(language: str) -> str:
    """*language* if it is an ISO 639 code, with an optional region (``en``, ``pt-BR``)."""
    base = re.split(r"[-_]", language, maxsplit=1)[0].lower()
    key = {2: "alpha_2", 3: "alpha_3"}.get(len(base))
    if key is None or not base.isalpha() or pycountry.languages.get(**{key: base}) is None:
        raise InputError(f"--language {language}", "not an ISO 639 language code (such as en, "
                         "de or pt-BR); the segmenter would silently split it as English")
    return language


def sentence_spans(text: str, language: str = "en") -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence; paragraphs (lines) are hard boundaries."""
    check_language(language)
    for para in _PARAGRAPH.finditer(text):
        line, base, pos = para.group(), para.start(), 0
        for piece in sentencex.segment(language, line):
            piece = piece.strip()
            if not piece:
                continue
            i = line.find(piece, pos)
            if i < 0:
                raise RuntimeError(f"segmenter changed the text near offset {base + pos}")
            pos = i + len(piece)
            yield base + i, base + pos


def sentence_id(doc_id: str, start: int, text: str) -> str:
    """A stable id derived from the document, the offset and the sentence text."""
    digest = hashlib.sha1(f"{doc_id}\x1f{start}\x1f{text}".encode()).hexdigest()
    return digest[:16]


def segment_document(doc: Document, language: str = "en") -> list[dict]:
    """Split one document into sentence records with offsets, context and metadata."""
    spans = list(sentence_spans(doc.text, language))
    meta = doc.metadata()
    records = []
    for index, (start, end) in enumerate(spans):
        text = doc.text[start:end]
        ctx_start = spans[index - 1][0] if index > 0 else start
        ctx_end = spans[index + 1][1] if index + 1 < len(spans) else end
        records.append(
            {
                "sentence_id": sentence_id(doc.doc_id, start, text),
                "doc_id": doc.doc_id,
                "index": index,
                "start": start,
                "end": end,
                "text": text,
                "context": doc.text[ctx_start:ctx_end],
                **meta,
            }
        )
        if doc.links:
            records[-1]["links"] = [{**k, "start": k["start"] - start, "end": k["end"] - start}
                                    for k in doc.links if start <= k["start"] and k["end"] <= end]
    return records


def encode_documents(docs: list[Document], language: str = "en") -> list[str]:
    """The sentence records of *docs* as JSON lines, in order (for workers)."""
    return [json.dumps(record, ensure_ascii=False) for doc in docs
            for record in segment_document(doc, language)]
