"""Inter-annotator agreement measures and the `stancekit agreement` command."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from test_export import (
    ACCUSATION,
    APPEAL,
    DENIAL,
    NONE,
    ORG,
    RUSSIA,
    annotation,
    task,
    write_export,
)
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.agreement import agreement_report, cohen_kappa, f1, krippendorff_alpha
from stancekit.labeling.export import read_export

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units
# with missing values; nominal alpha = 0.743.
TEXTBOOK = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _units(rows):
    return [[v for v in column if v is not None] for column in zip(*rows, strict=True)]


def test_alpha_textbook_example():
    alpha = krippendorff_alpha(_units(TEXTBOOK))
    assert round(alpha, 3) == 0.743
    reference = krippendorff.alpha(
        reliability_data=np.array(TEXTBOOK, dtype=float), level_of_measurement="nominal")
    assert alpha == pytest.approx(reference)


def test_alpha_perfect_and_undefined():
    assert krippendorff_alpha([[NONE, NONE], [DENIAL, DENIAL, DENIAL], [APPEAL]]) == 1.0
    assert krippendorff_alpha([[NONE, NONE], [NONE, NONE]]) is None
    assert krippendorff_alpha([[NONE], [DENIAL]]) is None


def test_cohen_kappa_by_hand():
    # observed 3/4; expected 1/2*1/4 + 1/2*3/4 = 1/2; kappa = (3/4 - 1/2) / (1 - 1/2)
    a = [ACCUSATION, ACCUSATION, NONE, NONE]
    b = [ACCUSATION, NONE, NONE, NONE]
    assert cohen_kappa(a, b) == pytest.approx(0.5)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa([NONE, NONE], [NONE, NONE]) is None


def test_f1():
    assert f1({1, 2, 3}, {2, 3, 4, 5}) == pytest.approx(2 * 2 / 7)
    assert f1(set(), set()) is None
    assert f1({1}, set()) == 0.0


def _export(tmp_path):
    russia_org = {**RUSSIA, "label": ORG}
    tasks = [
        task(1, annotation(10, 1), annotation(11, 2), annotation(12, 3)),
        task(2, annotation(20, 1, DENIAL), annotation(21, 2, ACCUSATION, dyads=((1, 0),))),
        task(3, annotation(30, 1, NONE, dyads=()), annotation(31, 2, NONE, entities=(russia_org,),
                                                               dyads=())),
        task(4, annotation(40, 1, APPEAL)),
        task(5, annotation(50, 2, was_cancelled=True, result=[])),
    ]
    return write_export(tmp_path, tasks)


def test_report(tmp_path):
    report = agreement_report(read_export(_export(tmp_path)))
    assert report["annotators"] == [1, 2, 3]
    assert report["multiply_annotated"] == 3
    assert report["skipped"] == {"cancelled": 1}
    pair = next(p for p in report["pairs"] if (p["a"], p["b"]) == (1, 2))
    assert pair["shared"] == 3 and pair["observed"] == pytest.approx(2 / 3, abs=1e-4)
    # entities: 1 has 2+2+2 spans, 2 has 2+2+1; they differ only on Russia's type in task 3
    assert (pair["entities"]["a"], pair["entities"]["b"], pair["entities"]["matched"]) == (6, 5, 4)
    assert pair["entities"]["micro"] == pytest.approx(8 / 11, abs=1e-4)
    assert pair["entities"]["per_type"][ORG] == {"f1": 0.0, "a": 0, "b": 1, "matched": 0}
    # dyads: 1 has Russia>Ukraine twice; 2 has it in task 1 and reversed in task 2
    assert pair["dyads"]["f1"] == pytest.approx(0.5)
    labels, matrix = report["confusion"]["labels"], report["confusion"]["matrix"]
    assert matrix[labels.index(DENIAL)][labels.index(ACCUSATION)] == 1
    assert matrix[labels.index(ACCUSATION)][labels.index(ACCUSATION)] == 3
    assert sum(map(sum, matrix)) == 5
    units = [[ACCUSATION] * 3, [DENIAL, ACCUSATION], [NONE, NONE]]
    assert report["alpha"]["stance"] == pytest.approx(krippendorff_alpha(units), abs=1e-4)


def test_cli_writes_json_markdown_and_plot(tmp_path):
    out, md, png = tmp_path / "report.json", tmp_path / "report.md", tmp_path / "confusion.png"
    result = CliRunner().invoke(app, ["agreement", str(_export(tmp_path)), "-o", str(out),
                                      "--markdown", str(md), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "Krippendorff's alpha" in result.output and "| 1–2 | 3 |" in result.output
    assert json.loads(out.read_text())["pairs"][0]["shared"] == 3
    assert md.read_text() == result.output
    assert png.read_bytes().startswith(b"\x89PNG")


def test_cli_writes_nothing_on_bad_input(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[{"id": 1, "data": {"text": "x"', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["agreement", str(path), "-o", str(out / "r.json"),
                                      "--markdown", str(out / "r.md"), "--plot",
                                      str(out / "c.png")])
    assert result.exit_code != 0
    assert "invalid JSON" in str(result.exception)
    assert not out.exists()
