"""`stancekit segment` input formats and bad-input errors that write nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import InputError

runner = CliRunner()
ARTICLE = 'Moscow denied the claims. "We reject this. It is false," Gen. Ivanov said.\nTalks go on.'


def segment(*args: str):
    return runner.invoke(app, ["segment", *map(str, args)], catch_exceptions=True)


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_folder_of_txt(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.txt").write_text("Title B\n" + ARTICLE + "\n", encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text("Title A\nOne sentence only.\n", encoding="utf-8")
    out = tmp_path / "s.jsonl"
    result = segment(tmp_path / "in", "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 documents, 4 sentences" in result.output
    records = read(out)
    assert [r["doc_id"] for r in records] == ["a", "b", "b", "b"]
    assert records[1]["title"] == "Title B"
    assert records[2]["text"] == '"We reject this. It is false," Gen. Ivanov said.'
    first = out.read_bytes()
    assert segment(tmp_path / "in", "-o", out).exit_code == 0
    assert out.read_bytes() == first


def test_no_title_line(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Not a title. Second.\n", encoding="utf-8")
    out = tmp_path / "s.jsonl"
    assert segment(tmp_path / "in", "-o", out, "--no-title-line").exit_code == 0
    records = read(out)
    assert [r["text"] for r in records] == ["Not a title.", "Second."]
    assert "title" not in records[0]


def test_jsonl_and_csv(tmp_path):
    rows = [{"id": 7, "text": ARTICLE, "title": "T", "source": "Wire", "date": "2024-01-02",
             "url": "https://example.org/7"}]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    csv = tmp_path / "c.csv"
    csv.write_text('id,text,source\n7,"' + ARTICLE.replace('"', '""') + '",Wire\n',
                   encoding="utf-8")
    for src in (jsonl, csv):
        out = tmp_path / (src.stem + src.suffix + ".out.jsonl")
        result = segment(src, "-o", out)
        assert result.exit_code == 0, result.output
        records = read(out)
        assert len(records) == 3 and records[0]["doc_id"] == "7"
        assert records[0]["source"] == "Wire"
        for r in records:
            assert ARTICLE[r["start"]:r["end"]] == r["text"]
    assert read(tmp_path / "c.jsonl.out.jsonl")[0]["url"] == "https://example.org/7"


@pytest.mark.parametrize("name, content, where", [
    ("empty.txt", b"", "empty.txt"),
    ("latin1.txt", "Titel\nDer Minister sagte nein, \xe4hnlich.\n".encode("latin-1"), "UTF-8"),
    ("bad.jsonl", b'{"id": 1, "text": "Fine."}\n{"id": 2, "title": "no text"}\n', "line 2"),
    ("bad.csv", b"id,text\n1,Fine.\n,No id here.\n", "line 3"),
])
def test_bad_input_names_file_and_line_and_writes_nothing(tmp_path, name, content, where):
    if name.endswith(".txt"):
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "good.txt").write_text("T\nGood text.\n", encoding="utf-8")
        src = tmp_path / "in" / name
        arg = tmp_path / "in"
    else:
        src = arg = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "s.jsonl"
    result = segment(arg, "-o", out)
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert name in str(result.exception) and where in str(result.exception)
    assert not out.exists()
    assert not list(tmp_path.glob(".s.jsonl.*"))
