"""The Aho–Corasick matchers give what plain ``re`` gives for the same patterns, and segmenting
and pre-annotating the bundled corpora writes the bytes frozen before they replaced ``re``."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancekit.labeling import cues, gazetteer
from stancekit.labeling.corpus import read_corpus
from stancekit.labeling.literals import prefixes
from stancekit.labeling.pipeline import predict_document
from stancekit.labeling.segment import encode_documents, segment_document

ROOT = Path(__file__).resolve().parents[1]
FROZEN = json.loads((ROOT / "tests" / "data" / "annotated.json").read_text(encoding="utf-8"))
FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)


@pytest.mark.parametrize("corpus", [k for k in FROZEN if k != "about"])
def test_bundled_corpora_give_the_frozen_bytes(corpus):
    segmented, annotated, n = hashlib.sha256(), hashlib.sha256(), 0
    for doc in read_corpus(ROOT / corpus):
        segmented.update("".join(line + "\n" for line in encode_documents([doc])).encode())
        records = segment_document(doc)
        for record, prediction in zip(records, predict_document(records), strict=True):
            annotated.update(json.dumps([record, *prediction], ensure_ascii=False).encode()
                             + b"\n")
            n += 1
    assert {"sentences": n, "segment_sha256": segmented.hexdigest(),
            "annotated_sha256": annotated.hexdigest()} == FROZEN[corpus]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"call(?:s|ed)? (?:on|upon)", {"call on", "call upo", "calls on", "calls up", "called o",
                                    "called u"}),
    (r"(?:a|the) plea", {"a plea", "the plea"}),
    (r"(?:(?<=^)|(?<=\"))(?:stop|end)\b", {"stop", "end"}),
    (r"x?y", {"xy", "y"}),
    (r"a(?:bc){2,3}d", {"abcbcd", "abcbcbcd"}),
    (r"[A-C]\d", {"A", "B", "C"}),
])
def test_prefixes(pattern, expected):
    assert prefixes(pattern) == expected


@pytest.mark.parametrize("pattern", [r"\w+ing", r"(?i)call", r"a(?i:b)", r"x?"])
def test_a_pattern_without_literal_prefixes_is_refused(pattern):
    with pytest.raises(ValueError):
        prefixes(pattern)


# Words the patterns are made of, so generated strings hit cues, names, titles and heads.
_TAGGER = cues.cue_tagger()
_GAZETTEER = gazetteer.gazetteer()
WORDS = sorted({w for branch in _TAGGER.branches for w in re.findall(r"[a-z']+", branch.pattern)}
               | {w for name in list(_GAZETTEER.labels)[::7] for w in name.split()}
               | set(gazetteer.ORG_HEADS[::3]) | set(gazetteer.TITLES[::5])
               | {"said", "according", "to", "not", "never", "the", "a", "of", "and"})
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=3)), max_size=30).flatmap(
    lambda words: st.lists(st.sampled_from([" ", " ", ", ", ". ", "\n", "-", '"', "“", ""]),
                           min_size=len(words), max_size=len(words)).map(
        lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True))))
CASED = st.tuples(TEXT, st.sampled_from([str, str.lower, str.upper, str.title])).map(
    lambda t: t[1](t[0]))


def _reference(branches, head: str, tail: str) -> re.Pattern[str]:
    """The whole alternation as one plain regex, one group per branch."""
    return re.compile(head + "(?:" + "|".join(f"(?P<b{i}>{b.pattern})"
                                              for i, b in enumerate(branches)) + ")" + tail)


_CUE_BRANCHES = _TAGGER.branches
_CUES = _reference(_CUE_BRANCHES, r"\b", r"\b")


@FAST
@given(CASED)
def test_cue_matcher_equals_plain_re(text):
    lower = text.lower()
    expected = [(_CUE_BRANCHES[int(m.lastgroup[1:])].name, m.span())
                for m in _CUES.finditer(lower)]
    assert [(name, m.span()) for name, m in _TAGGER.alternation.findall(lower)] == expected


_GAZ = _GAZETTEER.alternation
_GAZ_FULL = re.compile(_GAZ.head + "(?:" + "|".join(b.pattern for b in _GAZ.branches) + ")"
                       + _GAZ.tail)


@FAST
@given(CASED)
def test_gazetteer_matcher_equals_plain_re(text):
    expected = [(m.lastgroup, m.span()) for m in _GAZ_FULL.finditer(text)]
    assert [(m.lastgroup, m.span()) for m in _GAZ.finditer(text)] == expected


# The gazetteer's name and organisation tokens use possessive quantifiers; the same patterns with
# plain greedy ones must give the same matches.
_GAZ_GREEDY = re.compile(_GAZ_FULL.pattern.replace("*+", "*").replace("++", "+"))


@FAST
@given(CASED)
def test_gazetteer_possessive_tokens_equal_greedy(text):
    expected = [(m.lastgroup, m.span()) for m in _GAZ_GREEDY.finditer(text)]
    assert [(m.lastgroup, m.span()) for m in _GAZ.finditer(text)] == expected
