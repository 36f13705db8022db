"""The dataset build: features, tokens, conserved counts, offline loading, determinism, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_splits import make_export, make_gold
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.dataset import (
    bio_tags,
    build_dataset,
    entities_features,
    stance_features,
    write_dataset,
)
from stancekit.dataset.card import BEGIN, END, about_parts
from stancekit.dataset.documents import check_offsets
from stancekit.files import MARKER, InputError, write_json
from stancekit.schema import SCHEMA

TRICKY = [
    ("The US urged Russia and Turkey.", [(4, 6, "GPE"), (13, 19, "GPE"), (24, 30, "GPE")]),
    ("Russia's\u00a0envoy  met\tNATO\u3000officials in Kyiv.", [(0, 6, "GPE"), (22, 26, "ORG")]),
    ("Москва обвинила Киев в атаке.", [(0, 6, "GPE"), (16, 20, "GPE")]),
    ("北京谴责东京的声明。", [(0, 2, "GPE"), (4, 6, "GPE")]),
    ("اتهمت مصر إثيوبيا بتعطيل المحادثات.", [(6, 9, "GPE"), (10, 17, "GPE")]),
    ("भारत ने पाकिस्तान पर आरोप लगाया।", [(0, 4, "GPE"), (8, 17, "GPE")]),
    ("Jean-Luc Moreau (UNHCR) said pro-Kremlin outlets lied.", [(0, 15, "PERSON"),
                                                              (17, 22, "ORG"), (33, 40, "ORG")]),
    ("ex-USSR states", [(3, 7, "GPE")]),
]


@pytest.mark.parametrize(("text", "spans"), TRICKY)
def test_every_span_maps_to_exactly_its_tokens(text, spans):
    entities = [{"start": a, "end": b, "text": text[a:b], "label": t} for a, b, t in spans]
    tokens, tags = bio_tags(text, entities)
    assert all(text[a:b].strip() == text[a:b] != "" for a, b in tokens)
    for e in entities:
        inside = [i for i, (a, b) in enumerate(tokens) if a >= e["start"] and b <= e["end"]]
        assert inside, e
        assert text[tokens[inside[0]][0]:tokens[inside[-1]][1]] == e["text"]
        assert tags[inside[0]] == f"B-{e['label']}"
        assert all(tags[i] == f"I-{e['label']}" for i in inside[1:])
        assert inside == list(range(inside[0], inside[-1] + 1))
    assert sum(t != "O" for t in tags) == sum(
        1 for a, b in tokens if any(a >= e["start"] and b <= e["end"] for e in entities))


def test_features_follow_the_schema():
    stance = stance_features()
    assert stance["stance"].names == SCHEMA.stance_names
    assert stance["entities"].feature["label"].names == SCHEMA.entity_names
    assert set(stance["dyads"].feature) == {role.name for role in SCHEMA.roles}
    assert entities_features()["ner_tags"].feature.names == SCHEMA.bio_tags


def test_unknown_labels_are_input_errors():
    gold = make_gold(3)
    assignment = {r["doc_id"]: "train" for r in gold}
    bad = [dict(gold[0], stance="sarcasm")] + gold[1:]
    with pytest.raises(InputError, match="unknown stance 'sarcasm'"):
        build_dataset(bad, assignment)
    bad = [dict(gold[0], entities=[{"start": 0, "end": 5, "text": "Gabon", "label": "LOC"}])]
    with pytest.raises(InputError, match="unknown entity type 'LOC'"):
        build_dataset(bad, assignment)
    bad = [dict(gold[0], entities=[{"start": 1, "end": 5, "text": "Gabon", "label": "GPE"}])]
    with pytest.raises(InputError, match="does not match"):
        build_dataset(bad, assignment)


def with_dyads(gold: list[dict]) -> list[dict]:
    """Give every accusation a second entity and a dyad to it."""
    out = []
    for r in gold:
        if r["stance"] == "accusation":
            text = r["text"][:-1] + " blamed Chad."
            chad = {"start": len(text) - 5, "end": len(text) - 1, "text": "Chad", "label": "GPE"}
            r = dict(r, text=text, context=text, end=len(text), entities=[*r["entities"], chad],
                     dyads=[{"source": r["entities"][0], "target": chad}])
        out.append(r)
    return out


@pytest.fixture
def built(tmp_path):
    gold = with_dyads(make_gold(30))
    # one tie without a lead: excluded, and said so
    votes = {gold[0]["sentence_id"]: [(1, "none"), (2, "appeal")]}
    write_json(tmp_path / "export.json", make_export(gold, votes))
    runner = CliRunner()
    export, manifest = str(tmp_path / "export.json"), str(tmp_path / "splits.json")
    assert runner.invoke(app, ["split", export, "-o", manifest, "--validation", "0.1"]
                         ).exit_code == 0
    datasheet = tmp_path / "DATASHEET.md"
    datasheet.write_text(f"# Datasheet\n\n{BEGIN}\nold\n{END}\n\nEnd.\n")
    result = runner.invoke(app, ["build", export, "--splits", manifest, "-o",
                                 str(tmp_path / "ds"), "--datasheet", str(datasheet)])
    assert result.exit_code == 0, result.output
    return tmp_path, gold, result.output


def test_build_conserves_rows_and_groups_documents(built):
    tmp_path, gold, output = built
    assert "excluded 1 sentences without a gold label: tie" in output
    import pyarrow.parquet as pq

    rows = {}
    for split in ("train", "validation", "test"):
        table = pq.read_table(tmp_path / "ds" / "stance" / f"{split}.parquet").to_pylist()
        tokens = pq.read_table(tmp_path / "ds" / "entities" / f"{split}.parquet").to_pylist()
        assert [r["id"] for r in table] == [r["id"] for r in tokens]
        rows[split] = table
    ids = [r["id"] for split in rows.values() for r in split]
    assert sorted(ids) == sorted(r["sentence_id"] for r in gold[1:])
    docs = [{r["doc_id"] for r in split} for split in rows.values()]
    assert not (docs[0] & docs[1] or docs[0] & docs[2] or docs[1] & docs[2])
    dyads = [r["dyads"] for split in rows.values() for r in split if r["dyads"]]
    assert dyads and all(d[0]["target"]["text"] == "Chad" for d in dyads)
    sheet = (tmp_path / "DATASHEET.md").read_text()
    assert sheet == (tmp_path / "ds" / "DATASHEET.md").read_text()
    assert "\nold\n" not in sheet and "| validation |" in sheet and sheet.endswith("End.\n")


def test_load_dataset_offline_with_label_names(built, tmp_path):
    folder = built[0] / "ds"
    script = (
        "import json, sys\n"
        "from datasets import load_dataset\n"
        "out = {}\n"
        "for config in ('stance', 'entities', 'documents'):\n"
        "    d = load_dataset(sys.argv[1], config)\n"
        "    f = d['train'].features\n"
        "    out[config] = {'splits': {k: len(v) for k, v in d.items()},\n"
        "                   'names': f['stance'].names if config == 'stance'\n"
        "                   else f['ner_tags'].feature.names if config == 'entities'\n"
        "                   else sum(sum(d[k]['n_sentences']) for k in d)}\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, HF_HOME=str(tmp_path / "hf"), HF_DATASETS_OFFLINE="1",
               HF_HUB_OFFLINE="1", HF_DATASETS_CACHE=str(tmp_path / "hf" / "datasets"))
    done = subprocess.run([sys.executable, "-c", script, str(folder)], env=env,
                          capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["stance"]["names"] == SCHEMA.stance_names
    assert loaded["entities"]["names"] == SCHEMA.bio_tags
    assert set(loaded["stance"]["splits"]) == {"train", "validation", "test"}
    assert sum(loaded["stance"]["splits"].values()) == len(built[1]) - 1
    assert loaded["entities"]["splits"] == loaded["stance"]["splits"]
    assert loaded["documents"]["names"] == len(built[1]) - 1
    assert set(loaded["documents"]["splits"]) == {"train", "validation", "test"}


def test_two_builds_are_byte_identical(built):
    tmp_path = built[0]
    again = tmp_path / "again"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "export.json"), "--splits",
                                      str(tmp_path / "splits.json"), "-o", str(again)])
    assert result.exit_code == 0, result.output
    first = sorted(p.relative_to(tmp_path / "ds") for p in (tmp_path / "ds").rglob("*")
                   if p.is_file() and p.name not in ("DATASHEET.md", MARKER))
    assert first == sorted(p.relative_to(again) for p in again.rglob("*")
                           if p.is_file() and p.name != MARKER)
    for rel in first:
        assert (tmp_path / "ds" / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_bad_inputs_write_nothing(built):
    tmp_path, gold, _ = built
    runner = CliRunner()
    manifest = json.loads((tmp_path / "splits.json").read_text())
    manifest["documents"]["train"] = [*manifest["documents"]["train"][1:], "ghost"]
    write_json(tmp_path / "bad.json", manifest)
    write_json(tmp_path / "empty.json", [])
    cases = [
        (["--splits", str(tmp_path / "bad.json")], "not in the manifest"),
        (["--splits", str(tmp_path / "bad.json")], "ghost"),
    ]
    for extra, message in cases:
        result = runner.invoke(app, ["build", str(tmp_path / "export.json"), *extra, "-o",
                                     str(tmp_path / "out")])
        assert isinstance(result.exception, InputError) and message in str(result.exception)
    result = runner.invoke(app, ["build", str(tmp_path / "empty.json"), "--splits",
                                 str(tmp_path / "splits.json"), "-o", str(tmp_path / "out")])
    assert isinstance(result.exception, InputError), result.output
    assert not (tmp_path / "out").exists()
    # a folder that is not a dataset is never replaced
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["build", str(tmp_path / "export.json"), "--splits",
                                 str(tmp_path / "splits.json"), "-o", str(tmp_path / "keep")])
    assert isinstance(result.exception, InputError)
    assert (tmp_path / "keep" / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_strict_build_on_leakage(built):
    tmp_path, gold, _ = built
    manifest = json.loads((tmp_path / "splits.json").read_text())
    test_doc = manifest["documents"]["test"][0]
    train = next(r for r in gold if r["doc_id"] == manifest["documents"]["train"][0]
                 and r["sentence_id"] != gold[0]["sentence_id"])
    copied = [dict(r, text=train["text"], context=train["text"], end=len(train["text"]),
                   entities=train["entities"], dyads=train["dyads"])
              if r["doc_id"] == test_doc and r["index"] == 0 else r for r in gold]
    write_json(tmp_path / "leaky.json", make_export(copied))
    out = tmp_path / "leaky"
    args = ["build", str(tmp_path / "leaky.json"), "--splits", str(tmp_path / "splits.json"),
            "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--strict"])
    assert result.exit_code == 1 and not out.exists()
    assert "exact duplicate sentences across splits: 1 texts" in result.output


REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = REPO / "corpus" / "synthetic"


def test_card_and_configs_from_the_data(tmp_path):
    about = tmp_path / "about.md"
    about.write_text("---\nannotations_creators: [machine-generated]\n---\n### How\n\nText.\n")
    out = tmp_path / "ds"
    result = CliRunner().invoke(app, [
        "build", str(SYNTHETIC / "gold.json"), "--splits", str(REPO / "splits" / "synthetic.json"),
        "-o", str(out), "--lead", "1", "--about", str(about),
        "--documents", str(SYNTHETIC / "articles.jsonl")])
    assert result.exit_code == 0, result.output
    card = (out / "README.md").read_text()
    meta = yaml.safe_load(card.split("---\n")[1])
    assert meta["language"] == ["en"] and meta["multilinguality"] == ["monolingual"]
    assert meta["annotations_creators"] == ["machine-generated"]
    assert meta["language_creators"] == ["found"]
    assert [c["config_name"] for c in meta["configs"]] == ["stance", "entities", "documents",
                                                       "events"]
    assert all([f["split"] for f in c["data_files"]] == ["train", "validation", "test"]
               for c in meta["configs"])
    assert "### How" in card and "annotations_creators" not in card.split("# stancekit")[1]
    for section in ("## Limitations and biases", "## Citation", "@misc{stancekit_dataset",
                    "| source | licence | documents | sentences |", "DATASHEET.md"):
        assert section in card
    import pyarrow.parquet as pq

    stance = pq.read_table(out / "stance" / "validation.parquet").to_pylist()
    docs = {d["doc_id"]: d for d in pq.read_table(out / "documents" / "validation.parquet")
            .to_pylist()}
    assert set(docs) == {r["doc_id"] for r in stance}
    for r in stance:
        assert docs[r["doc_id"]]["text"][r["start"]:r["end"]] == r["text"]
        assert len(r["annotations"]) == r["n_annotations"]
        assert r["id"] in docs[r["doc_id"]]["sentence_ids"]
    assert sum(d["n_sentences"] for d in docs.values()) == len(stance)
    assert any(len(r["annotations"]) > 1 for r in stance)


def test_documents_and_about_are_checked(tmp_path):
    gold = make_gold(2)
    documents = {"doc000": {"text": gold[0]["text"], "origin": None}}
    check_offsets([gold[0]], documents, "docs.jsonl", "export.json")
    with pytest.raises(InputError, match="no document 'doc001'"):
        check_offsets(gold[-1:], documents, "docs.jsonl", "export.json")
    with pytest.raises(InputError, match="do not give the sentence's text") as e:
        check_offsets([dict(gold[0], start=1)], documents, "docs.jsonl", "export.json")
    assert e.value.field == "start"
    with pytest.raises(InputError, match="unknown card field") as e:
        about_parts("---\nlicense: [mit]\n---\ntext", "about.md")
    with pytest.raises(InputError, match="non-empty list"):
        about_parts("---\nlanguage_creators: found\n---\ntext", "about.md")
    assert about_parts("# no front matter\n", "about.md") == ({}, "# no front matter\n")


def test_streaming_writer_matches_the_in_memory_build(tmp_path, monkeypatch):
    """Row groups, parquet bytes and the card's table sizes are those of the in-memory build,
    also with unsorted input and many row groups."""
    import random

    from stancekit.dataset.build import PARQUET, write_streaming
    from stancekit.dataset.card import dataset_card
    from stancekit.dataset.stats import DatasetStats, dataset_stats
    from stancekit.splits import assign_documents, split_fractions

    monkeypatch.setitem(PARQUET, "row_group_size", 7)
    gold = with_dyads(make_gold(25))
    for r in gold[::4]:
        r.update(title=None if r["index"] % 2 else "A title", annotations=[
            {"annotator": 1, "stance": r["stance"], "ground_truth": False}])
    random.Random(3).shuffle(gold)
    assignment = assign_documents(gold, split_fractions(0.2, 0.1), 13)
    manifest = {"method": "test", "seed": 13, "fractions": {}}
    datasets = build_dataset(gold, assignment)
    num_bytes = {c: {s: ds.data.nbytes for s, ds in dd.items()} for c, dd in datasets.items()}
    card = dataset_card(dataset_stats(gold, assignment, {}), manifest, num_bytes)
    write_dataset(datasets, tmp_path / "memory", {"README.md": card})
    stats = DatasetStats(assignment)
    assert write_streaming(iter(gold), assignment, tmp_path / "stream",
                           lambda sizes: {"README.md": dataset_card(stats.result({}), manifest,
                                                                    sizes)},
                           each=stats.add) == num_bytes
    files = sorted(p.relative_to(tmp_path / "memory") for p in (tmp_path / "memory").rglob("*")
                   if p.is_file())
    assert len(files) == 14
    for rel in files:
        assert (tmp_path / "memory" / rel).read_bytes() == (tmp_path / "stream" / rel
                                                            ).read_bytes(), rel
