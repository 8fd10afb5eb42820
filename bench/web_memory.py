"""Memory of each web process: gunicorn with deploy/gunicorn.conf.py on a free loopback port, the
demo on a scratch SQLite database, people logged in opening pages (and one score card PDF), then
each process's RSS, PSS and USS read with psutil (docs/operations.md has the figures).

    .venv/bin/python bench/web_memory.py                 # the config's defaults (3 workers x 4 threads)
    .venv/bin/python bench/web_memory.py --compare-preload --rounds 20

RSS counts pages shared with the arbiter (preload: Pramern's code loaded once, before the fork);
PSS shares them out between the processes using them; USS is what stopping the process frees.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_environment(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="pramern.settings",
        PRAMERN_ENV="production",
        PRAMERN_HTTPS="false",  # plain HTTP on loopback; the proxy does HTTPS in a deployment
        PRAMERN_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{scratch / 'demo.sqlite3'}",
        PRAMERN_STATIC_ROOT=str(scratch / "static"),
        PRAMERN_MEDIA_ROOT=str(scratch / "media"),
    )
    return env


def prepare(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_framework", "--replace"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


class Browser:
    """One person's cookies; every request on a new connection (gunicorn spreads them)."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, bytes]:
        with self.opener.open(self.site + path, timeout=120) as response:
            return response.geturl(), response.read()

    def log_in(self, username: str) -> None:
        _, page = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": "pramern-demo"}
        ).encode()
        request = urllib.request.Request(self.site + "/login/", data=form, headers={"Referer": self.site + "/login/"})
        with self.opener.open(request, timeout=60) as response:
            if response.geturl().endswith("/login/"):
                raise RuntimeError(f"{username} could not log in")


def pages(site: str) -> list[tuple[Browser, str]]:
    """An officer's home, three item pages and score card; an executive's dashboard."""
    officer, executive = Browser(site), Browser(site)
    officer.log_in("officer")
    executive.log_in("executive")
    home, body = officer.get("/")
    home_path = urllib.parse.urlsplit(home).path
    items = sorted(set(re.findall(rf'href="({re.escape(home_path)}items/[^/"]+/)"', body.decode())))[:3]
    return [
        (officer, home_path),
        *((officer, item) for item in items),
        (officer, home_path + "scorecard/"),
        (executive, "/dashboard/"),
    ]


def memory(pid: int) -> dict[str, float]:
    info = psutil.Process(pid).memory_full_info()
    return {"rss": info.rss / MB, "pss": getattr(info, "pss", 0) / MB, "uss": info.uss / MB}


def chromium_pss(master: psutil.Process) -> float:
    """The PSS of the Chromium processes under the arbiter now, in MB."""
    total = 0.0
    for process in master.children(recursive=True):
        try:
            if "chrom" in process.name():
                total += getattr(process.memory_full_info(), "pss", 0) / MB
        except psutil.NoSuchProcess:
            pass
    return total


def chromium_count(master: psutil.Process) -> int:
    return sum(1 for p in master.children(recursive=True) if "chrom" in p.name())


def run(env: dict[str, str], *, preload: bool, rounds: int, workers: str, threads: str) -> None:
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    server_env = {
        **env,
        "PRAMERN_BIND": f"127.0.0.1:{port}",
        "PRAMERN_WEB_PRELOAD": "true" if preload else "false",
        **({"PRAMERN_WEB_WORKERS": workers} if workers else {}),
        **({"PRAMERN_WEB_THREADS": threads} if threads else {}),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "pramern.wsgi"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(site + "/healthz", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        master = psutil.Process(server.pid)
        time.sleep(1)
        idle = {p.pid: memory(p.pid) for p in master.children()}
        opened = pages(site)
        started = time.perf_counter()
        parallel = len(idle) * 4
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            list(pool.map(lambda job: job[0].get(job[1]), opened * rounds))
        took = time.perf_counter() - started
        busy = {p.pid: memory(p.pid) for p in master.children()}
        officer, home = opened[0]
        pdf_started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(1) as sampler:
            printing = sampler.submit(officer.get, home + "scorecard.pdf")
            chromium_peak = 0.0
            while not printing.done():
                chromium_peak = max(chromium_peak, chromium_pss(master))
                time.sleep(0.05)
            _, pdf = printing.result()
        pdf_took = time.perf_counter() - pdf_started
        assert pdf.startswith(b"%PDF"), pdf[:40]
        after_pdf = {p.pid: memory(p.pid) for p in master.children()}
        arbiter = memory(server.pid)
        print(
            f"\npreload {'on' if preload else 'off'}: {len(idle)} workers, "
            f"{len(opened) * rounds} page views in {took:.1f} s ({parallel} at once), "
            f"score card PDF {len(pdf) // 1024} KB in {pdf_took:.1f} s (its Chromium run: PSS up to {chromium_peak:.0f} MB)"
        )
        print(
            f"  arbiter            RSS {arbiter['rss']:6.1f}  PSS {arbiter['pss']:6.1f}  USS {arbiter['uss']:6.1f} MB"
        )
        for pid in sorted(after_pdf):
            i, b, a = idle.get(pid), busy.get(pid), after_pdf[pid]
            print(
                f"  worker {pid:<8}  started RSS {i['rss'] if i else 0:6.1f} | after pages RSS {b['rss'] if b else 0:6.1f}"
                f"  PSS {b['pss'] if b else 0:6.1f}  USS {b['uss'] if b else 0:6.1f} | after the PDF RSS {a['rss']:6.1f} MB"
            )
        total_pss = arbiter["pss"] + sum(m["pss"] for m in after_pdf.values())
        print(
            f"  all web processes  PSS {total_pss:6.1f} MB; Chromium processes left running: {chromium_count(master)}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


WARM_CHROMIUM = """
import django, psutil
django.setup()
from pramern.assessments.models import Assessment
from pramern.reports.pdf import unit_scorecard_pdf
from pramern.reports.printing import close_printer
assert unit_scorecard_pdf(Assessment.objects.first()).startswith(b"%PDF")
kept = psutil.Process().children(recursive=True)
pss = 0
for p in kept:
    try:
        pss += getattr(p.memory_full_info(), "pss", 0) / 2**20
    except psutil.NoSuchProcess:
        pass
print(f"{len(kept)} processes, PSS {pss:.1f} MB")
close_printer()
"""


def warm_chromium(env: dict[str, str]) -> None:
    """What one process keeping a warm Chromium (the report worker; every web worker before issue
    13) holds besides itself, after printing one score card."""
    done = subprocess.run(
        [sys.executable, "-c", WARM_CHROMIUM],
        cwd=ROOT,
        env={**env, "PRAMERN_PDF_WARM_BROWSER": "true"},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    print(f"\na warm Chromium kept by one process (the report worker's): {done.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="times each page is opened (default 10)")
    parser.add_argument("--workers", default="", help="PRAMERN_WEB_WORKERS (default: the config's)")
    parser.add_argument("--threads", default="", help="PRAMERN_WEB_THREADS (default: the config's)")
    parser.add_argument("--compare-preload", action="store_true", help="run again with PRAMERN_WEB_PRELOAD=false")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pramern-web-memory-") as folder:
        env = scratch_environment(Path(folder))
        started = time.perf_counter()
        prepare(env)
        print(f"demo database ready in {time.perf_counter() - started:.0f} s")
        for preload in (True, False) if options.compare_preload else (True,):
            run(env, preload=preload, rounds=options.rounds, workers=options.workers, threads=options.threads)
        warm_chromium(env)


if __name__ == "__main__":
    main()
