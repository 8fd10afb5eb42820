"""gunicorn's settings for Pramern's web processes (docs/operations.md):

    gunicorn -c deploy/gunicorn.conf.py pramern.wsgi

Everything that differs between machines comes from the environment:

- ``PRAMERN_BIND``: where to listen, ``host:port`` or ``unix:/path`` (comma-separated for
  several); default 127.0.0.1:8000 (the reverse proxy in front of it is the public side).
- ``PRAMERN_WEB_WORKERS``: processes; default one more than the cores (3 on a 2-core VM).
- ``PRAMERN_WEB_THREADS``: threads per process; default 4 (a request waiting on the database
  or the storage leaves the core to another).
- ``PRAMERN_WEB_TIMEOUT``: seconds a worker may stay silent before it is restarted; default 60
  (an interactive PDF may take that long on a loaded host: pramern/reports/printing.py).
- ``PRAMERN_WEB_PRELOAD``: load Pramern once before forking the workers, default true (they
  share its code pages: measured in docs/operations.md); false to reload code on HUP.
- ``PRAMERN_LOG_FORMAT=json``: gunicorn's own lines (access and errors) as JSON too.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before gunicorn applies `chdir` below: the settings helpers are imported now

from pramern.envsettings import env_bool  # noqa: E402 (needs ROOT on sys.path)


def _whole(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"{name} must be a whole number above 0, not {value!r}")
    return int(value)


wsgi_app = "pramern.wsgi:application"
chdir = str(ROOT)  # and on sys.path: runs from any directory
bind = [part.strip() for part in os.environ.get("PRAMERN_BIND", "127.0.0.1:8000").split(",") if part.strip()]
workers = _whole("PRAMERN_WEB_WORKERS", (os.cpu_count() or 1) + 1)
threads = _whole("PRAMERN_WEB_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _whole("PRAMERN_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5  # behind a proxy that keeps connections open
# A worker is replaced after about a thousand requests: memory a long-lived process gathers
# (fragmentation, caches) is given back; the jitter keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100
preload_app = env_bool("PRAMERN_WEB_PRELOAD", True)
# The workers' heartbeat files in memory: a slow or full disk never makes the arbiter kill them.
SHM = "/dev/shm"  # noqa: S108 - gunicorn makes each file with mkstemp and unlinks it at once
worker_tmp_dir = SHM if os.path.isdir(SHM) and os.access(SHM, os.W_OK) else None
# Requests and errors to stdout/stderr, for the service manager's journal or the container's log.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
proc_name = "pramern-web"
# gunicorn 27's control socket is one path per user (~/.gunicorn/gunicorn.ctl): two instances on
# one host (a cluster on loopback, a blue-green restart) would take it from each other. Signals
# (HUP to reload, TERM to stop, TTIN/TTOU for workers) do what Pramern needs.
control_socket_disable = True


class AccessRequestId(logging.Filter):
    """An access line's request id, from the response's X-Request-ID (pramern/operations)."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        sent = atoms.get("{x-request-id}o", "-")
        record.request_id = "" if sent == "-" else sent
        return True


if os.environ.get("PRAMERN_LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"access_request_id": {"()": AccessRequestId}},
        "formatters": {"json": {"()": "pramern.operations.requestid.JsonFormatter"}},
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["access_request_id"],
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def post_fork(server: object, worker: object) -> None:
    """A worker never uses a connection the arbiter opened while loading Pramern."""
    if preload_app:
        from django.db import connections

        connections.close_all()
