"""Search text made comparable: Thai typed in different ways finds the same words.

No Django: plain string work, shared by the search read model and its tests.
"""

from __future__ import annotations

import re
import unicodedata

#: Zero-width characters some editors put between Thai words (and that nobody types in a search).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
#: Sara am written as nikhahit + sara aa (ํ + า), which looks the same as ำ.
_SARA_AM_SPLIT = "\u0e4d\u0e32"
_SARA_AM = "\u0e33"
#: A tone mark typed before an upper or lower vowel (ก่ิ) instead of after it (กิ่): Unicode
#: keeps them in the order typed, so both orders are put in the usual one.
_TONE_BEFORE_VOWEL = re.compile("([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e3a\u0e47])")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` in one form: NFC, sara am as one character, tone marks after vowels, no
    zero-width characters, single spaces, no space at the ends."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace(_SARA_AM_SPLIT, _SARA_AM)
    text = _TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    return _SPACES.sub(" ", text).strip()


def terms(query: str) -> list[str]:
    """The words of a normalised query (Thai is written without spaces: usually one term)."""
    return [t for t in normalise(query).split(" ") if t]


def variants(term: str) -> list[str]:
    """The ways a normalised term may be stored: as typed, and with sara am split in two (text
    pasted from some PDFs), so that a plain substring match finds either."""
    split = term.replace(_SARA_AM, _SARA_AM_SPLIT)
    return [term] if split == term else [term, split]
