"""The admin for units, sections and roles, and its Excel import page (administrators only)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from pramern.audit.models import AuditEntry
from pramern.organizations.importers import MAX_UPLOAD_BYTES
from pramern.organizations.models import Role, Section, Unit
from tests.conftest import ROOT
from tests.organizations.test_import import PEOPLE_HEADERS, UNIT_HEADERS, standard, workbook

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/organizations/unit/import/"
TEMPLATE_URL = "/admin/organizations/unit/import/template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content: bytes, name: str = "org.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


@pytest.fixture
def staff_without_rights(client):
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(user)
    return client


def test_the_import_page_url_is_named():
    assert reverse("admin:organizations_unit_import") == IMPORT_URL
    assert reverse("admin:organizations_unit_import_template") == TEMPLATE_URL


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={IMPORT_URL}"


def test_a_person_who_is_not_staff_is_refused(client):
    client.force_login(User.objects.create_user("somchai", password="x"))
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.post(IMPORT_URL, {"file": SimpleUploadedFile("org.xlsx", standard().getvalue())}).status_code == 302
    assert Unit.objects.count() == 0


def test_staff_without_the_rights_to_change_units_and_people_get_403(staff_without_rights):
    assert staff_without_rights.get(IMPORT_URL).status_code == 403
    assert upload(staff_without_rights, standard().getvalue()).status_code == 403
    assert staff_without_rights.get(TEMPLATE_URL).status_code == 403
    assert Unit.objects.count() == 0


def test_change_unit_alone_is_not_enough_to_import_people(staff_without_rights):
    user = User.objects.get(username="clerk")
    user.user_permissions.add(Permission.objects.get(codename="change_unit"))
    assert staff_without_rights.get(IMPORT_URL).status_code == 403


def test_an_administrator_can_open_the_import_page(admin_client):
    response = admin_client.get(IMPORT_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert f'href="{TEMPLATE_URL}"' in page


def test_the_unit_list_links_to_the_import_page(admin_client):
    page = admin_client.get("/admin/organizations/unit/").content.decode()
    assert f'href="{IMPORT_URL}"' in page


def test_uploading_a_good_file_imports_it_and_says_what_changed(admin_client):
    response = upload(admin_client, standard().getvalue())
    assert response.status_code == 302
    # new people were created: next comes the page with their invitation links
    assert response["Location"] == "/admin/organizations/unit/import/invitations/"
    assert set(Unit.objects.values_list("code", flat=True)) == {"bae", "oae-r3"}
    assert Section.objects.count() == 2 and Role.objects.count() == 3
    assert AuditEntry.objects.filter(action="pramern.unit.imported", actor__username="admin").count() == 2

    page = admin_client.get(response["Location"]).content.decode()
    assert "หน่วยงาน: เพิ่ม 2 แก้ไข 0" in page
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in admin_client.get("/admin/organizations/unit/").content.decode()


def test_uploading_a_bad_file_shows_every_error_and_changes_nothing(admin_client):
    stream = workbook(
        {
            "หน่วยงาน": [UNIT_HEADERS, ["bae", "สำนักวิจัยเศรษฐกิจการเกษตร", None, None, "สำนัก", None]],
            "บุคลากร": [
                PEOPLE_HEADERS,
                ["somchai", "สมชาย", "ใจดี", "somchai@oae.go.th", "หัวหน้า", None],
                ["pranee", "ปราณี", "ศรีสุข", "pranee@oae.go.th", "ผู้อำนวยการ", "nowhere"],
            ],
        }
    )
    response = upload(admin_client, stream.getvalue())
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="import-errors"' in page
    row = "<td>บุคลากร</td>\n        <td>2</td>\n        <td>E (บทบาท)</td>\n        <td>{}</td>"
    assert row.format(escape('ไม่รู้จักบทบาท "หัวหน้า"')) in page
    assert escape('ไม่พบหน่วยงานรหัส "nowhere" ทั้งในไฟล์และในระบบ') in page
    assert Unit.objects.count() == 0 and User.objects.filter(username="somchai").count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_file_that_is_not_excel_is_refused_in_thai(admin_client):
    response = upload(admin_client, b"%PDF-1.7 not a workbook")
    assert response.status_code == 200
    assert "อ่านไฟล์ไม่ได้: ต้องเป็นไฟล์ Excel (.xlsx)" in response.content.decode()
    assert Unit.objects.count() == 0


def test_a_file_without_the_xlsx_extension_is_refused(admin_client):
    response = upload(admin_client, standard().getvalue(), name="org.csv")
    assert "ต้องเป็นไฟล์ Excel นามสกุล .xlsx" in response.content.decode()
    assert Unit.objects.count() == 0


def test_a_file_over_5_mb_is_refused(admin_client):
    response = upload(admin_client, b"0" * (MAX_UPLOAD_BYTES + 1))
    assert "ไฟล์ใหญ่เกิน 5 MB" in response.content.decode()
    assert Unit.objects.count() == 0


def test_the_template_workbook_downloads(admin_client):
    response = admin_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["หน่วยงาน", "ส่วน", "บุคลากร"]
    assert [c.value for c in book["บุคลากร"][1]] == PEOPLE_HEADERS


@pytest.mark.parametrize("model", ["unit", "section", "role"])
def test_the_admin_lists_and_add_forms_open(admin_client, model):
    bae = Unit.objects.create(code="bae", name_th="สำนักวิจัยเศรษฐกิจการเกษตร", kind=Unit.Kind.BUREAU)
    Section.objects.create(unit=bae, code="planning", name_th="ส่วนแผนงาน")
    Role.objects.create(user=User.objects.create_user("somchai"), kind=Role.Kind.OFFICER, unit=bae)
    assert admin_client.get(f"/admin/organizations/{model}/").status_code == 200
    assert admin_client.get(f"/admin/organizations/{model}/add/").status_code == 200
    assert admin_client.get(f"/admin/organizations/{model}/?q=bae").status_code == 200


def test_editing_a_unit_in_the_admin_is_audited(admin_client):
    bae = Unit.objects.create(code="bae", name_th="เดิม")
    form = {
        "code": "bae",
        "name_th": "ใหม่",
        "name_en": "",
        "short_name": "",
        "kind": "bureau",
        "region": "",
        "is_active": "on",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-code": "planning",
        "sections-0-name_th": "ส่วนแผนงาน",
        "sections-0-position": "1",
    }
    response = admin_client.post(f"/admin/organizations/unit/{bae.pk}/change/", form)
    assert response.status_code == 302
    assert list(AuditEntry.objects.order_by("id").values_list("action", "data")) == [
        ("pramern.unit.changed", {"fields": ["name_th"]}),
        ("pramern.section.created", {}),
    ]


def test_the_admin_is_in_thai(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root-th", "root@oae.go.th", "x")
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "หน่วยงานและบุคลากร" in page  # our app, translated
    assert "หน่วยงาน" in page and "บทบาท" in page


def test_the_admin_is_pramerns_in_thai_with_the_shipped_font(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "ระบบประเมิน — ผู้ดูแลระบบ" in page and "Django" not in page.split("<body")[1].split("</header>")[0]
    assert "pramern/admin.css" in page  # a stylesheet, not an inline style (the CSP allows none)
    css = (ROOT / "static" / "pramern" / "admin.css").read_text()
    assert "fonts/Sarabun-Regular" in css and "font-family" in css
    units = admin_client.get("/admin/organizations/unit/").content.decode()
    assert "หน่วยงาน" in units and "พิมพ์เพื่อค้นหาเมนู" in units
