"""A picture of the events table: dyadic events per month by stance, and the most frequent
country pairs month by month."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stancekit.files import Outputs, save_figure
from stancekit.schema import SCHEMA

if TYPE_CHECKING:
    import pandas as pd

TOP_PAIRS = 10
NO_DATE = "no date"


def country_pairs(frame: pd.DataFrame) -> pd.Series:
    """Each event's "source country → target country" ("?" where an end has none)."""
    source, target = SCHEMA.dyad_keys
    return (frame[f"{source}_country"].fillna("?") + " → "
            + frame[f"{target}_country"].fillna("?"))


def plot_events(frame: pd.DataFrame, path: Path | str, outputs: Outputs | None = None,
                top: int = TOP_PAIRS) -> None:
    """Write a figure of *frame*'s events: counts per month stacked by stance, and a grid of
    the *top* country pairs per month with their stances."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stances = [s for s in SCHEMA.stance_names if s != SCHEMA.default_stance]
    stances += [s for s in sorted(set(frame["stance"])) if s not in stances]
    colors = {label.name: label.color for label in SCHEMA.stances}
    month = frame["date"].fillna(NO_DATE).str.slice(0, 7)
    months = sorted(set(month))
    counts = frame.assign(month=month).groupby(["month", "stance"]).size()
    pairs = country_pairs(frame)
    known = pairs[~pairs.str.contains("?", regex=False)]
    ranked = sorted(known.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    names = [name for name, _ in ranked]
    fig, (bars, grid) = plt.subplots(2, 1, figsize=(max(7.0, 0.28 * len(months) + 3), 8.5),
                                     sharex=True, height_ratios=[1, 1.3])
    bottom = [0] * len(months)
    for stance in stances:
        heights = [int(counts.get((m, stance), 0)) for m in months]
        bars.bar(range(len(months)), heights, bottom=bottom, color=colors.get(stance),
                 label=stance)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    bars.set_ylim(0, max(bottom, default=0) * 1.08 + 1)
    bars.set_ylabel("dyadic events")
    bars.set_title(f"Dyadic events per month ({len(frame)} events)")
    bars.legend(title="stance", fontsize="small")
    picked = frame.assign(month=month, pair=pairs)
    picked = picked[picked["pair"].isin(names)]
    offsets = {s: (i - (len(stances) - 1) / 2) * 0.22 for i, s in enumerate(stances)}
    for (m, pair, stance), n in picked.groupby(["month", "pair", "stance"]).size().items():
        grid.scatter(months.index(m), names.index(pair) + offsets[stance], s=18 + 22 * n,
                     color=colors.get(stance), alpha=0.8, edgecolors="none")
    grid.set_yticks(range(len(names)), names)
    grid.invert_yaxis()
    grid.set_ylabel("country pair (source → target)")
    grid.set_title(f"Top {len(names)} country pairs by month (dot size: events)")
    grid.set_xticks(range(len(months)), months, rotation=90, fontsize="small")
    grid.set_xlim(-0.7, len(months) - 0.3)
    fig.tight_layout()
    save_figure(fig, path, outputs, dpi=110)
    plt.close(fig)
