"""What an uploaded file really is, from its content (never from its name)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str  # shown to users
    extension: str


PDF = FileType("application/pdf", "PDF", "pdf")
PNG = FileType("image/png", "PNG", "png")
JPEG = FileType("image/jpeg", "JPEG", "jpg")
GIF = FileType("image/gif", "GIF", "gif")
WEBP = FileType("image/webp", "WebP", "webp")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", "docx")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", "xlsx")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", "pptx")
OLE = FileType("application/vnd.ms-office", "Word/Excel/PowerPoint 97–2003", "bin")

#: Shown when a file is refused.
ACCEPTED_TH = "PDF, รูปภาพ (JPG, PNG, GIF, WebP) และเอกสาร Word, Excel, PowerPoint"

#: File-name endings the browser lets through before an upload starts (``static/pramern/evidence.js``);
#: the server decides from the content (``sniff``), whatever the name says.
ACCEPTED_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "doc", "xls", "ppt")

_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))


def sniff(stream: IO[bytes]) -> FileType | None:
    """The accepted type of ``stream``'s content, or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(stream)
    return None


def _office_zip(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)
