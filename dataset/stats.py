"""Statistics of a built dataset, computed from its gold records, for the card and datasheet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from stancekit.schema import SCHEMA
from stancekit.splits import SPLIT_NAMES

NOT_RECORDED = "not recorded"


def dataset_stats(gold: list[dict], assignment: Mapping[str, str], resolution: Mapping,
                  alpha: float | None = None, leakage: Mapping[str, int] | None = None,
                  documents: Mapping[str, dict] | None = None) -> dict:
    """Sizes, stance distribution per split, agreement, annotators and corpus origin (with the
    source repositories when *documents* records them)."""
    names = [n for n in SPLIT_NAMES if n in set(assignment.values())]
    splits = {n: {"documents": 0, "sentences": 0, "entities": 0, "dyads": 0,
                  "labels": dict.fromkeys(SCHEMA.stance_names, 0)} for n in names}
    for split in assignment.values():
        splits[split]["documents"] += 1
    for r in gold:
        s = splits[assignment[r["doc_id"]]]
        s["sentences"] += 1
        s["entities"] += len(r.get("entities", []))
        s["dyads"] += len(r.get("dyads", []))
        s["labels"][r["stance"]] += 1
    multi = [r for r in gold if r.get("n_annotations", 1) > 1]
    dates = sorted(r["date"] for r in gold if r.get("date"))
    return {
        "documents": len(assignment),
        "sentences": len(gold),
        "splits": splits,
        "agreement": {
            "mean": _mean(r.get("agreement", 1.0) for r in gold),
            "multiply_annotated": len(multi),
            "multiply_annotated_share": round(len(multi) / len(gold), 4) if gold else None,
            "mean_multiply_annotated": _mean(r["agreement"] for r in multi),
            "krippendorff_alpha": None if alpha is None else round(alpha, 4),
        },
        "annotators": len({a for r in gold for a in r.get("annotators", [])}),
        "resolution": dict(sorted(Counter(r.get("resolution", "single") for r in gold).items())),
        "excluded": dict(resolution.get("excluded", {})),
        "skipped_annotations": dict(resolution.get("skipped", {})),
        "sources": dict(sorted(Counter(r.get("source") or "not recorded" for r in
                                       {r["doc_id"]: r for r in gold}.values()).items(),
                               key=lambda kv: (-kv[1], kv[0]))),
        "dates": [dates[0], dates[-1]] if dates else None,
        "leakage": dict(leakage or {}),
        "by_source": _by(gold, "source"),
        "by_stratum": _by(gold, "stratum"),
        "licenses": dict(sorted(Counter(r.get("license") or "not recorded" for r in
                                        {r["doc_id"]: r for r in gold}.values()).items())),
        "languages": sorted({r["language"] for r in gold if r.get("language")}),
        "provenance": _provenance(gold, documents or {}),
    }


def _provenance(gold: list[dict], documents: Mapping[str, dict]) -> list[dict]:
    """Documents, sentences, URL hosts and repositories of each recorded source and licence."""
    out: dict[tuple[str, str], dict] = {}
    for r in gold:
        if not (r.get("source") or r.get("license")):
            continue
        key = (r.get("source") or NOT_RECORDED, r.get("license") or NOT_RECORDED)
        row = out.setdefault(key, {"source": key[0], "license": key[1], "documents": set(),
                                   "sentences": 0, "hosts": set(), "repositories": set()})
        row["documents"].add(r["doc_id"])
        row["sentences"] += 1
        if r.get("url"):
            url = urlsplit(r["url"])
            row["hosts"].add(f"{url.scheme}://{url.netloc}")
        origin = (documents.get(r["doc_id"]) or {}).get("origin")
        if origin:
            row["repositories"].add(origin["repository"])
    return [{**row, "documents": len(row["documents"]), "hosts": sorted(row["hosts"]),
             "repositories": sorted(row["repositories"])} for _, row in sorted(out.items())]


def _by(gold: list[dict], key: str) -> dict[str, dict[str, int]]:
    """Stance counts per value of *key* (source, stratum), for the values that are recorded."""
    out: dict[str, dict[str, int]] = {}
    for r in gold:
        if r.get(key):
            out.setdefault(r[key], dict.fromkeys(SCHEMA.stance_names, 0))[r["stance"]] += 1
    return dict(sorted(out.items()))


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else None


def fmt_number(x: float | None) -> str:
    """A figure to three decimals, or n/a."""
    return "n/a" if x is None else f"{x:.3f}"


def stats_markdown(stats: dict) -> str:
    """The statistics as markdown: sizes, stance distribution, agreement, origin."""
    names = list(stats["splits"])
    lines = ["| split | documents | sentences | entities | dyads | "
             + " | ".join(SCHEMA.stance_names) + " |",
             "|---" * (5 + len(SCHEMA.stance_names)) + "|"]
    for name in names:
        s = stats["splits"][name]
        shares = [f"{n} ({n / s['sentences']:.1%})" if s["sentences"] else "0"
                  for n in s["labels"].values()]
        lines.append(f"| {name} | {s['documents']} | {s['sentences']} | {s['entities']} | "
                     f"{s['dyads']} | " + " | ".join(shares) + " |")
    a = stats["agreement"]
    lines += [
        "",
        f"- Documents: {stats['documents']}; sentences: {stats['sentences']}; "
        f"annotators: {stats['annotators']}.",
        f"- Sentences annotated more than once: {a['multiply_annotated']} "
        f"({fmt_share(a['multiply_annotated_share'])}); mean share of annotators agreeing with "
        f"the gold stance: {fmt_number(a['mean'])} over all sentences, "
        f"{fmt_number(a['mean_multiply_annotated'])} over those annotated more than once.",
        f"- Krippendorff's alpha (nominal, stance, over all sentences of the export annotated "
        f"more than once, ground-truth adjudications left out): "
        f"{fmt_number(a['krippendorff_alpha'])}.",
        "- Gold labels reached by: " + _pairs(stats["resolution"]) + ".",
        "- Sentences without a gold label (not in the dataset): "
        + (_pairs(stats["excluded"]) or "0") + ".",
        "- Annotations not used: " + (_pairs(stats["skipped_annotations"]) or "0") + ".",
        "- Sources: " + _pairs(stats["sources"]) + ".",
    ]
    if stats["dates"]:
        lines.append(f"- Dates: {stats['dates'][0]} to {stats['dates'][1]}.")
    for key, title in (("by_source", "source"), ("by_stratum", "stratum")):
        if stats.get(key):
            lines += ["", f"| {title} | sentences | " + " | ".join(SCHEMA.stance_names) + " |",
                      "|---" * (2 + len(SCHEMA.stance_names)) + "|"]
            lines += [f"| {name} | {sum(c.values())} | " + " | ".join(map(str, c.values()))
                      + " |" for name, c in stats[key].items()]
    return "\n".join(lines)


def fmt_share(x: float | None) -> str:
    """A share as a percentage, or n/a."""
    return "n/a" if x is None else f"{x:.1%}"


def _pairs(tally: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in tally.items())
