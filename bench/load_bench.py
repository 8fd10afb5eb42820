"""Pramern under concurrent load: the production server, real logins, real forms, 1,000 units.

    .venv/bin/python bench/load_bench.py [--quick] [--units 1000] [--clients 8] [--duration 30]
        [--workers 3] [--database-url postgres://postgres@127.0.0.1:5432/pramern_bench] [--fresh]

Seeds ``--units`` units on PostgreSQL (``bench/seeding.py``: FY2567 assessments of about 110
records each, score cards refreshed) with the bench's people, unless the database already holds
that seed (a ``bench_marker`` table says how many units; ``--fresh`` seeds again). Then starts the
production server on a free loopback port (``gunicorn -c deploy/gunicorn.conf.py pramern.wsgi``
when that file exists, else gunicorn with the same settings as flags), with
``PRAMERN_ENV=production``, a generated secret key, ``PRAMERN_HTTPS=false`` and Redis (database
``--redis-db``) as queue and cache, and drives it with ``--clients`` concurrent clients of its own
(threads on the standard library's http.client: cookies, CSRF tokens, multipart bodies):

1. each page alone, every client on it for ``--duration`` seconds in all (a closed loop), the
   pages taking turns ``--slices`` times so that a drifting machine load weighs on all alike: the
   trivial view (GET /login/, anonymous), a unit's home and item 6.1 (officers of their own units)
   and the executive dashboard (executives) — the ratios are these throughputs over the trivial
   view's;
2. a mixed load for ``--duration`` seconds: officers open their home and items and save records
   through the item page's own form (one save in four with a 2 MB PDF as evidence), evaluators
   (TOTP second factor answered as an authenticator app would) give verdicts on units in review,
   executives open the dashboard;
3. one 100 MB evidence upload while the worker's memory (RSS, psutil) is sampled.

Afterwards every save and verdict the server acknowledged (a redirect to the saved record) is
looked up in the database: ``lost writes`` counts those missing or different. Prints per page
throughput, p50 and p95, then ``ratio home``, ``ratio item``, ``ratio dashboard``, ``errors``,
``lost writes`` and ``upload 100MB rss +N MB``. Targets (issue 13): home and item >= 0.35,
dashboard >= 0.5, 0 errors, 0 lost writes, upload growth < 50 MB. Loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pramern_bench"
PASSWORD = "bench-load-2567"
#: Bumped when the seed's people or review states change: an older seed is seeded again.
SEED_VERSION = 1
#: Units whose officers the clients log in as (each client its own unit), and units in review.
OFFICER_UNITS = 64
REVIEW_UNITS = 16
EXECUTIVES = 16
EVALUATORS = 8
#: The item officers save records to (its fact ``flowcharts``: section, task, flag) and the two
#: items they read (the issue's figures are of item 6.1).
SAVE_ITEM, SAVE_FACT = "6.1", "flowcharts"
READ_ITEMS = ("6.1", "1.2.2")
MB = 1024 * 1024


# ---- options -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    units: int
    clients: int
    duration: float
    workers: int
    database_url: str
    redis_db: int
    fresh: bool
    quick: bool
    upload_mb: int
    evidence_mb: int
    save_every: int
    file_every: int
    profile: bool = False
    slices: int = 3
    threads: int = 4
    conn_max_age: int = 60


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units seeded (default 1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per phase (default 30; --quick 12)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as deploy/)")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="PRAMERN_DB_CONN_MAX_AGE (60, as docs/deploy.md advises)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database number for queue and cache")
    parser.add_argument("--fresh", action="store_true", help="seed again even if the database holds the seed")
    parser.add_argument("--quick", action="store_true", help="short phases: a few minutes in all")
    parser.add_argument("--upload-mb", type=int, default=100, help="the memory-measured upload (0: none)")
    parser.add_argument("--evidence-mb", type=int, default=2, help="files saved with records in the mixed load")
    parser.add_argument("--save-every", type=int, default=1, help="officers save a record every N rounds of pages")
    parser.add_argument("--file-every", type=int, default=4, help="one save in N carries a file")
    parser.add_argument("--slices", type=int, default=3, help="the pages alone take turns this many times")
    parser.add_argument("--profile", action="store_true", help="then each page's SQL and Python time, in process")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.units < 1 or args.workers < 1:
        parser.error("--units, --clients and --workers must be at least 1")
    if args.units < args.clients + 2:
        parser.error(f"--units must be at least --clients + 2 ({args.clients + 2}): a unit per officer, one in review")
    duration = args.duration if args.duration is not None else (12.0 if args.quick else 30.0)
    if duration <= 0:
        parser.error("--duration must be positive")
    host = urlsplit(args.database_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1", None):
        parser.error("the bench runs on loopback only: --database-url must be on 127.0.0.1")
    return Options(
        units=args.units,
        clients=args.clients,
        duration=duration,
        workers=args.workers,
        database_url=args.database_url,
        redis_db=args.redis_db,
        fresh=args.fresh,
        quick=args.quick,
        upload_mb=args.upload_mb,
        evidence_mb=args.evidence_mb,
        save_every=max(1, args.save_every),
        file_every=max(1, args.file_every),
        profile=args.profile,
        slices=max(1, args.slices),
        threads=max(1, args.threads),
        conn_max_age=max(0, args.conn_max_age),
    )


# ---- figures ---------------------------------------------------------------------------------------


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5 for p50, 0.95 for p95); 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class PageFigures:
    """One page's requests in one phase: how many, how long each took (ms), how many failed."""

    page: str
    phase: str
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.times_ms) + self.errors

    @property
    def throughput(self) -> float:
        """Answered requests per second (errors excluded)."""
        return len(self.times_ms) / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"{self.phase:<6} {self.page:<12} {self.throughput:7.1f} req/s   p50 {percentile(self.times_ms, 0.5):7.1f} ms"
            f"   p95 {percentile(self.times_ms, 0.95):7.1f} ms   ({len(self.times_ms)} answered, {self.errors} errors)"
        )


def ratio(page_throughput: float, trivial_throughput: float) -> float:
    """A page's throughput as a share of the trivial view's in the same run."""
    return page_throughput / trivial_throughput if trivial_throughput > 0 else 0.0


def ratio_lines(trivial: float, pages: dict[str, float]) -> list[str]:
    """``ratio home 0.41`` ... for home, item and dashboard, in that order."""
    return [f"ratio {name} {ratio(pages.get(name, 0.0), trivial):.2f}" for name in ("home", "item", "dashboard")]


@dataclass(frozen=True)
class AckedSave:
    """A record the server said it saved: its id (from the redirect), title and files sent with it."""

    record: int
    title: str
    files: int


@dataclass(frozen=True)
class StoredRecord:
    record: int
    title: str
    files: int


def lost_saves(acked: Iterable[AckedSave], stored: dict[int, StoredRecord]) -> list[AckedSave]:
    """The acknowledged saves missing from the database, with another title, or fewer files."""
    lost = []
    for save in acked:
        found = stored.get(save.record)
        if found is None or found.title != save.title or found.files < save.files:
            lost.append(save)
    return lost


def lost_verdicts(acked: dict[int, str], stored: dict[int, str]) -> list[int]:
    """Records whose last acknowledged verdict (record id -> status) is not the stored one."""
    return sorted(pk for pk, status in acked.items() if stored.get(pk) != status)


def rss_growth_mb(before: dict[int, int], peak: dict[int, int]) -> float:
    """The largest growth of one worker's resident memory (bytes per pid), in MB."""
    growth = [peak[pid] - rss for pid, rss in before.items() if pid in peak]
    return max([0, *growth]) / MB


# ---- HTML forms ------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden/text/checked values, in order
    selects: dict[str, list[str]] = field(default_factory=dict)  # name -> option values
    radios: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def value(self, name: str) -> str:
        return next((v for n, v in self.fields if n == name), "")


class FormParser(HTMLParser):
    """Every <form> of a page with its inputs, selects, radios and file fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form.selects[name] = []
        elif tag == "option" and self._select is not None:
            form.selects[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# ---- the HTTP client -------------------------------------------------------------------------------


class BenchError(Exception):
    """An unexpected answer: counted as an error."""


@dataclass
class Answer:
    status: int
    location: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One person's session against the server: cookies kept, CSRF token sent, redirects not followed."""

    def __init__(self, port: int, timeout: float = 120.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "th", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                sent["Referer"] = f"http://127.0.0.1:{self.port}{path}"
                sent["Origin"] = f"http://127.0.0.1:{self.port}"
                if "csrftoken" in self.cookies:
                    sent["X-CSRFToken"] = self.cookies["csrftoken"]
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _eq, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "max-age=0" in value.lower() or cookie_value in ('""', ""):
                        self.cookies.pop(name.strip(), None)
                    else:
                        self.cookies[name.strip()] = cookie_value
            return Answer(response.status, response.getheader("Location") or "", data)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Answer:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(
        self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, int, bytes]]
    ) -> Answer:
        """``files``: (field, file name, size, first bytes): the content streams, never whole in memory."""
        boundary = uuid.uuid4().hex
        parts, length = multipart_parts(boundary, fields, files)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)}
        return self.request("POST", path, parts, headers)


def multipart_parts(
    boundary: str, fields: list[tuple[str, str]], files: list[tuple[str, str, int, bytes]]
) -> tuple[Iterator[bytes], int]:
    """A multipart body as chunks, with its length: fields first, then each file (``head`` then
    filler bytes up to ``size``)."""
    chunks: list[bytes | tuple[int, bytes]] = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for name, filename, size, head in files:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quote(filename)}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        chunks.append((size, head))
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    length = sum(c[0] if isinstance(c, tuple) else len(c) for c in chunks)

    def generate() -> Iterator[bytes]:
        block = b"\0" * (256 * 1024)
        for chunk in chunks:
            if isinstance(chunk, tuple):
                size, head = chunk
                yield head
                left = size - len(head)
                while left > 0:
                    piece = block[: min(left, len(block))]
                    yield piece
                    left -= len(piece)
            else:
                yield chunk

    return generate(), length


def pdf_head(marker: str) -> bytes:
    """The first bytes of a generated PDF: the type is read from the content; the marker keeps
    every file's hash apart."""
    return f"%PDF-1.4\n% pramern load bench {marker}\n".encode()


def login(browser: Browser, username: str, token: Callable[[], str] | None = None) -> None:
    """The login page's form; then, for people with an authenticator, the verification step."""
    page = browser.get("/login/")
    form = next((f for f in forms_of(page.text) if f.value("csrfmiddlewaretoken")), None)
    if page.status != 200 or form is None:
        raise BenchError(f"login page: {page.status}")
    fields = [(n, v) for n, v in form.fields if n not in ("username", "password")]
    answer = browser.post("/login/", [*fields, ("username", username), ("password", PASSWORD)])
    if answer.status != 302:
        raise BenchError(f"login of {username}: {answer.status}")
    if token is None:
        return
    for _attempt in range(3):
        step = browser.get("/account/two-factor/verify/")
        form = next((f for f in forms_of(step.text) if f.value("csrfmiddlewaretoken")), None)
        if form is None:
            raise BenchError(f"two-factor page of {username}: {step.status}")
        fields = [(n, v) for n, v in form.fields if n != "code"]
        answer = browser.post("/account/two-factor/verify/", [*fields, ("code", token())])
        if answer.status == 302:
            return
        time.sleep(31 - time.time() % 30)  # a code is good once: wait for the next one
    raise BenchError(f"two-factor verification of {username} refused")


# ---- personas and their work -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """What the clients need from the seed: people and the pages they work on."""

    officers: list[tuple[str, int]]  # (user name, assessment id of their unit)
    executives: list[str]
    evaluators: list[tuple[str, bytes, list[tuple[int, str]]]]  # (user, TOTP key, [(assessment, item)])
    record_date: str  # a date typed into the record form (Buddhist era), inside an open round


@dataclass
class Tally:
    """Everything the clients measured, shared between their threads (under ``lock``)."""

    phase: str
    pages: dict[str, PageFigures] = field(default_factory=dict)
    saves: list[AckedSave] = field(default_factory=list)
    verdicts: dict[int, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, page: str, ms: float | None, failure: str = "") -> None:
        with self.lock:
            figures = self.pages.setdefault(page, PageFigures(page, self.phase))
            if ms is None:
                figures.errors += 1
                if len(self.failures) < 20:
                    self.failures.append(f"{page}: {failure}")
            else:
                figures.times_ms.append(ms)


def timed(tally: Tally, page: str, call: Callable[[], Answer], ok: tuple[int, ...] = (200, 302)) -> Answer | None:
    """One request, timed and counted; an unexpected status or an exception is an error."""
    started = time.perf_counter()
    try:
        answer = call()
    except Exception as exc:  # every failure counts, none stops the run
        tally.note(page, None, f"{type(exc).__name__}: {exc}")
        return None
    ms = (time.perf_counter() - started) * 1000
    if answer.status not in ok:
        tally.note(page, None, f"status {answer.status}")
        return None
    tally.note(page, ms)
    return answer


class Officer:
    def __init__(self, browser: Browser, assessment: int, record_date: str, name: str, options: Options) -> None:
        self.browser, self.assessment, self.record_date, self.name = browser, assessment, record_date, name
        self.options = options
        self.rounds = 0
        self.saves = 0

    def home(self, tally: Tally) -> None:
        timed(tally, "home", lambda: self.browser.get(f"/a/{self.assessment}/"), ok=(200,))

    def item(self, tally: Tally, code: str = SAVE_ITEM) -> Answer | None:
        return timed(tally, "item", lambda: self.browser.get(f"/a/{self.assessment}/items/{code}/"), ok=(200,))

    def work(self, tally: Tally) -> None:
        """Home, the item to save to, a save (some with a file), then another item."""
        self.rounds += 1
        self.home(tally)
        page = self.item(tally)
        if page is not None and self.rounds % self.options.save_every == 0:
            self.save(tally, page)
        self.item(tally, READ_ITEMS[self.rounds % len(READ_ITEMS)])

    def save(self, tally: Tally, page: Answer) -> None:
        action = f"/a/{self.assessment}/items/{SAVE_ITEM}/records/{SAVE_FACT}/new/"
        form = next((f for f in forms_of(page.text) if f.action == action), None)
        if form is None:
            tally.note("save", None, "no record form on the item page")
            return
        self.saves += 1
        title = f"bench {self.name} {self.saves} {uuid.uuid4().hex[:8]}"
        prefix = SAVE_FACT
        typed = {
            f"{prefix}-date": self.record_date,
            f"{prefix}-title": title,
            f"{prefix}-task": f"งานทดสอบภาระ {self.saves}",
            f"{prefix}-note": "load bench",
        }
        fields = [(n, typed.pop(n, v)) for n, v in form.fields]
        fields += list(typed.items())
        for name, options in form.selects.items():
            fields.append((name, next((o for o in options if o), "")))
        fields.append((f"{prefix}-meets_standard", "on"))
        files = []
        with_file = self.saves % self.options.file_every == 0 and self.options.evidence_mb > 0 and form.files
        if with_file:
            size = self.options.evidence_mb * MB
            files.append((form.files[0], f"flowchart-{self.saves}.pdf", size, pdf_head(title)))
        page_name = "save+file" if with_file else "save"
        answer = timed(tally, page_name, lambda: self.browser.post_multipart(action, fields, files), ok=(302,))
        if answer is None:
            return
        found = re.search(r"#record-(\d+)$", answer.location)
        if not found:
            tally.note(page_name, None, f"no record in {answer.location!r}")
            return
        with tally.lock:
            tally.saves.append(AckedSave(int(found.group(1)), title, len(files)))


class Evaluator:
    def __init__(self, browser: Browser, targets: list[tuple[int, str]], rng: random.Random) -> None:
        self.browser, self.targets, self.rng = browser, targets, rng

    def work(self, tally: Tally) -> None:
        """An item of a unit in review, then a verdict on one of its records."""
        if not self.targets:
            tally.note("review item", None, "no unit in review")
            return
        assessment, code = self.rng.choice(self.targets)
        path = f"/review/a/{assessment}/R6/items/{code}/"
        page = timed(tally, "review item", lambda: self.browser.get(path), ok=(200,))
        if page is None:
            return
        forms = [f for f in forms_of(page.text) if f.value("kind") == "verdict"]
        if not forms:
            return
        form = self.rng.choice(forms)
        status = self.rng.choice(["accepted", "accepted", "needs_revision"])
        status = status if status in form.radios.get("status", []) else form.radios.get("status", ["accepted"])[0]
        fields = [(n, v) for n, v in form.fields if n != "reason"]
        fields += [("status", status), ("reason", "" if status == "accepted" else "ขอเอกสารเพิ่ม (load bench)")]
        answer = timed(tally, "verdict", lambda: self.browser.post(path, fields), ok=(302,))
        if answer is not None:
            with tally.lock:
                tally.verdicts[int(form.value("record"))] = status


class Executive:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    def work(self, tally: Tally) -> None:
        timed(tally, "dashboard", lambda: self.browser.get("/dashboard/"), ok=(200,))


def merged(tallies: list[Tally]) -> Tally:
    """Tallies of the same phase run in several turns, as one: answers, errors and seconds added."""
    total = Tally(tallies[0].phase)
    for tally in tallies:
        for page, figures in tally.pages.items():
            into = total.pages.setdefault(page, PageFigures(page, tally.phase))
            into.times_ms.extend(figures.times_ms)
            into.errors += figures.errors
            into.seconds += figures.seconds
        total.saves.extend(tally.saves)
        total.verdicts.update(tally.verdicts)
        total.failures.extend(tally.failures)
    return total


def run_phase(name: str, workers: list[Callable[[Tally], None]], seconds: float) -> Tally:
    """Every worker in its own thread, each calling its work in a loop until ``seconds`` pass;
    each page's throughput is its answered requests over the phase's length."""
    tally = Tally(name)
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    def loop(work: Callable[[Tally], None]) -> None:
        while time.perf_counter() < deadline:
            work(tally)

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for figures in tally.pages.values():
        figures.seconds = elapsed
    return tally


# ---- the database and the seed ---------------------------------------------------------------------


def ensure_database(url: str, fresh: bool, units: int) -> bool:
    """Create the database if missing (dropped first with ``fresh`` or an older seed); True when it
    already holds this seed."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    seeded = False
    if exists and not fresh:
        with psycopg.connect(url) as connection:
            marker = connection.execute("SELECT to_regclass('bench_marker')").fetchone()
            if marker and marker[0]:
                row = connection.execute("SELECT units, version FROM bench_marker").fetchone()
                seeded = row == (units, SEED_VERSION)
    if exists and not seeded:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        exists = False
    if not exists:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    return seeded


def seed(options: Options) -> None:
    """Units, score cards, people (one shared password hash), R6 of some units in review."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from seeding import refresh_all, seed_units

    from pramern.assessments.models import Assessment
    from pramern.organizations.models import Role
    from pramern.review.services import transition

    seed_units(options.units)
    User = get_user_model()
    # One hash for everyone (hashing takes a second each), with the production hasher: the
    # bench process's Django runs with seeding.py's fast test hasher, the server does not.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(11))
    assessments = list(Assessment.objects.select_related("unit").order_by("unit__code"))
    reviewed = min(REVIEW_UNITS, max(1, len(assessments) // 5))
    officer_units = assessments[: min(OFFICER_UNITS, len(assessments) - reviewed)]
    review_units = assessments[len(officer_units) : len(officer_units) + reviewed]
    for assessment in officer_units:
        user = User.objects.create(username=f"bench-officer-{assessment.unit.code}", password=hashed)
        Role.objects.create(user=user, kind="officer", unit=assessment.unit)
    for n in range(EXECUTIVES):
        user = User.objects.create(username=f"bench-executive-{n:02d}", password=hashed)
        Role.objects.create(user=user, kind="executive")
    evaluators = []
    for n in range(EVALUATORS):
        user = User.objects.create(username=f"bench-evaluator-{n:02d}", password=hashed)
        Role.objects.create(user=user, kind="evaluator")
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        evaluators.append(user)
    for assessment in review_units:
        director = User.objects.create(username=f"bench-director-{assessment.unit.code}", password=hashed)
        Role.objects.create(user=director, kind="director", unit=assessment.unit)
        transition(assessment, "R6", "submit", user=director, notify=False)
        transition(assessment, "R6", "start_review", user=evaluators[0], notify=False)
    refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_marker (units integer, version integer)")
        cursor.execute("INSERT INTO bench_marker VALUES (%s, %s)", [options.units, SEED_VERSION])


def forget_earlier_runs() -> int:
    """The records and evidence files an earlier run of the bench saved (their titles start with
    "bench ", their files were uploaded by the bench's officers), deleted, and those units' score
    cards refreshed: each run starts from the seed, not from the seed plus every run before
    (an item page's cost grows with its records). Returns the records deleted."""
    from pramern.assessments.models import Assessment, Evidence, Record
    from pramern.reports.scorecards import refresh

    made = Record.objects.filter(title__startswith="bench ")
    touched = set(made.values_list("assessment_id", flat=True))
    Evidence.objects.filter(uploaded_by__username__startswith="bench-officer-").delete()
    deleted, _by_model = made.delete()
    for assessment in Assessment.objects.with_unit().filter(pk__in=touched):
        refresh(assessment)
    return deleted


def seeded_people() -> Seeded:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pramern.assessments.models import Assessment, Record, UnitRound

    User = get_user_model()
    officers = []
    for user in User.objects.filter(username__startswith="bench-officer-").order_by("username"):
        assessment = Assessment.objects.get(unit__code=user.username.removeprefix("bench-officer-"))
        officers.append((user.username, assessment.pk))
    in_review = list(
        UnitRound.objects.filter(round_code="R6", state="in_review").values_list("assessment_id", flat=True)
    )
    framework = Assessment.objects.get(pk=officers[0][1]).framework.compiled()
    r6 = framework.round("R6").cutoff
    targets = sorted(
        set(Record.objects.filter(assessment_id__in=in_review, date__lte=r6).values_list("assessment_id", "item_code"))
    )
    evaluators = []
    devices = TOTPDevice.objects.filter(user__username__startswith="bench-evaluator-", confirmed=True)
    for n, device in enumerate(devices.select_related("user").order_by("user__username")):
        share = targets[n::EVALUATORS] or targets  # each evaluator its own units' items
        evaluators.append((device.user.username, bytes(device.bin_key), share))
    last = framework.rounds[-1]
    day = last.cutoff - dt.timedelta(days=20)
    executives = list(User.objects.filter(username__startswith="bench-executive-").values_list("username", flat=True))
    return Seeded(officers, sorted(executives), evaluators, f"{day.day:02d}/{day.month:02d}/{day.year + 543}")


def totp_token(key: bytes) -> Callable[[], str]:
    from django_otp.oath import TOTP

    def token() -> str:
        return f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"

    return token


def stored_writes(saves: list[AckedSave], verdicts: dict[int, str]) -> tuple[dict[int, StoredRecord], dict[int, str]]:
    from django.db.models import Count

    from pramern.assessments.models import Record
    from pramern.review.models import Verdict

    records = Record.objects.filter(pk__in=[s.record for s in saves]).annotate(files=Count("evidence"))
    stored = {r.pk: StoredRecord(r.pk, r.title, r.files) for r in records}
    given = dict(Verdict.objects.filter(record_id__in=list(verdicts)).values_list("record_id", "status"))
    return stored, given


class SqlTimer:
    """A database execute wrapper adding up the queries and the time spent waiting for them."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        begin = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            self.seconds += time.perf_counter() - begin
            self.queries += 1


def profile_pages(seeded: Seeded, repeat: int = 15) -> list[str]:
    """Where each page's time goes, in this process (Django's test client, the same database):
    median server time, the share spent waiting for PostgreSQL, and the queries. Says whether
    the page is bound by queries or by Python (templates, scoring)."""
    import statistics

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    User = get_user_model()
    officer, assessment = seeded.officers[0]
    pages = [
        ("home", officer, f"/a/{assessment}/"),
        ("item 6.1", officer, f"/a/{assessment}/items/6.1/"),
        ("item 1.2.2", officer, f"/a/{assessment}/items/1.2.2/"),
        ("dashboard", seeded.executives[0], "/dashboard/"),
    ]
    lines = []
    for label, username, path in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(path)
        totals, sql, counts = [], [], []
        for _ in range(repeat):
            timer = SqlTimer()
            begin = time.perf_counter()
            with connection.execute_wrapper(timer):
                response = client.get(path)
            totals.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise BenchError(f"profile {path}: {response.status_code}")
            sql.append(timer.seconds * 1000)
            counts.append(timer.queries)
        total, db = statistics.median(totals), statistics.median(sql)
        lines.append(
            f"profile {label:<11} {total:6.1f} ms   SQL {db:6.1f} ms ({db / total:4.0%}) in {statistics.median(counts):.0f}"
            f" queries   Python {total - db:6.1f} ms"
        )
    return lines


# ---- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(port: int, workers: int, threads: int) -> list[str]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    config = ROOT / "deploy" / "gunicorn.conf.py"
    if config.exists():
        return [gunicorn, "-c", str(config), "pramern.wsgi"]
    # The same settings as deploy/gunicorn.conf.py's defaults, as flags.
    return [
        gunicorn,
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        *("--worker-class", "gthread" if threads > 1 else "sync", "--timeout", "60", "--keep-alive", "5"),
        *("--preload", "--no-control-socket", "pramern.wsgi"),
    ]


def server_environment(options: Options, port: int, media: str, static: str) -> dict[str, str]:
    redis = f"redis://127.0.0.1:6379/{options.redis_db}"
    return {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "PRAMERN_ENV": "production",
        "PRAMERN_DEBUG": "false",
        "PRAMERN_SECRET_KEY": secrets.token_urlsafe(50),
        "PRAMERN_HTTPS": "false",
        "PRAMERN_ALLOWED_HOSTS": "127.0.0.1",
        "PRAMERN_REDIS_URL": redis,
        "PRAMERN_CACHE_URL": redis,
        "PRAMERN_MEDIA_ROOT": media,
        "PRAMERN_STATIC_ROOT": static,
        "PRAMERN_BIND": f"127.0.0.1:{port}",
        "PRAMERN_WEB_WORKERS": str(options.workers),
        "PRAMERN_WEB_THREADS": str(options.threads),
        "PRAMERN_DB_CONN_MAX_AGE": str(options.conn_max_age),
        "PRAMERN_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def wait_ready(port: int, process: subprocess.Popen[bytes], seconds: float = 90) -> str:
    """The first page that answers 200: /healthz when it exists, else /login/."""
    deadline = time.monotonic() + seconds
    browser = Browser(port, timeout=5)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        for path in ("/healthz", "/login/"):
            try:
                if browser.get(path).status == 200:
                    return path
            except OSError:
                break
        time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def flush_redis(db: int) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


# ---- the 100 MB upload -----------------------------------------------------------------------------


def measure_upload(
    options: Options, port: int, master: int, officer: tuple[str, int], record_date: str
) -> tuple[float, AckedSave]:
    """One ``--upload-mb`` evidence file saved with a record, the workers' RSS sampled every 10 ms;
    returns the largest growth of a worker (peak over its RSS before), in MB, and the save."""
    import psutil

    browser = Browser(port, timeout=600)
    login(browser, officer[0])
    size_mb = options.upload_mb
    probe = Officer(browser, officer[1], record_date, "upload", replace(options, evidence_mb=size_mb, file_every=1))
    tally = Tally("upload")
    page = probe.item(tally)
    if page is None:
        raise BenchError("item page for the upload: " + "; ".join(tally.failures))
    workers = psutil.Process(master).children()
    before = {w.pid: w.memory_info().rss for w in workers}
    peak = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for w in workers:
                try:
                    peak[w.pid] = max(peak[w.pid], w.memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    probe.save(tally, page)
    done.set()
    sampler.join()
    if not tally.saves:
        raise BenchError(f"the {size_mb} MB upload was refused: " + "; ".join(tally.failures))
    after = {w.pid: w.memory_info().rss for w in workers if w.is_running()}
    print(
        f"upload {size_mb} MB: {tally.pages['save+file'].times_ms[0] / 1000:.1f} s; worker RSS before "
        + ", ".join(f"{before[p] / MB:.0f}" for p in before)
        + " MB; peak "
        + ", ".join(f"{peak[p] / MB:.0f}" for p in before)
        + " MB; after "
        + ", ".join(f"{after.get(p, 0) / MB:.0f}" for p in before)
        + " MB"
    )
    return rss_growth_mb(before, peak), tally.saves[0]


# ---- the run ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    already = ensure_database(options.database_url, options.fresh, options.units)
    from seeding import setup_django

    setup_django(options.database_url)
    if already:
        print(
            f"reusing the seeded database ({options.units} units; {forget_earlier_runs()} rows of earlier runs deleted)"
        )
    else:
        seed(options)
    seeded = seeded_people()
    if len(seeded.officers) < options.clients + 1 or not seeded.executives:
        raise SystemExit("the seed has too few officers for --clients (one each, one for the upload): seed more units")
    flush_redis(options.redis_db)

    port = free_port()
    media = tempfile.mkdtemp(prefix="pramern-load-media-")
    static = tempfile.mkdtemp(prefix="pramern-load-static-")
    environment = server_environment(options, port, media, static)
    # Production serves the collected, hashed static files only (docs/operations.md), as a deployment would.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=environment, cwd=ROOT, check=True
    )
    command = server_command(port, options.workers, options.threads)
    log = open(Path(media) / "server.log", "wb")  # closed below, after the server
    server = subprocess.Popen(command, env=environment, cwd=ROOT, start_new_session=True, stdout=log, stderr=log)
    try:
        try:
            ready = wait_ready(port, server)
        except RuntimeError:
            print((Path(media) / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        print(
            f"server: {' '.join(Path(c).name if c.startswith('/') else c for c in command)} on 127.0.0.1:{port} (ready at {ready})"
        )
        return drive(options, port, server.pid, seeded)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(static, ignore_errors=True)


def drive(options: Options, port: int, master: int, seeded: Seeded) -> int:
    rng = random.Random(13)
    n = options.clients
    started = time.perf_counter()
    officers = []
    for name, assessment in seeded.officers[:n]:
        browser = Browser(port)
        login(browser, name)
        officers.append(Officer(browser, assessment, seeded.record_date, name, options))
    executives = []
    for k in range(n):
        browser = Browser(port)
        login(browser, seeded.executives[k % len(seeded.executives)])
        executives.append(Executive(browser))
    evaluators = []
    for name, key, targets in seeded.evaluators[: max(1, n // 8)]:
        browser = Browser(port)
        login(browser, name, totp_token(key))
        evaluators.append(Evaluator(browser, targets, random.Random(rng.random())))
    print(f"{n} clients logged in ({time.perf_counter() - started:.1f} s); {options.duration:.0f} s per phase")

    def anonymous(tally: Tally) -> None:
        browser = Browser(port)
        timed(tally, "login", lambda: browser.get("/login/"), ok=(200,))

    # Warm every worker (imports, templates, first connections) before anything is timed.
    run_phase("warm", [o.work for o in officers] + [e.work for e in executives[:1]], min(5.0, options.duration))

    # The pages alone, in turns (the trivial view, home, item, dashboard; again ``--slices``
    # times): a machine whose load drifts during the run weighs on every page alike.
    alone = {
        "login": [anonymous] * n,
        "home": [o.home for o in officers],
        "item": [o.item for o in officers],
        "dashboard": [e.work for e in executives],
    }
    slices = [
        {page: run_phase("alone", workers, options.duration / options.slices) for page, workers in alone.items()}
        for _ in range(options.slices)
    ]
    trivial, home, item, dashboard = (merged([turn[page] for turn in slices]) for page in alone)
    n_evaluators = len(evaluators)
    n_executives = max(1, n // 4)
    n_officers = max(1, n - n_evaluators - n_executives)
    mixed = run_phase(
        "mixed",
        [o.work for o in officers[:n_officers]]
        + [e.work for e in evaluators]
        + [e.work for e in executives[:n_executives]],
        options.duration,
    )
    print(
        f"mixed load: {n_officers} officers, {n_evaluators} evaluators, {n_executives} executives; "
        f"{len(mixed.saves)} saves and {len(mixed.verdicts)} verdicts acknowledged"
    )
    for tally in (trivial, home, item, dashboard, mixed):
        for figures in sorted(tally.pages.values(), key=lambda f: f.page):
            print(figures.line())
    failures = [f for t in (trivial, home, item, dashboard, mixed) for f in t.failures]
    for failure in failures[:10]:
        print(f"  error: {failure}")

    errors = sum(f.errors for t in (trivial, home, item, dashboard, mixed) for f in t.pages.values())
    trivial_rps = trivial.pages["login"].throughput if "login" in trivial.pages else 0.0
    pages = {
        "home": home.pages["home"].throughput if "home" in home.pages else 0.0,
        "item": item.pages["item"].throughput if "item" in item.pages else 0.0,
        "dashboard": dashboard.pages["dashboard"].throughput if "dashboard" in dashboard.pages else 0.0,
    }
    upload_line = ""
    saves = list(mixed.saves)
    if options.upload_mb:
        growth, upload = measure_upload(options, port, master, seeded.officers[n], seeded.record_date)
        saves.append(upload)  # its record and file must be stored too
        upload_line = f"upload {options.upload_mb}MB rss +{growth:.0f} MB"
    stored, given = stored_writes(saves, mixed.verdicts)
    lost = lost_saves(saves, stored)
    lost_v = lost_verdicts(mixed.verdicts, given)
    for save in lost:
        print(f"  lost: record {save.record} {save.title!r} with {save.files} files")
    for record in lost_v:
        print(f"  lost: verdict on record {record} ({mixed.verdicts[record]})")
    if options.profile:
        for line in profile_pages(seeded):
            print(line)
    print(
        f"{options.units} units, {options.workers} workers x {options.threads} threads, {n} clients, "
        f"connections kept {options.conn_max_age} s, "
        f"trivial view {trivial_rps:.1f} req/s"
    )
    for line in ratio_lines(trivial_rps, pages):
        print(line)
    print(f"errors {errors}")
    print(f"lost writes {len(lost) + len(lost_v)}")
    if upload_line:
        print(upload_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
