"""OAE's units (สำนัก/ศูนย์/กลุ่ม and the 12 regional offices) and their sections, as demo data.

Data only: ``manage.py load_demo`` turns it into ``Unit`` and ``Section`` rows. The structure
follows the Office of Agricultural Economics (สำนักงานเศรษฐกิจการเกษตร, สศก.) as far as it is
publicly known; section names are typical of each kind of unit, not an official list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name_th: str
    name_en: str
    short_name: str
    kind: str  # a value of Unit.Kind
    sections: tuple[tuple[str, str], ...]  # (code, Thai name), in display order
    staff: tuple[int, int]  # staff in the 6-month and the 12-month round
    region: int | None = None


ADMIN = ("admin", "ฝ่ายบริหารทั่วไป")

CENTRAL_UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(
        "oae-sec",
        "สำนักงานเลขานุการกรม",
        "Office of the Secretary",
        "สลก.",
        "bureau",
        (
            ("general", "กลุ่มช่วยอำนวยการและประชาสัมพันธ์"),
            ("finance", "กลุ่มคลัง"),
            ("hr", "กลุ่มบริหารทรัพยากรบุคคล"),
            ("procurement", "กลุ่มพัสดุ"),
            ("legal", "กลุ่มนิติการ"),
            ("building", "กลุ่มอาคารสถานที่และยานพาหนะ"),
        ),
        (118, 120),
    ),
    DemoUnit(
        "oae-policy",
        "สำนักนโยบายและยุทธศาสตร์การเกษตร",
        "Bureau of Agricultural Policy and Strategy",
        "สนก.",
        "bureau",
        (
            ADMIN,
            ("macro", "ส่วนนโยบายเศรษฐกิจการเกษตรมหภาค"),
            ("strategy", "ส่วนยุทธศาสตร์การพัฒนาการเกษตร"),
            ("resources", "ส่วนนโยบายทรัพยากรการเกษตร"),
            ("committee", "ส่วนประสานงานคณะกรรมการนโยบาย"),
        ),
        (62, 64),
    ),
    DemoUnit(
        "oae-plan",
        "สำนักแผนงานและโครงการพิเศษ",
        "Bureau of Planning and Special Projects",
        "สผง.",
        "bureau",
        (
            ADMIN,
            ("plans", "ส่วนแผนงานและงบประมาณ"),
            ("projects", "ส่วนโครงการพิเศษ"),
            ("area", "ส่วนแผนพัฒนาการเกษตรเชิงพื้นที่"),
        ),
        (48, 47),
    ),
    DemoUnit(
        "oae-bapp",
        "สำนักวิจัยเศรษฐกิจการเกษตร",
        "Bureau of Agricultural Economic Research",
        "สวศ.",
        "bureau",
        (
            ADMIN,
            ("production", "ส่วนวิจัยเศรษฐกิจการผลิต"),
            ("marketing", "ส่วนวิจัยเศรษฐกิจการตลาด"),
            ("resources", "ส่วนวิจัยเศรษฐกิจทรัพยากรเกษตร"),
            ("farm", "ส่วนวิจัยเศรษฐกิจพืชและปศุสัตว์"),
        ),
        (56, 58),
    ),
    DemoUnit(
        "oae-bae",
        "สำนักเศรษฐกิจการเกษตรระหว่างประเทศ",
        "Bureau of International Agricultural Economics",
        "สศร.",
        "bureau",
        (
            ADMIN,
            ("trade", "ส่วนนโยบายการค้าสินค้าเกษตร"),
            ("cooperation", "ส่วนความร่วมมือระหว่างประเทศ"),
            ("fta", "ส่วนเขตการค้าเสรีและมาตรการที่มิใช่ภาษี"),
            ("asean", "ส่วนอาเซียนและภูมิภาค"),
        ),
        (45, 44),
    ),
    DemoUnit(
        "oae-cae",
        "ศูนย์สารสนเทศการเกษตร",
        "Centre for Agricultural Information",
        "ศสส.",
        "centre",
        (
            ADMIN,
            ("statistics", "ส่วนสถิติการเกษตร"),
            ("forecast", "ส่วนพยากรณ์และเตือนภัยสินค้าเกษตร"),
            ("prices", "ส่วนข้อมูลราคาและต้นทุนการผลิต"),
            ("gis", "ส่วนภูมิสารสนเทศการเกษตร"),
            ("service", "ส่วนบริการข้อมูลสารสนเทศ"),
        ),
        (84, 86),
    ),
    DemoUnit(
        "oae-eval",
        "ศูนย์ประเมินผล",
        "Evaluation Centre",
        "ศปผ.",
        "centre",
        (
            ADMIN,
            ("projects", "ส่วนประเมินผลโครงการ"),
            ("policy", "ส่วนติดตามและประเมินผลนโยบาย"),
            ("development", "ส่วนพัฒนาระบบติดตามและประเมินผล"),
        ),
        (38, 38),
    ),
    DemoUnit(
        "oae-ict",
        "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร",
        "Information and Communication Technology Centre",
        "ศทส.",
        "centre",
        (
            ADMIN,
            ("systems", "ส่วนพัฒนาระบบสารสนเทศ"),
            ("network", "ส่วนเครือข่ายและความมั่นคงปลอดภัย"),
            ("data", "ส่วนบริการข้อมูลสารสนเทศ"),
        ),
        (40, 42),
    ),
    DemoUnit(
        "oae-audit",
        "กลุ่มตรวจสอบภายใน",
        "Internal Audit Group",
        "ตสน.",
        "other",
        (
            ("finance", "งานตรวจสอบการเงินและบัญชี"),
            ("operations", "งานตรวจสอบการดำเนินงาน"),
            ("it", "งานตรวจสอบระบบสารสนเทศ"),
        ),
        (15, 15),
    ),
    DemoUnit(
        "oae-psdg",
        "กลุ่มพัฒนาระบบบริหาร",
        "Public Sector Development Group",
        "กพร.",
        "other",
        (
            ("quality", "งานพัฒนาคุณภาพการบริหารจัดการ"),
            ("indicators", "งานตัวชี้วัดและคำรับรองการปฏิบัติราชการ"),
            ("structure", "งานพัฒนาโครงสร้างและระบบงาน"),
        ),
        (16, 17),
    ),
)

#: สศท.1–12: number, Thai province, English province, staff (R6, R12).
_REGIONS: tuple[tuple[int, str, str, tuple[int, int]], ...] = (
    (1, "เชียงใหม่", "Chiang Mai", (28, 29)),
    (2, "พิษณุโลก", "Phitsanulok", (24, 24)),
    (3, "อุดรธานี", "Udon Thani", (26, 25)),
    (4, "ขอนแก่น", "Khon Kaen", (27, 27)),
    (5, "นครราชสีมา", "Nakhon Ratchasima", (30, 31)),
    (6, "ชลบุรี", "Chon Buri", (22, 23)),
    (7, "ชัยนาท", "Chai Nat", (21, 21)),
    (8, "สุราษฎร์ธานี", "Surat Thani", (25, 26)),
    (9, "สงขลา", "Songkhla", (27, 26)),
    (10, "ราชบุรี", "Ratchaburi", (20, 22)),
    (11, "อุบลราชธานี", "Ubon Ratchathani", (23, 23)),
    (12, "นครสวรรค์", "Nakhon Sawan", (19, 20)),
)

_REGIONAL_SECTIONS: tuple[tuple[str, str], ...] = (
    ADMIN,
    ("research", "กลุ่มวิจัยและประเมินผล"),
    ("information", "กลุ่มสารสนเทศการเกษตร"),
    ("planning", "กลุ่มนโยบายและแผนพัฒนาการเกษตร"),
)

REGIONAL_UNITS: tuple[DemoUnit, ...] = tuple(
    DemoUnit(
        f"oae-rao-{number:02d}",
        f"สำนักงานเศรษฐกิจการเกษตรที่ {number}",
        f"Regional Office of Agricultural Economics {number} ({province_en})",
        f"สศท.{number}",
        "regional",
        # Offices 1, 5 and 9 also run a field-survey section; the others fold it into research.
        (*_REGIONAL_SECTIONS, ("survey", "กลุ่มสำรวจข้อมูลภาคสนาม")) if number in (1, 5, 9) else _REGIONAL_SECTIONS,
        staff,
        region=number,
    )
    for number, province_th, province_en, staff in _REGIONS
)

DEMO_UNITS: tuple[DemoUnit, ...] = CENTRAL_UNITS + REGIONAL_UNITS
