"""Backups and the restore drill (docs/backup.md): an installation with units, records, Thai-named
evidence files, verdicts, score cards, a report and its audit log is backed up, restored by
``manage.py restore`` in another process into an empty installation (a second database: a scratch
PostgreSQL database or SQLite file; a second folder or bucket), and found identical, row by row
and file by file. On the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import subprocess
import sys
import tarfile
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from pramern.assessments.models import Evidence, Record
from pramern.assessments.services import add_file_evidence
from pramern.audit.models import AuditEntry
from pramern.operations.backup import bucket_storage
from pramern.reports.models import ReportJob, ScoreCard
from pramern.reports.scorecards import refresh
from tests.conftest import ROOT
from tests.factories import verified_below_its_claim

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the restoring process read committed rows

MINUTES_PDF = "รายงานการประชุม ครั้งที่ 1-2567.pdf"
PHOTO_PNG = "ภาพกิจกรรมถ่ายทอดความรู้.png"
REPORT_PDF = "รายงานรวมทุกหน่วยงาน.pdf"


def seed(world: Any) -> None:
    """Unit A: a minutes PDF, then verified below its claim and published (verdicts, score cards);
    unit B: a photo (1.5 MB, more than one read) on a record; a finished report with its file."""
    add_file_evidence(
        world.a, SimpleUploadedFile(MINUTES_PDF, b"%PDF-1.4\n% minutes\n" + "มติที่ประชุม".encode() * 50), user=world.alice
    )
    verified_below_its_claim(world, publish=True)
    photo = b"\x89PNG\r\n\x1a\n" + os.urandom(1_500_000)
    add_file_evidence(
        world.b,
        SimpleUploadedFile(PHOTO_PNG, photo),
        user=world.bob,
        records=[Record.objects.filter(assessment=world.b)[0]],
    )
    refresh(world.b)
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.CONSOLIDATED_PDF, status="done", filename=REPORT_PDF, requested_by=world.xena, progress=100
    )
    job.file.save(REPORT_PDF, ContentFile(b"%PDF-1.4\n% report\n"), save=True)


# ---- the empty installation: a second database


class ScratchDatabase:
    """A database of its own for the restored installation, and Django's connection to it (the
    same driver and settings as the suite's, so that rows compare value for value)."""

    def __init__(self, base: Path) -> None:
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.name = f"restore_{uuid.uuid4().hex[:12]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            self.url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{self.name}").geturl()
        else:
            self.name = str(base / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"
        # Its own wrapper under the alias "default": signal receivers look connections up by alias.
        self.connection = type(connections["default"])({**connection.settings_dict, "NAME": self.name}, "default")

    def drop(self) -> None:
        self.connection.close()
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[ScratchDatabase]:
    database = ScratchDatabase(tmp_path)
    yield database
    database.drop()


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in another process: another installation, configured by ``env`` only."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PRAMERN_S3_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**base, "PRAMERN_SECRET_KEY": "restore-test", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def table_rows(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        out = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")
            out[table] = sorted(cursor.fetchall(), key=repr)
    return out


def sha256(storage: Storage, name: str) -> str:
    with storage.open(name, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


def assert_restored(scratch: ScratchDatabase, restored: Storage) -> None:
    """The restored database equals the suite's row for row (score cards, the audit log, every
    other table), and every evidence and report file is in ``restored`` with its SHA-256."""
    before = table_rows(connection)
    after = table_rows(scratch.connection)
    scorecards, audit = ScoreCard._meta.db_table, AuditEntry._meta.db_table
    assert len(before[scorecards]) == ScoreCard.objects.count() == 4  # two units, R6 and R12
    assert after[scorecards] == before[scorecards]
    assert len(before[audit]) == AuditEntry.objects.count()
    assert {"pramern.evidence.added", "pramern.verdict.given"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    assert after[audit] == before[audit]
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], table
    files = list(Evidence.objects.exclude(file=""))
    assert sorted(e.original_name for e in files) == sorted([MINUTES_PDF, PHOTO_PNG])
    for evidence in files:
        assert sha256(restored, evidence.file.name) == evidence.sha256
    report = ReportJob.objects.get(filename=REPORT_PDF)
    assert sha256(restored, report.file.name) == hashlib.sha256(b"%PDF-1.4\n% report\n").hexdigest()


def archives_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


# ---- the drill


@pytest.mark.slow
def test_a_backup_restored_into_an_empty_installation_is_identical(world, tmp_path, scratch):
    seed(world)
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "archives"), stdout=out)  # a folder, made

    (archive,) = archives_in(tmp_path / "archives")
    assert archive.name.startswith("pramern-backup-") and archive.name.endswith("Z.tar")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert (
        out.getvalue() == f"{archive}: {connection.vendor} database and 3 objects, {archive_bytes(archive):,} bytes\n"
    )
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    objects = sorted(
        f"objects/{name}"
        for name in [
            *Evidence.objects.exclude(file="").values_list("file", flat=True),
            ReportJob.objects.get().file.name,
        ]
    )
    assert names == [member, *objects, "manifest.json"]
    assert [m["name"] for m in manifest["members"]] == [member, *objects]
    assert manifest["database"] == {"vendor": connection.vendor, "member": member}
    assert manifest["pramern_version"] == importlib.metadata.version("pramern")
    assert manifest["migrations"]["audit"][0] == "0001_initial"
    assert manifest["missing_objects"] == []

    media = tmp_path / "restored-media"
    done = manage("restore", str(archive), env={"DATABASE_URL": scratch.url, "PRAMERN_MEDIA_ROOT": str(media)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Restored the {connection.vendor} database and 3 objects (0 already in storage)")
    assert_restored(scratch, FileSystemStorage(location=media))

    again = manage("restore", str(archive), env={"DATABASE_URL": scratch.url, "PRAMERN_MEDIA_ROOT": str(media)})
    assert again.returncode == 1
    assert f"Refused: the database {scratch.name} is not empty (rows in assessments_assessment" in again.stderr


def archive_bytes(archive: Path) -> int:
    """The members' bytes (what ``backup`` reports), read back from the archive."""
    with tarfile.open(archive) as tar:
        return sum(m.size for m in tar.getmembers() if m.name != "manifest.json")


@pytest.mark.slow
def test_a_backup_in_a_bucket_restores_into_another_bucket(world, tmp_path, scratch, s3_storage):
    server, evidence_bucket = s3_storage
    seed(world)
    backups = server.create_bucket()
    call_command("backup", output=f"s3://{backups}/nightly", gzip=True, stdout=io.StringIO())  # a prefix

    (key,) = server.keys(backups)
    assert key.startswith("nightly/pramern-backup-") and key.endswith("Z.tar.gz")
    evidence_keys = server.keys(evidence_bucket)
    assert len(evidence_keys) == 3

    restored_bucket = server.create_bucket()
    environ = {"DATABASE_URL": scratch.url, **server.environ(restored_bucket)}
    migrated = manage("migrate", "--noinput", env=environ)  # set up and never used: still empty
    assert migrated.returncode == 0, migrated.stderr
    done = manage("restore", f"s3://{backups}/{key}", env=environ)
    assert done.returncode == 0, done.stderr
    assert server.keys(restored_bucket) == evidence_keys
    assert_restored(scratch, bucket_storage(restored_bucket))


@pytest.mark.slow
def test_a_large_object_streams_from_the_bucket_into_the_archive(world, tmp_path, s3_storage):
    """A 24 MB evidence file in the bucket is never held whole in memory while it is archived
    (django-storages' own S3 file would read all of it first)."""
    content = os.urandom(24 * 1024 * 1024)
    name = storages["default"].save(f"evidence/{world.a.pk}/large", ContentFile(content))
    Evidence.objects.create(
        assessment=world.a,
        kind="file",
        file=name,
        original_name="ภาพถ่ายทางอากาศ.png",
        size=len(content),
        uploaded_by=world.alice,
    )
    tracemalloc.start()
    try:
        call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO())
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024, f"peak {peak:,} bytes"
    with tarfile.open(tmp_path / "a.tar") as tar:
        archived = tar.extractfile(f"objects/{name}").read()
    assert hashlib.sha256(archived).hexdigest() == hashlib.sha256(content).hexdigest()


def test_a_tampered_archive_is_refused_naming_the_member(world, tmp_path):
    seed_one_file(world)
    call_command("backup", output=str(tmp_path / "good.tar"), stdout=io.StringIO())
    evidence = Evidence.objects.get()
    altered = f"objects/{evidence.file.name}"
    rewrite(tmp_path / "good.tar", tmp_path / "bad.tar", {altered: b"%PDF-1.4\n% not the minutes!!\n"[: evidence.size]})

    with pytest.raises(
        CommandError,
        match=rf"^Refused: {altered} does not match the manifest \(SHA-256 [0-9a-f]{{64}}, {evidence.size} bytes; the manifest says {evidence.sha256}, {evidence.size} bytes\): the archive was altered or damaged$",
    ):
        call_command("restore", str(tmp_path / "bad.tar"))


def test_an_archive_cut_short_or_with_a_member_added_is_refused(world, tmp_path):
    seed_one_file(world)
    call_command("backup", output=str(tmp_path / "good.tar.gz"), stdout=io.StringIO())
    whole = (tmp_path / "good.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CommandError, match=r"^Refused: .*cut\.tar\.gz is not a complete archive"):
        call_command("restore", str(tmp_path / "cut.tar.gz"))

    rewrite(tmp_path / "good.tar.gz", tmp_path / "more.tar", {}, extra={"objects/evidence/1/planted": b"x"})
    with pytest.raises(
        CommandError, match=r"^Refused: objects/evidence/1/planted is in the archive but not in its manifest"
    ):
        call_command("restore", str(tmp_path / "more.tar"))


def test_a_database_in_use_is_not_overwritten(world, tmp_path):
    seed_one_file(world)
    call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"is not empty \(rows in assessments_assessment, .*--replace-existing-data"):
        call_command("restore", str(tmp_path / "a.tar"))
    assert Evidence.objects.count() == 1


@pytest.mark.slow
def test_storage_holding_another_file_under_an_archived_name_is_not_overwritten(world, tmp_path, scratch):
    seed_one_file(world)
    call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO())
    name = Evidence.objects.get().file.name
    media = tmp_path / "restored-media"
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(b"another file")

    done = manage(
        "restore", str(tmp_path / "a.tar"), env={"DATABASE_URL": scratch.url, "PRAMERN_MEDIA_ROOT": str(media)}
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"CommandError: Refused: storage already holds {name} with other content; nothing was changed. "
        "Restore into empty storage (a new bucket or folder).\n"
    )
    assert (media / name).read_bytes() == b"another file"
    assert table_rows(scratch.connection) == {}  # the database untouched (SQLite: an empty file; PostgreSQL: no table)


def test_an_archive_of_another_database_vendor_is_refused(world, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    member = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    write_archive(tmp_path / "other.tar", {member: b"a database"}, vendor=other)
    with pytest.raises(
        CommandError,
        match=rf"^Refused: the archive holds a {names[other]} database and this installation uses "
        rf"{names[connection.vendor]} \(DATABASE_URL\)\. Restore it into a {names[other]} installation; nothing was changed\.$",
    ):
        call_command("restore", str(tmp_path / "other.tar"))


def test_an_archive_of_a_newer_pramern_is_refused(world, tmp_path):
    member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    write_archive(
        tmp_path / "newer.tar",
        {member: b"a database"},
        vendor=connection.vendor,
        migrations={"audit": ["0001_initial", "0099_from_the_future"]},
    )
    with pytest.raises(CommandError, match=r"this code lacks its migrations audit\.0099_from_the_future\. Install"):
        call_command("restore", str(tmp_path / "newer.tar"))


@pytest.mark.slow
def test_a_database_that_cannot_be_opened_is_named(world, tmp_path):
    member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    write_archive(tmp_path / "a.tar", {member: b"a database"}, vendor=connection.vendor)
    if connection.vendor == "postgresql":
        name = f"restore_missing_{uuid.uuid4().hex[:8]}"
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    else:
        name = str(tmp_path / "no-such-folder" / "pramern.sqlite3")
        url = f"sqlite:///{name}"
    done = manage("restore", str(tmp_path / "a.tar"), env={"DATABASE_URL": url, "PRAMERN_MEDIA_ROOT": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.startswith(f"CommandError: Cannot open the database {name} (")
    assert done.stderr.endswith("): create it, empty, and give DATABASE_URL; nothing was changed.\n")


def test_a_file_missing_from_storage_is_named_and_the_rest_kept(world, tmp_path):
    seed_one_file(world)
    gone = Evidence.objects.get()
    storages["default"].delete(gone.file.name)
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO(), stderr=err)
    assert str(refused.value) == (
        f"1 files named in the database are missing from storage ({gone.file.name}): {tmp_path / 'a.tar'} was "
        "written without them, its manifest lists them under missing_objects. Find out why they are gone; "
        "--allow-missing accepts such a backup."
    )
    assert err.getvalue() == (
        f"warning: {gone.file.name} is named in the database but missing from storage: not in the archive\n"
    )
    with tarfile.open(tmp_path / "a.tar") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["missing_objects"] == [gone.file.name]
    assert [m["name"] for m in manifest["members"]] == [manifest["database"]["member"]]


def test_a_failed_backup_leaves_no_archive(world, tmp_path, settings):
    """An object that cannot be read (here a folder where the file should be) stops the backup
    after the database was written into the archive: no archive is left, not even a partial one."""
    seed_one_file(world)
    stored = Path(settings.MEDIA_ROOT) / Evidence.objects.get().file.name
    stored.unlink()
    stored.mkdir()
    with pytest.raises(IsADirectoryError):
        call_command("backup", output=str(tmp_path / "archives" / "a.tar"), stdout=io.StringIO())
    assert archives_in(tmp_path / "archives") == []


# ---- archives made by hand


def seed_one_file(world: Any) -> None:
    add_file_evidence(world.a, SimpleUploadedFile(MINUTES_PDF, b"%PDF-1.4\n% minutes\n"), user=world.alice)


def rewrite(source: Path, target: Path, replaced: dict[str, bytes], extra: dict[str, bytes] | None = None) -> None:
    """``source``'s members copied to ``target`` (plain tar), some replaced, some added first."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for name, data in (extra or {}).items():
            add_bytes(new, name, data)
        for info in old:
            data = replaced.get(info.name)
            if data is None:
                data = old.extractfile(info).read()
            add_bytes(new, info.name, data)


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_archive(
    path: Path, members: dict[str, bytes], *, vendor: str, migrations: dict[str, list[str]] | None = None
) -> None:
    """A well-formed archive (every SHA-256 right) of ``members``."""
    (member,) = [n for n in members if n.startswith("database.")]
    manifest = {
        "format": "pramern-backup",
        "format_version": 1,
        "created": dt.datetime(2026, 12, 1, tzinfo=dt.UTC).isoformat(),
        "pramern_version": "9.9.9",
        "database": {"vendor": vendor, "member": member},
        "migrations": migrations or {"audit": ["0001_initial"]},
        "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in members.items()],
        "missing_objects": [],
    }
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            add_bytes(tar, name, data)
        add_bytes(tar, "manifest.json", json.dumps(manifest).encode())


# ---- --replace-existing-data: all of it or nothing


def test_a_damaged_database_copy_does_not_touch_the_data_it_would_replace(world, tmp_path):
    seed_one_file(world)
    before = table_rows(connection)
    member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    write_archive(
        tmp_path / "damaged.tar",
        {member: b"PGDMP and then nothing of a dump" if connection.vendor == "postgresql" else b"SQLite format 3\x00x"},
        vendor=connection.vendor,
    )
    with pytest.raises(
        CommandError, match=r"^Refused: the archive's database copy (cannot be read|is not a SQLite database)"
    ):
        call_command("restore", str(tmp_path / "damaged.tar"), replace_existing_data=True, stdout=io.StringIO())
    assert table_rows(connection) == before
    assert Evidence.objects.count() == 1


def test_replace_existing_data_restores_the_archive_over_a_database_in_use(world, tmp_path):
    seed_one_file(world)
    call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO())
    before = table_rows(connection)
    add_file_evidence(world.a, SimpleUploadedFile("later.pdf", b"%PDF-1.4\n% later\n"), user=world.alice)
    assert Evidence.objects.count() == 2
    call_command("restore", str(tmp_path / "a.tar"), replace_existing_data=True, stdout=io.StringIO())
    connection.close()
    assert Evidence.objects.count() == 1
    assert table_rows(connection) == before


def test_a_backup_with_files_missing_exits_1_unless_allowed(world, tmp_path):
    seed_one_file(world)
    storages["default"].delete(Evidence.objects.get().file.name)
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=str(tmp_path / "a.tar"), stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode == 1  # manage.py's exit status: the systemd unit records a failure
    assert (tmp_path / "a.tar").is_file()  # written all the same, its manifest naming what is missing
    out = io.StringIO()
    call_command("backup", "--allow-missing", output=str(tmp_path / "b.tar"), stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith(f"{tmp_path / 'b.tar'}: ")
