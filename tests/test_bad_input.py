"""Bad input to the real CLI: exit 2, a message naming file, record and field, no traceback,
and every output left as it was.

``CASES`` is one table; each case writes its inputs into a fresh folder, runs the ``stancekit``
entry point there (with the case's environment variables) and checks the exit code, the messages
and the outputs before and after. A few cases exit 0 and check what the run reports instead (the
counts of what was read as less than it said). To add a case (output writing, I/O errors, ...),
append a ``Case`` to ``CASES``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from test_export import RUSSIA, TEXT, UKRAINE, annotation, task
from typer.testing import CliRunner

from stancekit import cli
from stancekit.labeling.results import entity_item, relation_item, stance_item
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
PERSON, ORG, GPE, NORP = SCHEMA.entity_names
ARTICLE = "Russia accused Ukraine of shelling the plant. Kyiv denied it.\nTalks go on."

Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One command line run on inputs a setup writes, and what it must and must not do."""

    id: str
    setup: Setup
    argv: tuple[str, ...]
    stderr: tuple[str, ...] = ()
    stdout: tuple[str, ...] = ()
    code: int = 2
    unchanged: tuple[str, ...] = ()
    """Paths (relative to the run folder) whose bytes, or absence, the run must not change."""
    written: tuple[str, ...] = ()
    """Paths the run must write."""
    env: Mapping[str, str | None] = field(default_factory=dict)
    """Environment variables set (or, when None, unset) for the run."""


# ---------------------------------------------------------------------------------------------
# Setups: each writes input files into the run folder.


def files(**contents: str | bytes | object) -> Setup:
    """A setup that writes each name (``__`` for ``/``, ``_dot_`` for ``.``) with its content:
    bytes as they are, a str as UTF-8, anything else as JSON."""

    def setup(root: Path) -> None:
        for name, content in contents.items():
            write(root / name.replace("__", "/").replace("_dot_", "."), content)

    return setup


def write(path: Path, content: str | bytes | object) -> None:
    """Write *content* to *path*: bytes as they are, a str as UTF-8, anything else as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def both(*setups: Setup) -> Setup:
    """A setup that runs each of *setups*."""

    def setup(root: Path) -> None:
        for s in setups:
            s(root)

    return setup


def folder(name: str) -> Setup:
    """A setup that makes an empty folder."""
    return lambda root: (root / name).mkdir(parents=True)


def export(*tasks: dict) -> Setup:
    """A setup that writes the Label Studio export ``export.json``."""
    return files(export_dot_json=list(tasks))


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# A sentence record as `stancekit segment` writes it, and variants.
SENTENCE = {"sentence_id": "s1", "doc_id": "d1", "index": 0, "start": 0, "end": len(TEXT),
            "text": TEXT, "context": TEXT}
SECOND = {"sentence_id": "s2", "doc_id": "d1", "index": 1, "start": len(TEXT) + 1,
          "end": len(TEXT) + 12, "text": "Kyiv denied", "context": TEXT + " Kyiv denied"}


def sentences(*changes: dict) -> Setup:
    """A setup that writes ``s.jsonl``: SENTENCE then SECOND, each updated by a change
    (a value None removes the field when the key is prefixed with ``-``)."""
    records = [dict(SENTENCE), dict(SECOND)]
    for record, change in zip(records, changes, strict=False):
        for key, value in change.items():
            if key.startswith("-"):
                del record[key[1:]]
            else:
                record[key] = value
    return files(s_dot_jsonl=jsonl(*records))


def manifest(**changes: object) -> dict:
    """A split manifest of one document, updated by *changes*."""
    return {"stancekit_version": "0.1.0", "method": "x", "seed": 13,
            "fractions": {"train": 0.8, "test": 0.2}, "documents": {"train": ["doc"], "test": []},
            **changes}


def baselines(results: object, model: object | None = None, name: str = "logreg") -> Setup:
    """A setup that writes a baselines folder ``b`` with *results* and optionally a model."""

    def setup(root: Path) -> None:
        write(root / "b" / "results.json", results)
        if model is not None:
            from stancekit.baselines.persist import save_model

            save_model(model() if callable(model) else model,
                       root / "b" / "models" / f"{name}.skops")
        write(root / "in.jsonl", jsonl({"id": "a", "text": TEXT}))

    return setup


RESULTS = {"seed": 13, "bootstrap": {"resamples": 10}, "dataset": {"sha256": "0" * 64},
           "labels": SCHEMA.stance_names,
           "stance": {"best_model": "logreg", "models": {"logreg": {}}}}


def results(**stance: object) -> dict:
    """RESULTS with the stance section updated."""
    return {**RESULTS, "stance": {**RESULTS["stance"], **stance}}


def unfitted_pipeline() -> object:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(), LogisticRegression())


def numeric_model() -> object:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit([[0.0], [1.0]], [0, 1])


def cue_features() -> object:
    from stancekit.baselines.cue_features import CueFeatures

    return CueFeatures()


def relations(*items: dict, choices: tuple[str, ...] = (ACCUSATION,)) -> list[dict]:
    """A result with the stance *choices*, Russia (r) and Ukraine (u), and relation *items*."""
    stance = stance_item(choices[0])
    stance["value"]["choices"] = list(choices)
    return [stance, entity_item("r", 0, 6, "Russia", GPE),
            entity_item("u", 15, 22, "Ukraine", GPE), *items]


def other_text(task_id: int, sentence_id: str) -> dict:
    """A task whose sentence id is *sentence_id* but whose text is another sentence."""
    t = task(task_id, annotation(task_id * 10, 1, entities=(), dyads=()), text="Another one.")
    t["data"]["sentence_id"] = sentence_id
    return t


def no_id(t: dict) -> dict:
    del t["id"]
    return t


CSV_HEADER = "id,text,title\n"
DOC = {"id": "a", "text": ARTICLE, "title": "T"}

# ---------------------------------------------------------------------------------------------
# The cases.

GOLD = both(export(task(1, annotation(10, 1)), task(2, annotation(11, 2))),
            files(m_dot_json=manifest()))
BUILD = ("build", "export.json", "--splits", "m.json")


def read_only(name: str) -> Setup:
    """A setup that makes a file read-only for everyone."""
    return lambda root: (root / name).chmod(0o444)


EXPORT_OUT = ("export.json", "gold.jsonl", "queue.json")
CASES: list[Case] = [
    # 1. An export whose tasks disagree on a sentence, or repeat a task id.
    *(Case(f"export-same-sentence-other-text-{cmd}", export(task(1, annotation(10, 1)),
                                                            other_text(2, "s001")),
           (cmd, "export.json", *extra), ("export.json", "task 2", "task 1", "s001", "text"),
           unchanged=(*EXPORT_OUT, "m.json", "ds"))
      for cmd, extra in (("adjudicate", ("-o", "gold.jsonl", "--queue", "queue.json")),
                         ("agreement", ("-o", "gold.jsonl")),
                         ("split", ("-o", "m.json")))),
    Case("export-same-sentence-other-text-build",
         both(export(task(1, annotation(10, 1)), other_text(2, "s001")),
              files(m_dot_json=manifest())),
         ("build", "export.json", "--splits", "m.json", "-o", "ds"),
         ("export.json", "task 2", "task 1", "s001"), unchanged=("export.json", "m.json", "ds")),
    Case("export-same-sentence-other-text-no-ids",
         export(no_id(task(1)), no_id(other_text(2, "s001"))),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "position 1", "position 0", "s001"), unchanged=EXPORT_OUT),
    Case("export-duplicate-task-id",
         export(task(1, annotation(10, 1)), {**task(2, annotation(11, 1)), "id": 1}),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "task 1", "position 1", "position 0", "'id'"), unchanged=EXPORT_OUT),
    Case("export-task-id-not-an-integer", export({**task(1, annotation(10, 1)), "id": "one"}),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "position 0", "'id'"), unchanged=EXPORT_OUT),
    Case("export-truncated", files(export_dot_json='[{"id": 1, "data": {'),
         ("adjudicate", "export.json", "-o", "gold.jsonl"), ("export.json", "line 1"),
         unchanged=EXPORT_OUT),
    Case("export-not-a-list", files(export_dot_json={"tasks": []}),
         ("adjudicate", "export.json", "-o", "gold.jsonl"), ("export.json", "JSON list"),
         unchanged=EXPORT_OUT),
    Case("export-annotations-not-a-list",
         export({**task(1), "annotations": {"id": 1}}),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "task 1", "'annotations'"), unchanged=EXPORT_OUT),
    Case("export-relation-labels-not-a-list",
         export(task(1, annotation(10, 1, result=relations(
             {**relation_item("r", "u"), "labels": "source-target"})))),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "task 1", "annotation 10", "labels"), unchanged=EXPORT_OUT),
    Case("export-choices-not-a-list",
         export(task(1, annotation(10, 1, result=[{**stance_item(DENIAL),
                                                   "value": {"choices": "denial"}}]))),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         ("export.json", "task 1", "annotation 10", "choices"), unchanged=EXPORT_OUT),
    *(Case(f"export-{name}", export(t), ("adjudicate", "export.json", "-o", "gold.jsonl"),
           ("export.json", *expect), unchanged=EXPORT_OUT)
      for name, t, expect in (
          ("data-a-list", {**task(1), "data": []}, ("task 1", "'data'")),
          ("text-a-number", {**task(1), "data": {**task(1)["data"], "text": 5}},
           ("task 1", "'data.text'")),
          ("no-annotator", task(1, {**annotation(10, 1), "completed_by": None}),
           ("task 1", "annotation 10", "'completed_by'")),
          ("relation-direction-unknown", task(1, annotation(10, 1, result=relations(
              {**relation_item("r", "u"), "direction": "up"}))),
           ("task 1", "annotation 10", "direction")),
          ("drafts-not-a-list", {**task(1), "drafts": 3}, ("task 1", "'drafts'")),
          ("predictions-not-a-list", {**task(1), "predictions": {"result": []}},
           ("task 1", "'predictions'")),
          ("result-not-a-list", task(1, {**annotation(10, 1), "result": {"a": 1}}),
           ("task 1", "annotation 10", "'result'")),
      )),
    # 2. Malformed split manifests, results.json and model files.
    *(Case(f"manifest-{name}", both(export(task(1, annotation(10, 1))),
                                    files(prev_dot_json=manifest(**change))),
           ("split", "export.json", "-o", "m.json", "--previous", "prev.json"),
           ("prev.json", f"'{field}'"), unchanged=("m.json", "prev.json"))
      for name, field, change in (
          ("fractions-a-string", "fractions", {"fractions": "0.2"}),
          ("fractions-a-list", "fractions", {"fractions": [0.8, 0.2]}),
          ("fraction-a-string", "fractions.test", {"fractions": {"train": 0.8, "test": "0.2"}}),
          ("fraction-above-one", "fractions.test", {"fractions": {"train": 0.8, "test": 2}}),
          ("fraction-negative", "fractions.test", {"fractions": {"train": 0.8, "test": -0.2}}),
          ("fraction-unknown-split", "fractions.dev",
           {"fractions": {"train": 0.8, "dev": 0.2}}),
          ("fractions-not-summing-to-one", "fractions",
           {"fractions": {"train": 0.5, "test": 0.2}}),
          ("fraction-a-bool", "fractions.test", {"fractions": {"train": 0.8, "test": True}}),
          ("seed-a-string", "seed", {"seed": "13"}),
          ("documents-missing", "documents", {"documents": None}),
          ("fractions-empty", "fractions", {"fractions": {}}),
          ("seed-a-float", "seed", {"seed": 13.5}),
      )),
    Case("manifest-fractions-build", both(export(task(1, annotation(10, 1))),
                                          files(m_dot_json=manifest(fractions={"test": "x"}))),
         ("build", "export.json", "--splits", "m.json", "-o", "ds"),
         ("m.json", "'fractions.test'"), unchanged=("ds", "m.json")),
    *(Case(f"results-{name}", baselines(content, unfitted_pipeline),
           ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
           ("results.json", *expect), unchanged=("p.jsonl", "b/results.json"))
      for name, content, expect in (
          ("a-list", [], ("JSON object",)),
          ("empty-object", {}, ("'stance'",)),
          ("stance-a-string", {**RESULTS, "stance": "logreg"}, ("'stance'",)),
          ("best-model-missing", results(best_model=None), ("'stance.best_model'",)),
          ("best-model-a-number", results(best_model=7), ("'stance.best_model'",)),
          ("models-a-list", results(models=["logreg"]), ("'stance.models'",)),
          ("labels-of-another-schema", {**RESULTS, "labels": [*SCHEMA.stance_names, "threat"]},
           ("'labels'", "schema.yaml")),
          ("truncated", '{"stance": {"best_model": ', ("invalid JSON", "line 1")),
      )),
    Case("results-a-folder", both(baselines(RESULTS, unfitted_pipeline),
                                  lambda root: ((root / "b" / "results.json").unlink(),
                                                (root / "b" / "results.json").mkdir())),
         ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
         ("results.json", "is a folder, not a file"), unchanged=("p.jsonl",)),
    Case("results-seed-a-string-evaluate",
         baselines({**RESULTS, "seed": "13"}, unfitted_pipeline),
         ("baselines", "evaluate", "b", "ds"), ("results.json", "'seed'")),
    Case("results-bootstrap-missing-evaluate",
         baselines({k: v for k, v in RESULTS.items() if k != "bootstrap"}, unfitted_pipeline),
         ("baselines", "evaluate", "b", "ds"), ("results.json", "'bootstrap")),
    *(Case(f"model-{name}", baselines(RESULTS, model),
           ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
           (str(Path("models") / "logreg.skops"), "stance model"), unchanged=("p.jsonl",))
      for name, model in (("unfitted-pipeline", unfitted_pipeline),
                          ("numeric-features", numeric_model),
                          ("a-transformer", cue_features),
                          ("a-dict", {"classes_": [0, 1]}))),
    Case("model-not-skops", both(baselines(RESULTS), files(b__models__logreg_dot_skops=b"PK")),
         ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
         ("logreg.skops", "skops"), unchanged=("p.jsonl",)),
    # 3. A best_model that points outside models/.
    *(Case(f"results-best-model-{name}", baselines(results(best_model=value, models={value: {}})),
           ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
           ("results.json", "'stance.best_model'", "models"), unchanged=("p.jsonl",))
      for name, value in (("parent", "../../x"), ("absolute", "/tmp/x"), ("subfolder", "a/b"),
                          ("dot-dot", ".."), ("empty", ""))),
    Case("results-best-model-not-among-models", baselines(results(models={"other": {}})),
         ("baselines", "predict", "b", "in.jsonl", "-o", "p.jsonl"),
         ("results.json", "'stance.best_model'", "logreg"), unchanged=("p.jsonl",)),
    # 4. `stancekit tasks` on badly typed sentence records.
    *(Case(f"sentences-{name}", sentences(*changes), ("tasks", "s.jsonl", "-o", "t.json"),
           ("s.jsonl", f"line {line}", f"'{field}'"), unchanged=("t.json",))
      for name, line, field, changes in (
          ("start-a-string", 1, "start", [{"start": "0"}]),
          ("end-before-start", 2, "end", [{}, {"end": SECOND["start"] - 1}]),
          ("end-equals-start", 1, "end", [{"end": 0}]),
          ("start-negative", 1, "start", [{"start": -1, "end": len(TEXT) - 1}]),
          ("start-a-float", 1, "start", [{"start": 0.0}]),
          ("start-a-bool", 1, "start", [{"start": False}]),
          ("offsets-not-the-text-length", 1, "end", [{"end": 5}]),
          ("sentence-id-an-integer", 1, "sentence_id", [{"sentence_id": 1}]),
          ("sentence-id-empty", 1, "sentence_id", [{"sentence_id": ""}]),
          ("doc-id-null", 2, "doc_id", [{}, {"doc_id": None}]),
          ("doc-id-a-list", 1, "doc_id", [{"doc_id": ["d1"]}]),
          ("duplicate-sentence-id", 2, "sentence_id", [{}, {"sentence_id": "s1"}]),
          ("index-a-string", 1, "index", [{"index": "0"}]),
          ("index-negative", 1, "index", [{"index": -1}]),
          ("context-null", 1, "context", [{"context": None}]),
          ("context-without-the-text", 1, "context", [{"context": "Something else."}]),
          ("text-a-number", 1, "text", [{"text": 5}]),
          ("title-a-number", 1, "title", [{"title": 5}]),
          ("weight-a-string", 1, "weight", [{"weight": "1.5"}]),
          ("links-a-dict", 1, "links", [{"links": {"start": 0}}]),
          ("link-outside-text", 1, "links",
           [{"links": [{"start": 0, "end": 999, "wikipedia": "Russia"}]}]),
          ("missing-end", 2, "end", [{}, {"-end": None}]),
          ("stratum-a-number", 1, "stratum", [{"stratum": 1}]),
          ("weight-negative", 1, "weight", [{"weight": -1}]),
          ("link-without-title", 1, "links", [{"links": [{"start": 0, "end": 6}]}]),
      )),
    Case("sentences-duplicate-names-both-lines", sentences({}, {"sentence_id": "s1"}),
         ("tasks", "s.jsonl", "-o", "t.json"), ("line 2", "line 1", "s1"), unchanged=("t.json",)),
    Case("sentences-document-split-apart",
         files(s_dot_jsonl=jsonl(SENTENCE, {**SECOND, "doc_id": "d2"},
                                 {**SECOND, "sentence_id": "s3"})),
         ("tasks", "s.jsonl", "-o", "t.json"), ("s.jsonl", "line 3", "'doc_id'", "d1"),
         unchanged=("t.json",)),
    Case("sentences-empty-file", files(s_dot_jsonl=""), ("tasks", "s.jsonl", "-o", "t.json"),
         ("s.jsonl", "no sentence"), unchanged=("t.json",)),
    Case("sentences-not-objects", files(s_dot_jsonl="[1, 2]\n"),
         ("tasks", "s.jsonl", "-o", "t.json"), ("s.jsonl", "line 1"), unchanged=("t.json",)),
    # 5. `stancekit segment` on duplicate, empty, malformed or mislabelled corpora.
    Case("corpus-jsonl-duplicate-id", files(c_dot_jsonl=jsonl(DOC, {**DOC, "text": "Other."})),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "line 2", "line 1", "'id'", "'a'"),
         unchanged=("s.jsonl",)),
    Case("corpus-jsonl-duplicate-id-number-and-string",
         files(c_dot_jsonl=jsonl({**DOC, "id": 7}, {**DOC, "id": "7"})),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "line 2", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-shards-duplicate-id",
         files(in__a_dot_jsonl=jsonl(DOC), in__b_dot_jsonl=jsonl({**DOC, "text": "Other."})),
         ("segment", "in", "-o", "s.jsonl"), ("b.jsonl", "line 1", "a.jsonl", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-duplicate-id",
         files(c_dot_csv=CSV_HEADER + "a,One.,T\nb,Two.,T\na,Three.,T\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 4", "line 2", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-jsonl-empty", files(c_dot_jsonl=""), ("segment", "c.jsonl", "-o", "s.jsonl"),
         ("c.jsonl", "no documents"), unchanged=("s.jsonl",)),
    Case("corpus-jsonl-blank-lines", files(c_dot_jsonl="\n\n  \n"),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "no documents"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-header-only", files(c_dot_csv=CSV_HEADER),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "no documents"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-empty", files(c_dot_csv=""), ("segment", "c.csv", "-o", "s.jsonl"),
         ("c.csv", "no header"), unchanged=("s.jsonl",)),
    Case("corpus-csv-unclosed-quote", files(c_dot_csv=CSV_HEADER + 'a,"One. Two.,T\n'),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 2", "quot"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-stray-quote", files(c_dot_csv=CSV_HEADER + 'a,"One." Two.,T\n'),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 2"), unchanged=("s.jsonl",)),
    Case("corpus-csv-extra-column", files(c_dot_csv=CSV_HEADER + "a,One,T,extra\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 2", "4 fields", "3 columns"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-missing-column", files(c_dot_csv=CSV_HEADER + "a,One.\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 2", "2 fields", "3 columns"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-duplicate-column", files(c_dot_csv="id,text,text\na,One.,Two.\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 1", "'text'"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-blank-lines-only", files(c_dot_csv=CSV_HEADER + "\n\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "no documents"),
         unchanged=("s.jsonl",)),
    Case("corpus-csv-no-id-column", files(c_dot_csv="name,text\na,One.\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "line 2", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-jsonl-id-a-bool", files(c_dot_jsonl=jsonl({**DOC, "id": True})),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "line 1", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-markup-header-twice",
         files(src__a_dot_txt="title: T\ntitle: U\n\nnone | Talks go on. | \n"),
         ("corpus", "build", "--src", "src", "--articles", "a.jsonl", "--gold", "g.json",
          "--second-pass", "none.tsv"), ("a.txt", "line 2", "'title'"),
         unchanged=("a.jsonl", "g.json")),
    Case("corpus-csv-not-utf8", files(c_dot_csv=CSV_HEADER.encode() + b"a,\xe4hnlich.,T\n"),
         ("segment", "c.csv", "-o", "s.jsonl"), ("c.csv", "UTF-8"), unchanged=("s.jsonl",)),
    Case("corpus-jsonl-id-a-list", files(c_dot_jsonl=jsonl({**DOC, "id": ["a"]})),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "line 1", "'id'"),
         unchanged=("s.jsonl",)),
    Case("corpus-jsonl-title-an-object", files(c_dot_jsonl=jsonl({**DOC, "title": {"a": 1}})),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("c.jsonl", "line 1", "'title'"),
         unchanged=("s.jsonl",)),
    *(Case(f"segment-language-{name}", files(c_dot_jsonl=jsonl(DOC)),
           ("segment", "c.jsonl", "-o", "s.jsonl", "--language", code), ("--language", code),
           unchanged=("s.jsonl",))
      for name, code in (("unknown", "zz"), ("empty", ""), ("a-word", "english"),
                         ("unknown-with-region", "zz-BR"))),
    Case("corpus-csv-bom", files(c_dot_csv=("\ufeff" + CSV_HEADER + "a,One. Two.,T\n").encode()),
         ("segment", "c.csv", "-o", "s.jsonl"), stdout=("1 documents, 2 sentences",), code=0,
         written=("s.jsonl",)),
    Case("corpus-jsonl-bom", files(c_dot_jsonl=b"\xef\xbb\xbf" + jsonl(DOC).encode()),
         ("segment", "c.jsonl", "-o", "s.jsonl"), stdout=("1 documents, 3 sentences",), code=0,
         written=("s.jsonl",)),
    Case("segment-language-known-region", files(c_dot_jsonl=jsonl(DOC)),
         ("segment", "c.jsonl", "-o", "s.jsonl", "--language", "pt-BR"),
         stdout=("1 documents",), code=0, written=("s.jsonl",)),
    # 6. Relations and labels read as less than they say are counted, disagreements queued.
    Case("export-collapsed-relations-counted",
         export(task(1, annotation(10, 1, result=relations(
             {**relation_item("r", "u"), "direction": "bi"}))),
                task(2, annotation(11, 1, result=relations(
                    relation_item("r", "u"), relation_item("r", "u")))),
                task(3, annotation(12, 1, result=relations(
                    relation_item("r", "u"), {**relation_item("u", "r"), "direction": "left"}))),
                task(4, annotation(13, 1, result=relations(choices=(APPEAL, DENIAL))))),
         ("adjudicate", "export.json", "-o", "gold.jsonl"),
         stdout=("bidirectional relation read one way 1", "duplicate relation 1",
                 "reversed duplicate relation 1", "several stance choices 1"), code=0,
         written=("gold.jsonl",)),
    Case("export-entity-disagreement-queued",
         export(task(1, annotation(10, 1), annotation(11, 2, entities=(RUSSIA,), dyads=())),
                task(2, annotation(20, 1), annotation(21, 2)),
                task(3, annotation(30, 1), annotation(
                    31, 2, entities=({**UKRAINE, "label": ORG}, RUSSIA), dyads=((1, 0),)))),
         ("adjudicate", "export.json", "-o", "gold.jsonl", "--queue", "queue.json"),
         stdout=("queued for review: 2 (entity disagreement 2)",), code=0,
         written=("gold.jsonl", "queue.json")),
    Case("export-dyad-disagreement-queued",
         export(task(1, annotation(10, 1), annotation(11, 2, dyads=((1, 0),)))),
         ("adjudicate", "export.json", "-o", "gold.jsonl", "--queue", "queue.json"),
         stdout=("queued for review: 1 (dyad disagreement 1)",), code=0,
         written=("gold.jsonl", "queue.json")),
    Case("export-tie-and-entity-disagreement-queued-once",
         export(task(1, annotation(10, 1), annotation(11, 2, DENIAL, entities=(RUSSIA,),
                                                      dyads=()))),
         ("adjudicate", "export.json", "-o", "gold.jsonl", "--queue", "queue.json"),
         stdout=("queued for review: 1 (tie and entity disagreement 1)", "excluded: 1 (tie 1)"),
         code=0, written=("gold.jsonl", "queue.json")),
    Case("export-ground-truth-settles-entities",
         export(task(1, annotation(10, 1, ground_truth=True),
                     annotation(11, 2, entities=(RUSSIA,), dyads=()))),
         ("adjudicate", "export.json", "-o", "gold.jsonl", "--queue", "queue.json"),
         stdout=("queued for review: 0",), code=0, written=("gold.jsonl", "queue.json")),
    Case("export-collapsed-relations-counted-build",
         both(export(task(1, annotation(10, 1, result=relations(
             {**relation_item("r", "u"), "direction": "bi"})))),
              files(m_dot_json=manifest())),
         ("build", "export.json", "--splits", "m.json", "-o", "ds"),
         ("bidirectional relation read one way",), code=0, written=("ds",)),
    # 7. A folder where a file is expected.
    *(Case(f"folder-for-file-{name}", both(folder("dir"), setup), argv,
           ("dir", "is a folder, not a file"), unchanged=outputs)
      for name, setup, argv, outputs in (
          ("adjudicate", files(), ("adjudicate", "dir", "-o", "gold.jsonl"), ("gold.jsonl",)),
          ("agreement", files(), ("agreement", "dir"), ()),
          ("tasks", files(), ("tasks", "dir", "-o", "t.json"), ("t.json",)),
          ("split-previous", export(task(1, annotation(10, 1))),
           ("split", "export.json", "-o", "m.json", "--previous", "dir"), ("m.json",)),
          ("build-splits", export(task(1, annotation(10, 1))),
           ("build", "export.json", "--splits", "dir", "-o", "ds"), ("ds",)),
          ("build-about", both(export(task(1, annotation(10, 1))), files(m_dot_json=manifest())),
           ("build", "export.json", "--splits", "m.json", "-o", "ds", "--about", "dir"), ("ds",)),
          ("predict-input", baselines(RESULTS, unfitted_pipeline),
           ("baselines", "predict", "b", "dir", "-o", "p.jsonl"), ("p.jsonl",)),
          ("predict-input-json", both(baselines(RESULTS, unfitted_pipeline), folder("dir.json")),
           ("baselines", "predict", "b", "dir.json", "-o", "p.jsonl"), ("p.jsonl",)),
          ("segment-shard", both(folder("dir/x.jsonl"), files(dir__a_dot_jsonl=jsonl(DOC))),
           ("segment", "dir", "-o", "s.jsonl"), ("s.jsonl",)),
          ("segment-txt", both(folder("dir/x.txt"), files(dir__a_dot_txt="T\nOne.\n")),
           ("segment", "dir", "-o", "s.jsonl"), ("s.jsonl",)),
          ("markup-second-pass", files(src__a_dot_txt="title: T\n\nnone | Talks go on. | \n"),
           ("corpus", "build", "--src", "src", "--articles", "a.jsonl", "--gold", "g.json",
            "--second-pass", "dir"), ("a.jsonl", "g.json")),
      )),
    Case("missing-file", files(), ("adjudicate", "nope.json", "-o", "gold.jsonl"),
         ("nope.json", "no such file"), unchanged=("gold.jsonl",)),
    # Outputs: never over a folder stancekit did not write, an input or a read-only file, and
    # several outputs written together or not at all.
    Case("output-folder-with-project-files",
         both(GOLD, files(p__README_dot_md="a\n", p__src__x_dot_py="b\n")), (*BUILD, "-o", "p"),
         ("p: exists and holds files stancekit did not write there (README.md, src/x.py)",),
         unchanged=("p",)),
    Case("output-current-folder", both(GOLD, files(keep_dot_txt="k\n")), (*BUILD, "-o", "."),
         ("is the current folder",), unchanged=("keep.txt", "export.json")),
    Case("output-under-a-file", both(GOLD, files(f="x\n")), (*BUILD, "-o", "f/ds"),
         ("f/ds", "f is a file, not a folder"), unchanged=("f",)),
    Case("output-read-only-datasheet-no-dataset-either",
         both(GOLD, files(D_dot_md="# Datasheet\n<!-- stats:begin -->\n<!-- stats:end -->\n"),
              read_only("D.md")),
         (*BUILD, "-o", "ds", "--datasheet", "D.md"), ("D.md: is read-only",),
         unchanged=("D.md", "ds")),
    Case("output-queue-under-a-file-no-gold-either", both(GOLD, files(f="x\n")),
         ("adjudicate", "export.json", "-o", "ok/g.jsonl", "--queue", "f/q.json"),
         ("f/q.json", "f is a file, not a folder"), unchanged=("ok", "f")),
    Case("output-a-folder", both(GOLD, folder("g")), ("adjudicate", "export.json", "-o", "g"),
         ("g: is a folder; give a file path",), unchanged=("g",)),
    Case("output-over-its-input", files(c_dot_jsonl=jsonl(DOC)),
         ("segment", "c.jsonl", "-o", "c.jsonl"), ("c.jsonl: is also an input",),
         unchanged=("c.jsonl",)),
    Case("output-read-only-file", both(files(c_dot_jsonl=jsonl(DOC), s_dot_jsonl="mine\n"),
                                       read_only("s.jsonl")),
         ("segment", "c.jsonl", "-o", "s.jsonl"), ("s.jsonl: is read-only",),
         unchanged=("s.jsonl",)),
    # A Label Studio that does not answer, or is not running.
    Case("studio-server-not-answering", files(t_dot_json=[{"data": SENTENCE}]),
         ("studio", "push", "t.json", "--url", "http://127.0.0.1:9"),
         ("cannot use Label Studio at http://127.0.0.1:9",),
         env={"LABEL_STUDIO_API_KEY": "secret-key", "LABEL_STUDIO_URL": None,
              "LABEL_STUDIO_API_KEY_FILE": None}),
    Case("studio-no-server-running", files(),
         ("studio", "pull", "-o", "x.json", "--data-dir", "stopped"),
         ("no server is running in stopped",), unchanged=("x.json",),
         env={"LABEL_STUDIO_API_KEY": None, "LABEL_STUDIO_URL": None,
              "LABEL_STUDIO_API_KEY_FILE": None}),
]


def snapshot(root: Path, paths: tuple[str, ...]) -> dict[str, object]:
    """The bytes of each file (a sorted listing for a folder), None when absent."""
    out: dict[str, object] = {}
    for name in paths:
        path = root / name
        if path.is_dir():
            out[name] = sorted((str(p.relative_to(path)), p.read_bytes() if p.is_file() else None)
                               for p in path.rglob("*"))
        else:
            out[name] = path.read_bytes() if path.exists() else None
    return out


def run(argv: tuple[str, ...] | list[str], env: Mapping[str, str | None] | None = None
        ) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of the ``stancekit`` entry point run on *argv* in this
    process (an exception it lets through fails the test with its traceback)."""
    with CliRunner().isolation(env=env) as (out, err, _), mock.patch.object(
            sys, "argv", ["stancekit", *argv]):
        try:
            cli.run()
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    case.setup(tmp_path)
    before = snapshot(tmp_path, case.unchanged)
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run(case.argv, case.env)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert code == case.code, stdout + stderr
    for expected in case.stderr:
        assert expected in stderr, (expected, stderr)
    for expected in case.stdout:
        assert expected in stdout, (expected, stdout)
    if case.code == 2:
        assert stderr.startswith("error: "), stderr
    assert snapshot(tmp_path, case.unchanged) == before
    for name in case.written:
        assert (tmp_path / name).exists(), name
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
