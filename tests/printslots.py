"""The host's PDF print slots in tests (pramern/reports/printing.py ``_host_slot``): this process as
a web process with slots of its own (the ``web_process`` fixture, imported by tests/conftest.py),
and a slot held by another process (``slot_taken``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@pytest.fixture
def web_process(monkeypatch, settings, tmp_path):
    """This process as a web process (pramern.wsgi), with slots of its own for the test; returns
    the slots' folder."""
    from pramern.reports import printing

    monkeypatch.setattr(printing, "_in_web_process", True)
    monkeypatch.setattr(printing.tempfile, "gettempdir", lambda: str(tmp_path))
    settings.PDF_WARM_BROWSER = True  # as configured for the worker: a web process still keeps none
    return tmp_path / f"pramern-pdf-slots-{os.getuid()}"


@contextmanager
def slot_taken(slots: Path, number: int = 0) -> Iterator[None]:
    """Print slot ``number`` of ``slots`` held by another process (as another web process printing
    holds it: an exclusive flock on the slot file) until the block ends."""
    slots.mkdir(mode=0o700, exist_ok=True)
    holder = (
        "import fcntl, sys; slot = open(sys.argv[1], 'w'); fcntl.flock(slot, fcntl.LOCK_EX); "
        "print('held', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder, str(slots / f"slot-{number}")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        try:
            assert process.stdout.readline().strip() == "held"
            yield
        finally:
            process.stdin.close()  # the holder reads to the end of its input, then exits: the lock is freed
            process.wait(timeout=10)
