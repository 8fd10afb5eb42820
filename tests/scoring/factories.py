"""Building assessment data for tests, as raw file-format dicts."""

from __future__ import annotations

from typing import Any

from pramern.scoring import Assessment, Framework, parse_assessment

SECTIONS = ("s1", "s2", "s3", "s4")


def assessment_data(
    items: dict[str, Any] | None = None,
    *,
    staff: int | dict[str, int] = 40,
    sections: tuple[str, ...] = SECTIONS,
    unit: str = "test-unit",
) -> dict[str, Any]:
    return {
        "format": "pramern-assessment/1",
        "framework": {"code": "oae-2567", "version": "1"},
        "unit": {"code": unit, "name_th": "สำนักทดสอบ", "name_en": "Test bureau"},
        "staff_count": staff,
        "sections": [{"code": code, "name": f"ส่วน {code}"} for code in sections],
        "items": items or {},
    }


def make_assessment(framework: Framework, items: dict[str, Any] | None = None, **kwargs: Any) -> Assessment:
    return parse_assessment(assessment_data(items, **kwargs), framework, "test.yaml")
