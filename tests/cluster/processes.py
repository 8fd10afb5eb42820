"""Hosts and processes of the cluster test: each host is a folder of its own holding a copy of
Pramern's code (where BASE_DIR points), an empty media folder, a home and a temporary folder;
each process runs in its host's code folder, in a process group of its own, logging to a file
beside it. ``Host.changes()`` says what a host gained on disk while it ran (a secret key made on
start-up, a SQLite queue, an evidence file on the local disk): for a web host, nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.objectstore import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
#: What a host needs of the repository to run Pramern: the code and the files it reads at run time.
CODE = ("manage.py", "pramern", "templates", "static", "locale", "frameworks-data", "examples", "deploy")
START_TIMEOUT = 60  # seconds for a process to answer (two gunicorns and a worker start at once on 2 cores)
STOP_TIMEOUT = 15  # seconds for a process group to end after SIGTERM before it is killed


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@dataclass
class Host:
    """One machine of the cluster, as far as Pramern can tell: its own code folder (BASE_DIR),
    media folder (PRAMERN_MEDIA_ROOT), HOME and TMPDIR, all under ``folder``."""

    folder: Path
    name: str
    files_at_start: set[str] = field(default_factory=set)

    @classmethod
    def make(cls, parent: Path, name: str, image: Host | None = None) -> Host:
        """A host with a copy of ``image``'s code folder (its collected static files included),
        or of the repository's code when there is no image yet."""
        host = cls(parent / name, name)
        for part in ("media", "home", "tmp"):
            (host.folder / part).mkdir(parents=True)
        if image is not None:
            shutil.copytree(image.app, host.app, symlinks=True)
        for part in () if image is not None else CODE:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, host.app / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.exists():
                host.app.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, host.app / part)
        host.files_at_start = _files(host.app)
        return host

    @property
    def app(self) -> Path:
        return self.folder / "app"

    @property
    def media(self) -> Path:
        return self.folder / "media"

    def environ(self) -> dict[str, str]:
        """What differs between hosts: the folders (the rest of the environment is the cluster's)."""
        return {
            "PRAMERN_MEDIA_ROOT": str(self.media),
            "PRAMERN_STATIC_ROOT": str(self.app / "var" / "static"),  # collectstatic's, part of the image
            "HOME": str(self.folder / "home"),
            "TMPDIR": str(self.folder / "tmp"),
            # No byte-code caches: the code folder stays exactly as copied, so any file in it is news.
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(self.app),
        }

    def changes(self, *, temporary: bool = True) -> list[str]:
        """Files the host gained: in its code folder (BASE_DIR), its media folder, and (when
        ``temporary``) its temporary folder and HOME. Empty for a host that keeps no state."""
        found = sorted(f"app/{name}" for name in _files(self.app) - self.files_at_start)
        found += sorted(f"media/{name}" for name in _files(self.media))
        if temporary:
            for part in ("tmp", "home"):
                found += sorted(f"{part}/{name}" for name in _files(self.folder / part))
        return found


@dataclass
class Process:
    """A command started in a host's code folder; its output goes to ``log``."""

    name: str
    host: Host
    command: list[str]
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:] if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        """SIGTERM to the process group (gunicorn's workers, the worker's Chromium), then SIGKILL."""
        if self.popen.poll() is None:
            _signal_group(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(self.popen.pid, signal.SIGKILL)
                self.popen.wait(STOP_TIMEOUT)
        # Children the leader left behind (a worker's Chromium) are ended with it.
        _signal_group(self.popen.pid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def start(name: str, host: Host, command: list[str], env: Mapping[str, str], port: int | None = None) -> Process:
    """``command`` (its first word a Python module or script run by this interpreter) started in
    ``host``'s code folder with ``env`` and the host's own folders, in a new process group."""
    log = host.folder / f"{name}.log"
    with open(log, "wb") as out:
        popen = subprocess.Popen(
            [sys.executable, *command],
            cwd=host.app,
            env={**env, **host.environ()},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(name, host, command, popen, log, port)


def run(host: Host, command: list[str], env: Mapping[str, str], timeout: float = 180) -> str:
    """Run ``command`` to its end in ``host``'s code folder; what it printed (an AssertionError
    with its output when it fails)."""
    finished = subprocess.run(
        [sys.executable, *command],
        cwd=host.app,
        env={**env, **host.environ()},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, f"{' '.join(command)} failed ({finished.returncode}):\n{output[-4000:]}"
    return finished.stdout


def gunicorn(name: str, host: Host, env: Mapping[str, str]) -> Process:
    """A production web server on a free loopback port: ``gunicorn -c deploy/gunicorn.conf.py
    pramern.wsgi`` with PRAMERN_BIND when the repository has that file, else the same by flags."""
    port = free_port()
    bind = f"127.0.0.1:{port}"
    if (host.app / "deploy" / "gunicorn.conf.py").exists():
        command = ["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "pramern.wsgi"]
    else:
        command = ["-m", "gunicorn", "--bind", bind, "--workers", "2", "--threads", "2", "--no-control-socket"]
        command += ["pramern.wsgi"]
    return start(name, host, command, {**env, "PRAMERN_BIND": bind}, port)


def wait_until_serving(process: Process) -> None:
    """Returns once ``process`` answers /healthz with 200 (or, before that page exists, /login/)."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if not process.alive():
            raise AssertionError(f"{process.name} exited with {process.popen.returncode}:\n{process.output()}")
        status = _status(f"{process.url}/healthz")
        if status == 404:  # a Pramern without the health page: its log-in page says it serves
            status = _status(f"{process.url}/login/")
        if status == 200:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{process.name} did not serve within {START_TIMEOUT} s:\n{process.output()}")
        time.sleep(0.2)


def wait_for_line(process: Process, text: str) -> None:
    """Returns once ``process`` has written ``text`` to its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while text not in process.output(tail=100_000):
        if not process.alive():
            raise AssertionError(f"{process.name} exited with {process.popen.returncode}:\n{process.output()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{process.name} did not say {text!r} within {START_TIMEOUT} s:\n{process.output()}")
        time.sleep(0.2)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None
