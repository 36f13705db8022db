"""Statistics of a built dataset, computed from its gold records, for the card and datasheet."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from stancekit.schema import SCHEMA
from stancekit.splits import SPLIT_NAMES

NOT_RECORDED = "not recorded"


def dataset_stats(gold: Iterable[dict], assignment: Mapping[str, str], resolution: Mapping,
                  alpha: float | None = None, leakage: Mapping[str, int] | None = None,
                  documents: Mapping[str, dict] | None = None) -> dict:
    """Sizes, stance distribution per split, agreement, annotators and corpus origin (with the
    source repositories when *documents* records them)."""
    stats = DatasetStats(assignment, documents)
    for record in gold:
        stats.add(record)
    return stats.result(resolution, alpha, leakage)


class DatasetStats:
    """The statistics of `dataset_stats`, counted one gold record at a time."""

    def __init__(self, assignment: Mapping[str, str],
                 documents: Mapping[str, dict] | None = None) -> None:
        self.assignment, self.documents = assignment, documents or {}
        names = [n for n in SPLIT_NAMES if n in set(assignment.values())]
        self.splits = {n: {"documents": 0, "sentences": 0, "entities": 0, "dyads": 0,
                           "labels": dict.fromkeys(SCHEMA.stance_names, 0)} for n in names}
        for split in assignment.values():
            self.splits[split]["documents"] += 1
        self.agreement, self.multi = array("d"), array("d")
        self.dates: list = []
        self.annotators: set = set()
        self.resolutions: Counter = Counter()
        self.last: dict[str, tuple] = {}
        self.by = {"source": {}, "stratum": {}}
        self.languages: set[str] = set()
        self.provenance: dict[tuple[str, str], dict] = {}

    def __len__(self) -> int:
        """The number of records added."""
        return len(self.agreement)

    def add(self, r: dict) -> None:
        """Count one gold record."""
        s = self.splits[self.assignment[r["doc_id"]]]
        s["sentences"] += 1
        s["entities"] += len(r.get("entities", []))
        s["dyads"] += len(r.get("dyads", []))
        s["labels"][r["stance"]] += 1
        self.agreement.append(r.get("agreement", 1.0))
        if r.get("n_annotations", 1) > 1:
            self.multi.append(r["agreement"])
        if r.get("date"):
            date = r["date"]
            self.dates = [min(self.dates[0], date), max(self.dates[1], date)] if self.dates \
                else [date, date]
        self.annotators.update(r.get("annotators", []))
        self.resolutions[r.get("resolution", "single")] += 1
        self.last[r["doc_id"]] = (r.get("source"), r.get("license"))
        for key, counts in self.by.items():
            if r.get(key):
                counts.setdefault(r[key], dict.fromkeys(SCHEMA.stance_names, 0))[r["stance"]] += 1
        if r.get("language"):
            self.languages.add(r["language"])
        self._provenance(r)

    def _provenance(self, r: dict) -> None:
        """Documents, sentences, URL hosts and repositories of each recorded source and
        licence."""
        if not (r.get("source") or r.get("license")):
            return
        key = (r.get("source") or NOT_RECORDED, r.get("license") or NOT_RECORDED)
        row = self.provenance.setdefault(key, {"source": key[0], "license": key[1],
                                               "documents": set(), "sentences": 0,
                                               "hosts": set(), "repositories": set()})
        row["documents"].add(r["doc_id"])
        row["sentences"] += 1
        if r.get("url"):
            url = urlsplit(r["url"])
            row["hosts"].add(f"{url.scheme}://{url.netloc}")
        origin = (self.documents.get(r["doc_id"]) or {}).get("origin")
        if origin:
            row["repositories"].add(origin["repository"])

    def result(self, resolution: Mapping, alpha: float | None = None,
               leakage: Mapping[str, int] | None = None) -> dict:
        """The statistics of the records added."""
        n = len(self.agreement)
        sources = Counter(source or NOT_RECORDED for source, _ in self.last.values())
        licenses = Counter(license or NOT_RECORDED for _, license in self.last.values())
        return {
            "documents": len(self.assignment),
            "sentences": n,
            "splits": self.splits,
            "agreement": {
                "mean": _mean(self.agreement),
                "multiply_annotated": len(self.multi),
                "multiply_annotated_share": round(len(self.multi) / n, 4) if n else None,
                "mean_multiply_annotated": _mean(self.multi),
                "krippendorff_alpha": None if alpha is None else round(alpha, 4),
            },
            "annotators": len(self.annotators),
            "resolution": dict(sorted(self.resolutions.items())),
            "excluded": dict(resolution.get("excluded", {})),
            "skipped_annotations": dict(resolution.get("skipped", {})),
            "sources": dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
            "dates": self.dates or None,
            "leakage": dict(leakage or {}),
            "by_source": dict(sorted(self.by["source"].items())),
            "by_stratum": dict(sorted(self.by["stratum"].items())),
            "licenses": dict(sorted(licenses.items())),
            "languages": sorted(self.languages),
            "provenance": [{**row, "documents": len(row["documents"]),
                            "hosts": sorted(row["hosts"]),
                            "repositories": sorted(row["repositories"])}
                           for _, row in sorted(self.provenance.items())],
        }


def _mean(values: array) -> float | None:
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
