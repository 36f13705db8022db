"""The `stancekit publish` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, fail, log


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024**2 else (
        f"{n / 1024**2:.1f} MB")


@app.command("publish")
def publish(
    dataset_dir: Annotated[Path, typer.Argument(help="Dataset folder from `stancekit build`.")],
    repo_id: Annotated[str, typer.Option(
        "--repo-id", help="Hugging Face dataset repository, ORG/NAME.")],
    private: Annotated[bool, typer.Option(
        "--private/--public", help="Create the repository as private.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check the card and list the files; no network, no token needed.")]
    = False,
) -> None:
    """Check the dataset card, then upload the folder to a Hugging Face dataset repository."""
    from stancekit.dataset.publish import Plan, PublishError
    from stancekit.dataset.publish import publish as publish_folder

    def show(planned: Plan) -> None:
        for name, size in planned.files:
            typer.echo(f"{_size(size):>10}  {name}")
        typer.echo(f"{_size(planned.total_bytes):>10}  {len(planned.files)} files -> "
                   f"{'private' if private else 'public'} dataset {repo_id}")
        if not dry_run:
            log.info("uploading to the Hugging Face Hub")

    try:
        planned = publish_folder(dataset_dir, repo_id, private, dry_run, show=show)
    except PublishError as e:
        fail(str(e))
    typer.echo(f"uploaded: {planned.url}" if not dry_run
               else "dry run: the card checks out; nothing uploaded")
