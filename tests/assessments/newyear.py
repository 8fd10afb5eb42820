"""A second year for the tests of opening a year and carry-over: FY2567's text as FY2570."""

from __future__ import annotations

from typing import Any

from pramern.frameworks.models import Framework
from pramern.frameworks.services import install_framework
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE

SHIFT = {"2023-": "2026-", "2024-": "2027-"}  # three years on: FY2570's dates


def _shift(value: str) -> str:
    for old, new in SHIFT.items():
        value = value.replace(old, new)
    return value.replace("2027-02-29", "2027-03-01")  # 2024 was a leap year, 2027 is not


def _shift_all(value: Any) -> Any:
    """Every date (and month) inside a line's test cases, three years on."""
    if isinstance(value, str):
        return _shift(value)
    if isinstance(value, list):
        return [_shift_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _shift_all(v) for k, v in value.items()}
    return value


def _items(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for child in node.get("items", []) or []:
        out.extend(_items(child) if "items" in child else [child])
    return out


def next_year_text(*, renumber: dict[str, str] | None = None, previous: dict[str, Any] | None = None) -> str:
    """FY2567's framework as ``oae-2570`` version 1, its rounds and dated rules three years on;
    ``renumber`` gives items new codes; ``previous`` is the ``previous:`` key (the mapping)."""
    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "oae-2567.yaml")
    document["code"], document["version"] = "oae-2570", "1"
    document["title_th"] = document["title_th"].replace("2567", "2570")
    document["title_en"] = document["title_en"].replace("2567", "2570")
    for rnd in document["rounds"]:
        rnd["starts"], rnd["cutoff"] = _shift(rnd["starts"]), _shift(rnd["cutoff"])
    for dimension in document["dimensions"]:
        for item in _items(dimension):
            for line in item.get("lines", []):
                if "when" in line:
                    line["when"] = _shift(line["when"])
                if "tests" in line:
                    line["tests"] = _shift_all(line["tests"])
            if item["code"] in (renumber or {}):
                item["code"] = renumber[item["code"]]
    if previous is not None:
        document["previous"] = previous
    return dump_framework(document)


def install_next_year(**options: Any) -> Framework:
    return install_framework(next_year_text(**options), "oae-2570.yaml").framework
