"""Annotator accounts on a local Label Studio: created through the API, each with its own
password and API token in a file only its owner can read."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.files import Outputs, atomic_open, dumps
from stancekit.labeling.server import base_env, executable
from stancekit.labeling.studio import StudioError, api

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

CREDENTIALS_DIR = "annotators"
_MARK = "STANCEKIT-CREDENTIALS "
# Run inside `label-studio shell`: set each user's password, print each user's API token.
_SCRIPT = """
import json
from rest_framework.authtoken.models import Token
from users.models import User
tokens = {}
for email, password in json.loads(PASSWORDS).items():
    user = User.objects.get(email=email)
    user.set_password(password)
    user.save()
    tokens[email] = Token.objects.get_or_create(user=user)[0].key
print(MARK + json.dumps(tokens))
"""


def ensure_users(client: LabelStudio, emails: list[str]) -> dict[str, tuple[int, bool]]:
    """The user id of each email and whether it was created now; missing users are created."""
    with api("cannot list users"):
        known = {u.email: u.id for u in client.users.list()}
    out = {}
    for email in emails:
        if email in known:
            out[email] = (known[email], False)
            continue
        with api(f"cannot create the user {email}"):
            user = client.users.create(email=email, username=email.split("@")[0])
        out[email] = (user.id, True)
    return out


def set_credentials(data_dir: Path, emails: list[str], timeout: float = 300.0
                    ) -> dict[str, dict[str, str]]:
    """A new random password and the API token of each user of the server in *data_dir*.

    Label Studio's API sets neither another user's password nor tells their token, so this
    runs ``label-studio shell`` on the server's database; the secrets travel on pipes only.
    """
    passwords = {email: secrets.token_urlsafe(16) for email in emails}
    script = _SCRIPT.replace("PASSWORDS", repr(json.dumps(passwords))).replace("MARK",
                                                                              repr(_MARK))
    # One line, so the interactive shell runs the whole script at once.
    line = f"exec({script!r})\n"
    # A new session has no terminal, so the shell reads its commands from stdin.
    proc = subprocess.run([executable(), "shell"], input=line, text=True, capture_output=True,
                          env=base_env(data_dir.resolve(), None), timeout=timeout,
                          start_new_session=True, check=False)
    # The shell prints its prompts before the line.
    found = [ln.split(_MARK, 1)[1] for ln in proc.stdout.splitlines() if _MARK in ln]
    if proc.returncode or not found:
        raise StudioError(f"could not set the annotators' passwords in {data_dir} "
                          f"(label-studio shell exit {proc.returncode}); is it the data dir of "
                          "the running server?")
    tokens = json.loads(found[0])
    return {email: {"password": passwords[email], "token": tokens[email]} for email in emails}


def write_credentials(folder: Path, email: str, url: str, user_id: int,
                      secret: dict[str, str], outputs: Outputs | None = None) -> Path:
    """Write one annotator's login to ``FOLDER/EMAIL.json``, readable by its owner only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{email}.json"
    record: dict[str, Any] = {"email": email, "user_id": user_id, "url": url, **secret}
    with atomic_open(path, outputs=outputs) as f:
        os.chmod(f.name, 0o600)
        f.write(dumps(record))
    return path
