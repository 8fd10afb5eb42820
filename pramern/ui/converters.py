"""URL parts that are codes (an item's ``1.2.2``, a round's ``R6``, a fact's ``followups``, a
framework's ``oae-2567`` and version): letters, digits, ``_``, ``.`` and ``-`` only, so that a
NUL byte or other junk in the address is a 404 before any view (PostgreSQL refuses NUL in a
query: a 500 before)."""

from __future__ import annotations

from django.urls.converters import StringConverter


class CodeConverter(StringConverter):
    regex = r"[-\w.]+"
