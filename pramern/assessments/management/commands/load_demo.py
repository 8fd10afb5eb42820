"""``manage.py load_demo [--reset]``: OAE's units, demo people and FY2567 assessments at every stage.

Idempotent: units, sections and people are created or brought back to the demo's values, and an
assessment is filled only when this command creates it, so a second run changes nothing.
``--reset`` deletes the demo units' FY2567 assessments (with their records, evidence and
submissions) and fills them again; it also sets the demo password again. The audit log keeps
its entries: it is append-only.

Every account gets one password, ``pramern-demo``: for a demo database only, never a real server.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from pramern.assessments.adapter import load_scoring_assessment
from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.scores import compute_scores
from pramern.assessments.services import add_link_evidence
from pramern.audit.services import log_action
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.frameworks.services import FrameworkConflict, install_framework_file
from pramern.organizations.demo_units import DEMO_UNITS, DemoUnit
from pramern.organizations.models import Role, Section, Unit
from pramern.reports.scorecards import refresh_later
from pramern.review.services import set_verdict, set_verified_value, transition
from pramern.scoring import AssessmentError, FrameworkError
from pramern.scoring.loader import format_points
from pramern.thaitext import display_width

DEMO_PASSWORD = "pramern-demo"  # noqa: S105 (a demo database's shared password, printed on purpose)
FRAMEWORK_CODE = "oae-2567"
FRAMEWORK_FILE = "oae-2567.yaml"
R6_CUTOFF = dt.date(2024, 2, 28)
R12_CUTOFF = dt.date(2024, 7, 31)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    username: str
    role: str  # a value of Role.Kind
    unit: str | None  # unit code, for officers and directors
    first_name: str
    last_name: str


PEOPLE: tuple[Person, ...] = (
    Person("officer", "officer", "oae-bapp", "พิมพ์ชนก", "ศรีสุข"),
    Person("director", "director", "oae-bapp", "ธนวัฒน์", "วงศ์เกษตร"),
    Person("officer2", "officer", "oae-ict", "กมลชนก", "รัตนพันธ์"),
    Person("director2", "director", "oae-ict", "วิโรจน์", "ทองมา"),
    Person("officer3", "officer", "oae-sec", "สุภาพร", "แก้วมณี"),
    Person("director3", "director", "oae-sec", "ประเสริฐ", "บุญมี"),
    Person("officer4", "officer", "oae-rao-02", "อรุณี", "จันทร์เพ็ญ"),
    Person("director4", "director", "oae-rao-02", "สมชาย", "ศรีวงศ์"),
    # Directors of the other units that signed a round off (a submission names who signed it).
    Person("director-cae", "director", "oae-cae", "วราภรณ์", "สุขประเสริฐ"),
    Person("director-eval", "director", "oae-eval", "อนุชา", "พึ่งทอง"),
    Person("director-rao01", "director", "oae-rao-01", "เกียรติศักดิ์", "อินทร์แก้ว"),
    Person("director-rao05", "director", "oae-rao-05", "จิราพร", "ปัญญาดี"),
    Person("evaluator", "evaluator", None, "นภัสสร", "เจริญผล"),
    Person("executive", "executive", None, "ชนินทร์", "วัฒนากร"),
    Person("admin", "administrator", None, "ณัฐพล", "อินทรสุวรรณ"),
)

ROLE_LABELS = {
    "officer": ("เจ้าหน้าที่หน่วยงาน", "unit officer"),
    "director": ("ผู้อำนวยการหน่วยงาน", "unit director"),
    "evaluator": ("ผู้ประเมิน (ศปผ.)", "evaluator"),
    "executive": ("ผู้บริหาร สศก.", "executive"),
    "administrator": ("ผู้ดูแลระบบ", "administrator"),
}


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    """How far a unit has got: which rounds it signed off and how much work it recorded."""

    th: str
    en: str
    share: float = 0.0  # share of the items with any work
    until: dt.date = R12_CUTOFF  # no work dated after this day
    r6_submitted: bool = False
    r12_submitted: bool = False
    skip: frozenset[str] = frozenset()  # items left without work, whatever the share
    links: bool = False  # some records have link evidence
    review: str = ""  # how far the Evaluation Centre got with R6: in_review, returned or published


EMPTY = Stage("ยังไม่เริ่มบันทึก", "nothing recorded yet")


def _r6_missed(share: float, until: dt.date) -> Stage:
    return Stage("ไม่ได้ส่งรอบ 6 เดือน (เลยกำหนด)", "6-month round not submitted (deadline passed)", share, until)


def _r6_submitted(share: float, until: dt.date, **extra: Any) -> Stage:
    return Stage(
        "ส่งรอบ 6 เดือนแล้ว กำลังทำรอบ 12 เดือน", "6-month round submitted, 12-month round open", share, until, True, **extra
    )


STAGES: dict[str, Stage] = {
    "oae-ict": Stage(
        "เกือบครบ ส่งรอบ 6 เดือนแล้ว",
        "nearly complete, 6-month round submitted",
        share=1.0,
        r6_submitted=True,
        skip=frozenset({"5.3", "6.4", "7.8"}),
        links=True,
        review="published",
    ),
    "oae-sec": Stage(
        "ส่งรอบ 12 เดือนแล้ว (อ่านอย่างเดียว)",
        "12-month round submitted (read-only)",
        share=0.85,
        r6_submitted=True,
        r12_submitted=True,
        links=True,
    ),
    # A browser test adds two follow-ups to 1.2.2 here and expects 0 -> 2 points: keep it empty.
    "oae-bapp": _r6_submitted(0.72, dt.date(2024, 5, 31), skip=frozenset({"1.2.2", "7.3", "4.2.3"}), links=True),
    "oae-cae": _r6_submitted(0.8, dt.date(2024, 6, 30), links=True, review="in_review"),
    "oae-eval": _r6_submitted(0.7, dt.date(2024, 4, 30)),
    "oae-rao-01": _r6_submitted(0.75, dt.date(2024, 7, 15), review="returned"),
    "oae-rao-05": _r6_submitted(0.5, R6_CUTOFF),
    "oae-rao-02": _r6_missed(0.5, dt.date(2024, 5, 31)),
    "oae-policy": _r6_missed(0.4, dt.date(2024, 4, 15)),
    "oae-rao-03": _r6_missed(0.3, dt.date(2024, 3, 31)),
    "oae-rao-10": _r6_missed(0.45, dt.date(2024, 6, 30)),
    "oae-plan": _r6_missed(0.35, R6_CUTOFF),
    "oae-bae": _r6_missed(0.25, dt.date(2024, 1, 31)),
    "oae-rao-04": _r6_missed(0.3, R6_CUTOFF),
    "oae-rao-06": _r6_missed(0.2, dt.date(2023, 12, 31)),
    "oae-rao-07": _r6_missed(0.4, R6_CUTOFF),
    "oae-rao-11": _r6_missed(0.15, dt.date(2023, 11, 30)),
    "oae-rao-09": _r6_missed(0.55, R12_CUTOFF),
    # oae-audit, oae-psdg, oae-rao-08, oae-rao-12: EMPTY
}


# --------------------------------------------------------------------------- the work


@dataclass(frozen=True)
class Work:
    """One record in the assessment file format, with a link to attach when the stage has links."""

    item: str
    fact: str
    date: dt.date
    data: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    note: str = ""
    link: str = ""  # path on the unit's example.go.th site
    link_title: str = ""


def _w(item: str, fact: str, day: str, title: str, *, note: str = "", link: str = "", **data: Any) -> Work:
    """A record of the programme: ``link`` is "path|title" on the unit's example.go.th site."""
    path, _sep, link_title = link.partition("|")
    return Work(item, fact, dt.date.fromisoformat(day), data, title, note, path, link_title)


def programme(unit: DemoUnit) -> list[Work]:
    """A complete year of work (about 118 of 120 points); each stage keeps part of it."""
    short = unit.short_name
    staff_r6, staff_r12 = unit.staff
    yes = True
    work = [
        _w("1.1.1", "guideline", "2023-09-15", f"แนวทางปฏิบัติกรณีการให้หรือรับของขวัญ ทรัพย์สิน หรือประโยชน์อื่นใด ของ {short}",
           signed_or_presented=yes, published=yes, link="integrity/gift-policy-2567|หน้าเว็บไซต์ที่เผยแพร่แนวทาง"),
        _w("1.1.2", "followups", "2023-12-20", "บันทึกรายงานผลการติดตาม ครั้งที่ 1", presented_to_director=yes),
        _w("1.1.2", "followups", "2024-05-15", "บันทึกรายงานผลการติดตาม ครั้งที่ 2", presented_to_director=yes),
        _w("1.1.3", "reviews", "2024-06-20", "ทบทวนแนวทางในที่ประชุมหน่วยงาน", presented_to_director=yes,
           note="ที่ประชุมไม่มีข้อเสนอแนะเพิ่มเติม"),
        _w("1.1.4", "spending_reports", "2024-01-10", "รายงานการใช้จ่ายงบประมาณ ไตรมาส 1", covers="2023-12",
           link="budget/2567-q1|รายงานการใช้จ่ายงบประมาณ ไตรมาส 1 บนเว็บไซต์"),
        _w("1.1.4", "spending_reports", "2024-04-10", "รายงานการใช้จ่ายงบประมาณ ไตรมาส 2", covers="2024-03"),
        _w("1.1.4", "spending_reports", "2024-07-10", "รายงานการใช้จ่ายงบประมาณ ไตรมาส 3", covers="2024-06"),
        _w("1.2.1", "measure", "2023-10-02", "มาตรการลดการใช้กระดาษและพลังงานในสำนักงาน",
           not_duplicate=yes, signed_or_presented=yes, published=yes),
        _w("1.2.2", "followups", "2023-11-20", "ติดตามผลมาตรการ ครั้งที่ 1", presented_to_director=yes),
        _w("1.2.2", "followups", "2024-03-18", "ติดตามผลมาตรการ ครั้งที่ 2", presented_to_director=yes),
        _w("1.2.3", "reviews", "2024-06-25", "ทบทวนมาตรการ เสนอ ผอ. ทราบ", presented_to_director=yes),
        _w("1.3.1", "guideline", "2023-10-05", f"แนวทางการกำกับดูแลองค์การที่ดีของ {short}",
           signed_or_presented=yes, published=yes),
        _w("1.3.2", "followups", "2024-01-15", "ติดตามผลตามแนวทางธรรมาภิบาล ครั้งที่ 1", presented_to_director=yes),
        _w("1.3.2", "followups", "2024-04-22", "ติดตามผลตามแนวทางธรรมาภิบาล ครั้งที่ 2", presented_to_director=yes),
        _w("1.3.3", "reviews", "2024-07-10", "ทบทวนแนวทางธรรมาภิบาล", presented_to_director=yes),
        _w("2.1", "plan", "2023-10-20", f"แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. 2567 ของ {short}",
           sent_to_planning=yes, signed_or_presented=yes),
        _w("2.2", "followups", "2024-01-31", "รายงานผลการดำเนินงานตามแผน ไตรมาส 1", presented_to_director=yes),
        _w("2.2", "followups", "2024-04-30", "รายงานผลการดำเนินงานตามแผน ไตรมาส 2", presented_to_director=yes),
        _w("2.2", "followups", "2024-07-15", "รายงานผลการดำเนินงานตามแผน ไตรมาส 3", presented_to_director=yes),
        _w("2.3", "agreements", "2023-11-01", "คำรับรองการปฏิบัติราชการระดับส่วน", level="director_to_sections"),
        _w("2.3", "agreements", "2023-11-15", "คำรับรองการปฏิบัติราชการระดับบุคคล", level="sections_to_staff"),
        _w("3.1", "complaint_channels", "2023-08-15", "กล่องรับเรื่องร้องเรียนและหมายเลขโทรศัพท์", kind="general"),
        _w("3.1", "complaint_channels", "2023-08-15", "แบบฟอร์มร้องเรียนออนไลน์บนเว็บไซต์", kind="electronic",
           link="complaints|ช่องทางร้องเรียนออนไลน์"),
        _w("3.2", "stakeholder_data", "2024-02-10", "ข้อมูลผู้รับบริการและผู้มีส่วนได้ส่วนเสีย พร้อมผลการวิเคราะห์",
           analysed=yes, presented_to_director=yes),
        _w("3.3", "surveys", "2024-01-20", "ผลสำรวจความพึงพอใจของผู้รับบริการ", presented_to_director=yes),
        _w("3.3", "improvements", "2024-05-05", "ปรับปรุงขั้นตอนการให้บริการตามข้อเสนอแนะ"),
        _w("4.1.1", "tracking", "2023-09-01", f"ระบบติดตามงานที่ได้รับมอบหมาย {short} (ปรับปรุงจากปี 2566)",
           kind="application", new_or_improved=yes, summarises_assignments=yes, director_follows=yes),
        _w("4.2.1", "km_guideline", "2023-10-10", "แผนการจัดการความรู้ ปี 2567", approved=yes),
        _w("4.2.2", "followups", "2024-02-01", "ติดตามผลการจัดการความรู้ ครั้งที่ 1"),
        _w("4.2.2", "followups", "2024-06-01", "ติดตามและประเมินผลการจัดการความรู้ ครั้งที่ 2"),
        _w("4.2.4", "idp_plan", "2023-10-30", "แผนพัฒนารายบุคคล (IDP) ปี 2567"),
        # Counts of people grow through the year (cumulative facts): 40% then 80% of the staff.
        _w("4.2.4", "developed_staff", "2024-03-31", "บุคลากรที่ได้รับการพัฒนาแล้ว", value=math.ceil(staff_r12 * 0.4)),
        _w("4.2.4", "developed_staff", "2024-06-30", "บุคลากรที่ได้รับการพัฒนาแล้ว", value=math.ceil(staff_r12 * 0.8)),
        _w("5.1", "respondents", "2024-02-15", "ผู้ตอบแบบประเมินเว็บไซต์ สศก.", value=math.ceil(staff_r6 * 0.3)),
        _w("5.1", "respondents", "2024-07-20", "ผู้ตอบแบบประเมินเว็บไซต์ สศก.", value=math.ceil(staff_r12 * 0.6)),
        _w("5.2", "idea_sessions", "2023-12-12", "เวทีระดมความคิดริเริ่มของบุคลากร"),
        _w("5.2", "ideas_developed", "2024-05-14", "พัฒนาข้อเสนอของบุคลากรเป็นระบบงานใหม่"),
        _w("5.3", "proposals", "2024-01-09", "ข้อเสนอทีมบูรณาการข้ามสำนัก/กอง"),
        _w("5.3", "results", "2024-06-28", "ผลการดำเนินงานของทีมบูรณาการ"),
        _w("5.4", "staff_surveys", "2024-02-20", "ผลสำรวจความพึงพอใจของบุคลากร", analysed=yes, presented_to_director=yes),
        _w("5.5", "improvements", "2024-06-11", "ปรับปรุงสภาพแวดล้อมการทำงานตามข้อเสนอของบุคลากร"),
        _w("6.2", "reviews", "2024-06-28", "ทบทวนขั้นตอนการปฏิบัติงาน"),
        _w("6.3", "manual", "2024-02-01", f"คู่มือการปฏิบัติงานของ {short}", claimed=4),
        _w("6.4", "reviews", "2024-07-05", "ทบทวนคู่มือการปฏิบัติงาน"),
        _w("6.5", "innovations", "2023-11-11", "แชตบอตตอบคำถามผู้รับบริการ", new_or_improved=yes),
        _w("6.5", "innovations", "2024-04-04", "แดชบอร์ดติดตามการเบิกจ่ายงบประมาณ", new_or_improved=yes),
        _w("6.5", "innovations", "2024-06-20", "ระบบจองห้องประชุมออนไลน์", new_or_improved=yes),
        _w("7.1.1", "plan", "2023-09-05", "แผนการดำเนินกิจกรรม 5ส ปี 2567"),
        _w("7.1.1", "announcements", "2023-09-06", "หนังสือเวียนประชาสัมพันธ์กิจกรรม 5ส", channel="circular"),
        _w("7.1.1", "announcements", "2023-09-11", "แจ้งในที่ประชุมหน่วยงาน", channel="unit_meeting"),
        _w("7.1.1", "announcements", "2023-09-12", "ประกาศบนเว็บไซต์หน่วยงาน", channel="website"),
        _w("7.1.2", "plan", "2023-09-05", "จำนวนกิจกรรม 5ส ตามแผน", value=4),
        _w("7.1.2", "activities", "2023-11-10", "Big Cleaning Day ครั้งที่ 1"),
        _w("7.1.2", "activities", "2024-01-12", "กิจกรรม 5ส ต้อนรับปีใหม่"),
        _w("7.1.2", "activities", "2024-04-12", "Big Cleaning Day ก่อนสงกรานต์"),
        _w("7.1.2", "activities", "2024-07-05", "กิจกรรม 5ส ครั้งที่ 4"),
        _w("7.1.3", "followups", "2024-02-10", "ติดตามผลกิจกรรม 5ส เสนอ ผอ.", presented_to_director=yes),
        _w("7.1.3", "pr_reports", "2024-02-20", "รายงานผลกิจกรรม 5ส ส่ง สลก."),
        _w("7.3", "applications", "2024-01-25", "สมัครรางวัลเลิศรัฐ ปี 2567",
           option="public_sector_excellence", award="รางวัลเลิศรัฐ สาขาบริการภาครัฐ"),
        _w("7.4", "awards", "2024-06-20", "ได้รับรางวัลองค์กรโปร่งใส",
           option="report_based", award="รางวัลองค์กรโปร่งใส สำนักงาน ป.ป.ช."),
        _w("7.5", "communications", "2023-08-20", "ผอ. สื่อสารค่านิยม BALANCE ในที่ประชุม"),
        _w("7.5", "activities", "2023-10-06", "กิจกรรม BALANCE ครั้งที่ 1"),
        _w("7.5", "activities", "2024-03-08", "กิจกรรม BALANCE ครั้งที่ 2"),
        _w("7.6", "activities", "2023-12-05", "ปลูกป่าชายเลน", director_took_part=yes),
        _w("7.6", "activities", "2024-07-28", "บริจาคโลหิตร่วมกับสภากาชาดไทย", director_took_part=yes),
        _w("7.7", "followups", "2024-01-30", "ติดตามการดำเนินงานตามแผนพัฒนาองค์กร"),
        _w("7.7", "reviews", "2024-05-30", "ทบทวนแผนพัฒนาองค์กร"),
        _w("7.7", "communications", "2024-06-10", "เผยแพร่แผนพัฒนาองค์กรฉบับทบทวน"),
        _w("7.8", "main_menus", "2024-07-01", "เมนูหลักภาษาอังกฤษ", value=5, link="en|หน้าเว็บไซต์ภาษาอังกฤษ"),
    ]  # fmt: skip
    # 3.1: a monthly summary of complaints, August 2023 to July 2024, at the end of each month.
    for year, month in [(2023, m) for m in range(8, 13)] + [(2024, m) for m in range(1, 8)]:
        day = dt.date(year, month, 28 if month == 2 else 30)  # Feb 28 is the 6-month cut-off
        work.append(
            _w("3.1", "complaint_summaries", day.isoformat(), "สรุปเรื่องร้องเรียนประจำเดือน", covers=f"{year}-{month:02d}")
        )
    # 4.2.3: seven internal sharings (or guest talks with a Q&A summary) and two as outside speaker.
    work += [
        _w("4.2.3", "sharing", "2023-08-22", "แลกเปลี่ยนเรียนรู้งานตามภารกิจ", kind="internal", knowledge="mission"),
        _w("4.2.3", "sharing", "2023-09-12", "แลกเปลี่ยนเรียนรู้งานสนับสนุน", kind="internal", knowledge="support"),
        _w("4.2.3", "sharing", "2023-10-17", "เวทีแลกเปลี่ยนเรียนรู้ระหว่างส่วน", kind="internal", knowledge="mission"),
        _w("4.2.3", "sharing", "2023-10-31", "เป็นวิทยากรให้กรมส่งเสริมการเกษตร", kind="external_speaker"),
        _w("4.2.3", "sharing", "2023-11-21", "แบ่งปันความรู้การเบิกจ่ายงบประมาณ", kind="internal", knowledge="support"),
        _w("4.2.3", "sharing", "2023-12-19", "KM Day ครั้งที่ 1", kind="internal", knowledge="mission"),
        _w("4.2.3", "sharing", "2024-01-16", "เชิญวิทยากรบรรยาย พร้อมสรุปถาม-ตอบ", kind="guest_speaker", qa_summary=yes),
        _w("4.2.3", "sharing", "2024-01-25", "เป็นวิทยากรให้มหาวิทยาลัยเกษตรศาสตร์", kind="external_speaker"),
        _w("4.2.3", "sharing", "2024-02-14", "แลกเปลี่ยนเรียนรู้ระบบสารบรรณ", kind="internal", knowledge="support"),
        _w("4.2.3", "sharing", "2024-05-21", "KM Day ครั้งที่ 2", kind="internal", knowledge="mission"),
    ]  # fmt: skip
    # 6.1 and 7.2 are per section: two flow charts and four minuted meetings for each section;
    # half of the sections have their second flow chart by the 6-month cut-off.
    for n, (section, _name) in enumerate(unit.sections):
        second = f"2024-02-{5 + n:02d}" if n % 2 == 0 else f"2024-05-{6 + n:02d}"
        for day, task in ((f"2023-12-{1 + n:02d}", "งานหลักของส่วน"), (second, "งานสนับสนุนของส่วน")):
            work.append(
                _w("6.1", "flowcharts", day, f"แผนผังขั้นตอนการปฏิบัติงาน: {task}",
                   section=section, task=task, meets_standard=yes)
            )  # fmt: skip
        for month in (9, 10, 11, 12):
            work.append(
                _w("7.2", "section_meetings", f"2023-{month:02d}-{4 + n:02d}", f"ประชุมประจำเดือน {month}/2566",
                   section=section, minutes_presented=yes)
            )  # fmt: skip
    # 7.8: the five sub-menu pages and six news items in English.
    pages = ["vision", "structure", "manpower", "personnel", "internal_units"]
    work += [
        _w("7.8", "sub_menus", f"2024-05-{1 + i:02d}", "เมนูย่อยภาษาอังกฤษ", page=page) for i, page in enumerate(pages)
    ]
    news = ["2024-01-12", "2024-02-09", "2024-03-15", "2024-04-19", "2024-05-24", "2024-06-21"]
    work += [_w("7.8", "news", day, f"ข่าวประชาสัมพันธ์ภาษาอังกฤษ ฉบับที่ {i}") for i, day in enumerate(news, 1)]
    return work


def stage_work(unit: DemoUnit, stage: Stage) -> list[Work]:
    """The part of the programme this unit did: a random (but fixed per unit) share of the items,
    up to the stage's last day, with dates moved a few days so that no two units look alike."""
    rng = random.Random(unit.code)  # noqa: S311 (demo data, not security)
    shift = dt.timedelta(days=rng.randrange(0, 5))
    work = programme(unit)
    items = list(dict.fromkeys(w.item for w in work))
    kept = {item for item in items if rng.random() < stage.share and item not in stage.skip}
    out = []
    for w in work:
        if w.item not in kept:
            continue
        # The shift never carries a record over a round's cut-off (it would change rounds).
        date = min(w.date + shift, R6_CUTOFF if w.date <= R6_CUTOFF else R12_CUTOFF)
        if date <= stage.until:
            out.append(Work(w.item, w.fact, date, w.data, w.title, w.note, w.link, w.link_title))
    return out


# --------------------------------------------------------------------------- the command


class Command(BaseCommand):
    help = "Load OAE's units, demo people and FY2567 assessments at different stages (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo units' FY2567 assessments (records, evidence, submissions) and load them again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        reset = options["reset"]
        with transaction.atomic():
            framework = self._framework()
            move_deadlines(framework, today)
            units = load_units()
            users = load_people(units, reset=reset)
            if reset:
                demo_assessments = Assessment.objects.filter(framework=framework, unit__in=units.values())
                # Deleting rows leaves uploaded files behind: remove those someone added while trying the demo.
                for evidence in Evidence.objects.filter(assessment__in=demo_assessments, kind=Evidence.Kind.FILE):
                    evidence.file.delete(save=False)
                deleted = demo_assessments.delete()[0]
                self.stdout.write(f"--reset: deleted {deleted} rows of demo assessments")
            filled = 0
            for demo in DEMO_UNITS:
                assessment, created = Assessment.objects.get_or_create(
                    unit=units[demo.code],
                    framework=framework,
                    defaults={"staff_counts": {"R6": demo.staff[0], "R12": demo.staff[1]}},
                )
                if created:
                    fill(assessment, demo, STAGES.get(demo.code, EMPTY), users, today)
                    filled += 1
            rows = check(framework, units)
            for assessment in Assessment.objects.filter(framework=framework, unit__in=units.values()):
                # the dashboards read stored score cards; with the services' own refreshes, once per
                # assessment, after the commit
                refresh_later(assessment)
        self.stdout.write(
            f"Demo: {len(units)} units, {filled} assessments filled"
            + ("" if filled else " (already loaded: nothing changed; --reset loads them again)")
        )
        self.print_units(rows)
        self.print_logins(units)

    def _framework(self) -> Framework:
        framework = Framework.objects.filter(code=FRAMEWORK_CODE).newest_first().first()
        if framework is not None:
            return framework
        try:
            return install_framework_file(settings.FRAMEWORKS_DIR / FRAMEWORK_FILE).framework
        except (FrameworkError, FrameworkConflict) as exc:
            raise CommandError(f"cannot install {FRAMEWORK_FILE}: {exc}") from None

    def print_units(self, rows: list[tuple[Assessment, Stage, Decimal, Decimal]]) -> None:
        self.stdout.write("")
        table = [("หน่วยงาน / unit", "", "R6", "R12", "สถานะ / stage")]
        for assessment, stage, r6, r12 in rows:
            unit = assessment.unit
            table.append(
                (unit.code, unit.short_name, format_points(r6), format_points(r12), f"{stage.th} / {stage.en}")
            )
        self.stdout.write(_table(table))

    def print_logins(self, units: dict[str, Unit]) -> None:
        self.stdout.write("")
        self.stdout.write("บัญชีทดลองใช้ / Demo logins (รหัสผ่านสำหรับการสาธิตเท่านั้น / demo passwords only):")
        table = [("ชื่อผู้ใช้ / username", "รหัสผ่าน / password", "บทบาท / role", "หน่วยงาน / unit")]
        for person in PEOPLE:
            th, en = ROLE_LABELS[person.role]
            unit = units[person.unit] if person.unit else None
            where = f"{unit.short_name} {unit.name_th}" if unit else "สศก. (ทุกหน่วยงาน / every unit)"
            table.append((person.username, DEMO_PASSWORD, f"{th} / {en}", where))
        self.stdout.write(_table(table))
        self.stdout.write("Accounts that existed before keep their own password unless load_demo --reset is used.")


# --------------------------------------------------------------------------- steps


def move_deadlines(framework: Framework, today: dt.date) -> None:
    """R6 closed a week ago, R12 closes in 30 days.

    FY2567's real deadlines are long past, which would leave every demo workspace read-only.
    Only the *submission deadlines* move; the records' cut-offs (2024-02-28, 2024-07-31) are the
    framework's and stay, so the scores are those of the real rules.
    """
    wanted = {"R6": today - dt.timedelta(days=7), "R12": today + dt.timedelta(days=30)}
    for schedule in RoundSchedule.objects.filter(framework=framework, round_code__in=wanted):
        before, after = schedule.submission_deadline, wanted[schedule.round_code]
        if before != after:
            schedule.submission_deadline = after
            schedule.save(update_fields=["submission_deadline"])
            log_action(
                "pramern.schedule.deadline_changed",
                schedule,
                data={"round": schedule.round_code, "before": str(before), "after": str(after), "by": "load_demo"},
            )


def load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for demo in DEMO_UNITS:
        unit, _ = Unit.objects.update_or_create(
            code=demo.code,
            defaults={
                "name_th": demo.name_th,
                "name_en": demo.name_en,
                "short_name": demo.short_name,
                "kind": demo.kind,
                "region": demo.region,
                "is_active": True,
            },
        )
        for position, (code, name_th) in enumerate(demo.sections, 1):
            Section.objects.update_or_create(unit=unit, code=code, defaults={"name_th": name_th, "position": position})
        units[demo.code] = unit
    return units


def load_people(units: dict[str, Unit], *, reset: bool) -> dict[str, Any]:
    """The demo accounts, by username. One hash serves every new account (hashing is slow)."""
    user_model = get_user_model()
    hashed = ""
    users: dict[str, Any] = {}
    for person in PEOPLE:
        admin = person.role == "administrator"
        user, created = user_model.objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.go.th",
                "is_staff": admin,
                "is_superuser": admin,
                "is_active": True,
            },
        )
        if created or reset:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
        Role.objects.get_or_create(user=user, kind=person.role, unit=units[person.unit] if person.unit else None)
        users[person.username] = user
    return users


def _people_of(unit_code: str, role: str, users: dict[str, Any]) -> Any:
    return next((users[p.username] for p in PEOPLE if p.unit == unit_code and p.role == role), None)


def fill(assessment: Assessment, demo: DemoUnit, stage: Stage, users: dict[str, Any], today: dt.date) -> None:
    """Records, then link evidence, then the director's sign-offs.

    Records are inserted in bulk (``save_record`` checks and audits them one at a time, which
    made a thousand rows take seconds) and then checked together by the engine's parser, the
    same check ``save_record`` runs: unknown facts or fields, bad values, counts that shrink.
    """
    officer = _people_of(demo.code, "officer", users)
    director = _people_of(demo.code, "director", users)
    work = stage_work(demo, stage)
    records = Record.objects.bulk_create(
        Record(
            assessment=assessment,
            item_code=w.item,
            fact=w.fact,
            date=w.date,
            data=dict(w.data),
            title=w.title,
            note=w.note,
            created_by=officer,
        )
        for w in work
    )
    validate(assessment)
    # The demo writes history: every round is open while it attaches evidence to past records.
    far = dt.date.max
    open_deadlines = {"R6": far, "R12": far}
    site = f"https://{demo.code.removeprefix('oae-')}.example.go.th"
    for w, record in zip(work, records, strict=True):
        if stage.links and w.link:
            add_link_evidence(
                assessment,
                f"{site}/{w.link}",
                user=officer or users["admin"],
                title=w.link_title,
                records=[record],
                deadlines=open_deadlines,
            )
    if not (stage.r6_submitted or stage.r12_submitted):
        return
    if director is None:
        raise CommandError(f"{demo.code}: a submitted stage needs a director in PEOPLE")
    scores = compute_scores(assessment, assessment.records.all(), assessment.unit.sections.all())
    rng = random.Random(demo.code)  # noqa: S311 (demo data)
    r6_deadline = today - dt.timedelta(days=7)
    signed = [("R6", r6_deadline - dt.timedelta(days=rng.randrange(1, 12)))] if stage.r6_submitted else []
    if stage.r12_submitted:
        signed.append(("R12", today - dt.timedelta(days=2)))
    for round_code, day in signed:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))
        submission = UnitRound.objects.create(
            assessment=assessment,
            round_code=round_code,
            state=UnitRound.State.SUBMITTED,
            submitted_at=at,
            submitted_by=director,
            self_total=scores.by_round[round_code].total,
            state_changed_at=at,
        )
        log_action(
            "pramern.round.submit",
            assessment,
            actor=director,
            data={"round": round_code, "before": "draft", "after": "submitted", "total": str(submission.self_total)},
            assessment_id=assessment.pk,
        )
    if stage.review:
        review_r6(assessment, stage.review, users["evaluator"])


def review_r6(assessment: Assessment, target: str, evaluator: Any) -> None:
    """The Evaluation Centre's work on R6, through the same services (and audit) as the pages."""
    cutoff = assessment.framework.compiled().round("R6").cutoff
    records = list(assessment.records.filter(date__lte=cutoff).order_by("item_code", "date"))
    # The demo sends no emails (notify=False).
    transition(assessment, "R6", "start_review", user=evaluator, notify=False)
    for index, record in enumerate(records):
        if target == "in_review" and index % 2:
            continue  # half still to review
        if target == "returned" and index == 0:
            set_verdict(record, "needs_revision", reason="กรุณาแนบบันทึกที่ ผอ. ลงนาม", user=evaluator)
            continue
        if "claimed" in record.data:  # a judgement item: the evaluator's value is the verdict
            set_verified_value(record, str(max(0, float(record.data["claimed"]) - 0.5)), user=evaluator)
        else:
            set_verdict(record, "accepted", user=evaluator)
    if target == "returned":
        transition(assessment, "R6", "return", user=evaluator, reason="แนบหลักฐานที่ ผอ. ลงนามให้ครบ", notify=False)
    elif target == "published":
        transition(assessment, "R6", "verify", user=evaluator, notify=False)
        transition(assessment, "R6", "publish", user=evaluator, notify=False)


def validate(
    assessment: Assessment, records: list[Record] | None = None, sections: list[Section] | None = None
) -> None:
    """Load the assessment through the engine: any invalid record stops the command (and rolls back)."""
    try:
        _engine_view, problems = load_scoring_assessment(assessment, records, sections)
    except AssessmentError as exc:
        raise CommandError(f"{assessment.unit.code}: invalid records:\n" + "\n".join(exc.problems)) from None
    if problems:
        raise CommandError(f"{assessment.unit.code}: invalid records:\n" + "\n".join(p.message for p in problems))


def check(framework: Framework, units: dict[str, Unit]) -> list[tuple[Assessment, Stage, Decimal, Decimal]]:
    """Load every demo assessment through the engine (an invalid record stops the command) and
    return each one's stage and scores."""
    rows = []
    assessments = Assessment.objects.filter(framework=framework, unit__in=units.values()).with_unit()
    for assessment in assessments.prefetch_related("unit__sections").order_by("unit__code"):
        records: list[Record] = list(assessment.records.all())
        sections = list(assessment.unit.sections.all())
        validate(assessment, records, sections)
        scores = compute_scores(assessment, records, sections)
        stage = STAGES.get(assessment.unit.code, EMPTY)
        rows.append((assessment, stage, scores.by_round["R6"].total, scores.by_round["R12"].total))
    return rows


def _table(rows: Iterable[tuple[str, ...]]) -> str:
    rows = list(rows)
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
