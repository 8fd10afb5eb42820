"""Hand-written factories and the personas every workspace test uses.

alice: officer of the Bureau of Agricultural Economic Research (unit A)
dan:   director of unit A
bob:   officer of another unit (B)
eve:   evaluator (Evaluation Centre)
xena:  executive
adam:  administrator
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.models import Assessment, Record
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.frameworks.services import install_framework_file
from pramern.notifications.unread import forget_unread
from pramern.organizations.models import Role, Section, Unit
from pramern.reports import caching
from tests.conftest import FRAMEWORK_FILE

PASSWORD = "pramern-test-password"


def framework() -> Framework:
    return install_framework_file(FRAMEWORK_FILE).framework


def unit(code: str, name_th: str, sections: int = 3) -> Unit:
    created = Unit.objects.create(code=code, name_th=name_th, kind=Unit.Kind.BUREAU)
    for n in range(1, sections + 1):
        Section.objects.create(unit=created, code=f"s{n}", name_th=f"ส่วนที่ {n}", position=n)
    return created


def person(username: str, kind: str, unit: Unit | None = None, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Role.objects.create(user=user, kind=kind, unit=unit if kind in Role.UNIT_KINDS else None)
    return user


def assessment(unit: Unit, fw: Framework, staff: int = 40) -> Assessment:
    return Assessment.objects.create(unit=unit, framework=fw, staff_counts={"R6": staff, "R12": staff})


def open_rounds(fw: Framework, today: dt.date | None = None) -> None:
    """Deadlines in the future, so that the workspace is open (the FY2567 dates have passed)."""
    day = today or dt.date.today()
    RoundSchedule.objects.filter(framework=fw, round_code="R6").update(submission_deadline=day + dt.timedelta(days=10))
    RoundSchedule.objects.filter(framework=fw, round_code="R12").update(submission_deadline=day + dt.timedelta(days=40))


def record(a: Assessment, item: str, fact: str, date: str, **data: Any) -> Record:
    return Record.objects.create(assessment=a, item_code=item, fact=fact, date=dt.date.fromisoformat(date), data=data)


class World:
    """Two units, their assessments and the six personas."""

    def __init__(self) -> None:
        self.framework = framework()
        open_rounds(self.framework)
        self.unit_a = unit("oae-bapp", "สำนักวิจัยเศรษฐกิจการเกษตร")
        self.unit_b = unit("oae-cae", "ศูนย์สารสนเทศการเกษตร")
        self.a = assessment(self.unit_a, self.framework)
        self.b = assessment(self.unit_b, self.framework)
        self.alice = person("alice", "officer", self.unit_a, first_name="อลิส", last_name="ใจดี")
        self.dan = person("dan", "director", self.unit_a, first_name="แดน", last_name="ผู้อำนวยการ")
        self.bob = person("bob", "officer", self.unit_b)
        self.eve = person("eve", "evaluator")
        self.xena = person("xena", "executive")
        self.adam = person("adam", "administrator")


def page_queries(client: Any, url: str) -> int:
    """How many database queries opening ``url`` takes (the page must answer 200), the bell's count
    included, as on the reader's first page after their notifications changed (it is kept in the
    cache after that: tests/notifications/test_inbox.py)."""
    reader = client.session.get(SESSION_KEY)
    if reader is not None:
        forget_unread([int(reader)])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def cold_page_queries(client: Any, url: str) -> int:
    """``page_queries`` with nothing cached: the queries of the page computed (the cached path's
    are counted in tests/reports/test_caching.py)."""
    caching.clear()
    return page_queries(client, url)


def import_and_confirm(client: Any, assessment_pk: int, upload: Any) -> Any:
    """Upload a file to import, open its preview and confirm it, as a person would (issue 11):
    the upload's answer when it is refused, else the confirmation's."""
    uploaded = client.post(f"/a/{assessment_pk}/import/", {"file": upload})
    if uploaded.status_code != 302:
        return uploaded
    preview = client.get(uploaded["Location"]).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview)
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', preview)
    assert token and fingerprint, preview[-2000:]
    return client.post(
        uploaded["Location"], {"action": "confirm", "token": token.group(1), "fingerprint": fingerprint.group(1)}
    )


def verified_below_its_claim(world: Any, *, publish: bool = False) -> None:
    """Unit A claims 2 points on item 1.2.2 in R12 and is verified at 1 (one follow-up rejected),
    published when asked; unit B claims the same 2 and is not reviewed. Score cards refreshed."""
    from pramern.reports.scorecards import refresh
    from pramern.review.services import set_verdict, transition

    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    second = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(first, "accepted", user=world.eve)
    set_verdict(second, "rejected", reason="ไม่มีรายงานการประชุม", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)
    if publish:
        transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    refresh(world.b)
