"""The three-step check on every workspace page, file and export, and on every change.

anonymous -> login; another unit's officer -> 404 (the unit is not disclosed);
people who may only read -> 403 on changes; the unit's own people -> 200.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Record
from pramern.assessments.services import add_file_evidence, add_link_evidence
from tests.factories import record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def things(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    pdf = add_file_evidence(world.a, SimpleUploadedFile("memo.pdf", PDF), user=world.alice, records=[rec])
    link = add_link_evidence(world.a, "https://example.go.th/a", user=world.alice, records=[rec])
    return {"a": world.a.pk, "rec": rec.pk, "pdf": pdf.pk, "link": link.pk}


def pages(t):
    a, pdf = t["a"], t["pdf"]
    return [
        f"/a/{a}/",
        f"/a/{a}/next/",
        f"/a/{a}/items/1.2.2/",
        f"/a/{a}/submit/R12/",
        f"/a/{a}/export.yaml",
        f"/a/{a}/export.json",
        f"/evidence/{pdf}/",
        f"/evidence/{pdf}/view/",
    ]


def changes(t):
    a, rec, pdf = t["a"], t["rec"], t["pdf"]
    return [
        (f"/a/{a}/items/1.2.2/records/followups/new/", {"followups-date": "20/05/2567"}),
        (f"/a/{a}/records/{rec}/edit/", {"followups-date": "21/05/2567"}),
        (f"/a/{a}/records/{rec}/evidence/link/", {"url": "https://example.go.th/b"}),
        (f"/a/{a}/records/{rec}/evidence/attach/", {"evidence": pdf}),
        (f"/a/{a}/records/{rec}/evidence/{pdf}/detach/", {}),
        (f"/a/{a}/records/{rec}/evidence/file/", {"file": SimpleUploadedFile("x.pdf", PDF)}),
        (f"/a/{a}/records/{rec}/delete/", {}),
        (f"/a/{a}/import/", {}),
    ]


def status(client, url):
    response = client.get(url)
    if response.streaming:  # reading a file response to the end closes the file (and not the DB)
        b"".join(response.streaming_content)
    return response.status_code


def test_anonymous_people_are_sent_to_log_in(client, world, things):
    for url in pages(things) + [f"/a/{things['a']}/import/", f"/a/{things['a']}/records/{things['rec']}/edit/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    for url, data in changes(things):
        assert client.post(url, data)["Location"].startswith("/login/"), url


def test_another_units_officer_is_refused_every_page_file_and_export(client, world, things):
    client.force_login(world.bob)
    for url in pages(things) + [f"/a/{things['a']}/import/", f"/a/{things['a']}/records/{things['rec']}/edit/"]:
        assert status(client, url) == 404, url
    for url, data in changes(things):
        assert client.post(url, data).status_code == 404, url
    assert client.post(f"/a/{things['a']}/submit/R12/", {"confirm": "yes"}).status_code == 404
    assert Record.objects.filter(assessment=world.a).count() == 1


@pytest.mark.parametrize("persona", ["alice", "dan", "eve", "xena", "adam"])
def test_the_units_people_and_the_office_wide_roles_can_read(client, world, things, persona):
    client.force_login(getattr(world, persona))
    for url in pages(things):
        assert status(client, url) == 200, url


@pytest.mark.parametrize("persona", ["eve", "xena", "adam"])
def test_readers_cannot_change_a_units_data(client, world, things, persona):
    client.force_login(getattr(world, persona))
    for url, data in changes(things):
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/a/{things['a']}/import/").status_code == 403
    assert client.post(f"/a/{things['a']}/submit/R12/", {"confirm": "yes"}).status_code == 403
    assert Record.objects.filter(assessment=world.a).count() == 1


def test_only_the_director_submits(client, world, things):
    client.force_login(world.alice)
    assert client.post(f"/a/{things['a']}/submit/R12/", {"confirm": "yes"}).status_code == 403
    client.force_login(world.dan)
    assert client.post(f"/a/{things['a']}/submit/R12/", {"confirm": "yes"}).status_code == 302


def test_the_units_officer_can_change_its_data(client, world, things):
    client.force_login(world.alice)
    for url, data in changes(things)[:-1]:  # import is tested on its own
        assert client.post(url, data).status_code == 302, url


def test_a_person_with_one_unit_lands_on_its_assessment_and_readers_on_the_list(client, world):
    client.force_login(world.alice)
    assert client.get("/")["Location"] == f"/a/{world.a.pk}/"
    client.force_login(world.eve)
    page = client.get("/").content.decode()
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in page and "ศูนย์สารสนเทศการเกษตร" in page
    client.force_login(world.bob)
    page = client.get("/")
    assert page["Location"] == f"/a/{world.b.pk}/"
