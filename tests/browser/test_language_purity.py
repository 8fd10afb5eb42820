"""What people read is in their language and free of internal codes: the main pages, as each
person, in Thai and in English, show no framework code (``oae-2567@1``), no fact key
(``followups``), no ISO date (``2024-03-01``) nor a date breaking the date rule, and an English page
shows no Thai except the proper nouns people typed (see _allowed_thai and docs/accessibility.md).
The studio is exempt from the code check: framework editors name drafts by code and version there."""

from __future__ import annotations

import re

import pytest
import yaml
from django.conf import settings

from pramern.organizations.models import Section, Unit
from pramern.reports.scorecards import refresh
from tests.browser.steps import log_in
from tests.conftest import FRAMEWORK_FILE
from tests.factories import open_rounds, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "alice": [
        "/a/{a}/",
        "/a/{a}/items/2.1/",
        "/a/{a}/items/1.2.2/",
        "/a/{a}/next/",
        "/units/oae-bapp/history/",
        "/frameworks/",
        "/frameworks/oae-2567/1/",
        "/reports/jobs/",
    ],
    "dan": ["/a/{a}/submit/R6/"],
    "eve": ["/review/", "/review/a/{a}/R12/", "/review/a/{a}/R12/items/2.1/", "/review/a/{a}/history/"],
    "xena": ["/dashboard/", "/dashboard/years/", "/a/{a}/scorecard/"],
    "adam": ["/studio/"],
}

FRAMEWORK_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+@\d+\b|\boae-\d{4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: the one date rule (docs/accessibility.md): "25 ก.ค. 2567" in Thai, "25 Jul 2024" in English;
#: these find the others (a Common-Era year in Thai, a Buddhist-era year or Django's default
#: formats in English, numeric dates)
OTHER_DATES = {
    "th": re.compile(
        r"\b\d{1,2} [\u0e01-\u0e2e]\.[\u0e01-\u0e2e]\.(?:[\u0e01-\u0e2e]\.)? 20\d\d\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
    ),
    "en": re.compile(
        r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 25\d\d\b"
        r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
    ),
}
THAI = re.compile(r"[\u0e00-\u0e7f]+(?:[\s.()/]*[\u0e00-\u0e7f]+)*")
#: Thai that an English page may show: the language's own name in the language switch, and the
#: proper nouns and free text people typed (unit, section and person names, record text), added
#: per test from the database.
ALLOWED_THAI = ["ภาษาไทย"]


def _fact_keys() -> set[str]:
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("facts", "fields") and isinstance(value, dict):
                    keys.update(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    return keys


def _english_words() -> set[str]:
    english = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key == "en" or key.endswith("_en")):
                    english.append(value.lower())
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    return set(re.findall(r"[a-z_]+", " ".join(english)))


def internal_codes(text: str, *, english: bool) -> list[str]:
    """Framework codes, fact keys and ISO dates in ``text``. On English pages a fact key that is
    also an ordinary English word of the framework's texts ("plan", "level") is not counted."""
    found = FRAMEWORK_CODE.findall(text) + ISO_DATE.findall(text)
    keys = _fact_keys()
    if english:
        keys = {key for key in keys if "_" in key or key not in _english_words()}
    found += [word for word in re.findall(r"\b[a-z_]+\b", text) if word in keys]
    return found


def thai_in(text: str, allowed: list[str]) -> list[str]:
    for phrase in sorted(allowed, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return THAI.findall(text)


def _quoted_in_framework_english() -> list[str]:
    """Thai that the framework's own English texts quote: the source's words and the Thai
    abbreviations of bodies ("สทพ."), put there on purpose by the framework's authors."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key == "en" or key.endswith("_en")):
                    found.extend(THAI.findall(value))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    return found


def _framework_english() -> str:
    """The framework's English texts, which may quote a date as the source wrote it."""
    texts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key == "en" or key.endswith("_en")):
                    texts.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    return "\n".join(texts)


def _allowed_thai(world) -> list[str]:
    allowed = list(ALLOWED_THAI) + _quoted_in_framework_english()
    allowed += [unit.name_th for unit in Unit.objects.all()]
    allowed += [section.name_th for section in Section.objects.all()]
    for user in (world.alice, world.dan, world.bob, world.eve, world.xena, world.adam):
        allowed += [part for part in (user.first_name, user.last_name) if part]
    return allowed


@pytest.fixture
def filled(world):
    open_rounds(world.framework)
    record(world.a, "2.1", "plan", "2024-03-01", sent_to_planning=True, signed_or_presented=True)
    refresh(world.a)
    refresh(world.b)
    return world


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("persona", sorted(PAGES))
def test_pages_speak_one_language_without_internal_codes(desktop_page, live_server, filled, persona, language):
    desktop_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    log_in(desktop_page, live_server, persona)
    english = language == "en"
    allowed = _allowed_thai(filled)
    problems = {}
    for path in PAGES[persona]:
        desktop_page.goto(live_server.url + path.format(a=filled.a.pk))
        desktop_page.wait_for_load_state("networkidle")
        text = desktop_page.locator("body").inner_text()
        found = [] if path.startswith("/studio/") else internal_codes(text, english=english)
        found += [day for day in OTHER_DATES[language].findall(text) if day not in _framework_english()]
        if english:
            found += thai_in(text, allowed)
        if found:
            problems[path] = sorted(set(found))
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())
