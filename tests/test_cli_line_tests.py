"""``pramern framework check`` runs the file's line tests: exit 1 when a case fails, 2 for a broken file."""

from __future__ import annotations

from pramern.cli import main
from tests.conftest import FRAMEWORK_FILE


def cases_in(framework) -> int:
    return sum(len(line.tests) for item in framework.items for line in item.lines)


def test_check_reports_every_fy2567_line_test_passing(fw2567, capsys):
    assert main(["framework", "check", str(FRAMEWORK_FILE)]) == 0
    out = capsys.readouterr().out
    assert f"  line tests: {cases_in(fw2567)} passed, 0 failed\n" in out
    assert "FAIL" not in out


def test_a_failing_line_test_exits_1_and_names_item_line_case_and_points(fw2567, tmp_path, capsys):
    draft = tmp_path / "draft.yaml"
    text = FRAMEWORK_FILE.read_text(encoding="utf-8")
    draft.write_text(text.replace("count(news) >= 5", "count(news) >= 6", 1), encoding="utf-8")
    assert main(["framework", "check", str(draft)]) == 1
    out = capsys.readouterr().out
    assert "draft.yaml: OK — oae-2567@1" in out  # the file itself is valid
    assert f"  line tests: {cases_in(fw2567) - 1} passed, 1 failed\n" in out
    assert (
        "    FAIL item 7.8: line news: tests[0] (five news items), R12: expected 2.5, got 0 "
        "(Not yet earned, 2.5 points (" in out
    )


def test_a_malformed_case_is_bad_input(tmp_path, capsys):
    draft = tmp_path / "draft.yaml"
    text = FRAMEWORK_FILE.read_text(encoding="utf-8")
    draft.write_text(text.replace("{news: [{date: '2024-04-01'}", "{news: [{date: '2024-04-31'}", 1), encoding="utf-8")
    assert main(["framework", "check", str(draft)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "draft.yaml: item 7.8: lines[2] (news): tests[1].records.news[0].date: '2024-04-31' is not a date"
        in captured.err
    )
