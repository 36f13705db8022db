"""The dataset card (README.md with YAML front matter) and the datasheet statistics block."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from stancekit import __version__
from stancekit.dataset.build import data_file
from stancekit.dataset.features import CONFIGS, config_features
from stancekit.dataset.stats import stats_markdown
from stancekit.files import InputError
from stancekit.labeling.sources.registry import ATTRIBUTIONS
from stancekit.schema import SCHEMA

BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"
LICENSE = "cc-by-4.0"
SHARE_ALIKE = "CC BY-SA"
UNKNOWN_SOURCE = "see each row's `url` and `license`"


def mixed_license(licenses: Mapping[str, int]) -> str:
    """The Hub licence id the mix of source licences requires: share-alike wins, then CC BY."""
    if any(SHARE_ALIKE in name for name in licenses):
        return "cc-by-sa-4.0"
    return LICENSE
PRETTY_NAME = "stancekit stance and entity dataset"


def size_category(n: int) -> str:
    """The Hub's size category of *n* examples."""
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
              (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")]
    return next((label for bound, label in bounds if n < bound), "n>10M")


def card_metadata(stats: dict, num_bytes: Mapping[str, Mapping[str, int]],
                  pretty_name: str = PRETTY_NAME, license: str = LICENSE) -> dict:
    """The YAML front matter: configs with data files, features and split sizes."""
    splits = list(stats["splits"])
    return {
        "pretty_name": pretty_name,
        "license": license,
        "language": ["en"],
        "multilinguality": ["monolingual"],
        "task_categories": ["text-classification", "token-classification"],
        "task_ids": ["multi-class-classification", "named-entity-recognition"],
        "size_categories": [size_category(stats["sentences"])],
        "annotations_creators": ["expert-generated"],
        "source_datasets": ["original"],
        "tags": ["stance", "political-science", "event-data", "news"],
        "configs": [{"config_name": config,
                     "data_files": [{"split": s, "path": data_file(config, s)} for s in splits],
                     **({"default": True} if config == CONFIGS[0] else {})}
                    for config in CONFIGS],
        "dataset_info": [{"config_name": config,
                          "features": config_features(config)._to_yaml_list(),
                          "splits": [{"name": s, "num_bytes": num_bytes[config][s],
                                      "num_examples": stats["splits"][s]["sentences"]}
                                     for s in splits],
                          "dataset_size": sum(num_bytes[config].values())}
                         for config in CONFIGS],
    }


def _sources(stats: dict) -> str:
    counts = stats.get("by_source", {})
    if not counts:
        return "The source of the text is not recorded in the data."
    rows = [f"| {name} | {sum(c.values())} | {ATTRIBUTIONS.get(name, UNKNOWN_SOURCE)} |"
            for name, c in counts.items()]
    return "\n".join(["Every row carries its `source`, `url` and `license`.", "",
                      "| source | sentences | licence and attribution |", "|---|---:|---|", *rows])


def dataset_card(stats: dict, manifest: dict, num_bytes: Mapping[str, Mapping[str, int]],
                 pretty_name: str = PRETTY_NAME, license: str = LICENSE, about: str = "") -> str:
    """README.md of the dataset folder, filled from the data."""
    front = yaml.safe_dump(card_metadata(stats, num_bytes, pretty_name, license),
                           sort_keys=False, allow_unicode=True, width=100)
    stances = "\n".join(f"| `{s.name}` | {s.definition} |" for s in SCHEMA.stances)
    types = "\n".join(f"| `{t.name}` | {t.definition} |" for t in SCHEMA.entity_types)
    source, target = SCHEMA.roles
    roles = [role.definition.lower().rstrip(".") for role in SCHEMA.roles]
    fractions = ", ".join(f"{k} {v:g}" for k, v in manifest.get("fractions", {}).items())
    return f"""---
{front}---

# {pretty_name}

Sentence-level stance and entity annotations of news articles: for each sentence, whether
someone accuses, denies or appeals to someone (`stance`), the named entities it mentions,
and the source → target dyads of the stance. Built with stancekit {__version__}.

## Configs

- `stance`: one row per sentence with its text, surrounding context, stance
  (ClassLabel), entity spans (character offsets into `text`), dyads, the number of
  annotations and the share of annotators agreeing with the gold stance, the
  article metadata (`title`, `source`, `date`, `url`, `license`), and the sampling
  `stratum` and `weight` of the sentence (inverse inclusion probability; see below).
- `entities`: the same sentences as tokens (`\\w+` or single punctuation, split at entity
  boundaries) with BIO tags (`ner_tags`) and character offsets (`token_starts`, `token_ends`).

```python
from datasets import load_dataset

stance = load_dataset("path/to/this/folder", "stance")
entities = load_dataset("path/to/this/folder", "entities")
```

## Sources and licences

{_sources(stats)}

{about.strip()}

## Labels

| stance | definition |
|---|---|
{stances}

| entity type | definition |
|---|---|
{types}

A dyad goes from the `{source.name}` ({roles[0]}) to the `{target.name}` ({roles[1]}).

## Splits

Whole documents are assigned to splits (no article is in two splits), stratified by stance
as closely as the grouping allows: method "{manifest.get('method')}", seed
{manifest.get('seed')}, fractions {fractions}. Input gold SHA-256
`{manifest.get('input_sha256')}`. Exact and near-duplicate sentences across splits found
at build time: {_leakage(stats)}.

## Statistics

{BEGIN}
{stats_markdown(stats)}
{END}

## License

`{license}`: the licence the mix of sources requires; each source's own licence and
attribution are listed above and on every row.
"""


def _leakage(stats: dict) -> str:
    found = stats["leakage"]
    return f"{found.get('exact_duplicates', 0)} exact, {found.get('near_duplicates', 0)} near"


def fill_stats(text: str, stats: dict, path: Path | str) -> str:
    """Replace the block between the statistics markers of a markdown document."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise InputError(path, f"needs a {BEGIN} ... {END} block for the statistics")
    return text[:start + len(BEGIN)] + "\n" + stats_markdown(stats) + "\n" + text[end:]
