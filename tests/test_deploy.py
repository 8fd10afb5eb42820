"""deploy/ and docs/deploy.md say only what Pramern does: every variable they name is one Pramern
reads (and deploy/env.example lists every one it reads), every command they run exists, the
compose file has the services docs/deploy.md describes, with secrets as files, and nginx refuses
the bodies Pramern would refuse. The images cannot run here (no registry); what they start is
tested on loopback elsewhere (issue 13, items 2-6)."""

from __future__ import annotations

import ast
import http.server
import re
import shutil
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from pramern.accounts.ldapconfig import ROLE_KINDS
from tests.conftest import ROOT
from tests.test_settings import settings_at_start

DEPLOY = ROOT / "deploy"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
#: The modules that read Pramern's environment (settings.py and its helpers, gunicorn's config).
READERS = [
    ROOT / "pramern" / "settings.py",
    ROOT / "pramern" / "envsettings.py",
    ROOT / "pramern" / "accounts" / "ldapconfig.py",
    DEPLOY / "gunicorn.conf.py",
]
#: Issue 13's shared contract: the variables gunicorn's config, the cache and the secret key read.
CONTRACT_VARIABLES = {
    "PRAMERN_BIND",
    "PRAMERN_WEB_WORKERS",
    "PRAMERN_WEB_THREADS",
    "PRAMERN_WEB_TIMEOUT",
    "PRAMERN_CACHE_URL",
    "PRAMERN_SECRET_KEY_FILE",
}


def variables_read() -> set[str]:
    """Every PRAMERN_ variable the readers ask the environment for: each name passed to a function
    (os.environ.get, envint, env_secret ...), NAME_FILE beside each env_secret(NAME), and the
    directory's role groups (the one name made at run time)."""
    names: set[str] = set()
    for path in filter(Path.exists, READERS):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for argument in node.args:
                if isinstance(argument, ast.Constant) and re.fullmatch(r"PRAMERN_[A-Z0-9_]+", str(argument.value)):
                    names.add(argument.value)
                    if function == "env_secret":
                        names.add(f"{argument.value}_FILE")
                elif isinstance(argument, ast.JoinedStr) and re.fullmatch(
                    r"f'PRAMERN_[A-Z0-9_]*\{[^}]+\}[A-Z0-9_]*'", ast.unparse(argument)
                ):
                    # The one name made at run time: f"PRAMERN_LDAP_{kind.upper()}_GROUP".
                    assert ast.unparse(argument) == "f'PRAMERN_LDAP_{kind.upper()}_GROUP'", ast.unparse(argument)
                    names.update(f"PRAMERN_LDAP_{kind.upper()}_GROUP" for kind in ROLE_KINDS)
    return names


def deploy_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file() and "secrets" not in p.parts)


def variables_named(paths: list[Path]) -> dict[str, list[str]]:
    """Each PRAMERN_ name in ``paths`` (not a wildcard like PRAMERN_LDAP_*), with where."""
    named: dict[str, list[str]] = {}
    for path in paths:
        for name in re.findall(r"PRAMERN_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])", path.read_text(encoding="utf-8")):
            named.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return named


def test_every_variable_deploy_names_is_one_pramern_reads():
    read = variables_read()
    assert {"PRAMERN_EVIDENCE_MAX_MB", "PRAMERN_S3_SECRET_ACCESS_KEY_FILE", "PRAMERN_LDAP_EVALUATOR_GROUP"} <= read
    named = variables_named([*deploy_files(), DEPLOY_DOC])
    unread = {name: where for name, where in named.items() if name not in read}
    assert unread == {}


def test_the_contracts_variables_are_read():
    assert CONTRACT_VARIABLES - variables_read() == set()


def test_env_example_lists_every_variable_pramern_reads():
    listed = set(re.findall(r"^#?(PRAMERN_[A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), flags=re.MULTILINE))
    secret_files = {name for name in variables_read() if name.endswith("_FILE")}
    # A secret's _FILE form is said once for all at the top; the three production secrets are listed.
    assert variables_read() - secret_files - listed == set()
    assert {"PRAMERN_SECRET_KEY_FILE", "PRAMERN_DATABASE_PASSWORD_FILE", "PRAMERN_S3_SECRET_ACCESS_KEY_FILE"} <= listed


def test_the_database_password_may_come_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "db_password"
    secret.write_text("pass word:/@\n")  # a URL could not carry these unescaped
    url = "postgres://pramern@db.example.go.th:5432/pramern"
    key = {"PRAMERN_SECRET_KEY": "k" * 50}  # a database server without debugging is a deployment
    from_file = settings_at_start(
        monkeypatch, {"DATABASE_URL": url, "PRAMERN_DATABASE_PASSWORD_FILE": str(secret), **key}
    )
    assert from_file.DATABASES["default"]["PASSWORD"] == "pass word:/@"
    assert from_file.DATABASES["default"]["USER"] == "pramern"
    in_url = settings_at_start(
        monkeypatch, {"DATABASE_URL": "postgres://pramern:in-url@db.example.go.th/pramern", **key}
    )
    assert in_url.DATABASES["default"]["PASSWORD"] == "in-url"


# ---- compose.yaml


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_two_web_services_a_worker_and_the_engines(compose):
    services = compose["services"]
    assert set(services) == {
        "migrate",
        "web1",
        "web2",
        "worker",
        "proxy",
        "postgres",
        "redis",
        "cache",
        "minio",
        "bucket",
    }
    # the queue never drops a job; the cache drops its least used entries when full
    assert services["redis"]["command"][-2:] == ["--maxmemory-policy", "noeviction"]
    assert services["cache"]["command"][-2:] == ["--maxmemory-policy", "allkeys-lru"]
    for service in ("web1", "worker"):
        environment = services[service]["environment"]
        assert environment["PRAMERN_CACHE_URL"].startswith("redis://cache:")
        assert environment["PRAMERN_REDIS_URL"].startswith("redis://redis:")
    for web in ("web1", "web2"):
        assert services[web]["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "pramern.wsgi"]
        assert services[web]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[web]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py", "/readyz"]
        assert services[web]["image"] == services["worker"]["image"] == "pramern:latest"
    assert services["worker"]["command"] == ["python", "manage.py", "run_huey"]
    assert services["migrate"]["restart"] == "no" and "migrate --noinput" in services["migrate"]["command"][-1]
    assert services["proxy"]["depends_on"] == {
        "web1": {"condition": "service_healthy"},
        "web2": {"condition": "service_healthy"},
    }
    assert "/healthz" in services["proxy"]["healthcheck"]["test"][-1]
    assert int(services["postgres"]["image"].split(":")[1].split("-")[0]) >= 15
    assert services["redis"]["image"].startswith("redis:")
    assert services["minio"]["image"].startswith("minio/minio")
    assert "ports" not in services["minio"]  # only Pramern reaches the bucket
    assert "mc anonymous set none local/pramern" in services["bucket"]["command"][0]


def test_pramern_services_share_one_environment_on_redis_and_the_bucket(compose):
    for name in ("migrate", "web1", "web2", "worker"):
        environment = compose["services"][name]["environment"]
        assert environment["PRAMERN_ENV"] == "production"
        assert environment["PRAMERN_REDIS_URL"].startswith("redis://redis:6379/")
        assert environment["PRAMERN_S3_BUCKET"] == "pramern"
        assert environment["DATABASE_URL"] == "postgres://pramern@postgres:5432/pramern"  # no password in it


#: Secrets that would be values in the environment, where `docker inspect` shows them.
SECRET_VALUES = {"PRAMERN_SECRET_KEY", "PRAMERN_S3_SECRET_ACCESS_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"}


def test_compose_secrets_are_files_never_values(compose):
    declared = compose["secrets"]
    assert all(set(secret) == {"file"} and secret["file"].startswith("./secrets/") for secret in declared.values())
    for name, service in compose["services"].items():
        environment = service.get("environment", {})
        assert not SECRET_VALUES & set(environment), name
        for variable, value in environment.items():
            if variable.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")  # MinIO's image takes the bare name
                assert secret in service["secrets"] and secret in declared, (name, variable)
    pramern = compose["services"]["web1"]["environment"]
    assert pramern["PRAMERN_SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert pramern["PRAMERN_DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert pramern["PRAMERN_S3_SECRET_ACCESS_KEY_FILE"] == "/run/secrets/s3_secret_key"
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"


def test_the_dockerfile_builds_what_the_services_run():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.count("FROM python:3.11-slim") == 2
    assert "libldap2-dev libsasl2-dev" in dockerfile and "chromium" in dockerfile and "libthai0" in dockerfile
    assert "USER pramern" in dockerfile
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "pramern.wsgi"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", "deploy/secrets"} <= set(ignored)


# ---- nginx


def test_nginx_refuses_bodies_over_pramerns_limit_first(monkeypatch):
    limit = settings_at_start(monkeypatch, {}).EVIDENCE_MAX_MB
    assert limit == 100
    assert not re.search(r"^PRAMERN_EVIDENCE_MAX_MB=", (DEPLOY / "env.example").read_text(), flags=re.MULTILINE)
    for conf in ("pramern.conf", "compose.conf.template"):
        text = (DEPLOY / "nginx" / conf).read_text()
        assert re.findall(r"client_max_body_size (\d+)m;", text) == [str(limit + 1)], conf


@pytest.mark.parametrize("conf", ["pramern.conf", "compose.conf.template"])
def test_nginx_passes_the_scheme_and_a_request_id_and_redirects_to_https(conf):
    text = (DEPLOY / "nginx" / conf).read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert text.count("proxy_set_header X-Request-ID $pramern_request_id;") >= 2  # the site and the probes
    assert "return 301 https://$host$request_uri;" in text
    assert "location ~ ^/(healthz|readyz)$" in text
    assert re.search(r"listen 443 ssl", text)


def test_compose_nginx_balances_both_web_services():
    upstream = (DEPLOY / "nginx" / "compose.conf.template").read_text().split("upstream pramern {")[1].split("}")[0]
    assert re.findall(r"server (\S+) ", upstream) == ["web1:8000", "web2:8000"]


# ---- systemd


def unit(name: str) -> dict[str, list[str]]:
    """A unit file's keys (``Section.Key``), each with its values in order."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(f"{section}.{key}", []).append(value)
    return values


def timers() -> list[str]:
    return sorted(p.name for p in (DEPLOY / "systemd").glob("*.timer"))


def test_systemd_runs_gunicorn_and_the_worker_as_the_contract_says():
    web, worker = unit("pramern-web.service"), unit("pramern-worker.service")
    assert web["Service.ExecStart"] == ["/opt/pramern/.venv/bin/gunicorn -c deploy/gunicorn.conf.py pramern.wsgi"]
    assert worker["Service.ExecStart"] == ["/opt/pramern/.venv/bin/python manage.py run_huey"]
    backup = unit("pramern-backup.service")
    assert backup["Service.ExecStart"] == ["/opt/pramern/.venv/bin/python manage.py backup --output ${BACKUP_OUTPUT}"]
    assert "BACKUP_OUTPUT=/var/backups/pramern" in (DEPLOY / "systemd" / "pramern.env.example").read_text()
    assert "/var/backups/pramern" in backup["Service.ReadWritePaths"][0]


@pytest.mark.parametrize(
    "name", ["pramern-web.service", "pramern-worker.service", "pramern-manage@.service", "pramern-backup.service"]
)
def test_every_service_runs_hardened_as_its_own_user(name):
    service = unit(name)
    assert service["Service.User"] == ["pramern"]
    assert service["Service.EnvironmentFile"] == ["/etc/pramern/pramern.env"]
    assert service["Service.WorkingDirectory"] == ["/opt/pramern"]
    for key, value in [("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"), ("ProtectSystem", "strict")]:
        assert service[f"Service.{key}"] == [value], key
    assert "/var/lib/pramern" in service["Service.ReadWritePaths"][0].split()
    assert service["Service.CapabilityBoundingSet"] == [""]


def test_the_timers_run_the_scheduled_jobs():
    scheduled = {name: (unit(name)["Timer.OnCalendar"], unit(name)["Timer.Unit"]) for name in timers()}
    assert scheduled["pramern-delete-expired-reports.timer"] == (
        ["hourly"],
        ["pramern-manage@delete_expired_reports.service"],
    )
    assert scheduled["pramern-backup.timer"] == (["*-*-* 02:00:00 Asia/Bangkok"], ["pramern-backup.service"])
    for _, (_, [target]) in scheduled.items():
        template = re.sub(r"@[^.]+\.", "@.", target)
        assert (DEPLOY / "systemd" / template).is_file(), target


def commands_named() -> dict[str, list[str]]:
    """Each management command deploy/ and docs/deploy.md run (manage.py CMD, pramern-manage CMD,
    and the instances of pramern-manage@.service the timers start), with where."""
    named: dict[str, list[str]] = {}
    for path in [*deploy_files(), DEPLOY_DOC]:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"(?:manage\.py|pramern-manage)\"?,? +\"?([a-z_]+)\b(?![.\w-])", text)
        found += re.findall(r"pramern-manage@([a-z_]+)", text)
        for command in found:
            named.setdefault(command, []).append(str(path.relative_to(ROOT)))
    return named


def test_every_command_deploy_runs_exists():
    named = commands_named()
    assert {"migrate", "load_framework", "run_huey", "delete_expired_reports", "backup", "restore"} <= set(named)
    missing = {command: where for command, where in named.items() if command not in get_commands()}
    assert missing == {}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (systemd)")
def test_systemd_analyze_finds_nothing_wrong_with_the_units(tmp_path):
    """``systemd-analyze verify`` in a throw-away root holding the system's own units, the units and
    stand-ins for the virtualenv's programs (it checks that each ExecStart can be run)."""
    (tmp_path / "usr" / "lib" / "systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", tmp_path / "usr" / "lib" / "systemd" / "system", symlinks=True)
    (tmp_path / "bin").mkdir()
    shutil.copy("/bin/kill", tmp_path / "bin" / "kill")
    venv = tmp_path / "opt" / "pramern" / ".venv" / "bin"
    venv.mkdir(parents=True)
    for program in ("gunicorn", "python"):
        (venv / program).write_text("#!/bin/sh\n")
        (venv / program).chmod(0o755)
    units = tmp_path / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    for path in (DEPLOY / "systemd").glob("*.*"):
        if path.suffix in (".service", ".timer"):
            shutil.copy(path, units)
    names = ["pramern-web.service", "pramern-worker.service", "pramern-backup.service"]
    names += ["pramern-manage@delete_expired_reports.service", *timers()]
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={tmp_path}", *names],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("systemd-tmpfiles") is None, reason="needs systemd-sysusers and systemd-tmpfiles")
def test_sysusers_and_tmpfiles_make_the_user_and_the_folders_the_units_write(tmp_path):
    (tmp_path / "etc" / "sysusers.d").mkdir(parents=True)
    (tmp_path / "etc" / "tmpfiles.d").mkdir()
    (tmp_path / "opt" / "pramern").mkdir(parents=True)
    for name in ("passwd", "group"):
        shutil.copy(f"/etc/{name}", tmp_path / "etc" / name)
    shutil.copy(DEPLOY / "systemd" / "pramern.sysusers", tmp_path / "etc" / "sysusers.d" / "pramern.conf")
    shutil.copy(DEPLOY / "systemd" / "pramern.tmpfiles", tmp_path / "etc" / "tmpfiles.d" / "pramern.conf")
    for tool in ("systemd-sysusers", "systemd-tmpfiles --create"):
        subprocess.run(
            [*tool.split(), f"--root={tmp_path}", "pramern.conf"], check=True, capture_output=True, timeout=60
        )
    [user] = [
        line.split(":")
        for line in (tmp_path / "etc" / "passwd").read_text().splitlines()
        if line.startswith("pramern:")
    ]
    assert (user[5], user[6]) == ("/var/lib/pramern", "/usr/sbin/nologin")
    uid = int(user[2])
    for folder in ("/var/lib/pramern", "/opt/pramern/var", "/var/backups/pramern"):
        made = (tmp_path / folder.lstrip("/")).stat()
        assert (made.st_uid, made.st_mode & 0o777) == (uid, 0o750), folder
        assert any(folder in paths for paths in unit("pramern-backup.service")["Service.ReadWritePaths"])
    secrets = (tmp_path / "etc" / "pramern" / "secrets").stat()
    assert (secrets.st_uid, secrets.st_gid, secrets.st_mode & 0o777) == (0, uid, 0o750)


# ---- deploy/healthcheck.py


class Probe(http.server.BaseHTTPRequestHandler):
    """/healthz answers 200, anything else 503; keeps each request's headers."""

    seen: list[dict[str, str]] = []

    def do_GET(self):
        Probe.seen.append({"path": self.path, **dict(self.headers)})
        status = 200 if self.path == "/healthz" else 503
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"database: unreachable")

    def log_message(self, *args):
        pass


def healthcheck(path: str, bind: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), path],
        env={"PRAMERN_BIND": bind, "PRAMERN_ALLOWED_HOSTS": ".pramern.example.go.th,127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def serving(server: socketserver.BaseServer):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def test_the_healthcheck_asks_as_the_proxy_does_and_fails_on_503():
    Probe.seen.clear()
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Probe) as server:
        serving(server)
        port = server.server_address[1]
        alive = healthcheck("/healthz", f"0.0.0.0:{port}")
        ready = healthcheck("/readyz", f"127.0.0.1:{port}")
        server.shutdown()
    assert (alive.returncode, alive.stderr) == (0, "")
    assert (ready.returncode, ready.stderr) == (1, "/readyz: 503 database: unreachable\n")
    assert [(r["path"], r["Host"], r["X-Forwarded-Proto"]) for r in Probe.seen] == [
        ("/healthz", "pramern.example.go.th", "https"),
        ("/readyz", "pramern.example.go.th", "https"),
    ]


def test_the_healthcheck_asks_through_a_unix_socket_and_fails_when_nothing_listens(tmp_path):
    Probe.seen.clear()
    socket_path = tmp_path / "gunicorn.sock"
    with socketserver.ThreadingUnixStreamServer(str(socket_path), Probe) as server:
        serving(server)
        alive = healthcheck("/healthz", f"unix:{socket_path}")
        server.shutdown()
    assert alive.returncode == 0 and [r["path"] for r in Probe.seen] == ["/healthz"]
    socket_path.unlink()
    down = healthcheck("/healthz", f"unix:{socket_path}")
    assert down.returncode == 1 and down.stderr.startswith("/healthz: [Errno 2]")


def test_nginx_keeps_readyz_to_the_private_network_on_every_server():
    text = (DEPLOY / "nginx" / "pramern.conf").read_text()
    servers = text.split("server {")[1:]
    assert len(servers) == 2
    for server in servers:
        (location,) = re.findall(r"location (?:~ \^/\(healthz\|readyz\)\$|= /readyz) \{([^}]*)\}", server)
        assert "allow 10.0.0.0/8;" in location
        assert location.strip().splitlines()[4].strip() == "deny all;"
