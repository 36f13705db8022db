"""Benchmarks: every stage on generated corpora of growing size, each against a peer tool.

The corpora recombine and perturb the bundled articles and gold export with a fixed seed:
paragraphs are drawn across articles, entity names are swapped for others of the same type,
and documents, sentences and annotations get new ids. Each stage runs in a fresh spawned
process, so its peak RSS (``VmHWM`` of the process, or its worker processes' if higher) is its
own.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import random
import resource
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from stancekit.bundled import SYNTHETIC as BUNDLED
from stancekit.files import atomic_open, read_json
from stancekit.labeling.segment import sentence_id, sentence_spans

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 10_000)
QUICK_TRAIN_MAX = 0
PUSH_TASKS = 10_000
WARM_TASKS = 10
QUICK_PUSH_TASKS = 0
TRAIN_MAX = 100_000
DOC_SENTENCES = 17
CHUNK_DOCS = 64
STAGES = ("segment + pre-annotate", "tasks export", "push to Label Studio",
          "export -> gold", "dataset build", "baseline training")


# --- corpus generation -----------------------------------------------------------------------

def _replace(text: str, spans: list[tuple[int, int, str]], names: Callable[[str, str], str]
             ) -> tuple[str, Callable[[int], int]]:
    """*text* with each (start, end, label) span renamed, and the old→new offset map."""
    out, shifts, pos, delta = [], [], 0, 0
    for start, end, label in sorted(spans):
        if start < pos:
            continue
        new = names(text[start:end], label)
        out += [text[pos:start], new]
        delta += len(new) - (end - start)
        shifts.append((end, delta))
        pos = end
    out.append(text[pos:])

    def offset(i: int) -> int:
        d = 0
        for end, shift in shifts:
            if i < end:
                break
            d = shift
        return i + d

    return "".join(out), offset


class _Names:
    """Per-document consistent swaps of entity names for others of the same type."""

    def __init__(self, pool: dict[str, list[str]], rng: random.Random) -> None:
        self.pool, self.rng, self.seen = pool, rng, {}

    def __call__(self, name: str, label: str) -> str:
        if name not in self.seen:
            self.seen[name] = self.rng.choice(self.pool[label])
        return self.seen[name]


def _bundled() -> tuple[list[dict], dict[str, list[str]], list[tuple[str, list]]]:
    """The gold tasks, the entity names by type, and paragraphs with their entity spans."""
    tasks = read_json(BUNDLED / "gold.json")
    pool: dict[str, set[str]] = defaultdict(set)
    by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for task in tasks:
        ann = task["annotations"][0]
        for item in ann["result"]:
            if item["type"] == "labels":
                v = item["value"]
                pool[v["labels"][0]].add(v["text"])
                by_doc[task["data"]["doc_id"]].append(
                    (task["data"]["start"] + v["start"], task["data"]["start"] + v["end"],
                     v["labels"][0]))
    paragraphs = []
    with open(BUNDLED / "articles.jsonl", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            text, pos = article["text"], 0
            for para in text.split("\n"):
                spans = [(s - pos, e - pos, lab) for s, e, lab in by_doc[article["id"]]
                         if pos <= s and e <= pos + len(para)]
                if para.strip():
                    paragraphs.append((para, spans))
                pos += len(para) + 1
    return tasks, {k: sorted(v) for k, v in pool.items()}, paragraphs


def generate(size: int, out_dir: Path, seed: int = 13) -> dict[str, Path]:
    """Write an articles JSONL of about *size* sentences and a gold export of *size* tasks."""
    tasks, pool, paragraphs = _bundled()
    counts = [sum(1 for _ in sentence_spans(p)) for p, _ in paragraphs]
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    articles = out_dir / "articles.jsonl"
    with atomic_open(articles) as f:
        n, doc = 0, 0
        while n < size:
            names = _Names(pool, rng)
            body, k = [], 0
            while k < DOC_SENTENCES and n + k < size:
                i = rng.randrange(len(paragraphs))
                body.append(_replace(*paragraphs[i], names)[0])
                k += counts[i]
            f.write(json.dumps({"id": f"b{seed}-{doc:07d}", "text": "\n".join(body),
                                "title": f"Generated article {doc}", "source": "bench"},
                               ensure_ascii=False) + "\n")
            n, doc = n + k, doc + 1
    export = out_dir / "export.json"
    with atomic_open(export) as f:
        f.write("[")
        ann_id = 0
        for i in range(size):
            task = tasks[rng.randrange(len(tasks))]
            ann_id = _write_task(f, task, i, ann_id, _Names(pool, rng), seed)
        f.write("\n]\n")
    return {"articles": articles, "export": export}


def _write_task(f, task: dict, i: int, ann_id: int, names: _Names, seed: int) -> int:
    data = task["data"]
    spans = [(it["value"]["start"], it["value"]["end"], it["value"]["labels"][0])
             for a in task["annotations"] for it in a["result"] if it["type"] == "labels"]
    inside = {x for s, e, _ in spans for x in (s, e)}
    safe = [(s, e, lab) for s, e, lab in set(spans)
            if not any(s < x < e for x in inside)
            and not any(s2 < e and s < e2 and (s2, e2) != (s, e) for s2, e2, _ in spans)]
    text, offset = _replace(data["text"], safe, names)
    doc_id = f"e{seed}-{i // DOC_SENTENCES:07d}"
    index = i % DOC_SENTENCES
    annotations = []
    for ann in task["annotations"]:
        ann_id += 1
        result = []
        for item in ann["result"]:
            item = dict(item)
            if item["type"] == "labels":
                v = dict(item["value"])
                v["start"], v["end"] = offset(v["start"]), offset(v["end"])
                v["text"] = text[v["start"]:v["end"]]
                item["value"] = v
            result.append(item)
        annotations.append({**ann, "id": ann_id, "task": i + 1, "result": result})
    new = {**data, "sentence_id": sentence_id(doc_id, index, text), "doc_id": doc_id,
           "index": index, "start": 0, "end": len(text), "text": text, "context": text}
    f.write(("\n" if i == 0 else ",\n")
            + json.dumps({"id": i + 1, "data": new, "annotations": annotations, "drafts": [],
                          "predictions": []}, ensure_ascii=False))
    return ann_id


# --- stages (each returns sentences processed and seconds of work) ---------------------------

def _article_batches(path: Path) -> Iterator[dict[str, list]]:
    from stancekit.labeling.pipeline import chunked

    with open(path, encoding="utf-8") as f:
        for lines in chunked(f, CHUNK_DOCS):
            docs = [json.loads(line) for line in lines]
            yield {k: [d.get(k) for d in docs] for k in ("id", "text", "title", "source")}


def _count_annotated(batch: dict[str, list]) -> int:
    from stancekit.labeling.pipeline import annotate_batch

    return len(annotate_batch(batch)["sentence_id"])


def _done(processes) -> None:
    """Stop the pool's workers, so their peak RSS counts among this process's children."""
    if processes is not None:
        processes.close()
        processes.join()


def _init(warm: Callable[[], None], barrier) -> None:
    warm()
    barrier.wait()


def _started(workers: int, warm: Callable[[], None]):
    """A pool of *workers* spawned processes that have each run *warm* (None for one worker,
    warmed here), and the seconds until the last was ready: start-up, timed apart."""
    start = time.perf_counter()
    if workers <= 1:
        warm()
        return None, time.perf_counter() - start
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    processes = context.Pool(workers, initializer=_init, initargs=(warm, barrier))
    barrier.wait()
    return processes, time.perf_counter() - start


def _pipeline_warm() -> Callable[[], None]:
    from stancekit.labeling.pipeline import warm
    from stancekit.schema import active_file

    return partial(warm, active_file().path)


def stage_annotate(work: Path, workers: int) -> tuple[int, float, float]:
    """Segment and pre-annotate the generated articles (``annotate_batch`` over chunks)."""
    from stancekit.labeling.pipeline import parallel_map

    processes, startup = _started(workers, _pipeline_warm())
    start = time.perf_counter()
    n = sum(parallel_map(_count_annotated, _article_batches(work / "articles.jsonl"), workers,
                         processes))
    seconds = time.perf_counter() - start
    _done(processes)
    return n, seconds, startup


_nlp = None


def _spacy_warm() -> None:
    """Build the peer once in this process: blank English, sentencizer and an entity ruler
    with the gazetteer's names as phrase patterns."""
    global _nlp
    import spacy

    from stancekit.labeling.gazetteer import gazetteer

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": label, "pattern": name}
                        for name, label in gazetteer().labels.items()])
    _nlp = nlp


def _spacy_chunk(batch: dict[str, list]) -> int:
    texts = [para for text in batch["text"] for para in text.split("\n")]
    return sum(len(list(doc.sents)) for doc in _nlp.pipe(texts, batch_size=256))


def peer_spacy(work: Path, workers: int) -> tuple[int, float, float]:
    """spaCy over the same chunks in the same kind of warmed pool (``nlp.pipe`` in each
    worker); building the pipeline and starting the pool are timed apart."""
    from stancekit.labeling.pipeline import parallel_map

    processes, startup = _started(workers, _spacy_warm)
    start = time.perf_counter()
    n = sum(parallel_map(_spacy_chunk, _article_batches(work / "articles.jsonl"), workers,
                         processes))
    seconds = time.perf_counter() - start
    _done(processes)
    return n, seconds, startup


def _segment_chunk(batch: dict[str, list]) -> list[str]:
    from stancekit.labeling.pipeline import documents
    from stancekit.labeling.segment import encode_documents

    return encode_documents(list(documents(batch)))


def prepare_sentences(work: Path, workers: int) -> Path:
    """The sentence records of the generated articles (input of the tasks stage)."""
    from stancekit.labeling.pipeline import parallel_map

    path = work / "sentences.jsonl"
    with atomic_open(path) as f:
        for lines in parallel_map(_segment_chunk, _article_batches(work / "articles.jsonl"),
                                  workers):
            f.writelines(line + "\n" for line in lines)
    return path


def stage_tasks(work: Path, workers: int) -> tuple[int, float, float]:
    """Sentence records to a Label Studio import file with pre-annotations."""
    from stancekit.labeling.pipeline import by_document, parallel_map
    from stancekit.labeling.tasks import encode_tasks, read_sentences, write_task_lines

    processes, startup = _started(workers, _pipeline_warm())
    start = time.perf_counter()
    chunks = by_document(read_sentences(work / "sentences.jsonl"), CHUNK_DOCS * DOC_SENTENCES)
    lines = (line for part, _ in parallel_map(encode_tasks, chunks, workers, processes)
             for line in part)
    n = write_task_lines(work / "tasks.json", lines)
    seconds = time.perf_counter() - start
    _done(processes)
    return n, seconds, startup


def _push_tasks(work: Path, n: int) -> list[dict]:
    """The first *n* tasks of the import file, which ``write_task_lines`` writes one a line,
    without reading the rest (at 1M sentences it is gigabytes)."""
    tasks = []
    with open(work / "tasks.json", encoding="utf-8") as f:
        for line in itertools.islice(f, 1, n + 1):
            line = line.rstrip().rstrip(",")
            if line == "]":
                break
            tasks.append(json.loads(line))
    return tasks


def _server(work: Path):
    from stancekit.labeling.server import LabelStudioServer

    return LabelStudioServer(work / "studio")


def stage_push(work: Path, n: int) -> tuple[int, float, float, float]:
    """``studio push`` of *n* tasks vs one raw ``import_tasks`` call of the same tasks, on a
    local server (see :func:`time_push`)."""
    from stancekit.labeling.studio import connect

    tasks = _push_tasks(work, n)
    with _server(work) as server:
        return len(tasks), *time_push(connect(server.url, server.token), tasks)


def time_push(client: object, tasks: list[dict]) -> tuple[float, float, float]:
    """Seconds of ``studio push`` of *tasks*, of one raw ``import_tasks`` call of the same
    tasks as push sends them (with their labeling view), and of a warm-up import of a few of
    them into a third project, timed apart."""
    from stancekit.labeling.studio import ensure_project, push, with_view

    viewed = [with_view(task) for task in tasks]
    start = time.perf_counter()
    warm = ensure_project(client, "bench warm-up")
    client.projects.import_tasks(warm.id, request=viewed[:WARM_TASKS], return_task_ids=True)
    startup = time.perf_counter() - start
    project = ensure_project(client, "bench push")
    start = time.perf_counter()
    push(client, project, tasks, progress=False)
    ours = time.perf_counter() - start
    raw = ensure_project(client, "bench raw")
    start = time.perf_counter()
    client.projects.import_tasks(raw.id, request=viewed, return_task_ids=True)
    return ours, time.perf_counter() - start, startup


def _warm_export(work: Path) -> Path:
    """A one-task export, for the warm-up call that each side of export -> gold makes first."""
    path = work / "warm-up.json"
    with atomic_open(path) as f:
        json.dump(read_json(BUNDLED / "gold.json")[:1], f)
    return path


def stage_gold(work: Path, workers: int) -> tuple[int, float, float]:
    """Parse the export, resolve gold labels and write them as JSONL (after a warm-up call on
    a one-task export, timed apart)."""
    from stancekit.labeling.gold import adjudicate_export, resolve_export

    warm = _warm_export(work)
    start = time.perf_counter()
    resolve_export(warm)
    startup = time.perf_counter() - start
    start = time.perf_counter()
    stats = adjudicate_export(work / "export.json", work / "gold.jsonl")
    return stats["sentences"], time.perf_counter() - start, startup


def peer_conll(work: Path, workers: int) -> tuple[int, float, float]:
    """Label Studio's converter: the export to CoNLL 2003 token labels (after building the
    converter and a warm-up call on a one-task export, timed apart)."""
    from label_studio_sdk.converter import Converter

    from stancekit.labeling.config import label_config

    start = time.perf_counter()
    converter = Converter(label_config(), str(work), download_resources=False)
    converter.convert_to_conll2003(str(_warm_export(work)), str(work / "conll-warm-up"),
                                   is_dir=False)
    startup = time.perf_counter() - start
    start = time.perf_counter()
    converter.convert_to_conll2003(str(work / "export.json"), str(work / "conll"), is_dir=False)
    seconds = time.perf_counter() - start
    with open(work / "conll" / "result.conll", encoding="utf-8") as f:
        n = sum(1 for line in f if line == "\n")
    return n, seconds, startup


def stage_dataset(work: Path, workers: int) -> tuple[int, float]:
    """Gold records to the Hugging Face dataset folder: splits, parquet, stats, card, reading
    the gold JSONL twice (for the splits, then for the rest) and writing a row group at a
    time."""
    from stancekit.dataset.build import write_streaming
    from stancekit.dataset.card import dataset_card
    from stancekit.dataset.stats import DatasetStats
    from stancekit.files import iter_jsonl
    from stancekit.splits import assign_documents, split_fractions

    start = time.perf_counter()
    gold = work / "gold.jsonl"
    fractions = split_fractions(0.2)
    assignment = assign_documents((r for _, r in iter_jsonl(gold)), fractions, 13)
    stats = DatasetStats(assignment)
    manifest = {"method": "bench", "seed": 13, "fractions": fractions}
    write_streaming((r for _, r in iter_jsonl(gold)), assignment, work / "dataset",
                    lambda num_bytes: {"README.md": dataset_card(stats.result({}), manifest,
                                                                 num_bytes)},
                    each=stats.add)
    return len(stats), time.perf_counter() - start


def stage_train(work: Path, workers: int) -> tuple[int, float]:
    """The baselines with their default search and bootstrap, in *workers* jobs, on the built
    dataset."""
    from stancekit.baselines.train import train

    start = time.perf_counter()
    train(work / "dataset", work / "baselines", n_jobs=workers, progress=False)
    seconds = time.perf_counter() - start
    with open(work / "gold.jsonl", encoding="utf-8") as f:
        return sum(1 for _ in f), seconds


# --- running stages in fresh processes ---------------------------------------------------------

def _peak_rss_mb() -> float:
    hwm = 0
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(hwm, children) / 1024, 1)


def _child(conn, fn: Callable, args: tuple) -> None:
    try:
        conn.send(("ok", fn(*args), _peak_rss_mb()))
    except BaseException as e:  # reported by the parent, which keeps going
        conn.send(("error", f"{type(e).__name__}: {e}", _peak_rss_mb()))
    finally:
        conn.close()


def isolated(fn: Callable, *args) -> tuple[object, float]:
    """Run ``fn(*args)`` in a fresh spawned process; return its result and peak RSS in MB."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, fn, args))
    process.start()
    child.close()
    status, value, rss = parent.recv()
    process.join()
    if status != "ok":
        raise RuntimeError(value)
    return value, rss


def _row(size: int, stage: str, n: int, seconds: float, rss: float | None,
         peer: str | None = None, peer_seconds: float | None = None, peer_n: int | None = None,
         note: str | None = None, startup: float | None = None,
         peer_startup: float | None = None) -> dict:
    """One stage's figures; *seconds* and *peer_seconds* leave out the *startup* and
    *peer_startup* seconds (model load, pattern compilation, process and pool start)."""
    row = {"size": size, "stage": stage, "sentences": n, "seconds": round(seconds, 3),
           "throughput": round(n / seconds, 1) if seconds else None, "peak_rss_mb": rss}
    if startup is not None:
        row["startup_s"] = round(startup, 3)
    if peer is not None:
        row["peer"] = peer
        if peer_startup is not None:
            row["peer_startup_s"] = round(peer_startup, 3)
        peer_throughput = (peer_n if peer_n is not None else n) / peer_seconds
        row["peer_throughput"] = round(peer_throughput, 1)
        row["ratio"] = round(row["throughput"] / peer_throughput, 2)
    if note:
        row["note"] = note
    return row


def _skipped(size: int, stage: str, note: str) -> dict:
    return {"size": size, "stage": stage, "sentences": 0, "seconds": None, "throughput": None,
            "peak_rss_mb": None, "note": note}


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _label_studio() -> bool:
    from stancekit.labeling.server import ServerError, executable

    try:
        executable()
    except ServerError:
        return False
    return True


def run(sizes: tuple[int, ...] = SIZES, work_dir: Path | None = None, workers: int = 2,
        push_tasks: int = PUSH_TASKS, train_max: int = TRAIN_MAX, seed: int = 13,
        log: Callable[[str], None] = lambda _: None) -> list[dict]:
    """Measure every stage (and its peer) on each corpus size; return one row per stage."""
    import tempfile

    owned = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="stancekit-bench-")) if owned else Path(work_dir)
    rows: list[dict] = []
    try:
        for size in sizes:
            work = root / str(size)
            log(f"{size:,} sentences: generating corpus")
            isolated(generate, size, work, seed)
            rows += _measure(size, work, workers, push_tasks, train_max, log)
            if owned:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    return rows


def _measure(size: int, work: Path, workers: int, push_tasks: int, train_max: int,
             log: Callable[[str], None]) -> list[dict]:
    rows = []
    log(f"{size:,}: {STAGES[0]}")
    (n, secs, startup), rss = isolated(stage_annotate, work, workers)
    if _has("spacy"):
        (_, peer_secs, peer_startup), _ = isolated(peer_spacy, work, workers)
        rows.append(_row(size, STAGES[0], n, secs, rss, "spaCy blank('en') + sentencizer + "
                         "entity_ruler", peer_secs, startup=startup, peer_startup=peer_startup))
    else:
        rows.append(_row(size, STAGES[0], n, secs, rss, note="peer skipped: spaCy not installed",
                         startup=startup))

    log(f"{size:,}: {STAGES[1]}")
    isolated(prepare_sentences, work, workers)
    (n, secs, startup), rss = isolated(stage_tasks, work, workers)
    rows.append(_row(size, STAGES[1], n, secs, rss, startup=startup))

    if push_tasks and size >= push_tasks and not any(r["stage"] == STAGES[2] for r in rows):
        if _label_studio():
            log(f"{size:,}: {STAGES[2]} ({push_tasks:,} tasks)")
            (n, secs, peer_secs, startup), rss = isolated(stage_push, work, push_tasks)
            rows.append(_row(size, STAGES[2], n, secs, rss, "one raw import_tasks call",
                             peer_secs, startup=startup, peer_startup=startup,
                             note=f"capped at --push-tasks {push_tasks:,}: bound by the "
                                  "server, not the corpus size"))
        else:
            rows.append(_skipped(size, STAGES[2], "skipped: label-studio is not installed"))
    elif not push_tasks:
        rows.append(_skipped(size, STAGES[2], "skipped (--push-tasks 0)"))

    log(f"{size:,}: {STAGES[3]}")
    (n, secs, startup), rss = isolated(stage_gold, work, workers)
    (peer_n, peer_secs, peer_startup), _ = isolated(peer_conll, work, workers)
    rows.append(_row(size, STAGES[3], n, secs, rss, "label-studio-sdk Converter."
                     "convert_to_conll2003", peer_secs, peer_n, startup=startup,
                     peer_startup=peer_startup))

    log(f"{size:,}: {STAGES[4]}")
    (n, secs), rss = isolated(stage_dataset, work, workers)
    rows.append(_row(size, STAGES[4], n, secs, rss))

    if size <= train_max:
        log(f"{size:,}: {STAGES[5]}")
        (n, secs), rss = isolated(stage_train, work, workers)
        rows.append(_row(size, STAGES[5], n, secs, rss))
    else:
        rows.append(_skipped(size, STAGES[5], f"skipped above --train-max {train_max:,}: "
                             "a model-selection run, not a per-sentence stage"))
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a markdown table."""
    lines = ["| sentences | stage | seconds | sentences/s | peak RSS MB | startup s | "
             "peer sentences/s | ratio | note |", "|---:|---|---:|---:|---:|---:|---:|---:|---|"]

    def num(x, fmt: str = ",.0f") -> str:
        return "" if x is None else format(x, fmt)

    for r in rows:
        lines.append(f"| {r['size']:,} | {r['stage']} | {num(r['seconds'], '.2f')} | "
                     f"{num(r['throughput'])} | {num(r['peak_rss_mb'])} | {_startup(r)} | "
                     f"{num(r.get('peer_throughput'))} | {num(r.get('ratio'), '.1f')} | "
                     f"{'; '.join(x for x in (r.get('peer'), r.get('note')) if x)} |")
    return "\n".join(lines)


def _startup(row: dict) -> str:
    """Start-up seconds, ours / the peer's."""
    parts = [format(row[k], ".2f") for k in ("startup_s", "peer_startup_s") if k in row]
    return " / ".join(parts)


def environment() -> dict:
    """Cores and package versions the figures depend on."""
    from stancekit.versions import package_versions

    names = ("stancekit", "spacy", "label-studio", "label-studio-sdk", "datasets")
    return {"cpus": os.cpu_count(), **package_versions(names)}
