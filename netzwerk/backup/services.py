"""A consistent copy of the running database, and its restore into an empty one.

PostgreSQL: ``pg_dump`` in its custom format (one snapshot, while the app keeps serving) and ``pg_restore`` in
one transaction. SQLite: the online backup API, which copies page by page under a read lock, so the app and the
scheduler may keep writing (a plain file copy of a WAL database can miss the last commits)."""

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked; the message says why, in German."""


def create_backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database to ``target`` (readable by its owner only: it holds personal data)."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with closing(_sqlite(url)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    else:
        _run(_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq(url))
    target.chmod(0o600)
    return target


def restore_backup(database_url: str, source: Path) -> None:
    """Load a backup into the (empty) database; refuses to mix it with existing tables."""
    if not source.is_file():
        raise BackupError(f"Die Sicherung {source} gibt es nicht.")
    url = make_url(database_url)
    if _tables(url):
        raise BackupError("Die Zieldatenbank ist nicht leer; eine Sicherung wird nur in eine leere Datenbank geladen.")
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(source)) as backup, closing(_sqlite(url)) as database:
            backup.backup(database)
    else:
        _run(
            _pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            _libpq(url),
            str(source),
        )


def _tables(url: URL) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _sqlite(url: URL) -> sqlite3.Connection:
    if not url.database or url.database == ":memory:":
        raise BackupError("Eine SQLite-Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return sqlite3.connect(url.database)


def _libpq(url: URL) -> str:
    """The SQLAlchemy URL as libpq reads it (``postgresql://``, no driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the newest installed server version (a dump needs a client at least as new
    as the server), else the one on PATH."""
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    found = installed[0] if installed else shutil.which(name)
    if not found:
        raise BackupError(f"{name} fehlt (Debian-Paket postgresql-client).")
    return found


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})  # noqa: S603 (fixed tools, our arguments)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} ist gescheitert: {result.stderr.strip()[-1000:]}")
