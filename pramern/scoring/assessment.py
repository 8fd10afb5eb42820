"""Assessment files (YAML or JSON, format ``pramern-assessment/1``) <-> ``Assessment``.

The format is documented in ``docs/assessment-format.md``. Parsing checks every record
against the fact types the framework declares and names file, item and field on error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pramern.scoring.model import Assessment, FactSpec, FieldSpec, Framework, Record, Section, Unit
from pramern.scoring.numbers import MAX_VALUE, NumberProblem, json_number, parse_number
from pramern.scoring.yamlio import SyntaxProblem, load_file

FORMAT = "pramern-assessment/1"
#: Keys every record may carry that the engine does not read; kept for round trips.
EXTRA_KEYS = ("id", "title", "note", "evidence")
EVIDENCE_KEYS = {"file": ("file", "sha256", "title"), "url": ("url", "title", "checked")}
TEXT_LIMITS = {"title": 300, "note": 5000, "file": 255, "sha256": 64, "url": 2000, "checked": 10}
#: More staff than any unit has: a count above it is a typing mistake (files and forms alike).
MAX_STAFF = 100_000


def staff_per_round(framework: Framework, counts: Mapping[str, int]) -> dict[str, int]:
    """Each round's staff count as the engine reads it: a round left out takes the previous
    round's count; rounds before the first count given have none (the parser requires it)."""
    out: dict[str, int] = {}
    previous: int | None = None
    for rnd in framework.rounds:
        count = counts.get(rnd.code, previous)
        if count is not None:
            out[rnd.code] = previous = count
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem, with the item, fact and record id it is about (when it is about one)."""

    message: str  # as ``AssessmentError.problems`` lists it: file, item, field, what is wrong
    item_code: str = ""
    fact: str = ""
    record_id: Any = None


class AssessmentError(Exception):
    """An assessment file that cannot be scored; ``problems`` lists every message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_assessment_data(path: str | Path) -> Any:
    """Read an assessment file's raw data (YAML or JSON by extension)."""
    path = Path(path)
    try:
        return load_file(path, aliases=False)
    except OSError as exc:
        raise AssessmentError([f"{path.name}: {exc.strerror}"]) from None
    except SyntaxProblem as exc:
        raise AssessmentError([f"{path.name}: {exc}"]) from None


def framework_key(data: Any) -> tuple[str, str] | None:
    """The (code, version) an assessment's raw data names, if it names one."""
    if isinstance(data, dict) and isinstance(data.get("framework"), dict):
        ref = data["framework"]
        code, version = ref.get("code"), ref.get("version")
        if isinstance(code, str) and isinstance(version, (str, int, float)) and not isinstance(version, bool):
            return code, str(version)
    return None


def load_assessment(path: str | Path, framework: Framework) -> Assessment:
    path = Path(path)
    return parse_assessment(read_assessment_data(path), framework, path.name)


def parse_assessment(data: Any, framework: Framework, filename: str = "assessment") -> Assessment:
    """Validate raw data against ``framework``; raise ``AssessmentError`` listing every problem."""
    parser = _Parser(framework, filename)
    assessment = parser.parse(data)
    if parser.problems or assessment is None:
        raise AssessmentError(parser.problems or [f"{filename}: not an assessment"])
    return assessment


def parse_stored_assessment(
    data: Any, framework: Framework, filename: str = "assessment"
) -> tuple[Assessment, tuple[Problem, ...]]:
    """Like ``parse_assessment`` for data already stored, which may no longer validate (a rule
    tightened, a section renamed): a record with a problem is left out of the assessment and
    reported instead of refusing the whole; a fact with more records than the framework allows,
    or decreasing counts, is reported and kept. Raise ``AssessmentError`` only for data that is
    not an assessment of ``framework`` at all."""
    parser = _Parser(framework, filename, lenient=True)
    assessment = parser.parse(data)
    if assessment is None:
        raise AssessmentError(parser.problems or [f"{filename}: not an assessment"])
    return assessment, tuple(parser.issues)


class _Parser:
    def __init__(self, framework: Framework, filename: str, *, lenient: bool = False) -> None:
        self.framework = framework
        self.filename = filename
        self.lenient = lenient
        self.problems: list[str] = []
        self.issues: list[Problem] = []
        self.section_codes: frozenset[str] = frozenset()
        self.staff_counts: dict[str, int] = {}
        #: (item code, fact, record id) of what is being read: every problem names it.
        self.at: tuple[str, str, Any] = ("", "", None)

    def fail(self, where: str, message: str) -> None:
        text = f"{self.filename}: {where}: {message}" if where else f"{self.filename}: {message}"
        self.problems.append(text)
        self.issues.append(Problem(text, *self.at))

    def parse(self, data: Any) -> Assessment | None:
        if not isinstance(data, dict):
            self.fail("", "expected a mapping at the top level")
            return None
        if data.get("format") != FORMAT:
            self.fail("format", f"expected {FORMAT!r}, got {_shown(data.get('format'))}")
        key = framework_key(data)
        if key is None:
            self.fail("framework", "expected {code: ..., version: ...}")
        elif key != (self.framework.code, self.framework.version):
            self.fail(
                "framework",
                f"the file is for {key[0]}@{key[1]}, not {self.framework.code}@{self.framework.version}",
            )
        if self.problems and self.lenient:
            return None  # not an assessment of this framework: nothing to read leniently
        unit = self.unit(data.get("unit"))
        staff = self.staff_counts = self.staff(data.get("staff_count"))
        sections = self.sections(data.get("sections", []))
        self.section_codes = frozenset(s.code for s in sections)
        records = self.items(data.get("items", {}))
        if self.lenient and unit is None:
            raw = data["unit"] if isinstance(data.get("unit"), dict) else {}
            unit = Unit(str(raw.get("code") or "?"), str(raw.get("name_th") or raw.get("code") or "?"))
        if (self.problems and not self.lenient) or unit is None:
            return None
        return Assessment(self.framework.code, self.framework.version, unit, staff, sections, records)

    def unit(self, value: Any) -> Unit | None:
        if not isinstance(value, dict):
            self.fail("unit", "expected {code: ..., name_th: ...}")
            return None
        code, name_th, name_en = value.get("code"), value.get("name_th"), value.get("name_en", "")
        if not isinstance(code, str) or not code.strip():
            self.fail("unit.code", "is required")
            return None
        if not isinstance(name_th, str) or not name_th.strip():
            self.fail("unit.name_th", "is required")
            return None
        if not isinstance(name_en, str):
            self.fail("unit.name_en", "expected text")
            return None
        return Unit(code.strip(), name_th.strip(), name_en.strip())

    def staff(self, value: Any) -> dict[str, int]:
        rounds = [r.code for r in self.framework.rounds]
        expected = f"expected a whole number of staff from 1 to {MAX_STAFF:,}"
        if _is_count(value):
            if value < 1:
                self.fail("staff_count", "a unit has at least one member of staff")
            elif value > MAX_STAFF:
                self.fail("staff_count", f"{expected}, got {_shown(value)}")
            return dict.fromkeys(rounds, value)
        if not isinstance(value, dict):
            self.fail("staff_count", "expected a number, or one number per round ({R6: 40, R12: 42})")
            return {}
        given: dict[str, int] = {}
        for code, count in value.items():
            if code not in rounds:
                self.fail(f"staff_count.{code}", f"unknown round (rounds: {', '.join(rounds)})")
            elif count is not None and (not _is_count(count) or not 1 <= count <= MAX_STAFF):
                self.fail(f"staff_count.{code}", f"{expected}, got {_shown(count)}")
            elif count is not None:
                given[code] = count
        counts = staff_per_round(self.framework, given)
        for code in rounds:
            if code not in counts and value.get(code) is None:
                self.fail(f"staff_count.{code}", "is required")
        return counts

    def sections(self, value: Any) -> tuple[Section, ...]:
        if not isinstance(value, list):
            self.fail("sections", "expected a list of {code, name}")
            return ()
        out: list[Section] = []
        seen: set[str] = set()
        for index, raw in enumerate(value):
            where = f"sections[{index}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"].strip():
                self.fail(where, "expected {code: ..., name: ...} with a code")
                continue
            code = raw["code"].strip()
            if code in seen:
                self.fail(f"{where}.code", f"duplicate section {_shown(code)}")
            seen.add(code)
            name = raw.get("name", code)
            out.append(Section(code, name if isinstance(name, str) else code))
        return tuple(out)

    def items(self, value: Any) -> dict[str, dict[str, tuple[Record, ...]]]:
        if not isinstance(value, dict):
            self.fail("items", "expected a mapping of item code -> facts")
            return {}
        out: dict[str, dict[str, tuple[Record, ...]]] = {}
        for code, facts in value.items():
            code = str(code)
            self.at = (code, "", None)
            item = self.framework.items_by_code.get(code)
            if item is None:
                self.fail(f"item {code}", "unknown item (not in this framework)")
                continue
            if facts is None:
                continue
            if not isinstance(facts, dict):
                self.fail(f"item {code}", "expected a mapping of fact name -> list of records")
                continue
            per_fact: dict[str, tuple[Record, ...]] = {}
            for name, records in facts.items():
                self.at = (code, str(name), None)
                spec = item.facts.get(str(name))
                if spec is None:
                    known = ", ".join(item.facts) or "none"
                    self.fail(f"item {code}", f"{name}: unknown fact (facts of this item: {known})")
                    continue
                per_fact[spec.name] = self.records(records, spec, f"item {code}")
            out[code] = per_fact
        self.at = ("", "", None)
        return out

    def records(self, value: Any, spec: FactSpec, where: str) -> tuple[Record, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"{spec.name}: expected a list of records")
            return ()
        limit = self.framework.max_records_per_fact
        if len(value) > limit:
            self.fail(where, f"{spec.name}: {len(value):,} records, more than the {limit:,} a fact may hold")
            if not self.lenient:
                return ()  # refused whole: reading each record would only make the refusal slower
        records = []
        item_code, fact, _ = self.at
        for index, raw in enumerate(value):
            self.at = (item_code, fact, raw.get("id") if isinstance(raw, dict) else None)
            record = self.record(raw, spec, where, f"{spec.name}[{index}]")
            if record is not None:
                records.append(record)
        # Sorted by date (stable): rules read "the latest record inside the window" from the end.
        records.sort(key=lambda r: r.date)
        if spec.cumulative:
            for earlier, later in itertools.pairwise(records):
                if later.fields["value"] < earlier.fields["value"]:
                    self.at = (item_code, fact, later.extra.get("id"))
                    self.fail(
                        where,
                        f"{spec.name}: value {json_number(later.fields['value'])} on {later.date} is lower than "
                        f"{json_number(earlier.fields['value'])} on {earlier.date}: this count only grows",
                    )
                    break
        self.at = (item_code, fact, None)
        return tuple(records)

    def record(self, raw: Any, spec: FactSpec, where: str, field: str) -> Record | None:
        if not isinstance(raw, dict):
            self.fail(where, f"{field}: expected a mapping with at least a date")
            return None
        problems = len(self.problems)
        day = self.date(raw.get("date"), where, f"{field}.date")
        builtin = _BUILTIN_FIELDS[spec.type]
        allowed = set(spec.fields) | set(builtin) | {"date", *EXTRA_KEYS}
        for key in raw:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(where, f"{field}.{key}: unknown field (fields: {known})")
        fields: dict[str, Any] = {}
        for name, field_spec in spec.fields.items():
            fields[name] = self.field_value(raw.get(name), field_spec, where, f"{field}.{name}")
        if spec.type == "measurement":
            fields["value"] = self.number(raw.get("value"), where, f"{field}.value", required=True)
            if fields["value"] is not None and day is not None:
                self.bound(fields["value"], spec, day, where, f"{field}.value")
        elif spec.type == "choice":
            option = raw.get("option")
            if not isinstance(option, str) or option not in spec.options:
                known = ", ".join(spec.options)
                self.fail(where, f"{field}.option: {_shown(option)} is not one of the options ({known})")
            else:
                chosen = spec.options[option]
                points = max([chosen.points, *(p for flag, p in chosen.points_if.items() if fields.get(flag))])
                fields["option"] = option
                fields["points"] = Fraction(points)
        elif spec.type == "periodic":
            covers = self.month(raw.get("covers"), day, where, f"{field}.covers")
            if covers is not None and day is not None and covers > (day.year, day.month):
                month = raw.get("covers")
                self.fail(where, f"{field}.covers: {month} has not begun on {day}: a report covers a past month")
            fields["covers"] = covers
        elif spec.type == "judgement":
            fields["claimed"] = self.judgement(raw.get("claimed"), spec, where, f"{field}.claimed", required=True)
            fields["verified"] = self.judgement(raw.get("verified"), spec, where, f"{field}.verified", required=False)
        extra = {key: raw[key] for key in EXTRA_KEYS if key in raw}
        for key in ("id", "title", "note"):
            if key in extra and not isinstance(extra[key], (str, int)):
                self.fail(where, f"{field}.{key}: expected text")
        for key in ("title", "note"):
            if isinstance(extra.get(key), str) and len(extra[key]) > TEXT_LIMITS[key]:
                self.fail(where, f"{field}.{key}: longer than {TEXT_LIMITS[key]} characters")
        if "evidence" in extra:
            self.evidence(extra["evidence"], where, f"{field}.evidence")
        if day is None or len(self.problems) > problems:
            return None
        return Record(day, fields, extra)

    def evidence(self, value: Any, where: str, field: str) -> None:
        """Evidence references: ``{file, sha256?, title?}`` or ``{url, title?, checked?}``, as text."""
        if not isinstance(value, list):
            self.fail(where, f"{field}: expected a list")
            return
        for index, ref in enumerate(value):
            at = f"{field}[{index}]"
            if not isinstance(ref, dict) or ("file" in ref) == ("url" in ref):
                self.fail(where, f"{at}: expected a mapping with either file or url")
                continue
            allowed = EVIDENCE_KEYS["file" if "file" in ref else "url"]
            for key, text in ref.items():
                if key not in allowed:
                    self.fail(where, f"{at}.{key}: unknown field (fields: {', '.join(allowed)})")
                elif not isinstance(text, str) or not text.strip():
                    self.fail(where, f"{at}.{key}: expected text")
                elif len(text) > TEXT_LIMITS[key]:
                    self.fail(where, f"{at}.{key}: longer than {TEXT_LIMITS[key]} characters")
            sha256 = ref.get("sha256")
            if isinstance(sha256, str) and not re.fullmatch(r"[0-9a-f]{64}", sha256):
                self.fail(where, f"{at}.sha256: expected 64 hexadecimal digits")
            if isinstance(ref.get("checked"), str):
                self.date(ref["checked"], where, f"{at}.checked")

    def date(self, value: Any, where: str, field: str) -> dt.date | None:
        if value is None:
            self.fail(where, f"{field}: is required")
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(where, f"{field}: {_shown(value)} is not a date (write YYYY-MM-DD, Christian era)")
        return None

    def month(self, value: Any, day: dt.date | None, where: str, field: str) -> tuple[int, int] | None:
        if value is None:
            return (day.year, day.month) if day else None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip()) if isinstance(value, str) else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            self.fail(where, f"{field}: {_shown(value)} is not a month (write YYYY-MM, Christian era)")
            return None
        return int(match.group(1)), int(match.group(2))

    def number(self, value: Any, where: str, field: str, *, required: bool) -> int | Fraction | None:
        if value is None:
            if required:
                self.fail(where, f"{field}: is required")
            return None
        try:
            # Checked before any conversion: type, NaN and infinities, digits, exponent, size.
            number = parse_number(value)
        except NumberProblem as exc:
            reason = "" if str(exc) == "expected a number" else f" ({exc})"
            self.fail(where, f"{field}: expected a number, got {_shown(value)}{reason}")
            return None
        if number < 0:
            self.fail(where, f"{field}: expected zero or more, got {_shown(value)}")
            return None
        return number

    def bound(self, value: int | Fraction, spec: FactSpec, day: dt.date, where: str, field: str) -> None:
        """A measurement's declared maximum: a number, or the staff count of the record's round."""
        if spec.maximum is not None and value > Fraction(spec.maximum):
            self.fail(where, f"{field}: {json_number(value)} is more than the maximum, {spec.maximum}")
        if spec.at_most_staff:
            rnd = self.framework.round_for(day)
            staff = self.staff_counts.get(rnd.code)
            if staff is not None and value > staff:
                self.fail(
                    where,
                    f"{field}: {json_number(value)} is more than the unit's staff in {rnd.code} ({staff}): "
                    "a count of staff cannot exceed the staff count",
                )

    def judgement(self, value: Any, spec: FactSpec, where: str, field: str, *, required: bool) -> Fraction | None:
        number = self.number(value, where, field, required=required)
        if number is None:
            return None
        maximum = Fraction(spec.maximum) if spec.maximum is not None else None
        if number < Fraction(spec.minimum) or (maximum is not None and number > maximum):
            self.fail(where, f"{field}: {_shown(value)} is outside {spec.minimum}..{spec.maximum}")
            return None
        if spec.step is not None and (number - Fraction(spec.minimum)) % Fraction(spec.step):
            self.fail(where, f"{field}: {_shown(value)} is not a multiple of {spec.step}")
            return None
        return Fraction(number)

    def field_value(self, value: Any, spec: FieldSpec, where: str, field: str) -> Any:
        if value is None:
            if spec.required:
                self.fail(where, f"{field}: is required")
            return False if spec.kind == "flag" else None
        if spec.kind == "flag":
            if not isinstance(value, bool):
                self.fail(where, f"{field}: expected true or false, got {_shown(value)}")
            return value is True
        if spec.kind == "choice":
            if value not in spec.choices:
                known = ", ".join(spec.choices)
                self.fail(where, f"{field}: {_shown(value)} is not one of the choices ({known})")
            return value
        if spec.kind == "section":
            if value not in self.section_codes:
                known = ", ".join(sorted(self.section_codes)) or "none declared"
                self.fail(where, f"{field}: {_shown(value)} is not one of the unit's sections ({known})")
            return value
        if spec.kind == "number":
            return self.number(value, where, field, required=spec.required)
        if not isinstance(value, str):
            self.fail(where, f"{field}: expected text, got {_shown(value)}")
        return value


#: Fields of each fact type besides the declared ones and the date.
_BUILTIN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "event": (),
    "measurement": ("value",),
    "choice": ("option",),
    "periodic": ("covers",),
    "judgement": ("claimed", "verified"),
}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value <= MAX_VALUE


def _shown(value: Any) -> str:
    """A value as a message quotes it: a huge one is cut short."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"


def assessment_to_data(assessment: Assessment, framework: Framework) -> dict[str, Any]:
    """The file form of an assessment (the inverse of ``parse_assessment``), JSON-ready."""
    items: dict[str, Any] = {}
    for item in framework.items:
        facts = assessment.records.get(item.code)
        if not facts:
            continue
        out_facts = {}
        for name, records in facts.items():
            spec = item.facts[name]
            out_facts[name] = [_record_to_data(r, spec) for r in records]
        items[item.code] = out_facts
    data: dict[str, Any] = {
        "format": FORMAT,
        "framework": {"code": assessment.framework_code, "version": assessment.framework_version},
        "unit": {"code": assessment.unit.code, "name_th": assessment.unit.name_th},
        "staff_count": dict(assessment.staff_count),
        "sections": [{"code": s.code, "name": s.name} for s in assessment.sections],
        "items": items,
    }
    if assessment.unit.name_en:
        data["unit"]["name_en"] = assessment.unit.name_en
    return data


def _record_to_data(record: Record, spec: FactSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"date": record.date.isoformat()}
    for name, field_spec in spec.fields.items():
        value = record.fields.get(name)
        if field_spec.kind == "flag":
            if value:
                out[name] = True
        elif value is not None:
            out[name] = json_number(value) if field_spec.kind == "number" else value
    if spec.type == "measurement":
        out["value"] = json_number(record.fields["value"])
    elif spec.type == "choice":
        out["option"] = record.fields["option"]
    elif spec.type == "periodic":
        year, month = record.fields["covers"]
        out["covers"] = f"{year:04d}-{month:02d}"
    elif spec.type == "judgement":
        out["claimed"] = json_number(record.fields["claimed"])
        if record.fields.get("verified") is not None:
            out["verified"] = json_number(record.fields["verified"])
    out.update(record.extra)
    return out
