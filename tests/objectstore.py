"""A real S3-compatible server on loopback for the object-storage tests: moto's standalone server
(``python -m moto.server``, from PyPI) in its own process on a free port, one per pytest-xdist
worker. ``s3_storage`` points Django's default storage at a fresh private bucket of it, exactly
as PRAMERN_S3_* would in production (pramern/envsettings.s3_storage_options)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

ACCESS_KEY = "pramern-test"
SECRET_KEY = "pramern-test-secret"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    """One moto server process; ``stop()`` and ``start()`` take it down and back (a bucket that is
    down), keeping its port. Its buckets live in the process: a restart empties them."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's S3 server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto's S3 server did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def environ(self, bucket: str) -> dict[str, str]:
        """The PRAMERN_S3_* variables that point Pramern at ``bucket`` of this server."""
        return {
            "PRAMERN_S3_BUCKET": bucket,
            "PRAMERN_S3_ENDPOINT_URL": self.endpoint,
            "PRAMERN_S3_REGION": REGION,
            "PRAMERN_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "PRAMERN_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "PRAMERN_S3_TIMEOUT": "2",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"pramern-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server: S3Server, settings) -> Iterator[tuple[S3Server, str]]:
    """Django's default storage is a fresh, private bucket of the test S3 server (the test's
    MEDIA_ROOT is not used). Yields the server and the bucket's name."""
    from pramern.envsettings import s3_storage_options

    if s3_server.process is None:  # a test stopped it (the bucket that is down) and failed
        s3_server.start()
    bucket = s3_server.create_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(s3_server.environ(bucket)),
        },
    }
    yield s3_server, bucket
