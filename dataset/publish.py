"""Publishing a dataset folder to the Hugging Face Hub, after checking its card locally."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stancekit.files import InputError

CARD = "README.md"


class PublishError(RuntimeError):
    """The upload can't be done: no token, or the Hub refused or could not be reached."""


@dataclass
class Plan:
    """What a publication uploads: the dataset repository and the folder's files with sizes."""

    repo_id: str
    folder: Path
    files: list[tuple[str, int]]
    private: bool = False
    url: str | None = None

    @property
    def total_bytes(self) -> int:
        """The size of all files to upload."""
        return sum(size for _, size in self.files)


def _data_paths(data_files: object) -> Iterator[tuple[str, str]]:
    """(split, path pattern) pairs of a config's ``data_files``, in the card's accepted forms."""
    entries = [data_files] if isinstance(data_files, str) else data_files or []
    for entry in entries:
        if isinstance(entry, str):
            yield "train", entry
            continue
        paths = entry.get("path") or []
        for path in [paths] if isinstance(paths, str) else paths:
            yield str(entry.get("split", "train")), path


def check_card(folder: Path | str) -> dict:
    """The card's metadata, once its YAML parses, a license is set and every data file exists."""
    import yaml
    from huggingface_hub import DatasetCard

    folder = Path(folder)
    path = folder / CARD
    if not path.is_file():
        raise InputError(path, "no dataset card: build the folder with `stancekit build`")
    try:
        metadata = DatasetCard.load(path).data.to_dict()
    except (ValueError, yaml.YAMLError) as e:
        reason = " ".join(str(e).split())
        raise InputError(path, f"the metadata block does not parse: {reason}",
                         field="YAML front matter") from None
    if not metadata.get("license"):
        raise InputError(path, "no license set", field="license")
    configs = metadata.get("configs")
    if not configs:
        raise InputError(path, "no configs listed", field="configs")
    for config in configs:
        name = config.get("config_name", "default")
        patterns = list(_data_paths(config.get("data_files")))
        if not patterns:
            raise InputError(path, "no data files", record=f"config {name}", field="data_files")
        for split, pattern in patterns:
            if not any(p.is_file() for p in folder.glob(pattern)):
                raise InputError(path, f"{split}: {pattern} matches no file in {folder}",
                                 record=f"config {name}", field="data_files")
    return metadata


def plan(folder: Path | str, repo_id: str, private: bool = False) -> Plan:
    """Check the repository id and the card; list the folder's files (hidden ones left out)."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "no such dataset folder")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as e:
        raise InputError(repo_id, str(e), field="--repo-id") from None
    if "/" not in repo_id:
        raise InputError(repo_id, "give the repository as ORG/NAME", field="--repo-id")
    check_card(folder)
    files = [(p.relative_to(folder).as_posix(), p.stat().st_size)
             for p in sorted(folder.rglob("*")) if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return Plan(repo_id, folder, files, private)


def hub_token() -> str:
    """The Hugging Face token: ``HF_TOKEN``, else the one saved by ``hf auth login``."""
    from huggingface_hub import get_token

    token = get_token()
    if not token:
        raise PublishError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    return token


def upload(planned: Plan, token: str) -> str:
    """Create the dataset repository if needed, upload the planned files; the commit's URL."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    from stancekit import __version__

    api = HfApi(token=token)
    try:
        api.create_repo(planned.repo_id, repo_type="dataset", private=planned.private,
                        exist_ok=True)
        commit = api.upload_folder(
            repo_id=planned.repo_id, repo_type="dataset", folder_path=planned.folder,
            allow_patterns=[name for name, _ in planned.files],
            commit_message=f"Upload the dataset (stancekit {__version__})")
    # Connection errors come from whichever HTTP client huggingface_hub uses, so any error
    # becomes a message; its first line only, and never the token.
    except Exception as e:
        reason = (str(e).splitlines() or [type(e).__name__])[0].replace(token, "***")
        what = ("the Hub refused the upload to" if isinstance(e, HfHubHTTPError)
                else "could not reach the Hub to upload to")
        raise PublishError(f"{what} {planned.repo_id}: {reason}") from None
    planned.url = commit.commit_url
    return planned.url


def publish(dataset_dir: Path | str, repo_id: str, private: bool = False,
            dry_run: bool = False, show: Callable[[Plan], None] | None = None) -> Plan:
    """Check a dataset folder's card and upload the folder to a Hub dataset repository."""
    planned = plan(dataset_dir, repo_id, private)
    token = None if dry_run else hub_token()
    # *show* sees the plan once the card and the token are checked, before the upload.
    if show is not None:
        show(planned)
    if token is not None:
        upload(planned, token)
    return planned
