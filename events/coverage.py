"""How much of a corpus's entity mentions the actor dictionary normalises, to guide curation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from stancekit.events.dictionary import Actors
from stancekit.events.normalise import normalise
from stancekit.events.table import checked_span, link_of

PLACES = ("GPE", "NORP")
"""The entity types that should name a country: the target share is measured over them."""
TOP = 25


def coverage(records: Iterable[dict], actors: Actors, top: int = TOP,
             path: Path | str = "gold") -> dict:
    """Per entity type, the share of mentions with a country, with a role, with an actor code;
    the share of GPE and NORP mentions with a country; the most frequent mentions left
    without a country (GPE, NORP) or without an actor (PERSON, ORG)."""
    counts: dict[str, Counter] = {}
    missing: Counter = Counter()
    for record in records:
        for i, e in enumerate(record.get("entities") or []):
            checked_span(record, e, path, f"entities[{i}]")
            actor = normalise(e["text"], e["label"], record.get("text", ""), e["start"],
                              link_of(record.get("links"), e["start"], e["end"]), actors)
            tally = counts.setdefault(e["label"], Counter())
            tally["mentions"] += 1
            tally["country"] += actor.country is not None
            tally["role"] += actor.role is not None
            tally["actor"] += actor.code is not None
            if (actor.country if e["label"] in PLACES else actor.code) is None:
                missing[(e["label"], e["text"])] += 1
    by_type = {label: {"mentions": c["mentions"],
                       **{f"{what}_share": round(c[what] / c["mentions"], 4)
                          for what in ("country", "role", "actor")}}
               for label, c in sorted(counts.items())}
    places = [counts[t] for t in PLACES if t in counts]
    n = sum(c["mentions"] for c in places)
    return {
        "dictionary": {"path": str(actors.path), "version": actors.version},
        "by_type": by_type,
        "places_country_share": round(sum(c["country"] for c in places) / n, 4) if n else None,
        "unnormalised": [{"type": t, "text": text, "count": k} for (t, text), k in
                         sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))[:top]],
    }


def coverage_markdown(report: dict) -> str:
    """The coverage report as markdown tables."""
    d = report["dictionary"]
    lines = [f"# Actor coverage\n\nDictionary `{d['path']}`, version {d['version']}.\n",
             "| type | mentions | country | role | actor |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {t} | {c['mentions']} | {c['country_share']:.1%} | {c['role_share']:.1%} | "
              f"{c['actor_share']:.1%} |" for t, c in report["by_type"].items()]
    share = report["places_country_share"]
    lines.append(f"\nGPE and NORP mentions with a country: "
                 f"{'n/a' if share is None else f'{share:.1%}'}\n")
    lines += ["## Most frequent unnormalised mentions\n",
              "(GPE and NORP without a country; PERSON and ORG without an actor)\n",
              "| type | mention | count |", "|---|---|---:|"]
    lines += [f"| {u['type']} | {u['text']} | {u['count']} |" for u in report["unnormalised"]]
    return "\n".join(lines) + "\n"
