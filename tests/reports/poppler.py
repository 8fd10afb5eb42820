"""A PDF read the way people search and copy from it: through poppler's tools."""

from __future__ import annotations

import subprocess
from pathlib import Path


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, check=True, text=True, timeout=30).stdout


def text_of(pdf: bytes, tmp_path: Path) -> str:
    return poppler("pdftotext", pdf, tmp_path, "-layout", "-enc", "UTF-8")
