"""Learned dyad baseline: a classifier over ordered entity pairs, decoded per sentence.

Each ordered pair (source candidate, target candidate) of a sentence with a stance gets a
feature dict: order, distance, the cue's position relative to each entity (the first speech
verb stands in for a missing cue), entity types, whether an entity leads the sentence or
precedes the cue (and its rank from the cue), entities between, the words between and around,
the stance, and whether the nearest-entity heuristic picks the pair. Each entity also brings
parser-free clues to its role: the verb after it and the word before it (a preposition,
"according to"), whether it is the cue's subject or object (near it with no clause boundary
between), whether it modifies the next entity ("Ukrainian President X") or is possessive,
quoted or a repeated mention; and the pair names the clause boundaries it crosses. A logistic
regression scores the pairs; a sentence's dyads are its pairs scored above a threshold, with the
threshold and the decoding rules chosen by grouped cross-validation on train.

With the ``parse`` extra installed, each entity and pair also gets dependency-parse features
(`parses.Clues`): the entity's dependency, its governing preposition and clause role, its path to
the cue, and the path between the two entities.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import DictVectorizer, FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from stancekit.baselines import dyads, parses
from stancekit.baselines.vocabularies import CompactDictVectorizer
from stancekit.schema import SCHEMA

GRID = {"clf__C": [0.1, 0.3, 1.0], "clf__class_weight": [None]}
TINY_GRID = {"clf__C": [1.0], "clf__class_weight": [None]}
HASHED = 2**20
"""Hashed pair feature columns for large training sets (`pair_vectorizer`)."""
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))
DECODINGS = ({"max_dyads": 1, "at_least_one": False}, {"max_dyads": 1, "at_least_one": True},
             {"max_dyads": 2, "at_least_one": False}, {"max_dyads": 2, "at_least_one": True})
WINDOW = 3
"""Words on each side of an entity, and at each end of the stretch between two entities."""
_WORD = re.compile(r"\w+|[^\w\s]")
Dyad = dyads.Dyad
REACH = 4
"""Tokens between an entity and the cue within which the entity is the cue's subject or object."""
SPEECH = frozenset(("say", "tell", "state", "announce", "report", "claim", "allege", "accuse",
                    "deny", "urge", "call", "ask", "demand", "confirm", "charge", "arrest",
                    "sentence", "blame", "condemn", "reject", "dismiss", "warn", "write", "wrote",
                    "add", "insist", "argue", "acknowledge", "order", "accord", "indict",
                    "convict", "detain", "designate", "sanction", "criticize", "criticise", "slam",
                    "vow", "threaten", "press", "plead", "appeals", "suggest", "attribute",
                    "dispute", "refute", "rebuff", "label", "describe", "issue", "said", "told",
                    "denies"))
"""Stems of the verbs whose subject speaks: a sentence's source is most often one."""
AUXILIARY = frozenset(("has", "have", "had", "is", "was", "were", "are", "also", "again",
                       "repeatedly", "previously", "later", "initially", "then", "on", "friday",
                       "monday", "tuesday", "wednesday", "thursday", "saturday", "sunday",
                       "earlier", "today", "yesterday"))
BOUNDARIES = {",": "comma", ";": "semicolon", ":": "colon", "that": "that", "which": "which",
              "who": "who", "but": "but", "while": "while", "and": "and", "\"": "quote",
              "“": "quote", "”": "quote", "(": "paren", ")": "paren"}
"""Tokens that start a new clause or phrase, by the name a feature gives them."""
PREPOSITIONS = frozenset(("against", "on", "upon", "of", "to", "for", "with", "by", "from", "at",
                          "in", "over", "into"))
_QUOTES = re.compile(r"[\"“”]")


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def _stem(word: str) -> str:
    """A crude lemma: the word without a verb's or plural's ending."""
    for suffix in ("ies", "ied", "ing", "es", "ed", "s", "d", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_SPEECH_STEMS = frozenset(_stem(w) for w in SPEECH)


def _side(entity: dict, cue: tuple[int, int] | None) -> str:
    """Where the cue is relative to *entity*: before, inside, after, or nowhere (no cue)."""
    if cue is None:
        return "nowhere"
    if cue[1] <= entity["start"]:
        return "before"
    if cue[0] >= entity["end"]:
        return "after"
    return "inside"


class Sentence:
    """A sentence row's tokens, sorted entities and stance cue, computed once for all pairs."""

    def __init__(self, row: dict, doc: object | None = None) -> None:
        self.row = row
        self.text = row["text"]
        self.entities = sorted(row["entities"], key=lambda e: (e["start"], e["end"]))
        self.tokens = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(self.text)]
        self.lowered = [w for _, _, w in self.tokens]
        self.starts = [t[0] for t in self.tokens]
        self.cue = dyads.cue(self.text, row["stance"]) or next(
            ((a, b) for a, b, w in self.tokens if _stem(w) in _SPEECH_STEMS), None)
        self.cue_word = self.text[slice(*self.cue)].lower() if self.cue else "-"
        self.heuristic = set(dyads.predict(row))
        # An entity is before the cue when the cue is after it, and the other way round.
        before = [e for e in self.entities if _side(e, self.cue) == "after"]
        after = [e for e in self.entities if _side(e, self.cue) == "before"]
        self.rank = {id(e): f"before{min(len(before) - 1 - i, 3)}" for i, e in enumerate(before)}
        self.rank |= {id(e): f"after{min(i, 3)}" for i, e in enumerate(after)}
        self.context = {id(e): (self.words(max(e["start"] - 30, 0), e["start"])[-WINDOW:],
                                self.words(e["end"], e["end"] + 30)[:WINDOW])
                        for e in self.entities}
        self.span = {id(e): (bisect.bisect_left(self.starts, e["start"]),
                             bisect.bisect_left(self.starts, e["end"])) for e in self.entities}
        cue_span = (bisect.bisect_left(self.starts, self.cue[0]),
                    bisect.bisect_left(self.starts, self.cue[1])) if self.cue else None
        self.roles = {id(e): self._roles(i, e, cue_span) for i, e in enumerate(self.entities)}
        self.clues = None if doc is None else parses.Clues(doc, self.entities, self.cue,
                                                              _SPEECH_STEMS, _stem)
        self.parsed = {} if self.clues is None else {
            id(e): self.clues.entity(e) for e in self.entities}

    def _boundaries(self, first: int, last: int) -> set[str]:
        """The names of the clause boundaries among tokens [first, last)."""
        return {BOUNDARIES[w] for _, _, w in self.tokens[first:last] if w in BOUNDARIES}

    def _roles(self, index: int, e: dict, cue: tuple[int, int] | None) -> dict[str, object]:
        """Features of one entity that do not depend on its partner: the verb it is the subject
        of, the words before it, whether it modifies the next entity or is the cue's subject or
        object."""
        first, last = self.span[id(e)]
        words = self.lowered
        after = [w for w in words[last:last + 6] if w not in AUXILIARY and w not in "'’"]
        verb = _stem(after[0]) if after and after[0].isalpha() else after[0] if after else "-"
        before = words[max(first - 2, 0):first]
        prev = before[-1] if before else "^"
        r: dict[str, object] = {
            "verb": verb, "speaks": verb in _SPEECH_STEMS, "prev": prev,
            "prep": prev if prev in PREPOSITIONS else "-",
            "according": before == ["according", "to"],
            "possessive": words[last:last + 2] in (["'", "s"], ["’", "s"]),
            "quoted": len(_QUOTES.findall(self.text, 0, e["start"])) % 2 == 1,
            "repeat": any(o["text"].lower() == e["text"].lower()
                          for o in self.entities[:index]),
            "tail": verb in _SPEECH_STEMS and prev in {",", "\"", "”"},
        }
        following = self.entities[index + 1] if index + 1 < len(self.entities) else None
        gap = words[last:self.span[id(following)][0]] if following else []
        r["modifies"] = (following["label"] if following is not None and len(gap) <= 3
                         and not self._boundaries(last, last + len(gap))
                         and all(w.isalpha() or w in "-'’" for w in gap) else "-")
        if cue is None:
            r["to_cue"] = "nowhere"
        elif cue[0] >= last:
            r["to_cue"] = self._reach("subject", last, cue[0])
        elif cue[1] <= first:
            r["to_cue"] = self._reach("object", cue[1], first)
        else:
            r["to_cue"] = "inside"
        return r

    def _reach(self, role: str, first: int, last: int) -> str:
        """*role* if the stretch [first, last) between an entity and the cue is short and has no
        boundary but 'and', else the boundaries it crosses."""
        crossed = self._boundaries(first, last) - {"and"}
        if not crossed and last - first <= REACH:
            return role
        return "far:" + "+".join(sorted(crossed)) if crossed else "far"

    def words(self, start: int, end: int) -> list[str]:
        """The lower-cased tokens inside [start, end)."""
        first, last = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [w for _, b, w in self.tokens[first:last] if b <= end]

    def pairs(self) -> list[tuple[dict, dict]]:
        """Ordered pairs of distinct entities (source candidate, target candidate)."""
        return list(itertools.permutations(self.entities, 2))

    def features(self, source: dict, target: dict) -> dict[str, object]:
        """The feature dict of one ordered pair."""
        first, second = sorted((source, target), key=lambda e: e["start"])
        between = self.words(first["end"], second["start"])
        cue_s, cue_t = _side(source, self.cue), _side(target, self.cue)
        stance = self.row["stance"]
        order = "s<t" if source["start"] < target["start"] else "t<s"
        lead = self.entities[0]
        f: dict[str, object] = {
            "bias": 1.0, "stance": stance, "order": order, "stance|order": f"{stance}|{order}",
            "tokens": _bucket(len(between)), "log_chars": float(np.log1p(
                max(second["start"] - first["end"], 0))),
            "cue_s": cue_s, "cue_t": cue_t, "cue": f"{cue_s}|{cue_t}|{order}",
            "stance|cue": f"{stance}|{cue_s}|{cue_t}",
            "type_s": source["label"], "type_t": target["label"],
            "types": f"{source['label']}>{target['label']}",
            "s_first": source is lead, "t_first": target is lead,
            "s_before_cue": cue_s == "after", "t_before_cue": cue_t == "after",
            "between_entities": _bucket(sum(first["end"] <= e["start"] and e["end"] <= second[
                "start"] for e in self.entities)),
            "n_entities": _bucket(len(self.entities)),
            "same_text": source["text"].lower() == target["text"].lower(),
            "rank_s": self.rank.get(id(source), "cue"), "rank_t": self.rank.get(id(target), "cue"),
            "ranks": f"{self.rank.get(id(source), 'cue')}|{self.rank.get(id(target), 'cue')}",
            "cue_word": self.cue_word, "stance|types": f"{stance}|{source['label']}>"
                                                       f"{target['label']}",
            "heuristic": (_span(source), _span(target)) in self.heuristic,
            "order|types": f"{order}|{source['label']}>{target['label']}",
            "cue|types": f"{cue_s}|{cue_t}|{source['label']}>{target['label']}",
            "order|tokens": f"{order}|{_bucket(len(between))}",
        }
        rs, rt = self.roles[id(source)], self.roles[id(target)]
        for role, r in (("s", rs), ("t", rt)):
            for k, v in r.items():
                f[f"{role}.{k}"] = v
            f[f"{role}.to_cue|{role}.verb"] = f"{r['to_cue']}|{r['verb']}"
        f["to_cue"] = f"{rs['to_cue']}|{rt['to_cue']}"
        f["stance|to_cue"] = f"{stance}|{rs['to_cue']}|{rt['to_cue']}"
        f["s.speaks|order"] = f"{rs['speaks']}|{order}"
        f["t.prep|stance"] = f"{rt['prep']}|{stance}"
        first_i, second_i = self.span[id(first)][1], self.span[id(second)][0]
        for name in sorted(self._boundaries(first_i, second_i)) or ["no-boundary"]:
            f[f"cross={name}"] = 1.0
        for w in dict.fromkeys(between[:WINDOW] + between[-WINDOW:]):
            f[f"between={w}"] = 1.0
        for role, e in (("s", source), ("t", target)):
            left, right = self.context[id(e)]
            for w in left:
                f[f"{role}_left={w}"] = 1.0
            for w in right:
                f[f"{role}_right={w}"] = 1.0
        if self.clues is not None:
            ps, pt = self.parsed[id(source)], self.parsed[id(target)]
            for role, p in (("s", ps), ("t", pt)):
                for k, v in p.items():
                    f[f"p.{role}.{k}"] = v
            for k, v in self.clues.pair(source, target, ps, pt).items():
                f[f"p.{k}"] = v
            f["p.stance|govs"] = f"{stance}|{ps['gov']}>{pt['gov']}"
        return f


def candidates(row: dict) -> bool:
    """Whether a row can have dyads: a stance other than the default and two entities."""
    return row["stance"] != SCHEMA.default_stance and len(row["entities"]) >= 2


def _span(e: dict) -> tuple[int, int]:
    return e["start"], e["end"]


def pair_table(rows: Sequence[dict], parse: bool = False
               ) -> tuple[list[dict], list[int], list[int], list[list]]:
    """Features (with parse features if *parse*), gold labels and row index of every candidate
    pair, and each row's pairs."""
    x, y, owner, pairs = [], [], [], []
    docs = parses.parse(r["text"] for r in rows if candidates(r)) if parse else {}
    for i, row in enumerate(rows):
        if not candidates(row):
            pairs.append([])
            continue
        sentence = Sentence(row, docs.get(row["text"]))
        gold = set(dyads.gold(row)) if row.get("dyads") is not None else set()
        row_pairs = sentence.pairs()
        pairs.append([(_span(s), _span(t)) for s, t in row_pairs])
        for s, t in row_pairs:
            x.append(sentence.features(s, t))
            y.append(int((_span(s), _span(t)) in gold))
            owner.append(i)
    return x, y, owner, pairs


def decode(pairs: Sequence[Dyad], probs: Sequence[float], threshold: float, max_dyads: int,
           at_least_one: bool) -> list[Dyad]:
    """A sentence's dyads from its pairs' scores: those above *threshold*, best first, at most
    *max_dyads*, one direction per entity pair, and the best pair anyway if *at_least_one*.

    Ties keep the pairs' order, so the same scores always give the same dyads."""
    ranked = sorted(range(len(pairs)), key=lambda i: -probs[i])
    out: list[Dyad] = []
    for i in ranked:
        if len(out) == max_dyads or (probs[i] <= threshold and (out or not at_least_one)):
            break
        s, t = pairs[i]
        if (t, s) not in out:
            out.append((s, t))
    return out


def pair_vectorizer(hashed: bool = False) -> DictVectorizer | FeatureHasher:
    """Feature dicts → one-hot features (hashed into `HASHED` columns if *hashed*, for large
    training sets)."""
    if hashed:
        return FeatureHasher(n_features=HASHED, alternate_sign=False)
    return CompactDictVectorizer()


def pair_model(seed: int | None) -> Pipeline:
    """One-hot pair features → logistic regression."""
    return Pipeline([("clf", LogisticRegression(solver="newton-cg", tol=1e-3, max_iter=500,
                                                random_state=seed))])


def _by_row(values: Sequence[float], owner: Sequence[int], n_rows: int) -> list[list[float]]:
    out: list[list[float]] = [[] for _ in range(n_rows)]
    for v, i in zip(values, owner, strict=True):
        out[i].append(float(v))
    return out


def decoded_counts(rows: Sequence[dict], pairs: Sequence[list], probs: Sequence[list[float]],
                   decoding: dict) -> np.ndarray:
    """Per-row (matched, predicted, gold) dyad counts under one decoding."""
    out = []
    for row, p, s in zip(rows, pairs, probs, strict=True):
        gold = set(dyads.gold(row))
        found = set(decode(p, s, **decoding)) if p else set()
        out.append((len(gold & found), len(found), len(gold)))
    return np.array(out).reshape(-1, 3)


def _f1(counts: np.ndarray) -> float:
    tp, pred, gold = counts.sum(axis=0)
    return float(2 * tp / (pred + gold)) if pred + gold else 0.0


class DyadModel(BaseEstimator):
    """A fitted pair classifier with its decoding: predicts each row's (source, target) spans."""

    def __init__(self, pipeline: Pipeline | None = None, threshold: float = 0.5,
                 max_dyads: int = 1, at_least_one: bool = False, parse: bool = False) -> None:
        self.pipeline = pipeline
        self.threshold = threshold
        self.max_dyads = max_dyads
        self.at_least_one = at_least_one
        self.parse = parse

    def decoding(self) -> dict:
        """The decoding parameters, as :func:`decode` takes them."""
        return {"threshold": self.threshold, "max_dyads": self.max_dyads,
                "at_least_one": self.at_least_one}

    def predict(self, rows: Sequence[dict]) -> list[list[Dyad]]:
        """The dyads of each row (``text``, ``stance``, ``entities``) as span pairs."""
        rows = list(rows)
        if self.parse and not parses.available():
            raise ImportError(f"this dyad model was trained with parse features: {parses.MISSING}")
        x, _, owner, pairs = pair_table(rows, self.parse)
        if self.pipeline is None:  # trained on rows without a single dyad
            return [[] for _ in rows]
        probs = self.pipeline.predict_proba(x)[:, 1] if x else []
        return [decode(p, s, **self.decoding()) if p else []
                for p, s in zip(pairs, _by_row(probs, owner, len(rows)), strict=True)]


def load_saved(path: Path | str) -> DyadModel:
    """The dyad model saved at *path*, refused with an `InputError` unless it predicts."""
    from stancekit.baselines.persist import load_fitted

    text, stance = "Ana Lee accused Chad.", SCHEMA.stance_names[-1]
    probe = [{"text": text, "stance": stance, "entities": [
        {"start": a, "end": b, "text": text[a:b], "label": SCHEMA.entity_names[0]}
        for a, b in ((0, 7), (16, 20))]}]
    return load_fitted(path, lambda model: model.predict(probe), "dyad model")


def search(rows: Sequence[dict], folds: int, grid: dict, seed: int, n_jobs: int | None = None,
           hashed: bool = False, parse: bool = False) -> tuple[DyadModel, dict]:
    """Search the pair classifier (over hashed features if *hashed*, with parse features if
    *parse*) by ``StratifiedGroupKFold`` over documents (average precision of the pairs), then
    the threshold and decoding by the dyad F1 of out-of-fold scores; refit on all rows.

    The pairs are vectorised once, over all rows: a column no training pair has gets no weight
    under the L2 penalty, so each fold's fit is the one of a vectoriser fit on that fold."""
    rows = list(rows)
    x, y, owner, pairs = pair_table(rows, parse)
    vec = pair_vectorizer(hashed)
    features = vec.fit_transform(x) if x else None
    groups = np.array([rows[i]["doc_id"] for i in owner])
    n_splits = min(folds, len(set(groups)), max(sum(y), 1), max(len(y) - sum(y), 1))
    if n_splits < 2:
        model = DyadModel(Pipeline([("vec", vec), *pair_model(seed).fit(features, y).steps])
                          if len(set(y)) == 2 else None, parse=parse)
        return model, {"grid": grid, "best_params": {}, "cv_pair_ap": None,
                       "cv_dyad_f1": None, "decoding": model.decoding()}
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    splits = list(cv.split(features, y, groups))
    gs = GridSearchCV(pair_model(seed), grid, cv=splits, scoring="average_precision",
                      n_jobs=n_jobs, error_score="raise").fit(features, y)
    oof = cross_val_predict(pair_model(seed).set_params(**gs.best_params_), features, y,
                            cv=splits, method="predict_proba", n_jobs=n_jobs)[:, 1]
    scores = _by_row(oof, owner, len(rows))
    kept = [i for i, p in enumerate(pairs) if p or rows[i]["dyads"]]
    chosen, best_f1 = DECODINGS[0] | {"threshold": THRESHOLDS[0]}, -1.0
    for decoding in DECODINGS:
        for threshold in THRESHOLDS:
            option = decoding | {"threshold": threshold}
            f1 = _f1(decoded_counts([rows[i] for i in kept], [pairs[i] for i in kept],
                                    [scores[i] for i in kept], option))
            if f1 > best_f1 + 1e-12:
                chosen, best_f1 = option, f1
    model = DyadModel(Pipeline([("vec", vec), *gs.best_estimator_.steps]), **chosen, parse=parse)
    return model, {"grid": grid, "best_params": gs.best_params_,
                   "cv_pair_ap": round(float(gs.best_score_), 6),
                   "cv_dyad_f1": round(best_f1, 6), "decoding": chosen}


def evaluate(model: DyadModel, rows: Sequence[dict], seed: int = 13,
             resamples: int = 1000) -> dict:
    """Exact-span dyad scores of the learned model on gold stance and gold entities."""
    rows = list(rows)
    return dyads.score(rows, model.predict(rows), seed, resamples)
