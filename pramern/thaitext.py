"""Thai text measures, without Django: how wide a string is on screen, in a terminal or a sheet,
and where its words begin (Thai has no spaces between words)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
import re
import threading
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


# -- words -------------------------------------------------------------------------------------
# Thai is written without spaces between words. A diff by character marks half-words and a diff
# by space-separated chunk marks whole sentences, so texts are compared word by word. The words
# come from libthai's dictionary breaker (the library Pango already uses to break Thai lines in
# PDFs; Debian's libthai0, pulled in by Chromium and Pango), called through ctypes: no Python
# package of 68 MB for it (pythainlp). Without libthai, Thai runs split into character clusters
# (a consonant with its marks and leading vowel): coarser than letters, finer than words.

_TOKEN = re.compile(r"\s+|[\u0e00-\u0e7f]+|[^\W\u0e00-\u0e7f]+|.", re.UNICODE)
_LEADING_VOWELS = frozenset("เแโใไ")
_libthai_lock = threading.Lock()


class _LibThai:
    """libthai's word breaker, loaded once; ``None`` from ``load`` when the library is missing."""

    def __init__(self, lib: ctypes.CDLL, breaker: int) -> None:
        self.lib = lib
        self.breaker = breaker

    @classmethod
    def load(cls) -> _LibThai | None:
        name = ctypes.util.find_library("thai") or "libthai.so.0"
        try:
            lib = ctypes.CDLL(name)
            lib.th_brk_new.restype = ctypes.c_void_p
            lib.th_brk_new.argtypes = [ctypes.c_char_p]
            lib.th_brk_wc_find_breaks.restype = ctypes.c_int
            lib.th_brk_wc_find_breaks.argtypes = [
                ctypes.c_void_p, ctypes.c_wchar_p, ctypes.POINTER(ctypes.c_int), ctypes.c_size_t
            ]  # fmt: skip
        except (OSError, AttributeError):
            return None
        if ctypes.sizeof(ctypes.c_wchar) != 4:  # thwchar_t is a 32-bit wchar_t (Linux); anything else: fallback
            return None
        breaker = lib.th_brk_new(None)
        return cls(lib, breaker) if breaker else None

    def breaks(self, run: str) -> list[int]:
        positions = (ctypes.c_int * (len(run) + 1))()
        with _libthai_lock:  # a breaker keeps state while it works: one caller at a time
            found = self.lib.th_brk_wc_find_breaks(self.breaker, run, positions, len(run) + 1)
        return [p for p in positions[: max(found, 0)] if 0 < p < len(run)]


@functools.cache
def _libthai() -> _LibThai | None:
    return _LibThai.load()


def thai_clusters(run: str) -> list[str]:
    """A run of Thai letters cut into clusters: each consonant with the marks after it and a
    leading vowel (เ แ โ ใ ไ) before it; what the fallback compares when libthai is missing."""
    out: list[str] = []
    for ch in run:
        attach = out and (unicodedata.category(ch) == "Mn" or out[-1][-1] in _LEADING_VOWELS or ch in "ะาำๆฯ")
        if attach:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def words(text: str) -> list[str]:
    """``text`` cut into words, spaces and punctuation, losslessly (``"".join(words(t)) == t``):
    ``words("มีการติดตามผล 2 ครั้ง") == ["มี", "การ", "ติดตาม", "ผล", " ", "2", " ", "ครั้ง"]``."""
    breaker = _libthai()
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if not ("\u0e00" <= token[0] <= "\u0e7f") or len(token) == 1:
            out.append(token)
        elif breaker is None:
            out.extend(thai_clusters(token))
        else:
            cuts = [0, *breaker.breaks(token), len(token)]
            out.extend(token[a:b] for a, b in itertools.pairwise(cuts) if b > a)
    return out
