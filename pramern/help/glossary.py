"""The words of the assessment, in Thai with English, and what each means here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    th: str  # the Thai term, shown as such in both languages
    en: str  # the English term, shown as such in both languages
    meaning: Promise


GLOSSARY: tuple[Term, ...] = (
    Term(
        "กรอบการประเมิน",
        "Framework",
        _("A fiscal year's dimensions, items, scoring lines and rounds, published by the Evaluation Centre."),
    ),
    Term(
        "ด้าน", "Dimension", _("One of the framework's main parts (FY2567 has seven), holding sub-dimensions and items.")
    ),
    Term(
        "ตัวชี้วัด / ข้อ",
        "Item",
        _("What a unit is assessed on, such as 1.2.2, with its points, guidance and example evidence."),
    ),
    Term(
        "รอบ",
        "Round",
        _("A period whose work is scored: the 6-month round and the 12-month round, which counts the whole year."),
    ),
    Term(
        "กำหนดส่ง",
        "Submission deadline",
        _("The last day on which the unit's director can submit a round; the Centre may extend it for one unit."),
    ),
    Term(
        "ผลงาน / รายการ", "Record", _("One dated piece of the unit's work for an item, such as a meeting or a report.")
    ),
    Term("หลักฐาน", "Evidence", _("A file or link that supports a record; the Centre checks records against it.")),
    Term(
        "ข้อสมมติ",
        "Assumption",
        _("How the framework reads a point the official guideline leaves open; it is shown with the item it concerns."),
    ),
    Term("คะแนนประเมินตนเอง", "Self-assessed score", _("The points the unit's records earn as the unit entered them.")),
    Term(
        "ส่งผลการประเมิน",
        "Submit",
        _("The director sends a round to the Evaluation Centre; its records can then no longer be changed."),
    ),
    Term(
        "ตีกลับ",
        "Return for revision",
        _("The Centre sends a round back with a reason; the unit revises its records and resubmits."),
    ),
    Term("ส่งใหม่", "Resubmit", _("The unit sends a returned round to the Centre again, after revising it.")),
    Term(
        "ผลการพิจารณา",
        "Verdict",
        _("The Centre's decision on one record: accepted, rejected or needs revision, with a reason."),
    ),
    Term(
        "รับรอง",
        "Verify",
        _("The Centre confirms a round's score once every record has been reviewed."),
    ),
    Term(
        "คะแนนที่รับรอง",
        "Verified score",
        _("The points that the records accepted by the Centre earn, with any override by an evaluator."),
    ),
    Term(
        "เผยแพร่",
        "Publish",
        _("The Centre makes a verified round's results visible to the unit and to executives."),
    ),
    Term(
        "ศูนย์ประเมินผล",
        "Evaluation Centre",
        _("The office that runs the assessment, reviews and verifies every unit's rounds."),
    ),
)
