"""Inter-annotator agreement: Krippendorff's alpha, Cohen's kappa, span and dyad F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np

from stancekit.files import Outputs, save_figure
from stancekit.labeling.export import Export, iter_units
from stancekit.schema import SCHEMA


def krippendorff_alpha(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Nominal Krippendorff's alpha from the values each unit received (None if undefined)."""
    pairable = [Counter(values) for values in units if len(values) > 1]
    domain = sorted({v for counts in pairable for v in counts}, key=repr)
    if len(domain) < 2:
        return None
    value_counts = np.array([[counts[v] for v in domain] for counts in pairable])
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two annotators on the same items (None if undefined)."""
    if len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b, labels=SCHEMA.stance_names))


def match_f1(matched: int, n_a: int, n_b: int) -> float | None:
    """F1 of exact matches between two sets from their sizes; None when both are empty."""
    # By hand: sklearn scores aligned label vectors, not matches between two sets of spans.
    return 2 * matched / (n_a + n_b) if n_a + n_b else None


def f1(a: set, b: set) -> float | None:
    """Symmetric F1 (Dice) of two sets of exact matches; None when both are empty."""
    return match_f1(len(a & b), len(a), len(b))


def _spans(votes: dict[str, dict[int, dict]], sentences: list[str], annotator: int) -> set:
    return {(sid, e["start"], e["end"], e["label"])
            for sid in sentences for e in votes[sid][annotator]["entities"]}


def _dyads(votes: dict[str, dict[int, dict]], sentences: list[str], annotator: int) -> set:
    source, target = SCHEMA.dyad_keys
    return {(sid, d[source]["start"], d[source]["end"], d[target]["start"], d[target]["end"])
            for sid in sentences for d in votes[sid][annotator]["dyads"]}


def _entity_f1(a: set, b: set) -> dict:
    per_type = {}
    for label in SCHEMA.entity_names:
        a_t = {s for s in a if s[3] == label}
        b_t = {s for s in b if s[3] == label}
        per_type[label] = {"f1": _round(f1(a_t, b_t)), "a": len(a_t), "b": len(b_t),
                           "matched": len(a_t & b_t)}
    return {"micro": _round(f1(a, b)), "a": len(a), "b": len(b), "matched": len(a & b),
            "per_type": per_type}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def stance_alpha(units: Iterable[dict[int, dict]]) -> float | None:
    """Nominal Krippendorff's alpha of the stance over units with two or more records."""
    return krippendorff_alpha([[r["stance"] for r in v.values()] for v in units if len(v) > 1])


def independent(votes: dict[int, dict]) -> dict[int, dict]:
    """The annotations of a sentence without ground-truth ones (adjudications, not judgements
    made independently)."""
    return {a: r for a, r in votes.items() if not r["ground_truth"]}


def agreement_report(export: Export) -> dict:
    """Stance, entity and dyad agreement of all annotators and of each annotator pair."""
    labels = SCHEMA.stance_names
    units = [(task, v) for task, v in iter_units(export) if v]
    truth = sum(len(v) - len(independent(v)) for _, v in units)
    votes = {task["data"]["sentence_id"]: independent(v) for task, v in units}
    votes = {sid: v for sid, v in votes.items() if v}
    annotators = sorted({a for v in votes.values() for a in v})
    confusion = [[0] * len(labels) for _ in labels]
    pairs, all_spans, all_dyads = [], (set(), set()), (set(), set())
    for a, b in combinations(annotators, 2):
        shared = [sid for sid, v in votes.items() if a in v and b in v]
        if not shared:
            continue
        stances_a = [votes[sid][a]["stance"] for sid in shared]
        stances_b = [votes[sid][b]["stance"] for sid in shared]
        agree = 0
        for x, y in zip(stances_a, stances_b, strict=True):
            confusion[labels.index(x)][labels.index(y)] += 1
            agree += x == y
        spans = _spans(votes, shared, a), _spans(votes, shared, b)
        dyads = _dyads(votes, shared, a), _dyads(votes, shared, b)
        for pooled, pair in ((all_spans, spans), (all_dyads, dyads)):
            pooled[0].update((*x, a, b) for x in pair[0])
            pooled[1].update((*x, a, b) for x in pair[1])
        pairs.append({
            "a": a, "b": b, "shared": len(shared),
            "observed": _round(agree / len(shared)),
            "kappa": _round(cohen_kappa(stances_a, stances_b)),
            "entities": _entity_f1(*spans),
            "dyads": {"f1": _round(f1(*dyads)), "a": len(dyads[0]), "b": len(dyads[1]),
                      "matched": len(dyads[0] & dyads[1])},
        })
    multi = [v for v in votes.values() if len(v) > 1]
    return {
        "export": export.path,
        "tasks": len(export.tasks),
        "sentences": len(votes),
        "annotations": len(export.records),
        "ground_truth_left_out": truth,
        "annotators": annotators,
        "skipped": dict(sorted(Counter(s["reason"] for s in export.skipped).items())),
        "drafts": export.drafts,
        "predictions": export.predictions,
        "stance_counts": {str(a): {s: sum(v[a]["stance"] == s for v in votes.values() if a in v)
                                   for s in labels} for a in annotators},
        "multiply_annotated": len(multi),
        "alpha": {"stance": _round(stance_alpha(multi)),
                  "units": len(multi), "values": sum(len(v) for v in multi)},
        "pairs": pairs,
        "pooled": {"entities": _entity_f1(*all_spans),
                   "dyads": {"f1": _round(f1(*all_dyads)), "a": len(all_dyads[0]),
                             "b": len(all_dyads[1]),
                             "matched": len(all_dyads[0] & all_dyads[1])}},
        "confusion": {"labels": labels, "rows": "lower annotator id of each pair",
                      "matrix": confusion},
    }


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def markdown_report(report: dict) -> str:
    """The agreement report as markdown tables."""
    lines = [
        "# Inter-annotator agreement", "",
        f"Export `{report['export']}`: {report['tasks']} tasks, {report['sentences']} annotated "
        f"sentences, {report['annotations']} usable annotations by annotators "
        f"{', '.join(map(str, report['annotators'])) or 'no one'}; "
        f"{report['multiply_annotated']} sentences annotated more than once.", "",
    ]
    if report["skipped"]:
        lines += ["Annotations not used: " + ", ".join(
            f"{k} {v}" for k, v in report["skipped"].items()) + ".", ""]
    lines += [f"Drafts seen: {report['drafts']}; predictions seen: {report['predictions']} "
              "(neither counts as an annotation).", ""]
    if report["ground_truth_left_out"]:
        lines += [f"Ground-truth annotations left out of agreement: "
                  f"{report['ground_truth_left_out']} (adjudications of disagreements, not "
                  "independent judgements).", ""]
    alpha = report["alpha"]
    lines += ["## Stance", "", "| annotator | " + " | ".join(SCHEMA.stance_names) + " |",
              "|---" * (len(SCHEMA.stance_names) + 1) + "|"]
    for a, counts in report["stance_counts"].items():
        lines.append(f"| {a} | " + " | ".join(str(counts[s]) for s in SCHEMA.stance_names) + " |")
    if not report["pairs"]:
        lines += ["", "No sentence was annotated by two annotators: agreement cannot be measured."]
        return "\n".join(lines) + "\n"
    lines += ["", f"Krippendorff's alpha (nominal): **{_fmt(alpha['stance'])}** over "
              f"{alpha['units']} sentences and {alpha['values']} annotations.", "",
              "| pair | shared | observed | Cohen's kappa | entity F1 | dyad F1 |",
              "|---|---|---|---|---|---|"]
    for p in report["pairs"]:
        lines.append(f"| {p['a']}–{p['b']} | {p['shared']} | {_fmt(p['observed'])} | "
                     f"{_fmt(p['kappa'])} | {_fmt(p['entities']['micro'])} | "
                     f"{_fmt(p['dyads']['f1'])} |")
    labels = report["confusion"]["labels"]
    lines += ["", "Stance confusion, pooled over pairs (rows: lower annotator id of each pair):",
              "", "| | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, report["confusion"]["matrix"], strict=True):
        lines.append(f"| **{label}** | " + " | ".join(map(str, row)) + " |")
    pooled = report["pooled"]
    lines += ["", "## Entities and dyads", "",
              "Exact-match F1 (start, end and type) on sentences both annotators of a pair "
              "annotated, pooled over pairs.", "",
              "| type | F1 | spans A | spans B | matched |", "|---|---|---|---|---|"]
    rows = [*pooled["entities"]["per_type"].items(), ("micro", pooled["entities"]),
            ("dyads", pooled["dyads"])]
    for name, e in rows:
        f = e["f1"] if "f1" in e else e["micro"]
        lines.append(f"| {name} | {_fmt(f)} | {e['a']} | {e['b']} | {e['matched']} |")
    return "\n".join(lines) + "\n"


def plot_confusion(report: dict, path: Path | str, outputs: Outputs | None = None) -> None:
    """Write a heatmap of the inter-annotator stance confusion."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = report["confusion"]["labels"], report["confusion"]["matrix"]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    image = ax.imshow(matrix, cmap="Blues")
    top = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if count > top / 2 else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("annotator B (higher id)")
    ax.set_ylabel("annotator A (lower id)")
    ax.set_title(f"Stance confusion between annotators (alpha {_fmt(report['alpha']['stance'])})")
    fig.colorbar(image, ax=ax, label="sentences")
    fig.tight_layout()
    save_figure(fig, path, outputs, dpi=120)
    plt.close(fig)
