"""Thai is the default language: every UI string is translated and the .mo is up to date."""

from __future__ import annotations

import polib
import pytest

from tests.conftest import ROOT

PO = ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"


def test_every_ui_string_has_a_thai_translation():
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.parametrize("po_file", [PO, PO.with_name("djangojs.po")])
def test_the_compiled_catalogue_matches_the_po_file(po_file):
    compiled = polib.mofile(str(po_file.with_suffix(".mo")))
    entries = [e for e in polib.pofile(str(po_file)) if e.msgid and not e.obsolete]
    expected = {e.msgid: e.msgstr or e.msgstr_plural for e in entries}
    got = {e.msgid: e.msgstr or e.msgstr_plural for e in compiled if e.msgid}
    assert got == expected, "run `make messages` to recompile"


@pytest.mark.parametrize("po_file", [PO, PO.with_name("djangojs.po")])
def test_no_string_is_translated_twice(po_file):
    """A string entered twice (two parts of the work adding it) would compile to whichever came last."""
    seen: dict[tuple[str | None, str], int] = {}
    twice = []
    for entry in polib.pofile(str(po_file)):
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            twice.append(f"{entry.msgid!r} (lines {seen[key]} and {entry.linenum})")
        seen.setdefault(key, entry.linenum)
    assert twice == []
