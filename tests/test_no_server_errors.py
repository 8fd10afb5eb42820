"""Junk in every form and query parameter of every page, as every role: never a server error.

Everything is found at run time, so that pages added later are covered without editing this file:

1. Every URL pattern of ``pramern.urls`` (the admin site's included) is filled with real ids
   from the world below (the officer's unit and another unit: assessments, records of every
   kind of fact, evidence, report jobs, rounds; each admin model's first row); then each
   part that came from a parameter is replaced in turn by junk (a 20-digit number, %00, ²).
2. Each such page is opened as each role (anonymous, officer, director, other unit's officer,
   evaluator, executive, administrator). Its HTML gives the forms (inputs, selects, textareas,
   buttons: names and the values offered) and the query parameters of its links; the names
   the views read straight from ``request.GET``/``request.POST`` (found by scanning
   ``pramern/``) are added to the requests to that view's module.
3. Hypothesis sends junk for those fields: NUL bytes, NaN, Infinity, huge and negative
   numbers, ² and Thai digits, empty and very long strings, mixed with the values the page
   offered so that the junk gets past the first check. A few fixed examples per form put
   one kind of junk in every free-text field with the hidden fields and choices as offered;
   then one generated (derandomized: the same every run). Each distinct form (view and field
   names) is fuzzed once per role; the admin site (Django's code) gets three fixed examples,
   and a page the role may not open one. Each request runs in a savepoint that is rolled back, so deletes, log-outs and
   state changes never change what the next request sees.

It asserts that no request raises (the test client re-raises a view's exception, with its
traceback) and that none answers 5xx, on whichever database the run uses (SQLite by default,
PostgreSQL with ``DATABASE_URL``).

Left out or kept small, because they legitimately take time:
- ``reports:scorecard-pdf`` for a unit that may be seen, ``frameworks:guideline-pdf`` and
  ``studio:guideline-pdf`` print
  through Chromium (~1-3 s); they read nothing but their path, so only junk ids are sent to them;
- background report jobs (consolidated PDF, evidence ZIP) start on commit, which a test's
  transaction never reaches: their requests are fuzzed up to the queued job;
- file fields get a small junk file, not crafted ones (what is inside an imported assessment
  file is the import's own tests' concern).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as settings_module
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st

from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.reports.models import ReportJob
from pramern.review.services import add_comment, transition
from pramern.studio.services import start_draft
from tests.factories import record

ROOT = Path(__file__).resolve().parent.parent
ROLES = {
    "anonymous": None,
    "officer": "alice",
    "director": "dan",
    "other_unit_officer": "bob",
    "evaluator": "eve",
    "executive": "xena",
    "administrator": "adam",
}
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: One kind of junk per fixed example, put in every free-text field at once.
THEMES = ["\x00", "NaN", "²", "abc"]
NASTY = [
    *THEMES,
    "",
    "-1",
    "Infinity",
    "9" * 40,
    "๒๕/๐๗/๒๕๖๗",
    " ",
    "a\x00b",
    "-NaN",
    "sNaN",
    "-Infinity",
    "inf",
    "1e999999",
    "1E-999999",
    "-99999999999999999999",
    "99999999999999999999",
    "0.000000001",
    "0",
    "1.5",
    "٣",
    "x" * 5000,
    "\u202eevil",
    "🙂",
    "31/02/2567",
    "00/00/0000",
    "25 ก.ค. 99999",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "true",
    "[]",
    "{}",
    "null",
    "R6\x00",
]
#: Text without lone surrogates (they cannot be encoded into a request at all).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
JUNK = st.one_of(
    st.sampled_from(NASTY),
    TEXT,
    st.integers().map(str),
    st.decimals().map(str),
    st.floats().map(str),
)


# --------------------------------------------------------------------------- the world


@pytest.fixture
def rich_world(world):
    """The world with something behind every page: records of every kind of fact in the
    officer's unit (the first round's in review), evidence, a comment, report jobs."""
    compiled = world.framework.compiled()
    world.items = _items_covering_every_kind(compiled)
    r6 = compiled.rounds[0]
    world.records = []
    for code in world.items:
        item = compiled.items_by_code[code]
        for fact in item.facts.values():
            for day in (r6.starts + dt.timedelta(days=60), r6.cutoff + dt.timedelta(days=30)):
                world.records.append(record(world.a, code, fact.name, day.isoformat(), **_record_data(fact, day)))
    world.other_record = record(world.b, world.items[0], "guideline", "2023-10-01", published=True)
    first = world.records[0]
    world.file = add_file_evidence(
        world.a, SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), user=world.alice, records=[first]
    )
    world.link = add_link_evidence(world.a, "https://www.oae.go.th/", user=world.alice, records=[first])
    world.other_file = add_file_evidence(
        world.b, SimpleUploadedFile("x.pdf", PDF_BYTES), user=world.bob, records=[world.other_record]
    )
    add_comment(world.a, first.item_code, "ขอเอกสารเพิ่ม", user=world.alice)
    transition(world.a, r6.code, "submit", user=world.dan, notify=False)
    transition(world.a, r6.code, "start_review", user=world.eve, notify=False)
    world.draft = start_draft(world.framework, "oae-2570", "1", world.adam)  # the studio's pages
    world.adam.is_staff = world.adam.is_superuser = True  # as the organisation import makes them
    world.adam.save()
    world.jobs = [  # a job is its requester's: one of the officer's, one of the administrator's
        ReportJob.objects.create(
            kind=ReportJob.Kind.EVIDENCE_ZIP, params={"assessment": world.a.pk, "round": r6.code}, requested_by=user
        )
        for user in (world.alice, world.adam)
    ]
    return world


def _items_covering_every_kind(compiled: Any) -> list[str]:
    """Item codes, few, between them having every type of fact and every kind of field."""
    seen: set[str] = set()
    codes = []
    for item in compiled.items:
        kinds = {f"type:{f.type}" for f in item.facts.values()}
        kinds |= {f"field:{s.kind}" for f in item.facts.values() for s in f.fields.values()}
        if kinds - seen:
            seen |= kinds
            codes.append(item.code)
    return codes


def _record_data(fact: Any, day: dt.date) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, spec in fact.fields.items():
        data[name] = {"flag": True, "section": "s1", "choice": next(iter(spec.choices), "")}.get(spec.kind, "งาน")
    if fact.type == "measurement":
        data["value"] = 5
    elif fact.type == "choice":
        data["option"] = next(iter(fact.options))
    elif fact.type == "periodic":
        data["covers"] = f"{day.year:04d}-{day.month:02d}"
    elif fact.type == "judgement":
        data["claimed"] = int(fact.minimum)
    return data


# --------------------------------------------------------------------------- the URLs


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(reversible name, pattern) of every named URL pattern."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _parameters(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", {})
    return list(converters) or list(pattern.pattern.regex.groupindex)


def _contexts(world: Any) -> list[dict[str, Any]]:
    """Consistent sets of real path values: one per record of each unit, plus the defaults."""
    compiled = world.framework.compiled()
    base = {
        "pk": world.a.pk,
        "round_code": compiled.rounds[0].code,
        "fmt": "json",
        "identifier": "xlsx",  # reports:scores (the score download)
        "app_label": "organizations",
        "url": "organizations/",
        "version": world.framework.version,
        "code": world.items[0],
        "code2": world.framework.code,  # frameworks:compare (a framework with itself)
        "version2": world.framework.version,
    }
    out = [base, {**base, "code": world.framework.code}]  # frameworks:detail takes the framework's code
    # one record of each fact (the officer can still change the later one), and the other unit's
    editable = {(r.item_code, r.fact): r for r in world.records}
    for rec in [world.other_record, *editable.values()]:
        evidence = rec.evidence.first()
        out.append(
            {
                **base,
                "pk": rec.assessment_id,
                "record_pk": rec.pk,
                "code": rec.item_code,
                "fact": rec.fact,
                "evidence_pk": evidence.pk if evidence else world.file.pk,
            }
        )
    for job in world.jobs:
        out.append({**base, "job_id": job.pk})
    out.append({**base, "pk": world.draft.pk, "number": 1})  # a studio draft and its first revision
    return out


#: Junk put in place of each real path part in turn (what no URL pattern takes is a 404 there).
JUNK_PATH = ["99999999999999999999", "%00", quote("²")]


def concrete_urls(world: Any) -> list[tuple[str, str]]:
    """(URL name, path) for every pattern: real ids first, then each part junk in turn."""
    out: dict[str, str] = {}
    contexts = _contexts(world)
    for name, pattern in _patterns():
        params = _parameters(pattern)
        filled = []
        for context in contexts:
            values = {p: context.get(p) for p in params}
            if "object_id" in params:
                values["object_id"] = _admin_object_id(name)
            if "content_type_id" in params:
                values["content_type_id"] = 1
            if all(v is not None for v in values.values()):
                filled.append(values)
        paths = []
        for values in filled:
            try:
                paths.append(reverse(name, kwargs=values))
            except NoReverseMatch:
                continue
        if paths and params:  # the first real path with each of its parameters' parts junk in turn
            segments = paths[0].split("/")
            for value in filled[0].values():
                for i in [i for i, part in enumerate(segments) if part == quote(str(value))]:
                    paths += ["/".join([*segments[:i], junk, *segments[i + 1 :]]) for junk in JUNK_PATH]
        for path in paths:
            printed = ("reports:scorecard-pdf", "frameworks:guideline-pdf", "studio:guideline-pdf")
            if name in printed and path in paths[: len(filled)]:
                continue  # prints through Chromium: see the module's docstring
            out.setdefault(path, name)
    return [(name, path) for path, name in out.items()]


def _admin_object_id(name: str) -> Any:
    """The first row's pk for ``admin:<app>_<model>_<view>`` (None when not an admin page)."""
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", name)
    if not match:
        return None
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == f"{match[1]}_{match[2]}":
            first = model._default_manager.order_by("pk").first()
            return str(first.pk) if first else None
    return None


def _names_read_by_views() -> dict[str, dict[str, set[str]]]:
    """Module -> ``{"GET": {...}, "POST": {...}}``: the parameter names its code reads straight
    off the request (``pramern.review.views`` -> ``{"GET": {"round", "state", ...}, ...}``)."""
    found: dict[str, dict[str, set[str]]] = {}
    for source in (ROOT / "pramern").rglob("*.py"):
        text = source.read_text()
        names = found.setdefault(
            ".".join(source.relative_to(ROOT).with_suffix("").parts), {"GET": set(), "POST": set()}
        )
        for method, name in re.findall(r"request\.(GET|POST)(?:\.(?:get|getlist)\(|\[)\s*[\"']([^\"']+)[\"']", text):
            names[method].add(name)
        for name, method in re.findall(r"[\"']([^\"']+)[\"']\s+in\s+request\.(GET|POST)", text):
            names[method].add(name)
    return found


# --------------------------------------------------------------------------- forms in a page


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered
    free: set[str] = field(default_factory=set)  # text the person types (vs. hidden, choices)
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.query: dict[str, list[str]] = {}
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        form = self._form
        if tag == "form":
            self._form = Form(a.get("method", "get").upper(), urljoin(self.page, a.get("action") or self.page))
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            target = urlsplit(urljoin(self.page, a["href"]))
            if target.path == urlsplit(self.page).path:
                for name, value in parse_qsl(target.query, keep_blank_values=True):
                    self.query.setdefault(name, []).append(value)
        elif form is None or not a.get("name"):
            if tag == "option" and form is not None and self._select:
                form.fields[self._select].append(a.get("value", ""))
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            values = form.fields.setdefault(a["name"], [])
            if kind == "file":
                form.files.add(a["name"])
            elif kind in ("hidden", "checkbox", "radio", "submit"):
                values.append(a.get("value", "on" if kind == "checkbox" else ""))
            else:
                values.append(a.get("value", ""))
                form.free.add(a["name"])
        elif tag == "select":
            self._select = a["name"]
            form.fields.setdefault(a["name"], [])
        elif tag == "textarea":
            form.fields.setdefault(a["name"], [""])
            form.free.add(a["name"])
        elif tag == "button":
            form.fields.setdefault(a["name"], []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse_page(path: str, html: str) -> tuple[list[Form], dict[str, list[str]]]:
    parser = _FormParser(path)
    parser.feed(html)
    return parser.forms, parser.query


# --------------------------------------------------------------------------- sending junk


def _field_strategy(offered: list[str]) -> st.SearchStrategy[Any]:
    absent = st.just(None)
    junk = st.one_of(JUNK, st.lists(JUNK, min_size=2, max_size=3))
    return st.one_of(st.sampled_from(offered), junk, absent) if offered else st.one_of(junk, absent)


def payloads(form: Form) -> tuple[st.SearchStrategy[Any], list[dict[str, Any]]]:
    """A strategy of request data for ``form``, and the fixed examples (one per theme)."""
    fields = {name: _field_strategy(values) for name, values in form.fields.items() if name not in form.files}
    uploads = {
        name: st.tuples(st.sampled_from(["a.pdf", "\x00.pdf", "๑.docx", "x" * 300 + ".pdf"]), st.binary(max_size=64))
        for name in form.files
    }
    strategy = st.fixed_dictionaries({**fields, **uploads}).map(lambda d: {k: v for k, v in d.items() if v is not None})
    fixed = []
    for theme in THEMES:
        data: dict[str, Any] = {}
        for name, values in form.fields.items():
            if name in form.files:
                continue
            offered = [v for v in values if v] or values
            if name in form.free or not offered:
                data[name] = theme
            else:
                data[name] = offered[-1]
        for name in form.files:
            data[name] = (f"{theme}.pdf", PDF_BYTES)
        fixed.append(data)
    return strategy, fixed


def _materialise(data: dict[str, Any]) -> dict[str, Any]:
    """Upload objects are read once: make them afresh for each request."""
    return {k: SimpleUploadedFile(*v) if isinstance(v, tuple) else v for k, v in data.items()}


def send(client: Client, session: str | None, method: str, path: str, data: dict[str, Any], htmx: bool = False) -> Any:
    """One request inside a savepoint that is rolled back, with the role's session cookie and no
    other (a log-out or a language switch in an earlier example must not carry over)."""
    headers = {"HX-Request": "true"} if htmx else {}
    client.cookies.clear()
    if session:
        client.cookies[settings_module.SESSION_COOKIE_NAME] = session
    with transaction.atomic():
        try:
            if method == "GET":
                response = client.get(path, data, headers=headers)
            else:
                response = client.post(path, _materialise(data), headers=headers)
        finally:
            transaction.set_rollback(True)
    if response.streaming:  # a file: reading it through closes it (the client's wrapper does)
        b"".join(response.streaming_content)
    return response


def fuzz(client: Client, session: str | None, role: str, method: str, path: str, form: Form, budget: Budget) -> None:
    strategy, fixed = payloads(form)

    def check(data: dict[str, Any], htmx: bool) -> None:
        note(f"{role}: {method} {path} {data!r} htmx={htmx}")
        response = send(client, session, method, path, data, htmx)
        assert response.status_code < 500, f"{role}: {method} {path} {data!r} -> {response.status_code}"

    test = given(data=strategy, htmx=st.booleans())(check)
    for data in fixed[: budget.themes]:
        test = example(data=data, htmx=False)(test)
    settings(
        max_examples=max(budget.generated, 1),
        phases=[Phase.explicit, Phase.generate, Phase.shrink] if budget.generated else [Phase.explicit],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(test)()


def _view_module(path: str) -> str:
    """``pramern.review.views.item`` for a review item's path; "" when nothing answers it."""
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return ""
    return f"{match.func.__module__}.{match.func.__name__}"


@dataclass(frozen=True)
class Budget:
    themes: int  # fixed examples: the first ``themes`` of THEMES
    generated: int  # then this many generated by Hypothesis


#: Per form and role. A page the role may not open (or a POST from a form it was not shown)
#: gets NUL only; the admin site, Django's own code, a small budget.
FULL, ADMIN, BLIND = Budget(len(THEMES), 1), Budget(3, 0), Budget(1, 0)


# --------------------------------------------------------------------------- the test


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_answers_junk_with_a_server_error(rich_world, role, caplog):
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of 4xx lines otherwise
    world = rich_world
    client = Client(raise_request_exception=True)
    session = None
    if ROLES[role]:
        client.force_login(getattr(world, ROLES[role]))
        session = client.cookies[settings_module.SESSION_COOKIE_NAME].value
    read = _names_read_by_views()
    done: set[tuple[Any, ...]] = set()
    started = time.process_time()
    for name, path in concrete_urls(world):
        module = _view_module(path)
        ours = not module.startswith("django.")  # the admin site is Django's code
        names = read.get(module.rpartition(".")[0], {"GET": set(), "POST": set()})
        budget = FULL if ours else ADMIN
        opened = send(client, session, "GET", path, {})
        assert opened.status_code < 500, f"{role}: GET {path} -> {opened.status_code}"
        rendered = opened.status_code == 200 and "html" in opened.get("Content-Type", "")
        forms, query = parse_page(path, opened.content.decode()) if rendered else ([], {})
        # the page itself: its links' and its GET forms' parameters, and those our views read
        params = Form("GET", path, {n: list(v) for n, v in query.items()})
        for form in forms:
            if form.method == "GET" and urlsplit(form.action).path == path:
                for n, values in form.fields.items():
                    params.fields.setdefault(n, []).extend(values)
                params.free |= form.free
        for n in names["GET"]:
            params.fields.setdefault(n, [])
        params.free |= {n for n, values in params.fields.items() if not values}
        # pages that only redirect (to log in, say) are fuzzed once per place they send to
        redirect = urlsplit(opened.get("Location", "")).path if 300 <= opened.status_code < 400 else None
        key = ("GET", redirect or name, rendered, frozenset(params.fields))
        if params.fields and key not in done:
            done.add(key)
            fuzz(client, session, role, "GET", path, params, budget if rendered else BLIND)
        # each form it holds
        for form in forms:
            target = urlsplit(form.action)
            if target.netloc not in ("", "testserver") or form.method != "POST":
                continue
            key = ("POST", _view_module(target.path), frozenset(form.fields), frozenset(form.files))
            if key not in done:
                done.add(key)
                fuzz(client, session, role, "POST", target.path, form, budget)
        # a POST as if from a form this role was not shown
        blind = Form("POST", path, {n: [] for n in names["POST"]}, free=set(names["POST"]))
        key = ("POST-blind", redirect or name, rendered)
        if ours and key not in done:
            done.add(key)
            fuzz(client, session, role, "POST", path, blind, BLIND)
    print(f"{role}: {len(done)} forms and pages, {time.process_time() - started:.1f} s of CPU")
