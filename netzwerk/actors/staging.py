"""Uploads staged between the import's upload and its confirmation: one JSON file per upload in
``instance/imports/``. They hold names, addresses and phones, so they live a day at most (the daily retention
job), go once imported, and go when a person found in them is erased."""

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

from netzwerk import clock, unit_of_work

IMPORT_KEPT_FOR = timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,60}")


def staging_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(content: dict) -> str:
    """Keep an upload for its check; returns the token that names it."""
    token = secrets.token_urlsafe(24)
    (staging_folder() / f"{token}.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return token


def staged(token: str, uploaded_by: int) -> dict | None:
    """The upload, only for the manager who made it (None: unknown, expired or someone else's)."""
    if not TOKEN.fullmatch(token):
        return None
    path = staging_folder() / f"{token}.json"
    if not path.exists():
        return None
    content = json.loads(path.read_text(encoding="utf-8"))
    return content if content.get("uploaded_by") == uploaded_by else None


def discard(token: str) -> None:
    if TOKEN.fullmatch(token):
        (staging_folder() / f"{token}.json").unlink(missing_ok=True)


def discard_once_imported(token: str) -> None:
    """The upload goes once the import is saved; a failed save keeps it for another try."""
    unit_of_work.after_commit("discard_upload", token, discard_all)


def discard_all(tokens: list[str]) -> None:
    for token in tokens:
        discard(token)


def forget_old_uploads() -> int:
    """Uploads not imported within IMPORT_KEPT_FOR are deleted; returns how many."""
    cutoff = (clock.now() - IMPORT_KEPT_FOR).timestamp()
    old = [path for path in staging_folder().glob("*.json") if path.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def _text_of(path: Path) -> str:
    """The upload's values as one folded text (escapes such as \\u00fc read back as ü)."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False).casefold()


def forget_uploads_naming(texts: list[str]) -> int:
    """An erased person's name, address or phone may sit in a staged upload: such uploads are deleted whole
    (the manager uploads the file again); returns how many."""
    needles = [text.casefold() for text in texts if text]
    found = [path for path in staging_folder().glob("*.json") if any(needle in _text_of(path) for needle in needles)]
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)
