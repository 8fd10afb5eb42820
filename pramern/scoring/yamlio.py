"""YAML reading shared by framework and assessment files.

Dates are left as strings (PyYAML would turn ``2024-02-30`` into an exception and
``2024-02-28`` into a date): our own parsers check them and name the field on error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class SyntaxProblem(Exception):
    """A file that is not valid YAML/JSON; the message names the line."""


#: How deeply a document may nest lists and mappings: frameworks need about 17 levels and
#: assessment files 8; anything far deeper is an attack on the parser, not data.
MAX_DEPTH = 32


def load_text(text: str, name: str, *, aliases: bool = True) -> Any:
    """Parse YAML (JSON is YAML too, but is parsed strictly when ``name`` ends in .json).

    ``aliases=False`` refuses YAML aliases (``*name``): a file from a user must not repeat a
    structure by reference, which a small file can nest into gigabytes once turned into text.
    """
    if name.endswith(".json"):
        try:
            return _check_depth(json.loads(text), "JSON")
        except json.JSONDecodeError as exc:
            raise SyntaxProblem(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise SyntaxProblem(f"not accepted: lists and mappings nested more than {MAX_DEPTH} deep") from None
        except ValueError as exc:  # an integer of thousands of digits (Python's int-from-text limit)
            raise SyntaxProblem(f"not accepted JSON: {_value_problem(exc)}") from None
    try:
        if not aliases and "*" in text:
            _refuse_aliases(text)
        return _check_depth(yaml.load(text, Loader=_Loader), "YAML")  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise SyntaxProblem(f"not valid YAML: {exc.problem}{where}") from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise SyntaxProblem(f"not accepted: lists and mappings nested more than {MAX_DEPTH} deep") from None
    except ValueError as exc:  # the constructor's int(): a number of thousands of digits
        raise SyntaxProblem(f"not accepted YAML: {_value_problem(exc)}") from None


def _value_problem(exc: ValueError) -> str:
    if "digits" in str(exc):
        return "a number with thousands of digits"
    return "a value that cannot be read"


def _check_depth(data: Any, kind: str) -> Any:
    """``data`` unchanged if no list or mapping in it nests deeper than ``MAX_DEPTH`` (walked
    without recursion, so a deep document cannot exhaust the stack here either)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > MAX_DEPTH:
            raise SyntaxProblem(f"not accepted {kind}: lists and mappings nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return data


def _refuse_aliases(text: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise SyntaxProblem(f"YAML aliases (*{event.anchor}) are not accepted in this file, at line {line}")


def load_file(path: Path, *, aliases: bool = True) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SyntaxProblem("not a UTF-8 text file") from None
    return load_text(text, path.name, aliases=aliases)


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, Thai as text (not escapes), long texts as ``|`` blocks."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text and not any(c in text for c in "\r\t") and text == text.rstrip(" ") and text.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_text)


def dump_framework(data: Any) -> str:
    """The canonical text of a framework document (what the studio saves and downloads).

    ``load_text(dump_framework(d)) == d`` for any document ``load_text`` returns, and dumping
    that again gives the same text, so upload → edit → download changes only what was edited.
    Comments of an uploaded file are not kept: a framework's notes belong in its fields."""
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)
    return text
