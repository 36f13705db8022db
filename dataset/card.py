"""The dataset card (README.md with YAML front matter) and the datasheet statistics block."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from stancekit import __version__
from stancekit.dataset.build import SCHEMA_FILE, data_file
from stancekit.dataset.features import CONFIGS, config_features
from stancekit.dataset.stats import NOT_RECORDED, fmt_number, fmt_share, stats_markdown
from stancekit.events.dictionary import load_actors
from stancekit.files import InputError
from stancekit.labeling.sources.registry import ATTRIBUTIONS
from stancekit.schema import SCHEMA, active_file

BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"
LICENSE = "cc-by-4.0"
SHARE_ALIKE = "CC BY-SA"
UNKNOWN_SOURCE = "see each row's `url` and `license`"
ROW_COUNTS = {"documents": "documents", "events": "dyads"}
"""The split statistic that counts a config's rows, where a row is not a sentence."""


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


CREATORS = ("language_creators", "annotations_creators", "source_datasets")
"""Card fields the ``--about`` text may set in its YAML front matter."""
DEFAULT_CREATORS = {"language_creators": ["found"], "annotations_creators": ["expert-generated"]}


def about_parts(text: str, path: Path | str) -> tuple[dict, str]:
    """The card fields of an ``--about`` text's YAML front matter, and the markdown after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise InputError(path, "front matter opened with --- is never closed")
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as e:
        raise InputError(path, f"front matter is not YAML: {e}") from None
    if not isinstance(meta, dict):
        raise InputError(path, "front matter must be a mapping")
    for key, value in meta.items():
        if key not in CREATORS:
            raise InputError(path, f"unknown card field (known: {', '.join(CREATORS)})",
                             field=str(key))
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise InputError(path, "must be a non-empty list of strings", field=key)
    return meta, text[end + 5:]


def card_metadata(stats: dict, num_bytes: Mapping[str, Mapping[str, int]],
                  pretty_name: str = PRETTY_NAME, license: str = LICENSE,
                  language: str = "en", creators: Mapping[str, list[str]] | None = None) -> dict:
    """The YAML front matter: languages, creators, sources, configs with data files, features
    and split sizes."""
    splits = list(stats["splits"])
    languages = stats.get("languages") or [language]
    repositories = sorted({repo for row in stats.get("provenance", [])
                           for repo in row["repositories"]})
    creators = {**DEFAULT_CREATORS, "source_datasets": repositories or ["original"],
                **(creators or {})}
    return {
        "pretty_name": pretty_name,
        "license": license,
        "language": languages,
        "multilinguality": ["monolingual" if len(languages) == 1 else "multilingual"],
        "language_creators": creators["language_creators"],
        "annotations_creators": creators["annotations_creators"],
        "source_datasets": creators["source_datasets"],
        "task_categories": ["text-classification", "token-classification"],
        "task_ids": ["multi-class-classification", "named-entity-recognition"],
        "size_categories": [size_category(stats["sentences"])],
        "tags": ["stance", "political-science", "event-data", "news"],
        "configs": [{"config_name": config,
                     "data_files": [{"split": s, "path": data_file(config, s)} for s in splits],
                     **({"default": True} if config == CONFIGS[0] else {})}
                    for config in CONFIGS],
        "dataset_info": [{"config_name": config,
                          "features": config_features(config)._to_yaml_list(),
                          "splits": [{"name": s, "num_bytes": num_bytes[config][s],
                                      "num_examples": stats["splits"][s][
                                          ROW_COUNTS.get(config, "sentences")]}
                                     for s in splits],
                          "dataset_size": sum(num_bytes[config].values())}
                         for config in CONFIGS],
    }


def _sources(stats: dict) -> str:
    rows = stats.get("provenance", [])
    if not rows:
        return "The source and licence of the text are not recorded in the data."
    lines = ["Every row of `stance` and `documents` carries its `source`, `url` and `license`.",
             "", "| source | licence | documents | sentences | URLs | repositories | "
             "attribution |", "|---|---|---:|---:|---|---|---|"]
    lines += [f"| {r['source']} | {r['license']} | {r['documents']} | {r['sentences']} | "
              f"{', '.join(r['hosts']) or NOT_RECORDED} | "
              f"{', '.join(f'`{x}`' for x in r['repositories']) or NOT_RECORDED} | "
              f"{ATTRIBUTIONS.get(r['source'], UNKNOWN_SOURCE)} |" for r in rows]
    return "\n".join(lines)


def _limitations(stats: dict, languages: list[str]) -> str:
    """What the data can and cannot support, from its own figures."""
    n = stats["sentences"]
    strata = stats.get("by_stratum", {})
    lines = []
    random = sum(strata.get("random", {}).values())
    if strata and random == n:
        lines.append("- **Sampling.** Every sentence is from the `random` stratum; see its "
                     "`weight` for the inclusion probability.")
    elif strata:
        lines.append(f"- **Sampling.** {n - random} of {n} sentences ({(n - random) / n:.1%}) are "
                     "from strata other than `random`, drawn to enrich rare stances; label "
                     "shares in the data overstate them. Estimate distributions from the "
                     "`random` stratum or with the `weight` column.")
    else:
        lines.append("- **Sampling.** No sampling stratum is recorded: how the sentences were "
                     "chosen is not documented in the data.")
    by_source = stats.get("by_source", {})
    if by_source:
        top, counts = max(by_source.items(), key=lambda kv: (sum(kv[1].values()), kv[0]))
        lines.append(f"- **Sources.** {len(by_source)} source(s); the largest, {top}, gives "
                     f"{sum(counts.values()) / n:.1%} of the sentences. Each source speaks "
                     "with its own voice and selection of events; models trained here learn "
                     "them too (compare scores per `source`).")
    a = stats["agreement"]
    lines.append(f"- **Annotation.** {stats['annotators']} annotator(s); "
                 f"{fmt_share(a['multiply_annotated_share'])} of the sentences were annotated "
                 f"more than once (Krippendorff's alpha {fmt_number(a['krippendorff_alpha'])}); "
                 "the rest carry one annotator's judgement. Each annotator's stance is in "
                 "`annotations`.")
    lines.append(f"- **Language and scope.** Text in {', '.join(f'`{x}`' for x in languages)} "
                 f"only; {len(SCHEMA.entity_types)} entity types and {len(SCHEMA.stances) - 1} "
                 "stances besides `none`, judged from the sentence and its neighbours, not the "
                 "whole article.")
    lines.append("- **Documentation.** The datasheet, [DATASHEET.md](DATASHEET.md) (in this "
                 "folder when the build was given one with `--datasheet`), describes "
                 "collection, annotation, intended uses and known limits in full.")
    return "\n".join(lines)


def _bibtex(stats: dict, manifest: dict, pretty_name: str) -> str:
    """BibTeX entries of the dataset and of each source with a recorded licence."""
    licensed = [r for r in stats.get("provenance", []) if r["license"] != NOT_RECORDED]
    entries = ["@misc{stancekit_dataset,\n"
               f"  title = {{{{{pretty_name}}}}},\n"
               "  author = {{stancekit contributors}},\n"
               f"  note = {{Built with stancekit {__version__}; split seed "
               f"{manifest.get('seed')}, input gold SHA-256 "
               f"{str(manifest.get('input_sha256'))[:16]}}}\n}}"]
    for r in licensed:
        key = re.sub(r"[^a-z0-9]+", "_", r["source"].lower()).strip("_") or "source"
        where = ", ".join(r["hosts"])
        credit = ATTRIBUTIONS.get(r["source"], "").split(",")[0]
        author = credit if credit.endswith(" contributors") else r["source"]
        entries.append(f"@misc{{{key},\n  title = {{{{{r['source']}}}}},\n"
                       f"  author = {{{{{author}}}}},\n"
                       + (f"  howpublished = {{\\url{{{where}}}}},\n" if where else "")
                       + f"  note = {{{r['license']}}}\n}}")
    return "\n\n".join(entries)


def dataset_card(stats: dict, manifest: dict, num_bytes: Mapping[str, Mapping[str, int]],
                 pretty_name: str = PRETTY_NAME, license: str = LICENSE, about: str = "",
                 language: str = "en", about_path: Path | str = "about") -> str:
    """README.md of the dataset folder, filled from the data."""
    creators, about = about_parts(about, about_path)
    meta = card_metadata(stats, num_bytes, pretty_name, license, language, creators)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
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

- `stance`: one row per sentence with its text, its `start` and `end` character offsets in
  its document, surrounding context, stance (ClassLabel), entity spans (character offsets
  into `text`), dyads, each annotator's stance (`annotations`: `annotator` id, `stance`,
  and `ground_truth` for an adjudication), the number of annotations and the share of
  annotators agreeing with the gold stance, the article metadata (`title`, `source`, `date`,
  `url`, `license`), and the sampling `stratum` and `weight` of the sentence (inverse
  inclusion probability; see below).
- `entities`: the same sentences as tokens (`\\w+` or single punctuation, split at entity
  boundaries) with BIO tags (`ner_tags`) and character offsets (`token_starts`, `token_ends`).
- `documents`: one row per document with its metadata, the number and ids of its sentences
  in the dataset, and, when the build was given the documents, its full `text` (which the
  sentences' offsets point into) and `origin` (repository, commit, path).
- `events`: one row per {source.name} → {target.name} dyad, as event coders make them: the
  sentence (`sentence_id`, `doc_id`, `date`, `stance`) and, for each end (`{source.name}_...`,
  `{target.name}_...`), the mention (`text`, entity `type`, `start`, `end`) and its canonical
  actor: `country` (ISO 3166-1 alpha-3), CAMEO-style `role` (`GOV`, `MIL`, `LEG`, `JUD`,
  `REB`, ..., `IGO` for international organisations), `actor` (country and role joined,
  `USAMIL`, or an organisation's own code, `UN`) and the `wikipedia` page the source links
  the mention to, else the dictionary's page for it. Actors come from stancekit's actor
  dictionary (version {load_actors().version}), by rule, not by annotators; `stancekit
  events` redoes them with another.

```python
from datasets import load_dataset

stance = load_dataset("path/to/this/folder", "stance")
entities = load_dataset("path/to/this/folder", "entities")
documents = load_dataset("path/to/this/folder", "documents")
events = load_dataset("path/to/this/folder", "events")
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
The labels are those of `{SCHEMA_FILE}` in this folder (SHA-256 `{active_file().sha256}`);
`stancekit --schema {SCHEMA_FILE}` annotates and trains with them.

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

## Limitations and biases

{_limitations(stats, meta["language"])}

## Citation

```bibtex
{_bibtex(stats, manifest, pretty_name)}
```

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
