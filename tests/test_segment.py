"""Sentence segmentation of the bundled corpus: offsets, ids and context."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.labeling.corpus import Document
from stancekit.labeling.markup import parse_source
from stancekit.labeling.segment import segment_document, sentence_spans

SRC = Path(__file__).resolve().parents[1] / "corpus" / "synthetic" / "src"


def bundled_documents() -> list[Document]:
    """The bundled articles, built from their markup sources as `stancekit corpus build` does."""
    return [parse_source(path).document() for path in sorted(SRC.glob("*.txt"))]


@pytest.fixture(scope="module")
def segmented() -> list[tuple[Document, list[dict]]]:
    docs = bundled_documents()
    assert docs, "no bundled corpus sources"
    return [(doc, segment_document(doc)) for doc in docs]


def test_offsets_point_into_the_article(segmented):
    for doc, records in segmented:
        assert records
        for i, r in enumerate(records):
            assert doc.text[r["start"]:r["end"]] == r["text"]
            assert r["text"] == r["text"].strip() and r["text"]
            assert r["index"] == i and r["doc_id"] == doc.doc_id
            assert r["text"] in r["context"]
            assert r["title"] == doc.title


def test_context_spans_neighbours(segmented):
    for doc, records in segmented:
        for i, r in enumerate(records):
            first = records[max(i - 1, 0)]["start"]
            last = records[min(i + 1, len(records) - 1)]["end"]
            assert r["context"] == doc.text[first:last]


def test_ids_are_unique_and_stable(segmented):
    ids = [r["sentence_id"] for _, records in segmented for r in records]
    assert len(ids) == len(set(ids))
    again = [r["sentence_id"] for doc in bundled_documents() for r in segment_document(doc)]
    assert again == ids


def test_segmenter_matches_authored_lines():
    for path in sorted(SRC.glob("*.txt")):
        article = parse_source(path)
        spans = list(sentence_spans(article.body()))
        assert [article.body()[a:b] for a, b in spans] == [s.text for s in article.sentences]


@pytest.mark.parametrize("text, expected", [
    ("U.S. officials met Gen. Ali on Jan. 5 in Washington. They left.",
     ["U.S. officials met Gen. Ali on Jan. 5 in Washington.", "They left."]),
    ('"We reject this. It is false," the minister said. Talks resume Monday.',
     ['"We reject this. It is false," the minister said.', "Talks resume Monday."]),
    ("The strike — the third this week — hit Kharkiv. Officials said so.",
     ["The strike — the third this week — hit Kharkiv.", "Officials said so."]),
    ("There are allegedly 14 SU- 24 and MiG-29 fighters in Libya. Others disagree.",
     ["There are allegedly 14 SU- 24 and MiG-29 fighters in Libya.", "Others disagree."]),
    ("First paragraph ends here\nSecond one starts here.",
     ["First paragraph ends here", "Second one starts here."]),
])
def test_hard_cases(text, expected):
    assert [text[a:b] for a, b in sentence_spans(text)] == expected
