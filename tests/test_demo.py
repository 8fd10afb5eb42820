"""``manage.py load_demo``: a usable demo of OAE's units at every stage, loaded idempotently."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from pramern.assessments.adapter import load_scoring_assessment
from pramern.assessments.demo_data import ASSIGNMENTS, THREADS
from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record, UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.scores import compute_scores
from pramern.assessments.services import add_file_evidence, save_record
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.notifications.models import EmailChoice, Notification
from pramern.organizations.models import Role, Section, Unit
from pramern.review.models import Comment
from pramern.studio.models import DraftRevision, FrameworkDraft

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

THAI = re.compile(r"[\u0e00-\u0e7f]")
USERNAMES = ["officer", "director", "officer2", "evaluator", "executive", "admin", "editor"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, object]:
    models = [
        Unit,
        Section,
        get_user_model(),
        Role,
        Assessment,
        Record,
        Evidence,
        UnitRound,
        AuditEntry,
        FrameworkDraft,
        DraftRevision,
        ItemAssignment,
        Comment,
        Notification,
        EmailChoice,
    ]
    return {model.__name__: model.objects.count() for model in models} | {
        "deadlines": list(RoundSchedule.objects.order_by("round_code").values_list("submission_deadline", flat=True))
    }


def scores(assessment: Assessment) -> dict[str, Decimal]:
    result = compute_scores(assessment, assessment.records.all(), assessment.unit.sections.all())
    return {code: r.total for code, r in result.by_round.items()}


def submitted(assessment: Assessment) -> set[str]:
    return set(assessment.unit_rounds.exclude(state="draft").values_list("round_code", flat=True))


def test_it_loads_units_people_and_assessments_at_every_stage_and_a_second_run_changes_nothing():
    output = load_demo()
    today = timezone.localdate()

    units = list(Unit.objects.prefetch_related("sections"))
    assert len(units) >= 20
    for unit in units:
        assert THAI.search(unit.name_th) and unit.name_en and unit.short_name, unit.code
        assert 3 <= len(unit.sections.all()) <= 6, unit.code
        assert all(THAI.search(section.name_th) for section in unit.sections.all())
    assert Unit.objects.filter(kind="regional").count() == 12
    assert Unit.objects.get(code="oae-rao-01").name_en == "Regional Office of Agricultural Economics 1 (Chiang Mai)"

    assert set(Role.objects.values_list("kind", flat=True)) == {
        "officer",
        "director",
        "evaluator",
        "executive",
        "administrator",
        "framework_editor",
    }
    assert Role.objects.filter(user__username="officer", kind="officer", unit__code="oae-bapp").exists()
    assert Role.objects.filter(user__username="director", kind="director", unit__code="oae-bapp").exists()
    assert Role.objects.filter(user__username="officer2", kind="officer").exclude(unit__code="oae-bapp").exists()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("pramern-demo")
    assert THAI.search(get_user_model().objects.get(username="officer").get_full_name())

    framework = Framework.objects.get(code="oae-2567")
    assert {c: r.submission_deadline for c, r in RoundSchedule.objects.by_code(framework).items()} == {
        "R6": today - dt.timedelta(days=7),
        "R12": today + dt.timedelta(days=30),
    }

    assessments = list(Assessment.objects.with_unit())
    assert len(assessments) == len(units)
    for assessment in assessments:
        assert load_scoring_assessment(assessment)[1] == ()  # no record needs attention
        assert all(15 <= n <= 120 for n in assessment.staff_counts.values())

    r12_submitted = [a for a in assessments if submitted(a) == {"R6", "R12"}]
    r6_only = [a for a in assessments if submitted(a) == {"R6"}]
    untouched = [a for a in assessments if not submitted(a) and not a.records.exists()]
    missed = [a for a in assessments if not submitted(a) and a.records.exists()]
    assert r12_submitted and lock_state(r12_submitted[0]).read_only
    assert len(r6_only) >= 3 and not lock_state(r6_only[0]).status("R12").locked
    assert untouched and missed
    assert all(lock_state(a).status("R6").past_deadline for a in missed)

    nearly_complete = [a for a in assessments if scores(a)["R12"] >= 95 and "R12" not in submitted(a)]
    assert nearly_complete and nearly_complete[0].unit.code != "oae-bapp"
    assert "R6" in submitted(nearly_complete[0])

    bapp = Assessment.objects.get(unit__code="oae-bapp")
    assert submitted(bapp) == {"R6"}
    assert not bapp.records.filter(item_code="1.2.2").exists()
    assert Decimal(40) <= scores(bapp)["R12"] <= Decimal(60)
    submission = bapp.unit_rounds.get()
    assert submission.submitted_at.date() < today - dt.timedelta(days=7)
    assert submission.self_total == scores(bapp)["R6"]
    with pytest.raises(WorkspaceError):  # work of the submitted 6-month round is read-only
        save_record(bapp, "1.2.2", "followups", date=dt.date(2024, 1, 10), data={}, user=None)

    links = Evidence.objects.filter(kind="link")
    assert links.exists() and all(".example.go.th/" in e.url and e.url.startswith("https://") for e in links)
    assert Record.objects.filter(date__gt=dt.date(2024, 2, 28)).exists()
    assert not Record.objects.filter(date__lt=dt.date(2023, 8, 1)).exists()
    assert not Record.objects.filter(date__gt=dt.date(2024, 7, 31)).exists()

    fiscal_year = today.year + 543 + (today.month >= 10)  # FY2570 runs from 1 Oct 2569 (2026)
    draft = FrameworkDraft.objects.get()
    assert (draft.code, draft.version, draft.state) == (f"oae-{fiscal_year}", "1", "draft")
    assert draft.based_on == framework and draft.created_by.username == "editor"
    assert draft.title_th.startswith("ร่าง – สำเนาจากปี 2567 ไม่ใช่แนวทางอย่างเป็นทางการ")
    assert draft.title_th.endswith(f"ปี {fiscal_year}") and draft.document()["title_th"] == draft.title_th
    assert draft.title_en.startswith("DRAFT")
    assert Role.objects.filter(user__username="editor", kind="framework_editor", unit=None).exists()
    assert f"/studio/d/{draft.pk}/" in output

    for username in USERNAMES:
        assert re.search(rf"^{re.escape(username)}\s+pramern-demo\s", output, re.MULTILINE), username

    before = counts()
    again = load_demo()
    assert counts() == before
    assert all(username in again for username in USERNAMES)


def test_reset_recreates_the_demo_assessments_and_removes_uploaded_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    bapp = Assessment.objects.get(unit__code="oae-bapp")
    officer = get_user_model().objects.get(username="officer")
    record = save_record(bapp, "1.2.2", "followups", date=dt.date(2024, 5, 1), data={}, user=officer)
    upload = SimpleUploadedFile("memo.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf")
    evidence = add_file_evidence(bapp, upload, user=officer, records=[record])
    stored = tmp_path / evidence.file.name
    assert stored.exists()
    records = Record.objects.count()

    load_demo("--reset")

    assert not stored.exists()
    assert not Assessment.objects.filter(pk=bapp.pk).exists()
    fresh = Assessment.objects.get(unit__code="oae-bapp")
    assert not fresh.records.filter(item_code="1.2.2").exists()
    assert Record.objects.count() == records - 1
    assert submitted(fresh) == {"R6"}


def test_the_demos_submission_is_audited_as_the_directors_own_submission_is(client):
    load_demo()
    bapp = Assessment.objects.get(unit__code="oae-bapp")
    demo_entry = AuditEntry.objects.get(assessment_id=bapp.pk, action="pramern.round.submit")

    client.force_login(get_user_model().objects.get(username="director"))
    assert client.post(f"/a/{bapp.pk}/submit/R12/", {"confirm": "yes"}).status_code == 302

    real_entry = AuditEntry.objects.filter(assessment_id=bapp.pk, action="pramern.round.submit").latest("pk")
    assert (demo_entry.data["round"], real_entry.data["round"]) == ("R6", "R12")

    def shape(entry: AuditEntry) -> dict[str, object]:
        fields = (
            "action",
            "actor_id",
            "actor_name",
            "object_type",
            "object_id",
            "object_repr",
            "assessment_id",
            "item_code",
        )
        return {name: getattr(entry, name) for name in fields} | {"data": entry.data | {"round": "?"}}

    assert shape(demo_entry) == shape(real_entry)


def test_the_demo_gives_items_and_notifies_through_the_services(client, django_capture_on_commit_callbacks, mailoutbox):
    """Assignments, comments and the rounds' steps go through the pages' services (audited like
    theirs), and the notifications they send once committed reach the demo people's inboxes."""
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    bapp = Assessment.objects.get(unit__code="oae-bapp")
    officer = get_user_model().objects.get(username="officer")
    mine = set(ItemAssignment.objects.filter(assessment=bapp, assignee=officer).values_list("item_code", flat=True))
    assert mine == {"4.2.3", "7.3", "2.2"}
    assert all(a.assigned_by.username == "director" for a in ItemAssignment.objects.filter(assessment=bapp))
    given = sum(len(items) for items in ASSIGNMENTS.values())
    assert ItemAssignment.objects.count() == given
    assert AuditEntry.objects.filter(action="pramern.item.assigned").count() == given  # assign_item's own entry
    assert AuditEntry.objects.filter(action="pramern.comment.added").count() == len(THREADS) == Comment.objects.count()

    def kinds(username: str) -> set[str]:
        return set(Notification.objects.filter(recipient__username=username).values_list("kind", flat=True))

    assert kinds("officer") == {"comment"}  # the evaluator's questions on 2.1 and 4.2.3
    assert kinds("director-rao01") == {"return", "comment"}  # R6 returned, and why
    assert kinds("officer2") == {"verify", "publish"}
    assert kinds("executive") == {"publish"}
    assert {"submit", "comment"} <= kinds("evaluator")  # the sign-offs and the officer's answer
    submitted_rounds = UnitRound.objects.exclude(submitted_at=None).count()
    assert Notification.objects.filter(recipient__username="evaluator", kind="submit").count() == submitted_rounds
    # inbox only: the demo accounts' email is off (example.go.th addresses), and nothing was sent
    assert mailoutbox == [] and not Notification.objects.filter(emailed=True).exists()
    assert not EmailChoice.objects.filter(user=officer, email=True).exists()

    client.force_login(officer)
    home = client.get(f"/a/{bapp.pk}/").content.decode()
    my_items = home.split('id="my-items"')[1].split("</section>")[0]
    assert "(3)" in my_items and f'href="/a/{bapp.pk}/items/4.2.3/"' in my_items
    inbox = client.get("/inbox/").content.decode()
    assert "ความเห็นใหม่ในตัวชี้วัด 2.1 ของ สำนักวิจัยเศรษฐกิจการเกษตร" in inbox

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert counts() == before  # a second run assigns, comments and notifies nothing again
