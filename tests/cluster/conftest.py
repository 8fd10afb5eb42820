"""The ``cluster`` fixture: Pramern as a ministry runs it, on loopback. Two gunicorn web hosts
and one huey worker host (``manage.py run_huey``), each with its own copy of the code, its own
empty media folder, HOME and TMPDIR (tests/cluster/processes.py), sharing only what a cluster
shares: a scratch PostgreSQL database, a Redis database number, a bucket of the test S3 server
(tests/objectstore.py) and one PRAMERN_SECRET_KEY. Every process and the scratch database are
gone when the test ends, whether it passed or not.

The cluster does not use the suite's test database: it makes its own on 127.0.0.1:5432 whichever
database the rest of the suite runs on. PostgreSQL, Redis and Chromium missing: the test skips on
a developer's machine and fails under CI (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.launch import CHROMIUM
from tests.cluster.processes import Host, Process, gunicorn, run, start, wait_for_line, wait_until_serving
from tests.objectstore import S3Server

POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
#: The key that marks a Redis database number as the cluster's for as long as the test runs.
REDIS_CLAIM = "pramern-cluster-test"
#: The seeded people's password (tests/cluster/seed.py).
PASSWORD = "pramern-cluster-password"


@dataclass
class Cluster:
    web_a: Process
    web_b: Process
    worker: Process
    s3: S3Server
    bucket: str
    assessment: int  # the seeded unit's assessment (tests/cluster/seed.py)
    password: str

    @property
    def processes(self) -> tuple[Process, ...]:
        return (self.web_a, self.web_b, self.worker)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def logs(self) -> str:
        """Every process's last lines, for a failure's message."""
        return "\n".join(f"--- {process.name}\n{process.output(2000)}" for process in self.processes)


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty PostgreSQL database of a name no other run uses; its URL. Dropped at the end
    (with any connection a killed process left open)."""
    import psycopg

    name = f"pramern_cluster_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        _unavailable(f"the cluster test needs PostgreSQL on 127.0.0.1:5432 (user postgres): {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def redis_database() -> Iterator[str]:
    """The URL of a Redis database number that was empty and is now the cluster's (marked by a
    claim key, so that two runs never pick the same one); emptied at the end."""
    import redis

    try:
        count = int(redis.Redis.from_url(REDIS, socket_timeout=5).config_get("databases")["databases"])
    except redis.RedisError as error:
        _unavailable(f"the cluster test needs Redis on 127.0.0.1:6379: {error}")
    token = uuid.uuid4().hex
    for number in range(count - 1, 0, -1):  # from the top: tests and development use the low numbers
        client = redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=5)
        if client.set(REDIS_CLAIM, token, nx=True, ex=3600):
            if client.dbsize() == 1:
                break
            client.delete(REDIS_CLAIM)  # someone else's data is there
    else:
        pytest.fail(f"no empty Redis database among the {count} for the cluster")
    try:
        yield f"{REDIS}/{number}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def cluster(s3_server: S3Server) -> Iterator[Cluster]:
    if s3_server.process is None:  # a test before stopped it (the bucket that is down) and failed
        s3_server.start()
    # The hosts' folders under a short path, not pytest's tmp_path: Chromium (the worker's PDF
    # printer) makes its socket under TMPDIR and stops when that path passes 107 bytes, which
    # pytest's deep temporary folders under CI did ("Socket path too long").
    tmp_path = Path(tempfile.mkdtemp(prefix="pramern-cluster-", dir="/tmp"))
    started: list[Process] = []
    with scratch_database() as database_url, redis_database() as redis_url:
        try:
            bucket = s3_server.create_bucket()
            keep = ("PRAMERN_", "DJANGO_", "DATABASE_URL", "PYTHON")
            env = {name: value for name, value in os.environ.items() if not name.startswith(keep)}
            env.update(
                DJANGO_SETTINGS_MODULE="pramern.settings",
                DATABASE_URL=database_url,
                PRAMERN_ENV="production",
                PRAMERN_SECRET_KEY=secrets.token_urlsafe(50),  # one key for every host: the point of the test
                PRAMERN_HTTPS="false",  # plain HTTP on loopback (no proxy in front)
                PRAMERN_ALLOWED_HOSTS="127.0.0.1",
                PRAMERN_REDIS_URL=redis_url,
                PRAMERN_CACHE_URL=redis_url,
                PRAMERN_WEB_WORKERS="2",
                PRAMERN_WEB_THREADS="2",
                PRAMERN_CHROMIUM=CHROMIUM,
                **s3_server.environ(bucket),
            )
            # The image every host runs: the code and its collected static files (a deployment's build step).
            image = Host.make(tmp_path, "image")
            run(image, ["manage.py", "collectstatic", "--no-input", "-v", "0"], env)
            web_a, web_b, work = (Host.make(tmp_path, name, image) for name in ("web-a", "web-b", "worker"))
            # Installing is a step of the deployment, from a web host as an operator would run it.
            run(web_a, ["manage.py", "migrate", "--no-input", "-v", "0"], env)
            run(web_a, ["manage.py", "load_framework", "--replace"], env)
            seeded = run(web_a, [str(Path(__file__).parent / "seed.py"), PASSWORD], env)
            started.append(gunicorn("web-a", web_a, env))
            started.append(gunicorn("web-b", web_b, env))
            started.append(start("worker", work, ["manage.py", "run_huey"], env))
            wait_until_serving(started[0])
            wait_until_serving(started[1])
            wait_for_line(started[2], "Huey consumer started")
            yield Cluster(*started, s3=s3_server, bucket=bucket, assessment=int(seeded.split()[-1]), password=PASSWORD)
        finally:
            for process in started:
                process.stop()
            shutil.rmtree(tmp_path, ignore_errors=True)
