"""Report jobs cannot fill the disk: results expire and are deleted, one job at a time per
report, and the evidence ZIP says how big it will be before anyone asks for it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from pramern.assessments.models import Evidence
from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.audit.models import AuditEntry
from pramern.reports.models import ReportJob
from pramern.ui.templatetags.pramern import filesize
from tests.factories import record

PDF = b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"


def ask_for_zip(client, world, round_code="R12"):
    return client.post(f"/a/{world.a.pk}/evidence.zip", {"round": round_code})


def finished_hours_ago(job: ReportJob, hours: float) -> None:
    then = timezone.now() - dt.timedelta(hours=hours)
    ReportJob.objects.filter(pk=job.pk).update(created_at=then, finished_at=then)


@pytest.fixture
def with_evidence(world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01", signed_or_presented=True)
    add_file_evidence(world.a, SimpleUploadedFile("แนวทาง.pdf", PDF), user=world.alice, records=[rec])
    return world


def test_a_finished_result_expires_and_the_command_deletes_its_file(
    client, with_evidence, settings, django_capture_on_commit_callbacks
):
    world = with_evidence
    settings.REPORT_RESULT_HOURS = 24
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_zip(client, world)
    job = ReportJob.objects.get()
    stored = job.file.name
    assert job.status == "done" and default_storage.exists(stored)
    assert "ดาวน์โหลดได้ถึง" in client.get(f"/reports/jobs/{job.pk}/").content.decode()

    finished_hours_ago(job, 23)
    call_command("delete_expired_reports", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and default_storage.exists(stored)  # not yet 24 hours old

    finished_hours_ago(job, 25)
    call_command("delete_expired_reports", verbosity=0)
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not default_storage.exists(stored)
    entry = AuditEntry.objects.get(action="pramern.report.expired")
    assert entry.object_id == str(job.pk) and entry.data["file"] == stored and entry.actor is None

    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    page = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "หมดอายุ" in page and f'action="/a/{world.a.pk}/evidence.zip"' in page and 'value="R12"' in page
    listing = client.get("/reports/jobs/").content.decode()
    assert "หมดอายุ" in listing and "ขอใหม่" in listing

    call_command("delete_expired_reports", verbosity=0)  # a second run has nothing left to do
    assert AuditEntry.objects.filter(action="pramern.report.expired").count() == 1


def test_the_setting_says_how_long_results_are_kept(
    client, with_evidence, settings, django_capture_on_commit_callbacks
):
    world = with_evidence
    settings.REPORT_RESULT_HOURS = 2
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_zip(client, world)
    job = ReportJob.objects.get()
    finished_hours_ago(job, 3)
    call_command("delete_expired_reports", verbosity=0)
    job.refresh_from_db()
    assert job.status == "expired"


def test_asking_again_while_a_job_waits_returns_that_job(client, world):
    client.force_login(world.alice)
    first = ask_for_zip(client, world)  # not committed in this test: the job stays queued
    again = ask_for_zip(client, world)
    assert ReportJob.objects.count() == 1
    assert again["Location"] == first["Location"]
    ask_for_zip(client, world, "R6")  # another round is another report
    client.force_login(world.dan)  # another person asks for their own
    ask_for_zip(client, world)
    assert ReportJob.objects.count() == 3
    client.force_login(world.adam)
    client.post("/reports/consolidated/", {"round": "R12"})
    client.post("/reports/consolidated/", {"round": "R12"})
    assert ReportJob.objects.filter(kind="consolidated_pdf").count() == 1
    assert AuditEntry.objects.filter(action="pramern.report.requested").count() == 4


def test_the_database_holds_one_active_job_per_person_and_report(world):
    """Two requests at the same moment both pass the service's check; the second row is refused."""
    fields = {"kind": "evidence_zip", "subject": f"assessment:{world.a.pk}:R12", "requested_by": world.alice}
    ReportJob.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(**fields)
    ReportJob.objects.create(**fields, status="done")  # finished jobs do not count


def test_a_job_that_never_finished_is_expired_and_frees_the_slot(client, world, settings):
    settings.REPORT_RESULT_HOURS = 24
    client.force_login(world.alice)
    ask_for_zip(client, world)  # queued; the worker never ran it
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    call_command("delete_expired_reports", verbosity=0)
    job.refresh_from_db()
    assert job.status == "expired"
    ask_for_zip(client, world)
    assert ReportJob.objects.filter(status="queued").count() == 1


def test_an_expired_job_is_not_run_by_a_late_worker(world):
    from pramern.reports.tasks import run_report_job

    job = ReportJob.objects.create(
        kind="evidence_zip", params={"assessment": world.a.pk, "round": "R12"}, requested_by=world.alice
    )
    ReportJob.objects.filter(pk=job.pk).update(status="expired")
    run_report_job.call_local(str(job.pk))
    job.refresh_from_db()
    assert job.status == "expired" and not job.file


def test_a_new_result_replaces_the_previous_one(client, with_evidence, django_capture_on_commit_callbacks):
    world = with_evidence
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_zip(client, world)
    first = ReportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_zip(client, world)
    second = ReportJob.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert (first.status, second.status) == ("expired", "done")
    assert not first.file and default_storage.listdir("reports")[1] == [second.file.name.split("/")[-1]]


def test_the_zip_page_says_how_big_the_zip_will_be(client, with_evidence):
    world = with_evidence
    second = record(world.a, "1.1.2", "followups", "2024-03-15", presented_to_director=True)
    shared = Evidence.objects.get()
    shared.records.add(second)  # one file for two records: in the ZIP once
    add_file_evidence(world.a, SimpleUploadedFile("รายงาน.pdf", PDF * 600), user=world.alice, records=[second])
    add_link_evidence(world.a, "https://example.go.th/x", user=world.alice, records=[second])
    early = record(world.a, "1.2.2", "followups", "2024-01-10")  # in R6 and in R12
    early_file = add_file_evidence(world.a, SimpleUploadedFile("early.pdf", PDF), user=world.alice, records=[early])
    late = record(world.a, "1.2.2", "followups", "2024-08-15")  # after R12's cut-off: in no round
    late_file = add_file_evidence(world.a, SimpleUploadedFile("late.pdf", PDF), user=world.alice, records=[late])
    in_r12 = Evidence.objects.filter(kind="file").exclude(pk=late_file.pk).values_list("size", flat=True)

    url = f"/a/{world.a.pk}/evidence.zip?round=R12"
    assert client.get(url)["Location"].startswith("/login/")
    client.force_login(world.bob)
    assert client.get(url).status_code == 404
    client.force_login(world.alice)
    page = client.get(url).content.decode()
    assert "3 ไฟล์" in page and filesize(sum(in_r12)) in page and filesize(sum(in_r12)).endswith(" MB")
    assert 'method="post"' in page and 'name="round" value="R12"' in page
    r6 = client.get(f"/a/{world.a.pk}/evidence.zip?round=R6").content.decode()
    assert "1 ไฟล์" in r6 and filesize(early_file.size) in r6
    assert ReportJob.objects.count() == 0  # looking is not asking
    scorecard = client.get(f"/a/{world.a.pk}/scorecard/").content.decode()
    assert f'method="get" action="/a/{world.a.pk}/evidence.zip"' in scorecard


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_make_one_job(live, world):
    """Four requests racing for the same ZIP (a double click, two tabs), through a real server
    over a real database (tests/live.py): one job, queued once, and each request is sent to it."""
    action = f"/a/{world.a.pk}/evidence.zip"
    posts = []
    for _ in range(4):  # four tabs, each with the form as it was rendered for it
        fields, csrf = live.form(f"{action}?round=R12", action)
        assert fields["round"] == "R12"
        posts.append((action, fields, csrf, "alice"))
    answers = live.post_at_once(posts)
    assert [answer.status for answer in answers] == [302] * 4, live.errors()
    live.pull_back()
    job = ReportJob.objects.get()  # exactly one
    assert [answer.location for answer in answers] == [f"/reports/jobs/{job.pk}/"] * 4
    assert (job.status, job.requested_by, job.kind, job.params) == (
        "queued",  # the server queues its jobs and no worker runs them (tests/live_settings.py)
        world.alice,
        "evidence_zip",
        {"assessment": world.a.pk, "round": "R12"},
    )
    assert AuditEntry.objects.filter(action="pramern.report.requested").count() == 1
    assert live.queued() == [("pramern.reports.tasks.run_report_job", (str(job.pk),))]
