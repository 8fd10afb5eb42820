"""Thai text measures, without Django: how wide a string is on screen, in a terminal or a sheet."""

from __future__ import annotations

import unicodedata

#: Combining marks take no column: Thai vowel and tone marks (Mn) sit above or below their
#: consonant; enclosing marks (Me) draw around the character before them.
_MARKS = frozenset(("Mn", "Me"))


def display_width(text: str) -> int:
    """Columns ``text`` takes on one line: ``display_width("น้ำ") == 2``."""
    if text.isascii():
        return len(text)
    category = unicodedata.category
    return sum(1 for ch in text if category(ch) not in _MARKS)
