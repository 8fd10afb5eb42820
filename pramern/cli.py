"""The ``pramern`` console command: check framework files and score assessment files.

    pramern framework check FILE
    pramern framework diff OLD NEW [--json]
    pramern framework workbook FILE.yaml -o OUT.xlsx       (the authoring workbook)
    pramern framework from-workbook IN.xlsx -o OUT.yaml
    pramern framework document FILE -o OUT.pdf|OUT.docx
    pramern score ASSESSMENT [--round R6|R12] [--json] [--framework FILE] [--verified]

Exit status: 0 on success, 1 when ``framework check`` finds a failing line test, 2 on bad input
(the message names file, item and field), and nothing that could pass for a result is printed
on stdout when the input is bad.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pramern.scoring import (
    AssessmentError,
    Framework,
    FrameworkError,
    ScoreResult,
    format_points,
    load_framework,
    parse_assessment,
    read_assessment_data,
    score,
)
from pramern.scoring.assessment import framework_key
from pramern.scoring.diff import diff_frameworks, render_text
from pramern.scoring.linetests import run_line_tests
from pramern.scoring.yamlio import SyntaxProblem, dump_framework, load_file
from pramern.thaidates import thai_date

BAD_INPUT = 2
#: ``framework check``: the file is valid but a line test fails.
TESTS_FAILED = 1
#: Where ``pramern score`` looks for the framework an assessment names.
DEFAULT_FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks-data"


class BadInput(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "framework" and args.action in _WORKBOOK_ACTIONS:
            return _framework_workbook(args)
        if args.command == "framework":
            if args.action == "diff":
                return _framework_diff(args)
            if args.action == "document":
                return _framework_document(args)
            return _framework_check(Path(args.file))
        return _score(args)
    except BadInput as exc:
        print(f"pramern: {exc}", file=sys.stderr)
        return BAD_INPUT
    except (FrameworkError, AssessmentError) as exc:
        print("pramern: the input has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:  # `pramern score … | head`: the reader has gone, and that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pramern", description="Pramern: OAE unit self-assessment tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    framework = commands.add_parser("framework", help="work with framework files")
    framework_commands = framework.add_subparsers(dest="action", required=True)
    check = framework_commands.add_parser("check", help="validate a framework file and summarise it")
    check.add_argument("file", help="a framework YAML file")
    _diff_parser(framework_commands)
    _add_workbook_commands(framework_commands)
    document = framework_commands.add_parser("document", help="write the guideline document (PDF or Word)")
    document.add_argument("file", help="a framework YAML file")
    document.add_argument("-o", "--output", required=True, help="the document to write: a .pdf or .docx file")
    score_cmd = commands.add_parser("score", help="score an assessment file")
    score_cmd.add_argument("assessment", help="an assessment file (YAML or JSON)")
    score_cmd.add_argument("--round", dest="round", help="the round to score (default: the final round, R12)")
    score_cmd.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    score_cmd.add_argument("--framework", help="the framework file (default: found by code and version)")
    score_cmd.add_argument("--verified", action="store_true", help="score evaluators' verified values")
    return parser


def _framework_check(path: Path) -> int:
    framework = load_framework(path)
    print(f"{path.name}: OK — {framework.key} {framework.title.th}")
    print(f"  {framework.title.en}")
    lines = sum(len(item.lines) for item in framework.items)
    assumed = sum(len(item.assumptions) for item in framework.items) + len(framework.assumptions)
    print(f"  {len(framework.dimensions)} dimensions, {len(framework.items)} items, {lines} scoring lines, "
          f"{assumed} assumptions")  # fmt: skip
    print("  Max per dimension:")
    for dimension in framework.dimensions:
        print(f"    {dimension.code:>3}  {format_points(dimension.points):>5}  {dimension.title.th}")
    print(f"    total {format_points(framework.total_points)}")
    print("  Potential points per round (lines open by then, items capped):")
    previous = Decimal(0)
    for rnd in framework.rounds:
        potential = framework.potential(rnd.code)
        print(
            f"    {rnd.code:<4} {format_points(potential):>6}  (+{format_points(potential - previous)})  "
            f"{rnd.title.th}: {thai_date(rnd.starts)} – {thai_date(rnd.cutoff)}"
        )
        previous = potential
    return _line_tests(framework)


def _line_tests(framework: Framework) -> int:
    """Run the framework's line tests: 1 when any case fails (the file itself is valid)."""
    report = run_line_tests(framework)
    print(f"  {report.summary()}")
    for failure in report.failed:
        print(f"    FAIL {failure.message()}")
    return 0 if report.ok else TESTS_FAILED


def _diff_parser(commands: Any) -> None:
    diff = commands.add_parser("diff", help="what changed from one framework file to another")
    diff.add_argument("old", help="the earlier framework YAML file")
    diff.add_argument("new", help="the later framework YAML file")
    diff.add_argument("--json", action="store_true", help="print one JSON object (pramern-framework-diff/1)")


def _framework_diff(args: argparse.Namespace) -> int:
    old, new = load_framework(args.old), load_framework(args.new)
    result = diff_frameworks(old, new)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    return 0


_WORKBOOK_ACTIONS = ("workbook", "from-workbook")


def _add_workbook_commands(commands: Any) -> None:
    export = commands.add_parser("workbook", help="write a framework file as an authoring workbook (xlsx)")
    export.add_argument("file", help="a framework YAML file")
    export.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    back = commands.add_parser("from-workbook", help="read an authoring workbook back into a framework file")
    back.add_argument("file", help="an authoring workbook (.xlsx)")
    back.add_argument("-o", "--output", required=True, help="the framework YAML file to write")


def _framework_workbook(args: argparse.Namespace) -> int:
    """Framework YAML -> authoring workbook, or back; a workbook with problems names each one
    (sheet, row, column) and writes nothing."""
    from pramern.frameworks import workbook  # start-up time: openpyxl only for these two commands

    source, output = Path(args.file), Path(args.output)
    if args.action == "workbook":
        try:
            document = load_file(source)
        except (OSError, SyntaxProblem) as exc:
            raise BadInput(f"{source.name}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
        if not isinstance(document, dict):
            raise BadInput(f"{source.name}: not a framework (expected a mapping of keys)")
        with output.open("wb") as stream:
            workbook.write_authoring_workbook(document, stream)
        print(f"{output}: the authoring workbook of {source.name}")
        return 0
    try:
        with source.open("rb") as stream:
            document = workbook.read_authoring_workbook(stream)
    except OSError as exc:
        raise BadInput(f"{source.name}: {exc.strerror}") from None
    except workbook.WorkbookError as exc:
        print(f"pramern: {source.name}: {exc.message}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return BAD_INPUT
    output.write_text(dump_framework(document), encoding="utf-8")
    print(f"{output}: the framework of {source.name}")
    return 0


def _framework_document(args: argparse.Namespace) -> int:
    from pramern.frameworks.document import write_document_file  # start-up time: docx, templates, printer

    try:
        return write_document_file(Path(args.file), Path(args.output))
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def _score(args: argparse.Namespace) -> int:
    path = Path(args.assessment)
    data = read_assessment_data(path)
    framework = _framework_for(data, path, args.framework)
    if args.round is not None and not framework.has_round(args.round):
        known = ", ".join(r.code for r in framework.rounds)
        raise BadInput(f"{path.name}: --round {args.round!r}: unknown round (rounds: {known})")
    assessment = parse_assessment(data, framework, path.name)
    result = score(framework, assessment, args.round, basis="verified" if args.verified else "self")
    if args.json:
        json.dump(result.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(result))
    return 0


def _framework_for(data: object, path: Path, explicit: str | None) -> Framework:
    if explicit:
        return load_framework(explicit)
    key = framework_key(data)
    if key is None:
        raise BadInput(f"{path.name}: framework: expected {{code: ..., version: ...}}")
    directories = [Path(p) for p in os.environ.get("PRAMERN_FRAMEWORKS", "").split(os.pathsep) if p]
    directories.append(DEFAULT_FRAMEWORKS_DIR)
    for directory in directories:
        for candidate in sorted(directory.glob("*.yaml")):
            try:
                framework = load_framework(candidate)
            except FrameworkError:
                continue
            if (framework.code, framework.version) == key:
                return framework
    searched = ", ".join(str(d) for d in directories)
    raise BadInput(f"{path.name}: framework: no framework {key[0]}@{key[1]} found in {searched} (use --framework FILE)")


def render_table(result: ScoreResult) -> str:
    """The Thai table ``pramern score`` prints."""
    rnd = result.round
    unit = result.assessment.unit
    out = [
        f"ผลคะแนน {unit.name_th} ({unit.code})",
        f"กรอบการประเมิน {result.framework.key} · {rnd.title.th}"
        f" · ผลงาน {thai_date(rnd.starts)} – {thai_date(rnd.cutoff)}",
        "",
    ]
    marks = {True: "✓", False: "✗"}
    for dimension in result.framework.dimensions:
        total = result.dimensions[dimension.code]
        score_text = f"{format_points(total.points)}/{format_points(total.max_points)}"
        out.append(f"ด้านที่ {dimension.code} {dimension.title.th}: {score_text}")
        for item in dimension.items:
            item_result = result.items[item.code]
            points = f"{format_points(item_result.points)}/{format_points(item.max_points)}"
            out.append(f"  {item.code:<6} {points:>7}  {item.title.th}")
            for line in item_result.lines:
                mark = marks[line.earned] if line.open else "·"
                assumed = " [ข้อสมมติ]" if line.line.assumed else ""
                out.append(f"           {mark} {line.explanation_th}{assumed}")
            for assumption in item.assumptions:
                out.append(f"           ※ ข้อสมมติ: {assumption.text.th}")
        out.append("")
    out.append(f"รวม {format_points(result.total)} จาก {format_points(result.max_points)} คะแนน")
    out.append(
        f"คะแนนที่เป็นไปได้ใน{rnd.title.th} {format_points(result.potential)} · "
        f"ยังทำเพิ่มได้อีก {format_points(result.available)} คะแนน"
    )
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
