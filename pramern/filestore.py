"""Evidence and report files through Django's storage API, on the local disk or in an
S3-compatible bucket (settings.py, PRAMERN_S3_*): a storage that does not answer becomes one
translated error (``StorageUnavailable``), a stored file is read as a stream of chunks (never
whole in memory), and a file that could not be deleted is logged and audited, never lost."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pramern.audit.models import AuditEntry
from pramern.audit.services import log_action
from pramern.errors import UserError

logger = logging.getLogger(__name__)

#: What a download hands to the browser at a time (Django's FileResponse default is 4 KiB).
CHUNK_SIZE = 64 * 1024


class StorageUnavailable(UserError):
    """The file storage (a bucket that is down, a disk that refuses) did not answer: nothing was
    stored, read or deleted by the step that raised it."""


def _failures() -> tuple[type[BaseException], ...]:
    """What a storage raises when it does not answer: OSError (the disk) and, with object
    storage, boto's errors (a connection refused, a timeout, the bucket's refusal)."""
    try:
        # start-up time: boto is loaded only where object storage is configured or tested
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - django-storages[s3] is in requirements/base.txt
        return (OSError,)
    return (OSError, BotoCoreError, ClientError, Boto3Error)


def _is_missing(exc: BaseException) -> bool:
    """A file that is not in storage (the disk's FileNotFoundError, the bucket's 404)."""
    if isinstance(exc, FileNotFoundError):
        return True
    response = getattr(exc, "response", None)
    code = str((response or {}).get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    return code in {"404", "NoSuchKey", "NotFound"}


@contextmanager
def storage_answers(message: str) -> Iterator[None]:
    """Inside the block, a storage that does not answer raises ``StorageUnavailable(message)``
    (the cause logged); a file that is not there stays ``FileNotFoundError``."""
    try:
        yield
    except _failures() as exc:
        if _is_missing(exc):
            raise FileNotFoundError(str(exc)) from exc
        logger.error("File storage did not answer: %s", exc)
        raise StorageUnavailable(message) from exc


def store_unavailable_message() -> str:
    return _("The file could not be stored: the file storage is not answering. Nothing was saved; try again later.")


def read_unavailable_message() -> str:
    return _("The file cannot be opened now: the file storage is not answering. Try again later.")


class _StreamedObject:
    """An object's body read from the bucket as the response is sent: ``read(n)`` and ``close()``,
    all a FileResponse needs; ``size`` from the object's Content-Length."""

    def __init__(self, body: Any, size: int) -> None:
        self.body, self.size, self.closed = body, size, False

    def read(self, size: int = -1) -> bytes:
        return bytes(self.body.read(None if size is None or size < 0 else size))

    def close(self) -> None:
        self.body.close()
        self.closed = True

    def seekable(self) -> bool:  # storage.save() of it copies it in order, in parts
        return False


def open_in_storage(storage: Storage, name: str) -> IO[bytes]:
    """``name`` in ``storage`` opened for reading in chunks, with its ``size``: from a bucket, the
    object's body as a stream (boto's ``get_object``; django-storages' own S3File would first copy
    it whole into a temporary file); from the disk, the file itself. ``FileNotFoundError`` when
    the file is not there (the disk's, the bucket's 404); a storage that does not answer raises
    its own error (``open_stored`` translates it for people; the backup reports it as it is)."""
    try:
        opened = storage.open(name, "rb")
        obj = getattr(opened, "obj", None)  # django-storages' S3File: its boto3 Object (HEAD done)
        if obj is None:
            return opened
        got = obj.get()
    except _failures() as exc:
        if _is_missing(exc):
            raise FileNotFoundError(name) from exc
        raise
    return _StreamedObject(got["Body"], int(got["ContentLength"]))  # type: ignore[return-value]


def open_stored(file: FieldFile) -> IO[bytes]:
    """``file`` opened for reading in chunks (``open_in_storage``). ``StorageUnavailable`` when
    the storage does not answer, ``FileNotFoundError`` when the file is not there."""
    with storage_answers(read_unavailable_message()):
        return open_in_storage(file.storage, file.name)


def stored_chunks(file: FieldFile, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The bytes of ``file`` in chunks of at most ``chunk_size`` (``open_stored``)."""
    source = open_stored(file)
    try:
        while chunk := source.read(chunk_size):
            yield chunk
    finally:
        source.close()


@dataclass
class Deletion:
    """What ``delete_files`` did: the names deleted and those left in storage (each logged and
    audited as ``pramern.storage.delete_failed``, to delete again)."""

    deleted: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def delete_files(
    files: Iterable[tuple[Storage, str]], *, about: models.Model, actor: Any = None, reason: str
) -> Deletion:
    """Delete each (storage, name); a storage that does not answer leaves the file (a missing
    one counts as deleted). The names left are logged as errors and audited once, on ``about``
    (the evidence, the purge, the report), so that nobody has to guess what is still stored."""
    done = Deletion()
    for storage, name in files:
        if not name:
            continue
        try:
            storage.delete(name)
        except _failures() as exc:
            if _is_missing(exc):
                done.deleted.append(name)
                continue
            logger.error("Could not delete %s from file storage (%s): %s", name, reason, exc)
            done.left.append(name)
        else:
            done.deleted.append(name)
    if done.left:
        log_action(
            "pramern.storage.delete_failed",
            about,
            actor=actor,
            data={"files": done.left, "reason": reason},
        )
    return done


def delete_files_after_commit(
    files: Iterable[tuple[Storage, str]], *, about: models.Model, actor: Any = None, reason: str
) -> Deletion:
    """``delete_files`` once the current change is committed (a change that fails keeps its
    files). The returned ``Deletion`` is filled in then: read it after the transaction."""
    pending = [(storage, name) for storage, name in files if name]
    result = Deletion()

    def delete() -> None:
        done = delete_files(pending, about=about, actor=actor, reason=reason)
        result.deleted, result.left = done.deleted, done.left

    if pending:
        transaction.on_commit(delete)
    return result


def stored_file_response(
    stored: IO[bytes], *, as_attachment: bool, filename: str, content_type: str | None = None
) -> FileResponse:
    """A FileResponse over ``open_stored``'s file, sent in ``CHUNK_SIZE`` chunks, with its
    Content-Length also when the file is a bucket's stream (which cannot seek)."""
    response = FileResponse(stored, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response.block_size = CHUNK_SIZE
    if isinstance(stored, _StreamedObject):
        response["Content-Length"] = str(stored.size)
    return response


def storage_unavailable_page(request: HttpRequest, error: StorageUnavailable) -> HttpResponse:
    """The 503 page of a download while the storage does not answer (no trace, a retry later)."""
    response = render(request, "storage_unavailable.html", {"message": error.message}, status=503)
    response["Retry-After"] = "60"
    return response


def files_left_in_storage(about: models.Model) -> list[str]:
    """The names ``delete_files`` could not delete for ``about`` (from its audit entries)."""
    entries = AuditEntry.objects.for_object(about).filter(action="pramern.storage.delete_failed")
    return [name for entry in entries for name in entry.data.get("files", [])]
