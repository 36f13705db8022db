"""The `stancekit corpus` commands: check and build the bundled corpus from its markup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.bundled import REAL, SYNTHETIC
from stancekit.cli._app import app, subcommands

corpus_app = subcommands("Import, select and build the real-news corpus; maintain the "
                         "synthetic one.")
app.add_typer(corpus_app, name="corpus")

CorpusFolder = Annotated[Path, typer.Argument(
    help="Real-news corpus folder (documents, selection, annotation passes).")]


@corpus_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="Source files in stancekit markup.")],
) -> None:
    """Check markup and sentence boundaries of corpus source files; print stance counts."""
    from stancekit.labeling.markup import check_sources

    problems, counts = check_sources(files)
    for name, tally in counts.items():
        typer.echo(f"{name}: " + ", ".join(f"{k}={v}" for k, v in tally.items()))
    if len(counts) > 1:
        totals = {k: sum(t[k] for t in counts.values()) for k in next(iter(counts.values()))}
        typer.echo("total: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
    for p in problems:
        typer.secho(p, fg=typer.colors.YELLOW, err=True)
    if problems:
        raise typer.Exit(1)


@corpus_app.command("build")
def build(
    src: Annotated[Path, typer.Option(help="Folder of markup source files.")] = SYNTHETIC / "src",
    articles: Annotated[Path, typer.Option(help="Plain articles (JSONL) to write.")] = (
        SYNTHETIC / "articles.jsonl"),
    gold: Annotated[Path, typer.Option(help="Label Studio export to write.")] = (
        SYNTHETIC / "gold.json"),
    second_pass: Annotated[Path, typer.Option(help="Second, blind annotation pass.")] = (
        SYNTHETIC / "second_pass.tsv"),
) -> None:
    """Build the plain articles and the gold Label Studio export from markup sources."""
    from stancekit.labeling.markup import build_export

    stats = build_export(src, articles, gold, second_pass if second_pass.exists() else None)
    typer.echo(", ".join(f"{k}: {v}" for k, v in stats.items()))


@corpus_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="The source's git repository (work tree or bare).")],
    format: Annotated[str, typer.Option(
        "--format", help="Source format: wikinews, current-events or state-department.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Documents (JSONL) to write.")],
    repository: Annotated[str | None, typer.Option(
        help="Public OWNER/NAME recorded as each document's origin [default: the origin remote]"
    )] = None,
    rev: Annotated[str, typer.Option(help="Commit, branch or tag to read.")] = "HEAD",
) -> None:
    """Import a real news source with its licence and provenance (repository, commit, path)."""
    from stancekit.cli._app import fail
    from stancekit.labeling.sources.documents import import_documents
    from stancekit.labeling.sources.git import open_repository
    from stancekit.labeling.sources.registry import READERS

    if format not in READERS:
        fail(f"unknown --format {format!r}; choose from {', '.join(READERS)}")
    report = import_documents(READERS[format], open_repository(path, repository), rev, output)
    for line in report.lines():
        typer.echo(line)
    typer.echo(f"-> {output}")


@corpus_app.command("select")
def select_cmd(
    imported: Annotated[list[Path], typer.Argument(
        help="Imported documents (JSONL), any sources.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Corpus folder to write.")] = (
        REAL),
    seed: Annotated[int, typer.Option(help="Seed of the draw.")] = 13,
) -> None:
    """Draw the seeded, stratified sentence selection and keep only the selected documents."""
    from stancekit.labeling.realnews.corpus import write_selection

    summary = write_selection(imported, output, seed)
    for source, s in summary["sources"].items():
        enriched = ", ".join(f"{k} {v}" for k, v in s["enrichment_sentences"].items())
        typer.echo(f"{source}: frame {s['frame_documents']} documents; random "
                   f"{s['random_sentences']} sentences from {s['random_documents']} documents; "
                   f"enrichment {enriched}; denial supplement {s['supplement_sentences']} of "
                   f"{s['supplement_pool']}")
    typer.echo(f"{summary['sentences']} sentences from {summary['documents']} documents "
               f"-> {output}")


@corpus_app.command("extend")
def extend_cmd(
    imported: Annotated[list[Path], typer.Argument(
        help="Imported documents (JSONL), any sources.")],
    models: Annotated[Path, typer.Option(
        help="Folder of `stancekit baselines train` whose best stance model scores the "
             "candidates.")],
    corpus: Annotated[Path, typer.Option(help="Corpus folder to extend.")] = REAL,
    per_source: Annotated[int, typer.Option(min=1, help="Sentences to add per source.")] = 400,
    per_document: Annotated[int, typer.Option(min=1, help="At most this many per document.")] = 2,
    seed: Annotated[int, typer.Option(help="Seed that breaks ties between equal margins.")] = 13,
) -> None:
    """Add the sentences the best model is least sure of, from documents not yet in the corpus."""
    from stancekit.labeling.realnews.extension import extend_corpus

    summary = extend_corpus(imported, corpus, models, per_source, per_document, seed)
    for source, s in summary["sources"].items():
        typer.echo(f"{source}: {s['sentences']} sentences from {s['documents']} documents "
                   f"(pool {s['pool_sentences']} sentences; largest margin taken "
                   f"{s['largest_margin']})")
    typer.echo(f"round {summary['round']}: {summary['sentences']} sentences from "
               f"{summary['documents']} documents -> {corpus}")


@corpus_app.command("sentences")
def sentences_cmd(
    corpus: CorpusFolder = REAL,
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="Annotation input (JSONL) to write.")] = Path(
        "pass-input.jsonl"),
    blind: Annotated[bool, typer.Option(
        help="Only the sentences of the blind second pass (chosen by a hash of their id).")] = (
        False),
    disagreements: Annotated[bool, typer.Option(
        help="Only the sentences whose two passes differ, with both annotations, for "
             "adjudication.")] = False,
    pending: Annotated[bool, typer.Option(
        help="Leave out sentences the pass already holds (after `corpus extend`).")] = False,
) -> None:
    """Write selected sentences with their context as input for an annotation pass."""
    from stancekit.labeling.realnews import corpus as real

    sentences = real.selected_sentences(corpus)
    pairs = real.disagreements(corpus, sentences) if disagreements else None
    ids = sorted(pairs) if pairs is not None else [
        sid for sid in sorted(sentences) if not blind or real.in_blind_pass(sid)]
    if pending:
        done = real.annotated(corpus, sentences, real.ADJUDICATION if disagreements
                              else real.SECOND if blind else real.FIRST)
        ids = [sid for sid in ids if sid not in done]
    n = real.sentences_file(sentences, output, ids, pairs)
    typer.echo(f"{n} sentences -> {output}")


@corpus_app.command("gold")
def gold_cmd(
    corpus: CorpusFolder = REAL,
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="Label Studio JSON export to write.")] = Path(
        "out/export.json"),
) -> None:
    """Build the Label Studio export of the real-news corpus from its annotation passes."""
    from stancekit.labeling.realnews.corpus import build_export

    stats = build_export(corpus, output)
    typer.echo(", ".join(f"{k}: {v}" for k, v in stats.items()) + f" -> {output}")
