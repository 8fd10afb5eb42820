"""Compile .po files to .mo with polib, so translators need no GNU gettext install.

python -m pramern.ui.compilemessages locale/th/LC_MESSAGES/django.po
"""

from __future__ import annotations

import sys

import polib


def compile_po(path: str) -> str:
    target = path[: -len(".po")] + ".mo"
    polib.pofile(path).save_as_mofile(target)
    return target


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(compile_po(name))
