"""Baselines: training, determinism, evaluation, prediction input errors, skops, Label Studio."""

from __future__ import annotations

import json
import pickle
import random
import zipfile
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from typer.testing import CliRunner

from stancekit.baselines import dyads, entities
from stancekit.baselines import stance as stance_models
from stancekit.baselines.data import load_folder
from stancekit.baselines.decisions import WeightedDecision
from stancekit.baselines.evaluate import evaluate_saved, model_path
from stancekit.baselines.persist import load_model, save_model
from stancekit.baselines.predict import margin, read_inputs
from stancekit.baselines.train import train
from stancekit.cli import app
from stancekit.dataset import build_dataset, write_dataset
from stancekit.files import InputError, write_json, write_jsonl
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
PERSON, ORG, GPE, NORP = SCHEMA.entity_names
SOURCE, TARGET = (role.name for role in SCHEMA.roles)
PEOPLE = ["Maria Lopez", "John Smith", "Ana Petrova", "Li Wei", "Omar Haddad", "Eva Novak"]
COUNTRIES = ["Russia", "Ukraine", "Georgia", "Armenia", "Serbia", "Kosovo", "Chad", "Mali"]
TEMPLATES = {
    ACCUSATION: ["{p} accused {c} of shelling the border town.",
                 "{p} blamed {c} for the cyberattack on the ministry."],
    DENIAL: ["{p} denied that {c} had crossed the line.",
             "{p} rejected claims that {c} fired the missiles."],
    APPEAL: ["{p} urged {c} to release the detained sailors.",
             "{p} called on {c} to halt the offensive."],
    NONE: ["The talks in {c} resumed on Monday, {p} said.",
           "Heavy rain fell across {c} as {p} travelled home."],
}


def _entity(text: str, name: str, label: str) -> dict:
    start = text.index(name)
    return {"start": start, "end": start + len(name), "text": name, "label": label}


def make_gold(n_docs: int = 12, per_doc: int = 8, seed: int = 0) -> list[dict]:
    """Gold records of a small synthetic corpus: templated sentences with entities and dyads."""
    rng = random.Random(seed)
    gold = []
    for d in range(n_docs):
        doc_id = f"doc{d:02d}"
        for i in range(per_doc):
            stance = SCHEMA.stance_names[(d + i) % 4]
            p, c = rng.choice(PEOPLE), rng.choice(COUNTRIES)
            text = rng.choice(TEMPLATES[stance]).format(p=p, c=c)
            ents = sorted([_entity(text, p, PERSON), _entity(text, c, GPE)],
                          key=lambda e: e["start"])
            source, target = _entity(text, p, PERSON), _entity(text, c, GPE)
            gold.append({
                "sentence_id": f"{doc_id}-{i}", "doc_id": doc_id, "index": i, "start": 0,
                "end": len(text), "text": text, "context": text, "stance": stance,
                "entities": ents,
                "dyads": [] if stance == NONE else [{SOURCE: source, TARGET: target}],
                "n_annotations": 1, "agreement": 1.0, "title": f"Title {d}",
            })
    return gold


def make_dataset(path: Path, seed: int = 0) -> Path:
    """A dataset folder written by the dataset package's own build and write functions."""
    gold = make_gold(seed=seed)
    docs = sorted({r["doc_id"] for r in gold})
    assignment = {doc: "test" if i % 4 == 3 else "train" for i, doc in enumerate(docs)}
    write_dataset(build_dataset(gold, assignment), path,
                  {"README.md": "# test dataset\n", "splits.json": json.dumps({"seed": 0})})
    return path


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("data") / "ds")


@pytest.fixture(scope="module")
def trained(dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("baselines") / "run1"
    train(dataset, out, folds=3, tiny=True, resamples=200)
    return out


def test_load_folder_reads_names_and_hashes(dataset):
    data = load_folder(dataset)
    assert set(data.configs["stance"]) == {"train", "test"}
    row = data.split("stance", "train")[0]
    assert row["stance"] in SCHEMA.stance_names
    assert all(e["label"] in SCHEMA.entity_names for e in row["entities"])
    assert set(data.split("entities", "test")[0]["ner_tags"]) <= set(SCHEMA.bio_tags)
    assert len(data.sha256) == 64 and data.manifest_sha256
    with pytest.raises(InputError, match="validation"):
        data.split("stance", "validation")


def test_training_writes_models_results_and_figures(trained):
    results = json.loads((trained / "results.json").read_text())
    models = results["stance"]["models"]
    skipped = results["stance"]["skipped"]
    assert list(models) == [n for n in stance_models.MODELS if n not in skipped]
    assert {"majority", "tfidf_logreg", "tfidf_svm", "complement_nb", "cue_prelabeler",
            "cues_tfidf_svm"} <= set(models)
    assert results["stance"]["best_model"] in models
    for name, model in models.items():
        assert model_path(trained, name).is_file()
        assert (trained / "figures" / f"confusion_{name}_test.png").is_file()
        test = model["scores"]["test"]
        assert set(test["per_label"]) == set(SCHEMA.stance_names)
        assert 0 <= test["macro_f1_ci95"][0] <= test["macro_f1_ci95"][1] <= 1
        assert len(model["cv_folds"]) == 3
    assert models["tfidf_logreg"]["scores"]["test"]["macro_f1"] > 0.9
    assert models["majority"]["scores"]["test"]["macro_f1"] < 0.5
    assert results["entities"]["scores"]["test"]["micro"]["f1"] > 0.9
    assert results["dyads"]["scores"]["test"]["micro"]["f1"] == 1.0
    assert results["bootstrap"]["unit"] == "document"
    assert results["dataset"]["split_manifest_sha256"]
    assert {"scikit-learn", "datasets", "numpy", "stancekit"} <= set(results["packages"])
    md = (trained / "results.md").read_text()
    assert "| gold \\ predicted |" in md and "tfidf_svm" in md
    assert "Paired bootstrap" in md and "Micro-F1 95% CI" in md
    comparison = results["stance"]["comparison"]
    assert comparison["a"] == results["stance"]["best_model"]
    assert 0 <= comparison["splits"]["test"]["p_value"] <= 1
    lo, hi = results["entities"]["scores"]["test"]["micro_f1_ci95"]
    assert 0 <= lo <= hi <= 1
    assert "\\begin{tabular}" in (trained / "results.tex").read_text()
    for name, model in models.items():
        card = (trained / "models" / f"{name}.md").read_text()
        assert "## Intended use" in card and "## Limits" in card
        assert (model["calibration"] is None) == (name in ("majority", "cue_prelabeler"))
    size = sum(p.stat().st_size for p in (trained / "models").glob("*.skops"))
    assert size < 20 * 2**20


def test_same_data_and_seed_give_the_same_results_bytes(dataset, trained, tmp_path):
    train(dataset, tmp_path / "run2", folds=3, tiny=True, resamples=200)
    for name in ("results.json", "results.md"):
        assert (tmp_path / "run2" / name).read_bytes() == (trained / name).read_bytes()


def test_evaluate_cli_prints_metrics_json(dataset, trained):
    result = CliRunner().invoke(app, ["baselines", "evaluate", str(trained), str(dataset)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    saved = json.loads((trained / "results.json").read_text())
    assert out["dataset_sha256"] == out["trained_on_sha256"] == saved["dataset"]["sha256"]
    for name, metrics in out["stance"]["models"].items():
        assert metrics["macro_f1"] == saved["stance"]["models"][name]["scores"]["test"]["macro_f1"]
    assert out["entities"] == saved["entities"]["scores"]["test"]
    train_split = evaluate_saved(trained, dataset, "train")
    assert train_split["split"] == "train"


def test_predict_cli_writes_ids_stances_and_scores(trained, tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    records = [{"id": "a", "text": "Ana Petrova urged Mali to release the sailors."},
               {"sentence_id": "b", "text": "Rain fell across Chad, Li Wei said."}]
    write_jsonl(inp, records)
    result = CliRunner().invoke(app, ["baselines", "predict", str(trained), str(inp),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    best = json.loads((trained / "results.json").read_text())["stance"]["best_model"]
    model = load_model(model_path(trained, best))
    assert [r["stance"] for r in rows] == [
        SCHEMA.stance_names[i] for i in model.predict([r["text"] for r in records])]
    for r in rows:
        assert list(r["scores"]) == SCHEMA.stance_names
        assert abs(sum(r["scores"].values()) - 1) < 1e-4
    assert rows[0]["stance"] == APPEAL


@pytest.mark.parametrize(("lines", "where", "field"), [
    (['{"id": "a", "text": "ok"}', '{"text": "no id"}'], "line 2", "id"),
    (['{"id": "a"}'], "line 1", "text"),
    (['{"id": "a", "text": "  "}'], "line 1", "text"),
    (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], "line 2", "id"),
    (['{"id": "a", "text": "x"}', "[1, 2]"], "line 2", None),
    (['{"id": "a", "text": "x"}', "{broken"], "line 2", None),
])
def test_predict_input_errors_name_line_and_field_and_write_nothing(trained, tmp_path, lines,
                                                                     where, field):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        read_inputs(inp)
    assert e.value.record == where and e.value.field == field
    result = CliRunner().invoke(app, ["baselines", "predict", str(trained), str(inp),
                                      "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()


def test_read_inputs_accepts_tasks_json(tmp_path):
    path = tmp_path / "tasks.json"
    write_json(path, [{"data": {"sentence_id": "s1", "text": "A."}},
                      {"data": {"sentence_id": "s2", "text": "B."}}])
    assert read_inputs(path) == [{"id": "s1", "text": "A."}, {"id": "s2", "text": "B."}]


def _shout(x):
    return x


def test_skops_load_refuses_untrusted_types(trained, tmp_path):
    loaded = load_model(model_path(trained, "tfidf_svm"))
    assert isinstance(loaded, WeightedDecision)
    assert isinstance(loaded.estimator_, CalibratedClassifierCV)
    bad = tmp_path / "bad.skops"
    sio.dump(Pipeline([("f", FunctionTransformer(_shout))]), bad)
    with pytest.raises(InputError, match="untrusted"):
        load_model(bad)
    (tmp_path / "junk.skops").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a skops"):
        load_model(tmp_path / "junk.skops")


def test_vocabularies_are_saved_packed_and_load_as_they_were(tmp_path):
    from stancekit.baselines.vocabularies import (
        CompactDictVectorizer,
        CompactTfidfVectorizer,
        pack,
        unpack,
    )

    vocabulary = {"Zürich": 2, "": 0, "a b": 3, "Ελλάδα\n": 1}
    assert unpack(*pack(vocabulary)) == vocabulary
    texts = ["Kyiv accuses Moscow", "Moscow denies it", "Zürich calls on both"]
    words = CompactTfidfVectorizer().fit(texts)
    dicts = CompactDictVectorizer().fit([{"w": t.split()[0], "n": len(t)} for t in texts])
    for fitted, x in ((words, texts), (dicts, [{"w": "Kyiv", "n": 3}])):
        save_model(fitted, tmp_path / "v.skops")
        assert '"vocabulary_"' not in zipfile.ZipFile(tmp_path / "v.skops").read(
            "schema.json").decode()
        loaded = load_model(tmp_path / "v.skops")
        assert loaded.vocabulary_ == fitted.vocabulary_
        assert list(loaded.get_feature_names_out()) == list(fitted.get_feature_names_out())
        assert (loaded.transform(x) != fitted.transform(x)).nnz == 0
    numeric = CompactDictVectorizer().fit([{1: 2.0, 3: 1.0}])
    assert pickle.loads(pickle.dumps(numeric)).vocabulary_ == {1: 0, 3: 1}


def test_bio_repair_and_span_scores():
    assert entities.repair(["I-PERSON", "I-PERSON", "O", "B-GPE", "I-ORG"]) == [
        "B-PERSON", "I-PERSON", "O", "B-GPE", "B-ORG"]
    row = {"token_starts": [0, 5, 10], "token_ends": [4, 9, 14]}
    assert entities.spans(row, ["B-PERSON", "I-PERSON", "B-GPE"]) == [
        (0, 9, PERSON), (10, 14, GPE)]
    scores = entities.span_scores([{(0, 9, PERSON), (10, 14, GPE)}], [{(0, 9, PERSON)}])
    assert scores["micro"]["precision"] == 1.0 and scores["micro"]["recall"] == 0.5
    assert scores["per_type"][GPE]["recall"] == 0.0


def _feature_dicts(row: dict) -> list[dict[str, object]]:
    """The readable definition of `entities.hashed_features`: one feature dict per token."""
    tokens = row["tokens"]
    gaz = entities._gazetteer_types(row)
    words = [t.lower() for t in tokens]
    shapes = [entities._shape(t) for t in tokens]
    feats = []
    for i, token in enumerate(tokens):
        f: dict[str, object] = {
            "bias": 1.0, "w": words[i], "shape": shapes[i], "pre3": words[i][:3],
            "suf3": words[i][-3:], "suf2": words[i][-2:], "title": token.istitle(),
            "upper": token.isupper(), "digit": token.isdigit(), "gaz": gaz[i] or "-",
            "first": i == 0,
        }
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < len(tokens):
                f[f"w{k:+d}"] = words[j]
                f[f"shape{k:+d}"] = shapes[j]
                f[f"gaz{k:+d}"] = gaz[j] or "-"
            else:
                f[f"w{k:+d}"] = "<s>" if j < 0 else "</s>"
        feats.append(f)
    return feats


def test_hashed_entity_features_are_the_feature_hasher_over_the_feature_dicts(dataset):
    from sklearn.feature_extraction import FeatureHasher

    rows = load_folder(dataset).split("entities", "train")
    rows = [*rows, {**rows[0], "tokens": [], "token_starts": [], "token_ends": [],
                    "ner_tags": []}, {**rows[1], "tokens": ["42"], "token_starts": [0],
                                      "token_ends": [2], "text": "42"}]
    expected = FeatureHasher(n_features=entities.HASHED, alternate_sign=False).transform(
        [f for r in rows for f in _feature_dicts(r)])
    got = entities.hashed_features(rows)
    assert got.shape == expected.shape and (got != expected).nnz == 0
    assert (got.indptr == expected.indptr).all() and (got.indices == expected.indices).all()
    assert entities.hashed_features([]).shape == (0, entities.HASHED)


def test_dyad_heuristic_picks_person_source_and_following_target():
    text = "In Geneva, Maria Lopez accused Serbia of shelling Kosovo."
    row = {"text": text, "stance": ACCUSATION,
           "entities": [_entity(text, n, t) for n, t in
                        (("Geneva", GPE), ("Maria Lopez", PERSON), ("Serbia", GPE),
                         ("Kosovo", GPE))],
           "dyads": []}
    (source, target), = dyads.predict(row)
    assert text[slice(*source)] == "Maria Lopez" and text[slice(*target)] == "Serbia"
    assert dyads.predict({**row, "stance": NONE}) == []


def test_margin():
    assert margin([0.3, 0.5, 0.2]) == 0.2


@pytest.mark.studio
def test_predict_to_studio_adds_predictions_and_serves_least_margin_first(
        studio, trained, tmp_path):
    import httpx

    from stancekit.baselines.predict import UNCERTAINTY_SAMPLING
    from stancekit.labeling.results import annotation_result
    from stancekit.labeling.studio import ensure_project, push
    from stancekit.labeling.tasks import task_data

    # No overlap cohort, which Label Studio would serve before the least sure task.
    project = ensure_project(studio.client, "baselines predictions", overlap=1, overlap_percent=0)
    sentences = make_gold(n_docs=2, per_doc=6, seed=7)
    # Half the tasks come with a pre-annotation of entities and a dyad, half without.
    cues = {s["sentence_id"]: annotation_result(NONE, s["entities"], [(0, 1)], prefix="c")
            for s in sentences[:6]}
    push(studio.client, project, [
        {"data": task_data(s), **({"predictions": [{"model_version": "cues",
                                                    "result": cues[s["sentence_id"]]}]}
                                  if s["sentence_id"] in cues else {})} for s in sentences])
    path = tmp_path / "sentences.jsonl"
    write_jsonl(path, [{"sentence_id": s["sentence_id"], "text": s["text"]} for s in sentences]
                + [{"sentence_id": "not-in-project", "text": "Chad urged Mali to talk."}])
    args = ["baselines", "predict", str(trained), str(path), "--to-studio", "--project",
            project.title, "-o", str(tmp_path / "out.jsonl"), "--url", studio.url,
            "--api-key-file", str(studio.server.token_file)]
    result = CliRunner().invoke(app, args, env={"LABEL_STUDIO_URL": None,
                                                "LABEL_STUDIO_API_KEY": None})
    assert result.exit_code == 0, result.output
    assert "imported: 12" in result.output and "unmatched: 1" in result.output
    assert "entities_from_pre_annotation: 6, entities_from_model: 6" in result.output
    assert studio.api_key not in result.output

    predicted = {r["id"]: r for r in map(json.loads, (tmp_path / "out.jsonl").open())}
    version = json.loads((trained / "results.json").read_text())["dataset"]["sha256"][:12]
    tasks = {t.id: t.data for t in studio.client.tasks.list(project=project.id)}
    preds = [p for p in studio.client.predictions.list(project=project.id)
             if p.model_version != "cues"]
    assert len(preds) == 12 and all(version in p.model_version for p in preds)
    for p in preds:
        data = tasks[p.task]
        expected = predicted[data["sentence_id"]]
        stances = [i for i in p.result if i["type"] == "choices"]
        spans = [i for i in p.result if i["type"] == "labels"]
        assert [i["value"]["choices"] for i in stances] == [[expected["stance"]]]
        assert p.score == pytest.approx(expected["margin"], abs=1e-6)
        assert spans, p.result
        for item in spans:
            value = item["value"]
            assert data["text"][value["start"]:value["end"]] == value["text"]
        if data["sentence_id"] in cues:
            assert [i for i in p.result if i["type"] != "choices"] == [
                i for i in cues[data["sentence_id"]] if i["type"] != "choices"]
    settings = studio.client.projects.get(project.id)
    assert settings.sampling == UNCERTAINTY_SAMPLING
    assert settings.model_version == preds[0].model_version

    by_margin = sorted(preds, key=lambda p: (p.score, p.task))
    headers = {"Authorization": f"Token {studio.api_key}"}
    nxt = httpx.get(f"{studio.url}/api/projects/{project.id}/next", headers=headers, timeout=60)
    assert nxt.status_code == 200, nxt.text
    assert nxt.json()["id"] in {p.task for p in by_margin if p.score == by_margin[0].score}

    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "imported: 0" in again.output and "already_predicted: 12" in again.output
    assert len(studio.client.predictions.list(project=project.id)) == 18


def test_train_accepts_a_datasetdict_and_load_dataset_paths(dataset, tmp_path):
    from datasets import load_dataset

    files = {p.stem: str(p) for p in sorted((dataset / "stance").glob("*.parquet"))}
    stance_dd = load_dataset("parquet", data_files=files)
    results = train(stance_dd, tmp_path / "dd", folds=3, tiny=True, resamples=50)
    assert results["entities"] is None
    assert results["stance"]["models"]["tfidf_logreg"]["scores"]["test"]["n"] == len(
        stance_dd["test"])
    by_path = train(str(dataset), tmp_path / "path", folds=3, tiny=True, resamples=50)
    assert by_path["entities"] is not None


def test_cross_source_trains_on_the_others(dataset, tmp_path):
    from stancekit.baselines.sources import SELECTIONS, cross_source, source_folds

    with pytest.raises(InputError, match="at least two sources"):
        cross_source(dataset, folds=3, tiny=True, resamples=50)
    gold = make_gold(n_docs=18, seed=3)
    for r in gold:
        r["source"] = "ABC"[int(r["doc_id"][3:]) % 3]
    sourced = tmp_path / "sourced"
    write_dataset(build_dataset(gold, {r["doc_id"]: "train" for r in gold}), sourced,
                  {"README.md": "# test dataset\n", "splits.json": "{}"})
    chosen = ["majority", "tfidf_logreg"]
    results = cross_source(sourced, tiny=True, resamples=50, models=chosen, select_by="source")
    assert list(results["held_out"]["A"]["models"]) == chosen
    assert results["selection"] == SELECTIONS["source"] and results["folds"] == 2
    assert {s: h["test_sentences"] for s, h in results["held_out"].items()} == {
        "A": 48, "B": 48, "C": 48}
    held = [r for r in gold if r["source"] != "A"]
    assert [sorted({held[i]["source"] for i in test}) for _, test in source_folds(held)] == [
        ["B"], ["C"]]
    by_document = cross_source(sourced, folds=3, tiny=True, resamples=50, models=["majority"])
    assert by_document["selection"] == SELECTIONS["document"] and by_document["folds"] == 3


def test_embedding_baseline_runs_offline_from_the_bundled_weights(dataset, trained, tmp_path,
                                                                   monkeypatch):
    from conftest import require_system

    from stancekit.baselines import embeddings

    if not embeddings.available():
        require_system("embedding", embeddings.MISSING, "make embeddings")
    results = json.loads((trained / "results.json").read_text())
    assert "minilm_logreg" in results["stance"]["models"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = load_model(model_path(trained, "minilm_logreg"))
    predicted = model.predict_proba(["Moscow rejected the accusations as baseless."])
    assert predicted.shape == (1, len(SCHEMA.stance_names))
    weights = embeddings.cache_dir() / "all-MiniLM-L6-v2" / "model.safetensors"
    assert weights.stat().st_size > 80 * 2**20


def test_a_missing_extra_is_skipped_with_what_to_install(dataset, tmp_path, monkeypatch):
    from stancekit.baselines import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    monkeypatch.setitem(stance_models.OPTIONAL, "minilm_logreg",
                        (embeddings.available, embeddings.MISSING))
    results = train(dataset, tmp_path / "run", folds=3, tiny=True, resamples=50)
    assert "minilm_logreg" not in results["stance"]["models"]
    assert "pip install 'stancekit[embeddings]'" in results["stance"]["skipped"]["minilm_logreg"]


def test_train_takes_only_the_stance_models_asked_for(dataset, tmp_path):
    runner = CliRunner()
    out = tmp_path / "some"
    result = runner.invoke(app, ["baselines", "train", str(dataset), "-o", str(out), "--quick",
                                 "--folds", "3", "--model", "majority", "--model",
                                 "cue_prelabeler"])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert set(results["stance"]["models"]) == {"majority", "cue_prelabeler"}
    assert results["stance"]["skipped"]["tfidf_svm"] == "not among the models asked for"
    assert results["dyads"]["learned"]["scores"]
    bad = runner.invoke(app, ["baselines", "train", str(dataset), "-o", str(tmp_path / "bad"),
                              "--model", "bert"])
    assert bad.exit_code == 2 and "unknown stance model 'bert'" in bad.output
    assert not (tmp_path / "bad").exists()


def test_large_training_sets_share_stateless_features_and_models_still_take_texts(
        dataset, tmp_path, monkeypatch):
    from stancekit.baselines import train as train_module

    monkeypatch.setattr(stance_models, "LARGE", 10)
    monkeypatch.setattr(train_module, "ENTITY_MAX", 20)
    monkeypatch.setattr(train_module, "DYAD_MAX", 20)
    out = tmp_path / "large"
    results = train(dataset, out, folds=5, tiny=True, resamples=50)
    scale = results["model_selection"]["scale"]
    assert scale["large"] and results["model_selection"]["folds"] == stance_models.LARGE_FOLDS
    assert "minilm_logreg" in results["stance"]["skipped"]
    models = results["stance"]["models"]
    assert set(stance_models.LARGE_MODELS) < set(models)
    assert models["cues_tfidf_svm"]["scores"]["test"]["macro_f1"] > 0.9
    assert 20 <= results["entities"]["training_sentences"] < 72
    assert results["entities"]["model"].startswith("SGDClassifier")
    assert 20 <= results["dyads"]["learned"]["training_sentences"] < 72
    # The saved pipelines compute the features the search shared: same predictions from texts.
    saved = evaluate_saved(out, dataset)["stance"]["models"]
    for name, model in models.items():
        assert saved[name]["macro_f1"] == model["scores"]["test"]["macro_f1"], name


def test_corpus_extend_adds_the_least_certain_sentences_of_new_documents(trained, tmp_path):
    from test_sources import PLAN, corpus_documents

    from stancekit.labeling.realnews.corpus import selected_sentences, write_selection
    from stancekit.labeling.realnews.extension import UNCERTAIN

    docs = list(corpus_documents())
    first, everything = tmp_path / "first.jsonl", tmp_path / "all.jsonl"
    write_jsonl(first, docs[:6])
    write_jsonl(everything, docs)
    corpus = tmp_path / "real"
    write_selection([first], corpus, seed=13, plan=PLAN)
    before = {p.name: p.read_bytes() for p in (corpus / "documents").glob("*.jsonl")}
    old = selected_sentences(corpus)
    runner = CliRunner()
    args = ["corpus", "extend", str(everything), "--models", str(trained), "--corpus",
            str(corpus), "--per-source", "3", "--per-document", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    grown = selected_sentences(corpus)
    added = {sid: r for sid, r in grown.items() if sid not in old}
    assert {sid: grown[sid] for sid in old} == old
    assert added and all(r["stratum"] == UNCERTAIN for r in added.values())
    assert not {r["doc_id"] for r in added.values()} & {r["doc_id"] for r in old.values()}
    assert not {r["text"] for r in added.values()} & {r["text"] for r in old.values()}
    by_doc = [r["doc_id"] for r in added.values()]
    assert len(by_doc) == len(set(by_doc))
    summary = json.loads((corpus / "selection.json").read_text())
    assert summary["extensions"][0]["round"] == 2
    assert summary["extensions"][0]["sentences"] == len(added)
    assert {p.name: p.read_bytes() for p in (corpus / "documents").glob("*.jsonl")
            if ".round" not in p.name} == before
    assert sorted(p.name for p in (corpus / "documents").glob("*.round2.jsonl"))

    pending = tmp_path / "pending.jsonl"
    lines = [f"{sid}\tnone | {r['text']} |" for sid, r in sorted(old.items())]
    (corpus / "pass1.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "sentences", str(corpus), "-o", str(pending),
                                 "--pending"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["sentence_id"] for line in pending.read_text().splitlines()] == (
        sorted(added))
