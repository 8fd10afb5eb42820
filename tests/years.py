"""Two fiscal years in the database: FY2567 (the file) and a FY2568 made from it, for the pages
that choose a year. ``next_year_text`` is the FY2567 text under another code, version, titles and
round dates (a year later), dumped with ``yamlio.dump_framework``."""

from __future__ import annotations

from typing import Any

from pramern.frameworks.models import Framework
from pramern.frameworks.services import install_framework
from pramern.scoring.yamlio import dump_framework, load_text
from tests.conftest import FRAMEWORK_FILE
from tests.factories import assessment, open_rounds


def _recode(node: Any, old: str, new: str) -> None:
    """Every ``code`` of a dimension subtree from ``old`` (and ``old.*``) to ``new``."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "code" and isinstance(value, str) and (value == old or value.startswith(old + ".")):
                node[key] = new + value[len(old) :]
            else:
                _recode(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _recode(value, old, new)


def next_year_text(
    *, code: str = "oae-2568", version: str = "1", years: int = 1, renumber: dict[str, str] | None = None
) -> str:
    """FY2567's framework moved ``years`` later; ``renumber`` gives dimensions new codes (e.g. 7 -> 8)."""
    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), FRAMEWORK_FILE.name)
    document["code"] = code
    document["version"] = version
    document["title_th"] = document["title_th"].replace("2567", str(2567 + years))
    document["title_en"] = document["title_en"].replace("2567", str(2567 + years))
    for rnd in document["rounds"]:
        for key in ("starts", "cutoff"):
            year, rest = rnd[key].split("-", 1)
            rnd[key] = f"{int(year) + years}-{rest}"
    for old, new in (renumber or {}).items():
        for dimension in document["dimensions"]:
            if dimension["code"] == old:
                _recode(dimension, old, new)
    return dump_framework(document)


def install_next_year(**kwargs: Any) -> Framework:
    framework = install_framework(next_year_text(**kwargs), f"{kwargs.get('code', 'oae-2568')}.yaml").framework
    open_rounds(framework)
    return framework


class TwoYears:
    """The world's two units assessed in FY2567 (``world.a``, ``world.b``) and in FY2568 (``a2``, ``b2``)."""

    def __init__(self, world: Any, **kwargs: Any) -> None:
        self.world = world
        self.old = world.framework
        self.new = install_next_year(**kwargs)
        self.a2 = assessment(world.unit_a, self.new)
        self.b2 = assessment(world.unit_b, self.new)
