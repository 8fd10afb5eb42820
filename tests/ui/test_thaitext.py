"""One Thai display width for the terminal, the import template and the Excel exports (issue 9)."""

from __future__ import annotations

from pramern.assessments.management.commands.load_demo import _table
from pramern.thaitext import display_width


def test_thai_marks_take_no_column():
    assert display_width("น้ำ") == 2  # น, the tone mark on it, ำ
    assert display_width("สำนักวิจัยเศรษฐกิจการเกษตร") == 22
    assert display_width("plain") == 5


def test_an_enclosing_mark_takes_no_column_either():
    assert display_width("1\u20dd") == 1  # COMBINING ENCLOSING CIRCLE (category Me)


def test_the_demos_terminal_table_lines_up_thai_with_enclosing_marks():
    header, rule, row = _table([("หน่วย", "x"), ("1\u20dd", "y")]).splitlines()
    assert display_width(header.split("x")[0]) == display_width(row.split("y")[0]) == len(rule.split()[0]) + 2
