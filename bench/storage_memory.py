"""Memory of a web process while a large evidence file goes up to and comes down from an
S3-compatible bucket.

    .venv/bin/python bench/storage_memory.py [--mb 100]

Starts moto's S3 server on loopback (tests/objectstore.py), migrates a scratch SQLite database
with one unit and its officer, and starts gunicorn (one worker, one thread) with PRAMERN_S3_*
pointing at a fresh private bucket. After a small upload and download (so that boto and the
views are loaded), it uploads a ``--mb`` MB PDF through the record's evidence form (the body
streamed from a file on disk) and downloads it again, sampling the worker's resident memory
every 20 ms. Prints the worker's RSS before and its peak growth during each transfer.
Target (issue 13): a 100 MB upload grows the web process by less than 50 MB.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BOUNDARY = "----pramernbench"
CSRF = "b" * 32
MB = 1024 * 1024


def multipart_file(size: int) -> tuple[Path, int]:
    """A multipart body on disk holding one PDF of ``size`` bytes in the field ``file``."""
    path = Path(tempfile.mkstemp(prefix="pramern-upload-")[1])
    with path.open("wb") as out:
        out.write(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n'
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
        )
        out.write(b"%PDF-1.7\n")
        chunk, written = os.urandom(MB), 9
        while written < size:
            part = chunk[: min(MB, size - written)]
            out.write(part)
            written += len(part)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path, path.stat().st_size


class Peak:
    """The highest RSS of ``process`` seen while running (sampled every 20 ms)."""

    def __init__(self, process: psutil.Process) -> None:
        self.process, self.peak, self.running = process, process.memory_info().rss, True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def request(
    port: int, method: str, path: str, cookie: str, body: Path | None = None, length: int = 0
) -> tuple[int, int]:
    """(status, bytes of the response body read and thrown away)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Cookie": f"{cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF, "HX-Request": "true"}
    if body is not None:
        headers |= {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Content-Length": str(length)}
        with body.open("rb") as stream:
            connection.request(method, path, body=stream, headers=headers)
    else:
        connection.request(method, path, headers=headers)
    response = connection.getresponse()
    received = 0
    while chunk := response.read(MB):
        received += len(chunk)
    connection.close()
    return response.status, received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()

    from tests.objectstore import S3Server, free_port

    server = S3Server()
    server.start()
    gunicorn = None
    try:
        bucket = server.create_bucket(f"pramern-bench-{uuid.uuid4().hex[:8]}")
        os.environ.update(server.environ(bucket))
        os.environ["PRAMERN_EVIDENCE_MAX_MB"] = str(args.mb + 10)
        from seeding import setup_django

        scratch = setup_django()
        from django.test import Client

        from tests.factories import World, record

        world = World()
        rec = record(world.a, "1.2.2", "followups", "2024-03-15")
        client = Client()
        client.force_login(world.alice)
        cookie = f"sessionid={client.cookies['sessionid'].value}"

        port = free_port()
        env = {**os.environ, "PRAMERN_MEDIA_ROOT": f"{scratch}/media"}
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "pramern.wsgi:application",
                "-w",
                "1",
                "--threads",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/healthz", cookie)[0] in (200, 404):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        [worker] = psutil.Process(gunicorn.pid).children()
        upload_url = f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/"
        from pramern.assessments.models import Evidence

        small, small_length = multipart_file(MB)
        status, _ = request(port, "POST", upload_url, cookie, small, small_length)
        assert status == 200, status
        warm = Evidence.objects.order_by("-pk").first()
        assert request(port, "GET", f"/evidence/{warm.pk}/", cookie)[0] == 200

        big, length = multipart_file(args.mb * MB)
        before = worker.memory_info().rss
        peak = Peak(worker)
        began = time.perf_counter()
        status, _ = request(port, "POST", upload_url, cookie, big, length)
        up_seconds = time.perf_counter() - began
        up_peak = peak.stop()
        assert status == 200, status
        evidence = Evidence.objects.order_by("-pk").first()
        assert evidence.size == args.mb * MB, evidence.size
        assert server.keys(bucket).count(evidence.file.name) == 1

        after_upload = worker.memory_info().rss
        peak = Peak(worker)
        began = time.perf_counter()
        status, received = request(port, "GET", f"/evidence/{evidence.pk}/", cookie)
        down_seconds = time.perf_counter() - began
        down_peak = peak.stop()
        assert (status, received) == (200, args.mb * MB), (status, received)

        print(f"worker RSS before: {before / MB:.1f} MB")
        print(f"upload {args.mb} MB: {up_seconds:.1f} s, peak growth {(up_peak - before) / MB:.1f} MB")
        print(f"download {args.mb} MB: {down_seconds:.1f} s, peak growth {(down_peak - after_upload) / MB:.1f} MB")
        big.unlink()
        small.unlink()
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
