"""Moving a framework document into another fiscal year: its dates move, its prose does not.

When the Evaluation Centre clones last year's framework (FY2567) into this year (FY2570), every
date in it must move by the same number of years, or nothing works: the rounds' windows
(``starts``, ``cutoff``), the dates and months written in rules (``on_time(f, "2024-02-25")``,
``every_month(f, "2023-08", "2024-07")``) and the dates and months of the line tests' records
(``date``, ``covers`` and any other field whose whole value is a date or a month).

- **Rules** change only inside their string literals: the rule is cut into tokens by the rule
  language's own tokenizer and only a ``"YYYY-MM-DD"``/``"YYYY-MM"`` string token is rewritten,
  so a number such as ``2024`` in a comparison is never touched. (A rule that does not tokenize,
  in a draft being written, has its quoted literals moved by the same pattern.)
- **29 February** has no counterpart in a common year. A *deadline or window boundary* (round,
  rule) on 29 February means "the end of February" and becomes 28 February (2024-02-29 + 3 years
  = 2027-02-28). A *record* in a line test dated 29 February becomes 1 March or 28 February,
  whichever keeps it on the same side of every boundary of the framework as it was (before, on or
  after each of them); FY2567's "report after the R6 cut-off" on 2024-02-29 (cut-off 2024-02-28)
  becomes 2027-03-01, still after the cut-off 2027-02-28. Every other date keeps its day and month
  (28 February stays 28 February, also into a leap year: FY2567's R6 cut-off is 28 February in a
  leap year). So shifting by +n then -n gives the original back except for 29 February.
- **Free texts** (titles, guidance, evidence examples, assumptions, line texts, test names) are
  Thai and English prose and are never changed; :func:`texts_mentioning_years` lists those that
  mention a year (2567, 2024, "ก.ค. 67") so the studio can ask the editor to review them.

Pure: no Django (a plain helper in tests/test_layers.py).
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pramern.scoring.rules import RuleError, tokenize
from pramern.thaidates import fiscal_year_of as fiscal_year_of_day

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_STRING_LITERAL = re.compile(r""""[^"\n]*"|'[^'\n]*'""")
#: Rule texts of a line: a condition and a computed-points expression.
RULE_KEYS = ("when", "points_from")
#: Keys whose values are identifiers, not prose (never listed as mentioning a year).
_IDENTIFIER_KEYS = frozenset({"code", "version", "format", "id", "round", "type", "file", "url"})
_THAI_MONTH = r"(?:ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.)"
#: A year in prose: 25xx (Buddhist era), 19xx/20xx (Christian era), or a two-digit Buddhist year
#: after a Thai month or "ปี"/"พ.ศ." ("31 ก.ค. 67", "ปีงบประมาณ 67").
_YEAR_IN_TEXT = re.compile(
    r"(?<![\d.\-])(?:25|19|20)\d\d(?![\d\-])"
    rf"|(?:{_THAI_MONTH}|ปีงบประมาณ|ปี|พ\.ศ\.)\s*\d\d(?!\d)"
)


# -------------------------------------------------------------------------- dates and months


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _is_month(text: str) -> bool:
    match = _MONTH.fullmatch(text)
    return match is not None and 1 <= int(match[2]) <= 12


def _is_feb29(day: dt.date) -> bool:
    return day.month == 2 and day.day == 29


def move_date(day: dt.date, years: int) -> dt.date:
    """``day`` moved by ``years`` years, as a deadline: 29 February into a common year is 28 February."""
    year = day.year + years
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _move_record_date(day: dt.date, years: int, boundaries: frozenset[dt.date]) -> dt.date:
    """A record's date moved; 29 February goes to 1 March or 28 February, whichever keeps it on the
    same side of every boundary (1 March when neither or both do)."""
    moved = move_date(day, years)
    if not _is_feb29(day) or _is_feb29(moved):
        return moved
    march_first = dt.date(day.year + years, 3, 1)

    def keeps_sides(candidate: dt.date) -> bool:
        return all(_side(day, b) == _side(candidate, move_date(b, years)) for b in boundaries)

    if keeps_sides(march_first) or not keeps_sides(moved):
        return march_first
    return moved


def _side(day: dt.date, boundary: dt.date) -> int:
    return (day > boundary) - (day < boundary)


def shift_text(text: str, years: int) -> str:
    """A date (YYYY-MM-DD) or month (YYYY-MM) text moved by ``years``, as a boundary; any other text unchanged."""
    day = _parse_date(text)
    if day is not None:
        return move_date(day, years).isoformat()
    if _is_month(text):
        return f"{int(text[:4]) + years:04d}{text[4:]}"
    return text


def shift_rule(rule: str, years: int) -> str:
    """A rule with its date and month string literals moved; everything else character for character."""
    try:
        spans = [
            (token.column - 1, token.column - 1 + len(token.text)) for token in tokenize(rule) if token.kind == "string"
        ]
    except RuleError:
        spans = [match.span() for match in _STRING_LITERAL.finditer(rule)]
    out, pos = [], 0
    for start, end in spans:
        literal = rule[start:end]
        out.append(rule[pos:start])
        out.append(literal[0] + shift_text(literal[1:-1], years) + literal[-1])
        pos = end
    out.append(rule[pos:])
    return "".join(out)


def _rule_dates(rule: str) -> Iterator[dt.date]:
    for match in _STRING_LITERAL.finditer(rule):
        day = _parse_date(match.group()[1:-1])
        if day is not None:
            yield day


# -------------------------------------------------------------------------- the document


def _items(nodes: Any) -> Iterator[dict[str, Any]]:
    """Every item (a node with ``lines``) under a list of dimensions/sub-dimensions, in order."""
    for node in nodes if isinstance(nodes, list) else ():
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("lines"), list):
            yield node
        yield from _items(node.get("items"))


def _lines(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for item in _items(document.get("dimensions")):
        for line in item["lines"]:
            if isinstance(line, dict):
                yield item, line


def _boundaries(document: dict[str, Any]) -> frozenset[dt.date]:
    """The rounds' starts and cut-offs and the dates written in rules."""
    found: set[dt.date] = set()
    for rnd in document.get("rounds") or ():
        if isinstance(rnd, dict):
            for key in ("starts", "cutoff"):
                day = _parse_date(str(rnd.get(key, "")))
                if day is not None:
                    found.add(day)
    for _item, line in _lines(document):
        for key in RULE_KEYS:
            if isinstance(line.get(key), str):
                found.update(_rule_dates(line[key]))
    return frozenset(found)


def shift_records(value: Any, years: int, boundaries: frozenset[dt.date] = frozenset()) -> Any:
    """Records (or any nested data of them) with every value that is a whole date or month moved;
    29 February as :func:`_move_record_date` says. Other values (titles, flags) unchanged."""
    if isinstance(value, dict):
        return {key: shift_records(sub, years, boundaries) for key, sub in value.items()}
    if isinstance(value, list):
        return [shift_records(sub, years, boundaries) for sub in value]
    if isinstance(value, str):
        day = _parse_date(value)
        if day is not None:
            return _move_record_date(day, years, boundaries).isoformat()
        return shift_text(value, years)
    return value


def shift_years(document: dict[str, Any], years: int) -> dict[str, Any]:
    """A new framework document with every date and month of its rounds, rules and line tests
    moved by ``years`` years; free texts unchanged. ``document`` is not modified."""
    shifted = copy.deepcopy(document)
    if years == 0:
        return shifted
    boundaries = _boundaries(document)
    for rnd in shifted.get("rounds") or ():
        if isinstance(rnd, dict):
            for key in ("starts", "cutoff"):
                if isinstance(rnd.get(key), str):
                    rnd[key] = shift_text(rnd[key], years)
    for _item, line in _lines(shifted):
        for key in RULE_KEYS:
            if isinstance(line.get(key), str):
                line[key] = shift_rule(line[key], years)
        for case in line.get("tests") or ():
            if isinstance(case, dict) and "records" in case:
                case["records"] = shift_records(case["records"], years, boundaries)
    return shifted


def shift_assessment(assessment: dict[str, Any], years: int, framework: dict[str, Any]) -> dict[str, Any]:
    """An assessment document's records moved the way :func:`shift_years` moves ``framework``'s
    line tests (29 February kept on the same side of ``framework``'s boundaries)."""
    shifted = copy.deepcopy(assessment)
    if "items" in shifted:
        shifted["items"] = shift_records(shifted["items"], years, _boundaries(framework))
    return shifted


def fiscal_year_of(document: dict[str, Any]) -> int:
    """The fiscal year (Buddhist era) of a framework document: the one holding its last round's
    cut-off (FY N starts on 1 October of CE year N-544). ValueError without a dated last round."""
    rounds = document.get("rounds") or []
    last = rounds[-1] if isinstance(rounds, list) and rounds else None
    day = _parse_date(str(last.get("cutoff", ""))) if isinstance(last, dict) else None
    if day is None:
        raise ValueError("the framework has no round with a cut-off date")
    return fiscal_year_of_day(day)


def shift_to_fiscal_year(document: dict[str, Any], year: int) -> dict[str, Any]:
    """``document`` moved into fiscal year ``year`` (Buddhist era)."""
    return shift_years(document, year - fiscal_year_of(document))


# -------------------------------------------------------------------------- texts with years


@dataclass(frozen=True, slots=True)
class YearMention:
    """A free text that mentions a year: where it is (``item 1.1.3: lines[2] (every-quarter): missing_th``),
    the years as written (``2567``, ``ก.ค. 67``) and the text itself."""

    where: str
    years: tuple[str, ...]
    text: str

    @property
    def item_code(self) -> str:
        """The item the text belongs to (``1.1.3``), or "" for a framework-level or group text."""
        head = self.where.split(": ", 1)[0]
        return head.removeprefix("item ") if head.startswith("item ") else ""


def texts_mentioning_years(document: dict[str, Any]) -> list[YearMention]:
    """Every free text of ``document`` that mentions a year, in the file's order. Dates and months
    that :func:`shift_years` moves, rules and identifiers (codes, ids, rounds) are not free texts."""
    found: list[YearMention] = []
    for where, text in _free_texts(document, ""):
        years = tuple(dict.fromkeys(match.group() for match in _YEAR_IN_TEXT.finditer(text)))
        if years:
            found.append(YearMention(where, years, text))
    return found


def _label(node: dict[str, Any]) -> str:
    for key in ("id", "code", "name"):
        if isinstance(node.get(key), str):
            return node[key]
    return ""


def _free_texts(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every prose string under ``node``; an item or group restarts the path at
    its own code (``item 1.1.3``, ``group 1.1``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _IDENTIFIER_KEYS or key in RULE_KEYS or key == "records":
                continue
            inner = f"{where}: {key}" if where else str(key)
            if isinstance(value, str):
                if _parse_date(value) is None and not _is_month(value):
                    yield inner, value
            else:
                yield from _free_texts(value, inner)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict) and ("lines" in value or "items" in value):
                kind = "item" if "lines" in value else "group"
                yield from _free_texts(value, f"{kind} {value.get('code')}")
                continue
            label = _label(value) if isinstance(value, dict) else ""
            inner = f"{where}[{index}]" + (f" ({label})" if label else "")
            if isinstance(value, str):
                yield inner, value
            else:
                yield from _free_texts(value, inner)
