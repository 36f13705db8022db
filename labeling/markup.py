"""The markup the bundled corpus is written in, and the build of its Label Studio export.

A source file holds a header, then one ``stance | {span|TYPE} text | source > target``
line per sentence, with blank lines between paragraphs (see ``corpus/synthetic/AUTHORING.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stancekit.files import InputError, read_text, write_jsonl
from stancekit.labeling.corpus import METADATA, Document, read_corpus
from stancekit.labeling.results import annotation_result
from stancekit.labeling.segment import segment_document, sentence_spans
from stancekit.labeling.tasks import task_data, write_tasks
from stancekit.schema import SCHEMA

_SPAN = re.compile(r"\{([^{}|]+)\|([A-Z]+)\}")
EXPORT_TIME = "2026-11-25T00:00:00.000000Z"


@dataclass
class MarkedSentence:
    """One annotated sentence of a source file."""

    stance: str
    text: str
    entities: list[dict]
    dyads: list[tuple[int, int]]
    lineno: int


@dataclass
class Article:
    """A parsed source file: header fields and paragraphs of marked sentences."""

    path: Path
    header: dict[str, str]
    paragraphs: list[list[MarkedSentence]] = field(default_factory=list)

    @property
    def sentences(self) -> list[MarkedSentence]:
        """All sentences in order."""
        return [s for p in self.paragraphs for s in p]

    def body(self) -> str:
        """The article text that sentence offsets point into."""
        return "\n".join(" ".join(s.text for s in p) for p in self.paragraphs)

    def document(self) -> Document:
        """The plain article with its header metadata, named after the source file."""
        meta = {k: v for k, v in self.header.items() if v}
        return Document(self.path.stem, self.body(), **meta)


def parse_line(line: str, path: Path | str, lineno: int) -> MarkedSentence:
    """Parse one ``stance | marked text | dyads`` line."""
    where = f"line {lineno}"
    parts = line.split("|", 1)
    if len(parts) != 2 or "|" not in parts[1]:
        raise InputError(path, "expected 'stance | text | dyads'", record=where)
    stance = parts[0].strip()
    marked, dyad_text = (p.strip() for p in parts[1].rsplit("|", 1))
    if stance not in SCHEMA.stance_names:
        raise InputError(path, f"unknown stance {stance!r}", record=where, field="stance")
    text, entities, pos = [], [], 0
    for m in _SPAN.finditer(marked):
        if m.group(2) not in SCHEMA.entity_names:
            raise InputError(path, f"unknown entity type {m.group(2)!r}", record=where)
        text.append(marked[pos:m.start()])
        start = sum(map(len, text))
        span = m.group(1)
        if span != span.strip():
            raise InputError(path, f"span {span!r} has surrounding spaces", record=where)
        entities.append({"start": start, "end": start + len(span), "text": span,
                         "label": m.group(2)})
        text.append(span)
        pos = m.end()
    text.append(marked[pos:])
    plain = "".join(text)
    if "{" in plain or "}" in plain:
        raise InputError(path, "unbalanced or malformed {span|TYPE} markup", record=where)
    return MarkedSentence(stance, plain, entities, _parse_dyads(dyad_text, entities, path, where),
                          lineno)


def render_line(sentence: MarkedSentence) -> str:
    """The ``stance | marked text | dyads`` line of a marked sentence (inverse of parse_line)."""
    marked, pos = [], 0
    for e in sorted(sentence.entities, key=lambda e: e["start"]):
        marked += [sentence.text[pos:e["start"]], "{" + e["text"] + "|" + e["label"] + "}"]
        pos = e["end"]
    marked.append(sentence.text[pos:])
    names = [e["text"] for e in sentence.entities]
    dyads = "; ".join(f"{names[s]} > {names[t]}" for s, t in sentence.dyads)
    return f"{sentence.stance} | {''.join(marked)} | {dyads}"


def _parse_dyads(text: str, entities: list[dict], path: Path | str,
                 where: str) -> list[tuple[int, int]]:
    names = [e["text"] for e in entities]
    dyads = []
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        ends = [s.strip() for s in pair.split(">")]
        if len(ends) != 2:
            raise InputError(path, f"dyad {pair!r} is not 'source > target'", record=where)
        missing = [e for e in ends if e not in names]
        if missing:
            raise InputError(path, f"dyad end {missing[0]!r} is not a marked entity",
                             record=where)
        dyads.append((names.index(ends[0]), names.index(ends[1])))
    return dyads


def parse_source(path: Path | str) -> Article:
    """Parse a source file into its header and paragraphs."""
    path = Path(path)
    lines = read_text(path).split("\n")
    article = Article(path, {})
    i = 0
    while i < len(lines) and lines[i].strip():
        key, sep, value = lines[i].partition(":")
        if not sep or key.strip() not in METADATA:
            raise InputError(path, f"unknown header line {lines[i]!r}", record=f"line {i + 1}")
        if key.strip() in article.header:
            raise InputError(path, f"header {key.strip()!r} given twice", record=f"line {i + 1}")
        article.header[key.strip()] = value.strip()
        i += 1
    paragraph: list[MarkedSentence] = []
    for lineno, line in enumerate(lines[i:], i + 1):
        if line.strip():
            paragraph.append(parse_line(line, path, lineno))
        elif paragraph:
            article.paragraphs.append(paragraph)
            paragraph = []
    if paragraph:
        article.paragraphs.append(paragraph)
    if not article.header.get("title") or not article.paragraphs:
        raise InputError(path, "needs a title header and at least one sentence")
    bad = next((s for s in article.sentences if s.stance == SCHEMA.default_stance and s.dyads),
               None)
    if bad is not None:
        raise InputError(path, f"a {SCHEMA.default_stance!r} sentence has dyads",
                         record=f"line {bad.lineno}")
    return article


def segmentation_problems(article: Article) -> list[str]:
    """Lines the segmenter would split or join differently from the source file."""
    body = article.body()
    authored, pos = [], 0
    for s in article.sentences:
        start = body.index(s.text, pos)
        pos = start + len(s.text)
        authored.append((start, pos, s.lineno))
    found = set(sentence_spans(body))
    problems = []
    for start, end, lineno in authored:
        if (start, end) not in found:
            pieces = [body[a:b] for a, b in sorted(found) if a < end and b > start]
            problems.append(f"{article.path}:{lineno}: the segmenter reads this line as "
                            + " || ".join(repr(p) for p in pieces))
    return problems


def annotation_record(ann_id: int, task_id: int, user: int, sentence: MarkedSentence,
                      lead_time: float, ground_truth: bool = False) -> dict:
    """One annotation of a Label Studio JSON export, made from a marked sentence."""
    return {
        "id": ann_id,
        "completed_by": user,
        "result": annotation_result(sentence.stance, sentence.entities, sentence.dyads,
                                    prefix=f"a{ann_id}e"),
        "was_cancelled": False,
        "ground_truth": ground_truth,
        "created_at": EXPORT_TIME,
        "updated_at": EXPORT_TIME,
        "draft_created_at": None,
        "lead_time": lead_time,
        "prediction": {},
        "result_count": 0,
        "unique_id": f"stancekit-{ann_id}",
        "import_id": None,
        "last_action": None,
        "bulk_created": False,
        "task": task_id,
        "project": 1,
        "updated_by": user,
        "parent_prediction": None,
        "parent_annotation": None,
        "last_created_by": None,
    }


def build_export(src_dir: Path, articles_path: Path, gold_path: Path,
                 second_pass: Path | None = None) -> dict[str, int]:
    """Build the plain articles (JSONL) and a Label Studio JSON export from the sources."""
    sources = sorted(src_dir.glob("*.txt"))
    if not sources:
        raise InputError(src_dir, "no source files")
    articles = {}
    for src in sources:
        article = parse_source(src)
        problems = segmentation_problems(article)
        if problems:
            raise InputError(src, "segmentation differs from the source lines:\n" +
                             "\n".join(problems))
        articles[src.stem] = article
    second = _read_second_pass(second_pass) if second_pass else {}
    write_jsonl(articles_path, (
        {"id": a.path.stem, **{k: v for k, v in a.header.items() if v}, "text": a.body()}
        for a in articles.values()))
    tasks, ann_id, used_second = [], 0, 0
    for doc in read_corpus(articles_path):
        article = articles[doc.doc_id]
        for record, marked in zip(segment_document(doc), article.sentences, strict=True):
            if record["text"] != marked.text:
                raise InputError(article.path, "sentence text differs after the build",
                                 record=f"line {marked.lineno}")
            task_id = len(tasks) + 1
            ann_id += 1
            annotations = [annotation_record(ann_id, task_id, 1, marked,
                                             20.0 + len(marked.text) / 10)]
            if record["sentence_id"] in second:
                if second[record["sentence_id"]].text != record["text"]:
                    raise InputError(second_pass, "text differs from the corpus sentence",
                                     record=f"line {second[record['sentence_id']].lineno}")
                ann_id += 1
                used_second += 1
                annotations.append(annotation_record(ann_id, task_id, 2,
                                                     second[record["sentence_id"]],
                                                     15.0 + len(marked.text) / 12))
            tasks.append(export_task(task_id, task_data(record), annotations))
    unknown = set(second) - {t["data"]["sentence_id"] for t in tasks}
    if unknown:
        raise InputError(second_pass, f"{len(unknown)} sentence ids not in the corpus, "
                         f"e.g. {sorted(unknown)[0]}")
    # One task per line: valid JSON that diffs well under version control.
    write_tasks(gold_path, tasks)
    return {"articles": len(articles), "tasks": len(tasks), "second_annotations": used_second}


def _read_second_pass(path: Path) -> dict[str, MarkedSentence]:
    out: dict[str, MarkedSentence] = {}
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        sid, sep, rest = line.partition("\t")
        if not sep:
            raise InputError(path, "expected 'sentence_id<TAB>stance | text | dyads'",
                             record=f"line {lineno}")
        if sid.strip() in out:
            raise InputError(path, f"sentence_id {sid.strip()!r} is also on line "
                             f"{out[sid.strip()].lineno}", record=f"line {lineno}",
                             field="sentence_id")
        out[sid.strip()] = parse_line(rest, path, lineno)
    return out


def export_task(task_id: int, data: dict, annotations: list[dict]) -> dict:
    """One task of a Label Studio JSON export with its annotations."""
    return {
        "id": task_id,
        "annotations": annotations,
        "file_upload": None,
        "drafts": [],
        "predictions": [],
        "data": data,
        "meta": {},
        "created_at": EXPORT_TIME,
        "updated_at": EXPORT_TIME,
        "inner_id": task_id,
        "total_annotations": len(annotations),
        "cancelled_annotations": 0,
        "total_predictions": 0,
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": 1,
        "updated_by": 1,
        "comment_authors": [],
    }


def check_sources(paths: list[Path]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Check source files; return problems and per-file stance counts."""
    problems, counts = [], {}
    for path in paths:
        try:
            article = parse_source(path)
        except InputError as e:
            problems.append(str(e))
            continue
        problems += segmentation_problems(article)
        tally = dict.fromkeys(SCHEMA.stance_names, 0)
        for s in article.sentences:
            tally[s.stance] += 1
        counts[path.name] = tally
    return problems, counts

