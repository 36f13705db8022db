"""CPU µs per sentence of each part of segment + pre-annotate, in this process.

    python scripts/annotate_parts.py WORK_DIR [--size 100000] [--repeat 2]

WORK_DIR holds the bench's generated ``articles.jsonl`` (written there first with
``stancekit.bench.generate`` if missing). Each part runs over the whole corpus, the best of
``--repeat`` runs is kept; CPU time (``time.process_time``) rather than wall time, so that other
work on a shared machine moves the figures less.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from stancekit.bench import _article_batches, generate
from stancekit.labeling.cues import cue_tagger
from stancekit.labeling.gazetteer import gazetteer
from stancekit.labeling.pipeline import annotate_batch, documents, warm
from stancekit.labeling.segment import segment_document


def main() -> None:
    """Print the CPU µs per sentence of segmentation, cue stance, gazetteer and the whole."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not (args.work / "articles.jsonl").exists():
        generate(args.size, args.work)
    warm()
    batches = list(_article_batches(args.work / "articles.jsonl"))
    docs = [doc for batch in batches for doc in documents(batch)]
    texts = [[r["text"] for r in segment_document(doc)] for doc in docs]
    n = sum(map(len, texts))
    predict, find = cue_tagger().predict, gazetteer().find

    def entities() -> None:
        for sentences in texts:
            people: set[str] = set()
            for text in sentences:
                find(text, people)

    parts = {
        "segment": lambda: [segment_document(doc) for doc in docs],
        "cue stance": lambda: [predict(text) for sentences in texts for text in sentences],
        "gazetteer": entities,
        "annotate_batch (all)": lambda: [annotate_batch(batch) for batch in batches],
    }
    best = dict.fromkeys(parts, float("inf"))
    for _ in range(args.repeat):
        for name, part in parts.items():
            start = time.process_time()
            part()
            best[name] = min(best[name], time.process_time() - start)
    print(f"{n} sentences, load average {os.getloadavg()[0]:.1f}")
    for name, seconds in best.items():
        print(f"{name:>22}: {seconds / n * 1e6:6.1f} µs")


if __name__ == "__main__":
    main()
