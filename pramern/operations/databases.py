"""A consistent copy of the database, and its restore, for each database Pramern runs on:
PostgreSQL through ``pg_dump --format=custom`` / ``pg_restore``, SQLite through its online backup
API (``sqlite3.Connection.backup``). Each copy comes with what it refers to in storage (the
names of its evidence and report files) and its applied migrations, read from the very same
snapshot, so an archive's objects match its database exactly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    """A backup or a restore refused or failed; the message says why and what to do."""


#: Tables that ``manage.py migrate`` fills in a new installation: their rows do not make a
#: database non-empty.
FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass(frozen=True)
class Snapshot:
    """What a copy of the database holds besides its rows: the storage names its file fields
    refer to (sorted, each once) and its applied migrations (app label -> names, sorted)."""

    files: list[str]
    migrations: dict[str, list[str]]


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every installed model."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                found.append((model._meta.db_table, field.column))
    return sorted(found)


def read_snapshot(cursor: Any) -> Snapshot:
    """The snapshot's file names and migrations, read with a DB-API ``cursor`` (sqlite3's or
    psycopg's) inside the copy's snapshot. Table and column names come from the models."""
    files: set[str] = set()
    for table, column in file_columns():
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" <> \'\'')  # noqa: S608 (names from the models)
        files.update(row[0] for row in cursor.fetchall())
    cursor.execute('SELECT "app", "name" FROM "django_migrations"')
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return Snapshot(sorted(files), {app: sorted(names) for app, names in sorted(migrations.items())})


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of ``connection``'s database that hold rows, besides those ``migrate`` fills:
    empty for a new installation (no tables, or migrated and never used)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        found = []
        for table in sorted(set(names) - FILLED_BY_MIGRATE):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 (introspected names)
            if cursor.fetchone():
                found.append(table)
    return found


class Database(Protocol):
    vendor: str
    #: The archive member holding the copy.
    member: str

    def dump(self, target: Path) -> Snapshot:
        """Write a consistent copy of the database to ``target``; what it refers to."""

    def restore(self, source: Path) -> None:
        """Replace the database's content with the copy in ``source``."""


@dataclass
class SQLiteDatabase:
    connection: BaseDatabaseWrapper
    vendor: str = "sqlite"
    member: str = "database.sqlite3"

    def dump(self, target: Path) -> Snapshot:
        """The online backup API copies every page under one read transaction of the source: a
        consistent copy while people keep working (writers wait for the copy, never the reverse)."""
        self.connection.ensure_connection()
        with closing(sqlite3.connect(target)) as copy:
            self.connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            return read_snapshot(copy.cursor())

    def restore(self, source: Path) -> None:
        """The copy is checked whole (``PRAGMA integrity_check``) before the database is touched;
        the backup API then writes every page into the target in one write transaction of the
        target (``pages=-1``: one step): a failure leaves the target as it was."""
        try:
            with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
                (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"Refused: the archive's database copy is not a SQLite database ({exc}); nothing was changed."
            ) from None
        if verdict != "ok":
            raise BackupError(f"Refused: the archive's database copy is damaged ({verdict}); nothing was changed.")
        name = str(self.connection.settings_dict["NAME"])
        self.connection.close()
        with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(name)) as target:
            copy.backup(target, pages=-1)  # all pages over the whole target, its schema included


@dataclass
class PostgreSQLDatabase:
    connection: BaseDatabaseWrapper
    vendor: str = "postgresql"
    member: str = "database.pgdump"

    def environ(self) -> dict[str, str]:
        """libpq's variables for ``pg_dump`` / ``pg_restore`` from the Django settings (the
        password never on a command line)."""
        settings = self.connection.settings_dict
        env = {**os.environ, "PGDATABASE": str(settings["NAME"])}
        for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
            if settings.get(key):
                env[variable] = str(settings[key])
        options = settings.get("OPTIONS", {})
        for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"):
            if options.get(option):
                env[f"PG{option.upper()}"] = str(options[option])
        return env

    def run(self, program: str, *arguments: str) -> str:
        path = shutil.which(program)
        if path is None:
            raise BackupError(
                f"{program} is not installed: install PostgreSQL's client programs of the server's "
                "major version (Debian: apt-get install postgresql-client)"
            )
        done = subprocess.run([path, *arguments], env=self.environ(), capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise BackupError(f"{program} failed (exit status {done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def dump(self, target: Path) -> Snapshot:
        """``pg_dump`` runs in a snapshot exported by a transaction of our own, which reads the
        file names and migrations in that same snapshot: the dump and the list agree exactly,
        while people keep working."""
        own = self.connection.copy()
        try:
            own.ensure_connection()
            raw = own.connection
            with raw.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot_id,) = cursor.fetchone()
                self.run("pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}")
                contents = read_snapshot(cursor)
                cursor.execute("ROLLBACK")
            return contents
        finally:
            own.close()

    def restore(self, source: Path) -> None:
        """The dump is read whole first (``pg_restore --list``: a damaged or foreign file is
        refused before anything changes). Then one ``pg_restore --single-transaction --clean
        --if-exists``: the dump's objects already in the database (a database in use, or one
        ``migrate`` set up) are dropped and created again inside that one transaction, so a
        failure leaves the database as it was. Tables the dump lacks (those of migrations newer
        than the archive) are dropped after the restore succeeded: they belong to the replaced
        data, and ``migrate`` creates them again. Owners and grants are not restored: the
        restoring user owns what it creates."""
        try:
            listing = self.run("pg_restore", "--list", str(source))
        except BackupError as exc:
            raise BackupError(
                f"Refused: the archive's database copy cannot be read ({exc}); nothing was changed."
            ) from None
        in_dump = set()
        for line in listing.splitlines():  # "215; 1259 16386 TABLE public <name> <owner>"
            words = line.split()
            if len(words) >= 6 and not line.startswith(";") and words[3] == "TABLE":
                in_dump.add(words[5])
        self.connection.close()
        self.run(
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--dbname={self.connection.settings_dict['NAME']}",
            str(source),
        )
        with self.connection.cursor() as cursor:
            extra = sorted(set(self.connection.introspection.table_names(cursor)) - in_dump)
            if extra:
                quoted = ", ".join(self.connection.ops.quote_name(t) for t in extra)
                cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")


#: The vendors' names as people read them.
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def database_for(connection: BaseDatabaseWrapper) -> Database:
    if connection.vendor == "postgresql":
        return PostgreSQLDatabase(connection)
    if connection.vendor == "sqlite":
        return SQLiteDatabase(connection)
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}")
