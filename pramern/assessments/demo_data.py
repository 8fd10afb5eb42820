"""The demo's data: its people, how far each unit has got, a year of work, the director's sign-offs
and the Evaluation Centre's verdicts, for ``manage.py load_demo`` (which only orchestrates).

Plain Python, no Django: OAE's units and sections are in ``pramern.organizations.demo_units``;
this module holds what the units recorded for FY2567 and who signed and reviewed it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from pramern.organizations.demo_units import DemoUnit
from pramern.thaidates import fiscal_year_of

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
    # The Evaluation Centre's author of next year's framework (the studio only).
    Person("editor", "framework_editor", None, "ศศิธร", "มั่นคงดี"),
)

ROLE_LABELS = {
    "officer": ("เจ้าหน้าที่หน่วยงาน", "unit officer"),
    "director": ("ผู้อำนวยการหน่วยงาน", "unit director"),
    "evaluator": ("ผู้ประเมิน (ศปผ.)", "evaluator"),
    "executive": ("ผู้บริหาร สศก.", "executive"),
    "administrator": ("ผู้ดูแลระบบ", "administrator"),
    "framework_editor": ("ผู้จัดทำกรอบการประเมิน (ศปผ.)", "framework editor"),
}


# --------------------------------------------------------------------------- next year's draft

#: Who starts the demo's draft of the current fiscal year's framework in the studio.
DRAFT_AUTHOR = "editor"
DRAFT_VERSION = "1"
#: What every title of the demo's draft says first: it is a copy, not the Centre's guideline.
DRAFT_MARK_TH = "ร่าง – สำเนาจากปี 2567 ไม่ใช่แนวทางอย่างเป็นทางการ"
DRAFT_MARK_EN = "DRAFT – a copy of FY2567, not an official guideline"


def fiscal_year(today: dt.date) -> int:
    """The government fiscal year (Buddhist era) that ``today`` falls in: it starts on 1 October,
    so 2 Dec 2026 is in FY2570 (1 Oct 2569 – 30 Sep 2570)."""
    return fiscal_year_of(today)


@dataclass(frozen=True)
class DraftPlan:
    code: str
    version: str
    title_th: str
    title_en: str
    fiscal_year: int  # the draft's dates move from FY2567 into this one


def draft_plan(today: dt.date) -> DraftPlan:
    """The demo's draft for the current fiscal year, cloned from FY2567 (``oae-2570`` in FY2570)."""
    year = fiscal_year(today)
    return DraftPlan(
        code=f"oae-{year}",
        version=DRAFT_VERSION,
        title_th=f"{DRAFT_MARK_TH}: โครงการส่งเสริมการพัฒนาหน่วยงานระดับสำนัก/ศูนย์/กอง ของ สศก. ปี {year}",
        title_en=f"{DRAFT_MARK_EN}: OAE unit-development programme, fiscal year {year}",
        fiscal_year=year,
    )


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
        end = dt.date(year, month, 28 if month == 2 else 30)  # Feb 28 is the 6-month cut-off
        work.append(
            _w("3.1", "complaint_summaries", end.isoformat(), "สรุปเรื่องร้องเรียนประจำเดือน", covers=f"{year}-{month:02d}")
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


# --------------------------------------------------------------------------- sign-offs and review


def person_of(unit_code: str, role: str) -> Person | None:
    """The unit's demo officer or director (None when the demo has none)."""
    return next((p for p in PEOPLE if p.unit == unit_code and p.role == role), None)


def deadlines(today: dt.date) -> dict[str, dt.date]:
    """The demo's submission deadlines: R6 closed a week ago, R12 closes in 30 days."""
    return {"R6": today - dt.timedelta(days=7), "R12": today + dt.timedelta(days=30)}


#: When, on the day it signs a round off, a director submits it.
SIGNED_AT = dt.time(14, 30)


def sign_offs(unit: DemoUnit, stage: Stage, today: dt.date) -> list[tuple[str, dt.date]]:
    """The rounds the unit's director submitted, each with its day: R6 one to eleven days before
    its deadline (fixed per unit), R12 two days ago."""
    rng = random.Random(unit.code)  # noqa: S311 (demo data)
    signed = [("R6", deadlines(today)["R6"] - dt.timedelta(days=rng.randrange(1, 12)))] if stage.r6_submitted else []
    if stage.r12_submitted:
        signed.append(("R12", today - dt.timedelta(days=2)))
    return signed


#: The round steps the Evaluation Centre takes to bring R6 to each ``Stage.review``.
REVIEW_STEPS: dict[str, tuple[str, ...]] = {
    "in_review": ("start_review",),
    "returned": ("start_review", "return"),
    "published": ("start_review", "verify", "publish"),
}
RETURN_REASON = "แนบหลักฐานที่ ผอ. ลงนามให้ครบ"
REVISION_REASON = "กรุณาแนบบันทึกที่ ผอ. ลงนาม"


@dataclass(frozen=True)
class Review:
    """What the evaluator does with one record: a verdict with its reason, or a judgement's value."""

    verdict: str = ""
    reason: str = ""
    value: str = ""


def review_of(target: str, index: int, data: dict[str, Any]) -> Review | None:
    """The evaluator's work on the ``index``-th R6 record (by item, then date) of a unit whose R6
    review ends at ``target``; None leaves it without a verdict."""
    if target == "in_review" and index % 2:
        return None  # half still to review
    if target == "returned" and index == 0:
        return Review("needs_revision", REVISION_REASON)
    if "claimed" in data:  # a judgement item: the evaluator's value is the verdict
        return Review(value=str(max(0, float(data["claimed"]) - 0.5)))
    return Review("accepted")


# --------------------------------------------------------------------------- assignments and threads

#: The items each unit's director gives to its people at the start of the year, before any
#: sign-off ("my items" on the unit's home): unit -> (item, the assignee's role).
ASSIGNMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "oae-bapp": (("4.2.3", "officer"), ("7.3", "officer"), ("2.2", "officer"), ("2.1", "director")),
    "oae-ict": (("5.3", "officer"), ("6.4", "officer"), ("7.8", "officer")),
    "oae-sec": (("3.1", "officer"), ("6.1", "officer")),
    "oae-rao-02": (("1.1.1", "officer"), ("2.2", "officer")),
}


@dataclass(frozen=True)
class Message:
    """A comment in an item's thread, by the unit's officer or the Centre's evaluator."""

    unit: str
    item: str
    author: str  # "officer" (of the unit) or "evaluator"
    body: str


#: Written in this order, after the sign-offs and reviews: each tells the other side (inbox).
THREADS: tuple[Message, ...] = (
    Message(
        "oae-bapp",
        "2.1",
        "evaluator",
        "แผนปฏิบัติราชการที่บันทึกไว้เป็นฉบับที่ ผอ. ลงนามแล้วหรือไม่ หากใช่ โปรดแนบไฟล์ฉบับลงนามก่อนส่งรอบ 12 เดือน",
    ),
    Message("oae-bapp", "2.1", "officer", "เป็นฉบับที่ ผอ. ลงนามแล้วค่ะ จะแนบไฟล์ฉบับลงนามภายในสัปดาห์นี้"),
    Message("oae-bapp", "4.2.3", "evaluator", "ข้อ 4.2.3 ยังไม่มีรายการ หากมีการแลกเปลี่ยนเรียนรู้แล้ว โปรดบันทึกพร้อมหลักฐาน"),
    Message("oae-rao-01", "1.1.2", "evaluator", "รอบ 6 เดือนส่งคืนให้แก้ไข: บันทึกการติดตามครั้งที่ 1 ยังไม่มีหลักฐานที่ ผอ. ลงนาม"),
)
