"""The evidence library (issue 11, point 10): every file and link of a unit's year with where it is
used, reuse on another record in one post, deletion refused while a submitted or closed round
relies on it; the unit's people change it, the office-wide roles read it, other units get a 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Evidence
from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.audit.models import AuditEntry
from pramern.review.services import transition
from tests.assessments.test_evidence import PDF_BYTES
from tests.factories import page_queries, record


def library_url(world) -> str:
    return f"/a/{world.a.pk}/evidence/"


def reuse_url(world, evidence) -> str:
    return f"/a/{world.a.pk}/evidence/{evidence.pk}/reuse/"


def upload(world, records, name="คำสั่งแต่งตั้ง.pdf"):
    return add_file_evidence(world.a, SimpleUploadedFile(name, PDF_BYTES), user=world.alice, records=records)


@pytest.fixture
def shelf(world):
    """A file supporting two records (an R6 one of item 1.1.1 and an R12 one of 1.2.2), a link
    supporting the R12 record, and a link supporting nothing."""
    r6 = record(world.a, "1.1.1", "guideline", "2023-12-01")
    r12 = record(world.a, "1.2.2", "followups", "2024-03-15")
    shared = upload(world, [r6, r12])
    link = add_link_evidence(world.a, "https://example.go.th/r", user=world.alice, title="รายงานบนเว็บ", records=[r12])
    orphan = add_link_evidence(world.a, "https://example.go.th/o", user=world.alice, title="ลิงก์ที่ยังไม่ใช้")
    return {"r6": r6, "r12": r12, "shared": shared, "link": link, "orphan": orphan}


def test_the_library_lists_every_file_and_link_with_where_it_is_used(client, world, shelf):
    client.force_login(world.alice)
    page = client.get(library_url(world)).content.decode()
    assert "<h1>คลังหลักฐาน</h1>" in page
    assert "แสดงไฟล์ 1 ไฟล์ และลิงก์ 2 ลิงก์" in page
    shared_row = page.split(f'id="evidence-{shelf["shared"].pk}"')[1].split("</tr>")[0]
    assert f'href="/a/{world.a.pk}/items/1.1.1/#record-{shelf["r6"].pk}"' in shared_row
    assert f'href="/a/{world.a.pk}/items/1.2.2/#record-{shelf["r12"].pk}"' in shared_row
    assert "1 ธ.ค. 2566 · รอบ 6 เดือน" in shared_row and "15 มี.ค. 2567 · รอบ 12 เดือน" in shared_row
    orphan_row = page.split(f'id="evidence-{shelf["orphan"].pk}"')[1].split("</tr>")[0]
    assert "ไม่มีรายการ" in orphan_row and f"{shelf['orphan'].pk}/delete/?from=library" in orphan_row
    assert f'href="{reuse_url(world, shelf["shared"])}"' in shared_row


def test_the_library_filters_evidence_supporting_no_record(client, world, shelf):
    client.force_login(world.alice)
    page = client.get(library_url(world) + "?kind=orphan").content.decode()
    assert f'id="evidence-{shelf["orphan"].pk}"' in page
    assert f'id="evidence-{shelf["shared"].pk}"' not in page and f'id="evidence-{shelf["link"].pk}"' not in page


def test_reuse_attaches_the_evidence_to_another_record_in_one_post(client, world, shelf):
    other = record(world.a, "1.1.2", "followups", "2024-04-01")
    client.force_login(world.alice)
    form = client.get(reuse_url(world, shelf["orphan"])).content.decode()
    assert f'<option value="{other.pk}">' in form and f'<option value="{shelf["r12"].pk}">' in form
    response = client.post(reuse_url(world, shelf["orphan"]), {"record": other.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{library_url(world)}#evidence-{shelf['orphan'].pk}"
    assert list(shelf["orphan"].records.all()) == [other]
    entry = AuditEntry.objects.get(action="pramern.evidence.attached")
    assert entry.item_code == "1.1.2" and entry.actor == world.alice
    page = client.get(response["Location"]).content.decode()
    assert "ใช้ ลิงก์ที่ยังไม่ใช้ กับรายการวันที่ 1 เม.ย. 2567 ข้อ 1.1.2 ด้วยแล้ว" in page


def test_reuse_offers_no_record_the_evidence_supports_or_a_closed_round_holds(client, world, shelf):
    transition(world.a, "R6", "submit", user=world.dan)
    client.force_login(world.alice)
    form = client.get(reuse_url(world, shelf["link"])).content.decode()
    assert f'<option value="{shelf["r12"].pk}">' not in form  # supported already
    assert f'<option value="{shelf["r6"].pk}">' not in form  # R6 was submitted
    response = client.post(reuse_url(world, shelf["link"]), {"record": shelf["r6"].pk})
    assert response.status_code == 400
    assert list(shelf["link"].records.all()) == [shelf["r12"]]
    assert not AuditEntry.objects.filter(action="pramern.evidence.attached").exists()


def test_delete_is_refused_while_a_submitted_round_relies_on_it(client, world, shelf):
    transition(world.a, "R6", "submit", user=world.dan)
    client.force_login(world.alice)
    page = client.get(library_url(world)).content.decode()
    shared_row = page.split(f'id="evidence-{shelf["shared"].pk}"')[1].split("</tr>")[0]
    assert "ลบไม่ได้: " in shared_row and "รอบ 6 เดือน ส่งแล้วเมื่อ" in shared_row and "/delete/" not in shared_row
    link_row = page.split(f'id="evidence-{shelf["link"].pk}"')[1].split("</tr>")[0]
    assert f"{shelf['link'].pk}/delete/?from=library" in link_row  # an R12 record only: still open
    response = client.post(f"/a/{world.a.pk}/evidence/{shelf['shared'].pk}/delete/?from=library")
    assert response.status_code == 400
    assert Evidence.objects.filter(pk=shelf["shared"].pk).exists()


def test_delete_from_the_library_returns_to_it(client, world, shelf):
    client.force_login(world.alice)
    response = client.post(f"/a/{world.a.pk}/evidence/{shelf['orphan'].pk}/delete/?from=library")
    assert response.status_code == 302 and response["Location"] == library_url(world)
    assert not Evidence.objects.filter(pk=shelf["orphan"].pk).exists()


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("path", ["library", "reuse"])
def test_anonymous_goes_to_the_login_page(client, world, shelf, path):
    url = library_url(world) if path == "library" else reuse_url(world, shelf["orphan"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("path", ["library", "reuse"])
def test_another_units_officer_gets_a_404(client, world, shelf, path):
    client.force_login(world.bob)
    url = library_url(world) if path == "library" else reuse_url(world, shelf["orphan"])
    assert client.get(url).status_code == 404
    if path == "reuse":
        assert client.post(url, {"record": shelf["r12"].pk}).status_code == 404
        assert not shelf["orphan"].records.exists()


def test_evidence_of_another_assessment_is_not_reused_here(client, world, shelf):
    theirs = add_link_evidence(world.b, "https://example.go.th/b", user=world.bob)
    client.force_login(world.alice)
    assert client.get(f"/a/{world.a.pk}/evidence/{theirs.pk}/reuse/").status_code == 404


def test_the_evaluation_centre_reads_the_library_but_changes_nothing(client, world, shelf):
    client.force_login(world.eve)
    page = client.get(library_url(world)).content.decode()
    assert "คำสั่งแต่งตั้ง.pdf" in page and "อ่านอย่างเดียว: เฉพาะบุคลากรของหน่วยงาน" in page
    assert "/reuse/" not in page and "/delete/" not in page
    assert client.get(reuse_url(world, shelf["orphan"])).status_code == 403
    assert client.post(reuse_url(world, shelf["orphan"]), {"record": shelf["r12"].pk}).status_code == 403


def test_the_units_officer_opens_the_library_from_the_home_page(client, world, shelf):
    client.force_login(world.alice)
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert f'<a class="evidence-library" href="{library_url(world)}">คลังหลักฐาน</a>' in home
    assert client.get(library_url(world)).status_code == 200


def test_the_library_takes_the_same_queries_whatever_the_number_of_files(client, world, shelf):
    client.force_login(world.alice)
    few = page_queries(client, library_url(world))
    for n in range(5):
        upload(world, [record(world.a, "1.2.2", "followups", f"2024-04-{n + 10:02d}")], name=f"ไฟล์{n}.pdf")
    # session, user, roles; assessment; locks (unit rounds, schedules, extensions, later frameworks);
    # the evidence with who added it; the records each supports: none of them per file
    assert page_queries(client, library_url(world)) == few
