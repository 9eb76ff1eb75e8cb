"""Backup and restore: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def _pg_url(uri: str) -> str:
    """A libpq URL (pg_dump does not understand SQLAlchemy's +driver suffix)."""
    return make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(uri: str, target: str | Path) -> Path:
    """Write a consistent copy of the database to ``target`` while it stays in use."""
    target = Path(target)
    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _pg_url(uri)],
            check=True,
            capture_output=True,
        )
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(uri: str, source: str | Path) -> None:
    """Replace the database's contents with a backup made by ``backup``."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source}: no such file")
    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(source)
        try:
            sound = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            sound = False
        if not sound:
            src.close()
            raise BackupError(f"{source}: not a sound SQLite database; nothing was changed")
        dest = sqlite3.connect(url.database)
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_pg_url(uri)}",
                str(source),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip()[-2000:])
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")
