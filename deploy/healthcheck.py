"""A container's health check (deploy/compose.yaml): ``python deploy/healthcheck.py /readyz`` asks
the gunicorn of this container and exits 0 when it answers 200, 1 otherwise (with the reason).

It asks the address in PRAMERN_BIND (as deploy/gunicorn.conf.py binds it; 0.0.0.0 is asked on
127.0.0.1; ``unix:PATH`` through the socket) with the site's own host name (the first of
PRAMERN_ALLOWED_HOSTS) and ``X-Forwarded-Proto: https``, as the reverse proxy does, so Django's host
check and HTTPS redirect answer as for a real request. Standard library only: the image has no curl.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys

TIMEOUT_SECONDS = 5


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT_SECONDS)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT_SECONDS)
        self.sock.connect(self.socket_path)


def connection(bind: str) -> http.client.HTTPConnection:
    """A connection to the first address of PRAMERN_BIND (host:port or unix:PATH)."""
    bind = bind.split(",")[0].strip()
    if bind.startswith("unix:"):
        return UnixHTTPConnection(bind.removeprefix("unix:"))
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (asking, not binding)
        host = "127.0.0.1"
    return http.client.HTTPConnection(host, int(port), timeout=TIMEOUT_SECONDS)


def site_host(allowed_hosts: str) -> str:
    """The first name in PRAMERN_ALLOWED_HOSTS that is a host name (not ``*``), else localhost."""
    for name in allowed_hosts.split(","):
        name = name.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz"
    conn = connection(os.environ.get("PRAMERN_BIND", "127.0.0.1:8000"))
    headers = {"Host": site_host(os.environ.get("PRAMERN_ALLOWED_HOSTS", "")), "X-Forwarded-Proto": "https"}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read(500).decode("utf-8", "replace")
    except OSError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if response.status != 200:
        print(f"{path}: {response.status} {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
