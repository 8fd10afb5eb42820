"""Numbers from files, forms and stored data, checked before anything converts them.

A numeral such as ``1e10000000`` is short, but turning it into an exact number builds a
ten-million-digit integer (seconds of work, on every page that reads it); NaN and the
infinities compare in surprising ways. ``parse_number`` refuses both before any conversion,
so no number can make reading or scoring slow.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

#: Digits a numeral may have (before and after the point together).
MAX_DIGITS = 20
#: The largest exponent a numeral may carry (``1.5e3``): a short numeral stays a small number.
MAX_EXPONENT = 20
#: The largest number a record may hold: counts of staff, menus and activities are far below it.
MAX_VALUE = 10**12

_NUMERAL = re.compile(r"[+-]?(?P<whole>\d*)(?:\.(?P<fraction>\d*))?(?:[eE](?P<exponent>[+-]?\d+))?")


class NumberProblem(ValueError):
    """Why a value is not an acceptable number (an English phrase the caller puts after the field)."""


def parse_number(value: object) -> int | Fraction:
    """``value`` (an int, a float or a numeral in text) as an exact number; raise ``NumberProblem``
    for anything else, for NaN and infinities, and for numerals too long or too large."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NumberProblem("expected a number")
    if isinstance(value, int):
        if abs(value) > MAX_VALUE:
            raise NumberProblem(f"more than {MAX_VALUE:,}")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberProblem("expected a finite number")
        if abs(value) > MAX_VALUE:
            raise NumberProblem(f"more than {MAX_VALUE:,}")
        number = Fraction(Decimal(repr(value)))
    else:
        text = value.strip()
        match = _NUMERAL.fullmatch(text) if len(text) <= 2 * MAX_DIGITS + 8 else None
        if match is None or not (match["whole"] or match["fraction"]):
            raise NumberProblem("expected a number")
        if len(match["whole"]) + len(match["fraction"] or "") > MAX_DIGITS:
            raise NumberProblem(f"more than {MAX_DIGITS} digits")
        exponent = match["exponent"]
        if exponent is not None and (len(exponent.lstrip("+-")) > 3 or abs(int(exponent)) > MAX_EXPONENT):
            raise NumberProblem(f"an exponent larger than {MAX_EXPONENT}")
        number = Fraction(Decimal(text))
        if abs(number) > MAX_VALUE:
            raise NumberProblem(f"more than {MAX_VALUE:,}")
    return int(number) if number.denominator == 1 else number


def json_number(value: int | Decimal | Fraction) -> int | float:
    """An exact number as JSON holds it: an int when whole, else a float (points and claimed
    values are halves and quarters, exact in binary floating point)."""
    return int(value) if value == int(value) else float(value)
