"""Backups of a whole installation, and their restore into an empty one (docs/backup.md).

An archive is one tar file (gzip-compressed when its name ends in ``.gz``) holding, in order:

- ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's
  online backup): a consistent copy of the database;
- ``objects/<name>``: every evidence and report file the copy refers to, read through Django's
  storage (the local disk or an S3-compatible bucket), under its storage name;
- ``manifest.json``: each member's SHA-256 and size, Pramern's version, the applied migrations,
  the database vendor and when the archive was made.

Archives are written to and read from a local path or ``s3://bucket/key`` (the PRAMERN_S3_*
endpoint and credentials). Nothing is held whole in memory: the database copy goes through a
temporary file, each object streams from storage into the archive and back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import importlib.metadata
import io
import json
import os
import posixpath
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader

from pramern.envsettings import s3_storage_options
from pramern.filestore import open_in_storage
from pramern.operations.databases import VENDOR_NAMES, BackupError, database_for, tables_with_rows

FORMAT = "pramern-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OBJECTS = "objects/"
CHUNK = 1024 * 1024
#: A manifest larger than this is not one Pramern wrote (it is read into memory).
MANIFEST_LIMIT = 256 * 1024 * 1024


# ---- where archives are kept: a local path or s3://bucket/key


@dataclass(frozen=True)
class Location:
    """An archive's place: ``key`` in ``storage`` (a bucket), or the local ``path``."""

    text: str
    path: Path | None = None
    storage: Storage | None = None
    key: str = ""


def bucket_storage(bucket: str) -> Storage:
    """``bucket`` on the object storage Pramern uses (its endpoint, region and credentials: the
    default storage's when that is a bucket, else the PRAMERN_S3_* variables)."""
    from storages.backends.s3 import S3Storage  # only for s3:// locations: boto is slow to import

    default = settings.STORAGES["default"]
    if default["BACKEND"] == "storages.backends.s3.S3Storage":
        options = dict(default.get("OPTIONS", {}))
    else:
        options = s3_storage_options({**os.environ, "PRAMERN_S3_BUCKET": bucket})
    return S3Storage(**{**options, "bucket_name": bucket})


def archive_name(now: dt.datetime, *, compress: bool) -> str:
    return f"pramern-backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar" + (".gz" if compress else "")


#: How an archive's name ends; an ``--output`` ending otherwise is a folder or a prefix.
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")


def output_location(output: str, now: dt.datetime, *, compress: bool) -> Location:
    """Where ``backup --output`` writes: a name ending in .tar, .tar.gz or .tgz is the archive's;
    anything else is a folder (made if need be) or an ``s3://bucket/prefix``, and the archive gets
    a dated name inside it."""
    name = archive_name(now, compress=compress)
    if output.startswith("s3://"):
        bucket, _, key = output.removeprefix("s3://").partition("/")
        if not bucket:
            raise BackupError(f"{output}: name a bucket, e.g. s3://pramern-backups/nightly")
        if not key.endswith(ARCHIVE_SUFFIXES):
            key = f"{key.rstrip('/')}/{name}".lstrip("/")
        return Location(output, storage=bucket_storage(bucket), key=key)
    path = Path(output)
    if not output.endswith(ARCHIVE_SUFFIXES):
        path = path / name
    return Location(str(path), path=path)


def source_location(archive: str) -> Location:
    if archive.startswith("s3://"):
        bucket, _, key = archive.removeprefix("s3://").partition("/")
        if not bucket or not key or key.endswith("/"):
            raise BackupError(f"{archive}: name an archive, e.g. s3://pramern-backups/pramern-backup-….tar.gz")
        return Location(archive, storage=bucket_storage(bucket), key=key)
    return Location(archive, path=Path(archive))


@contextlib.contextmanager
def writing(location: Location) -> Iterator[IO[bytes]]:
    """A stream to write the archive into; the archive appears only when the block succeeds
    (a local file is written aside and moved into place; an upload is completed or aborted)."""
    if location.path is not None:
        location.path.parent.mkdir(parents=True, exist_ok=True)
        partial = location.path.with_name(location.path.name + ".partial")
        try:
            # Readable by its owner only: the archive holds personal data (docs/backup.md).
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())  # on disk before it takes the archive's name
            os.replace(partial, location.path)
        finally:
            partial.unlink(missing_ok=True)
        return
    assert location.storage is not None
    upload = location.storage.open(location.key, "wb")  # a multipart upload, 5 MB parts
    try:
        yield upload
    except BaseException:
        # Closing would complete the upload with what was written: abort it instead.
        multipart = getattr(upload, "_multipart", None)
        if multipart is not None:
            multipart.abort()
        raise
    upload.close()


@contextlib.contextmanager
def local_copy(location: Location) -> Iterator[Path]:
    """The archive as a local file (an object is downloaded, streamed, to a temporary file)."""
    if location.path is not None:
        if not location.path.is_file():
            raise BackupError(f"{location.text}: no such archive")
        yield location.path
        return
    assert location.storage is not None
    with tempfile.TemporaryDirectory(prefix="pramern-restore-") as scratch:
        path = Path(scratch) / "archive"
        try:
            body, _size = open_object(location.storage, location.key)
        except FileNotFoundError:
            raise BackupError(f"{location.text}: no such archive in the bucket") from None
        with contextlib.closing(body), path.open("wb") as out:
            while chunk := body.read(CHUNK):
                out.write(chunk)
        yield path


# ---- objects in storage, streamed


def open_object(storage: Storage, name: str) -> tuple[IO[bytes], int]:
    """(a stream of the object's bytes, its size); ``FileNotFoundError`` when there is none
    (pramern.filestore.open_in_storage: from a bucket, the object's body, never a whole copy)."""
    body = open_in_storage(storage, name)
    return body, int(body.size)  # type: ignore[attr-defined]


class HashingReader:
    """Reads from ``stream`` while counting and hashing what was read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def sha256_of(stream: IO[bytes]) -> tuple[int, str]:
    """(size, SHA-256) of what is left in ``stream``, read in chunks."""
    reader = HashingReader(stream)
    while reader.read(CHUNK):
        pass
    return reader.size, reader.digest.hexdigest()


# ---- the manifest


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


def pramern_version() -> str:
    try:
        return importlib.metadata.version("pramern")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def known_migrations() -> set[tuple[str, str]]:
    """(app label, name) of every migration this code has."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def safe_object_name(name: str) -> bool:
    """A storage name that stays inside the storage (no absolute path, no ``..``)."""
    return (
        bool(name) and not name.startswith("/") and ".." not in posixpath.normpath(name).split("/") and "\\" not in name
    )


# ---- backup


@dataclass
class BackupResult:
    location: str
    vendor: str
    objects: int
    bytes: int
    missing: list[str] = field(default_factory=list)


def _add(tar: tarfile.TarFile, name: str, stream: IO[bytes], size: int, mtime: float) -> Member:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    reader = HashingReader(stream)
    tar.addfile(info, reader)  # reads exactly ``size`` bytes; fewer is an error
    return Member(name, reader.size, reader.digest.hexdigest())


def make_backup(
    output: str,
    *,
    compress: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BackupResult:
    """Write one archive of this installation to ``output`` (see ``output_location``): the
    database copy, every object it refers to, the manifest. A file the database names but
    storage lacks is left out and listed (``missing``, and in the manifest): the archive still
    holds everything else."""
    now = now or dt.datetime.now(dt.UTC)
    compress = compress or output.endswith((".gz", ".tgz"))
    location = output_location(output, now, compress=compress)
    database = database_for(connection)
    storage = storages["default"]
    say = progress or (lambda text: None)
    stamp = now.timestamp()
    with tempfile.TemporaryDirectory(prefix="pramern-backup-") as scratch:
        dump = Path(scratch) / database.member
        say(f"Copying the {VENDOR_NAMES[database.vendor]} database")
        snapshot = database.dump(dump)
        members: list[Member] = []
        missing: list[str] = []
        say(f"Writing {location.text}: the database and {len(snapshot.files)} objects")
        with (
            writing(location) as out,
            # Level 6, not tarfile's 9: most evidence (PDF, JPEG) is compressed already.
            gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=int(stamp))
            if compress
            else contextlib.nullcontext(out) as sink,
            tarfile.open(fileobj=sink, mode="w|") as tar,
        ):
            with dump.open("rb") as stream:
                members.append(_add(tar, database.member, stream, dump.stat().st_size, stamp))
            for name in snapshot.files:
                try:
                    body, size = open_object(storage, name)
                except FileNotFoundError:
                    missing.append(name)
                    continue
                with contextlib.closing(body):
                    members.append(_add(tar, OBJECTS + name, body, size, stamp))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created": now.astimezone(dt.UTC).isoformat(),
                "pramern_version": pramern_version(),
                "database": {"vendor": database.vendor, "member": database.member},
                "migrations": snapshot.migrations,
                "storage": type(storage).__module__ + "." + type(storage).__qualname__,
                "members": [m.as_json() for m in members],
                "missing_objects": missing,
            }
            text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(text), int(stamp), 0o600
            tar.addfile(info, io.BytesIO(text))
    objects = [m for m in members if m.name.startswith(OBJECTS)]
    return BackupResult(location.text, database.vendor, len(objects), sum(m.size for m in members), missing)


# ---- restore


def verify_archive(path: Path) -> dict[str, Any]:
    """The archive's manifest, once every member's size and SHA-256 match it, every member
    listed is there and nothing else is; ``BackupError`` naming the first member that does not."""
    found: dict[str, tuple[int, str]] = {}
    manifest_text = b""
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                if not info.isfile():
                    raise BackupError(f"Refused: {info.name} in the archive is not a file")
                stream = tar.extractfile(info)
                assert stream is not None
                if info.name == MANIFEST:
                    if info.size > MANIFEST_LIMIT:
                        raise BackupError(f"Refused: {MANIFEST} is {info.size} bytes, too large to be a manifest")
                    manifest_text = stream.read()
                elif info.name in found:
                    raise BackupError(f"Refused: {info.name} is in the archive twice")
                else:
                    found[info.name] = sha256_of(stream)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"Refused: {path} is not a complete archive ({exc})") from None
    if not manifest_text:
        raise BackupError(f"Refused: {path} has no {MANIFEST}: not a Pramern backup, or cut short")
    try:
        manifest = json.loads(manifest_text)
        listed = {m["name"]: (int(m["size"]), str(m["sha256"])) for m in manifest["members"]}
        vendor = manifest["database"]["vendor"]
        member = manifest["database"]["member"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Refused: {MANIFEST} is not a Pramern manifest ({exc!r})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Refused: {MANIFEST} is of format {manifest.get('format')!r} version {manifest.get('format_version')!r}; "
            f"this Pramern reads {FORMAT!r} version {FORMAT_VERSION}"
        )
    for name in found:
        if name not in listed:
            raise BackupError(f"Refused: {name} is in the archive but not in its manifest (the archive was altered)")
    for name, (size, digest) in listed.items():
        if name not in found:
            raise BackupError(f"Refused: {name} is in the manifest but missing from the archive")
        if found[name] != (size, digest):
            raise BackupError(
                f"Refused: {name} does not match the manifest (SHA-256 {found[name][1]}, {found[name][0]} bytes; "
                f"the manifest says {digest}, {size} bytes): the archive was altered or damaged"
            )
        if name != member and not (name.startswith(OBJECTS) and safe_object_name(name.removeprefix(OBJECTS))):
            raise BackupError(f"Refused: {name} is not a name Pramern writes in an archive")
    if member not in listed or vendor not in VENDOR_NAMES:
        raise BackupError(f"Refused: the manifest names no database copy of a known vendor ({vendor!r}, {member!r})")
    return manifest


@dataclass
class RestoreResult:
    vendor: str
    objects_written: int
    objects_present: int
    created: str
    pramern_version: str
    pending_migrations: list[str]
    missing: list[str]


def check_target(manifest: dict[str, Any], *, replace: bool) -> list[str]:
    """Refuse a restore this installation cannot take (another database vendor, migrations this
    code lacks, a database in use); the migrations this code has that the archive lacks."""
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"Refused: the archive holds a {VENDOR_NAMES[vendor]} database and this installation uses "
            f"{VENDOR_NAMES.get(connection.vendor, connection.vendor)} (DATABASE_URL). Restore it into a "
            f"{VENDOR_NAMES[vendor]} installation; nothing was changed."
        )
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    known = known_migrations()
    unknown = sorted(applied - known)
    if unknown:
        raise BackupError(
            f"Refused: the archive was made by a newer Pramern ({manifest.get('pramern_version')}): this code lacks "
            f"its migrations {', '.join(f'{a}.{n}' for a, n in unknown)}. Install that version, then restore."
        )
    try:
        in_use = tables_with_rows(connection)
    except DatabaseError as exc:
        raise BackupError(
            f"Cannot open the database {connection.settings_dict['NAME']} ({str(exc).strip()}): create it, empty, "
            "and give DATABASE_URL; nothing was changed."
        ) from None
    if in_use and not replace:
        raise BackupError(
            f"Refused: the database {connection.settings_dict['NAME']} is not empty (rows in {', '.join(in_use[:5])}"
            f"{' …' if len(in_use) > 5 else ''}). Restore into an empty database, or pass --replace-existing-data "
            "to delete everything in it first."
        )
    return sorted(f"{a}.{n}" for a, n in known - applied)


def restore_backup(
    archive: str, *, replace: bool = False, progress: Callable[[str], None] | None = None
) -> RestoreResult:
    """Restore ``archive`` (a path or ``s3://bucket/key``) into this installation: every member
    checked against the manifest and the installation checked (``check_target``) before
    anything changes; then the objects written into the default storage (one already there
    with the same content is kept; another content under its name refuses the restore),
    then the database."""
    say = progress or (lambda text: None)
    location = source_location(archive)
    storage = storages["default"]
    with local_copy(location) as path, tempfile.TemporaryDirectory(prefix="pramern-restore-") as scratch:
        say(f"Checking every member of {location.text} against its manifest")
        manifest = verify_archive(path)
        pending = check_target(manifest, replace=replace)
        database = database_for(connection)
        objects = [m["name"] for m in manifest["members"] if m["name"].startswith(OBJECTS)]
        present = _objects_present(storage, manifest)
        say(f"Writing {len(objects) - len(present)} objects into {type(storage).__name__}")
        copy = Path(scratch) / database.member
        written = 0
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                stream = tar.extractfile(info)
                assert stream is not None
                if info.name == database.member:
                    with copy.open("wb") as out:
                        while chunk := stream.read(CHUNK):
                            out.write(chunk)
                elif info.name.startswith(OBJECTS) and info.name not in present:
                    name = info.name.removeprefix(OBJECTS)
                    content = File(stream, name=posixpath.basename(name))
                    content.size = info.size
                    saved = storage.save(name, content)
                    if saved != name:
                        raise BackupError(f"{name} was stored as {saved}: storage changed the name; restore stopped")
                    written += 1
        say(f"Restoring the {VENDOR_NAMES[database.vendor]} database")
        database.restore(copy)
    return RestoreResult(
        vendor=database.vendor,
        objects_written=written,
        objects_present=len(present),
        created=manifest["created"],
        pramern_version=manifest["pramern_version"],
        pending_migrations=pending,
        missing=list(manifest.get("missing_objects", [])),
    )


def _objects_present(storage: Storage, manifest: dict[str, Any]) -> set[str]:
    """The archive's objects already in ``storage`` with the same content (a restore run again);
    ``BackupError`` for one there with other content (nothing is overwritten)."""
    present = set()
    for member in manifest["members"]:
        if not member["name"].startswith(OBJECTS):
            continue
        name = member["name"].removeprefix(OBJECTS)
        try:
            body, _size = open_object(storage, name)
        except FileNotFoundError:
            continue
        with contextlib.closing(body):
            if sha256_of(body) != (member["size"], member["sha256"]):
                raise BackupError(
                    f"Refused: storage already holds {name} with other content; nothing was changed. "
                    "Restore into empty storage (a new bucket or folder)."
                )
        present.add(member["name"])
    return present
