"""Installing framework files into the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pramern.audit.services import log_action
from pramern.frameworks.models import Framework, FrameworkItem, RoundSchedule
from pramern.scoring import FrameworkError, parse_framework
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Group


class FrameworkConflict(Exception):
    """The same code and version is installed with different content."""


@dataclass(frozen=True)
class InstallResult:
    framework: Framework
    created: bool
    replaced: bool


def install_framework_file(path: str | Path, *, actor: Any = None, replace: bool = False) -> InstallResult:
    """Validate a framework file and install it; raise ``FrameworkError`` or ``FrameworkConflict``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError([f"{path.name}: {exc}"]) from None
    return install_framework(text, path.name, actor=actor, replace=replace)


@transaction.atomic
def install_framework(text: str, name: str, *, actor: Any = None, replace: bool = False) -> InstallResult:
    compiled = parse_framework(text, name)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = Framework.objects.select_for_update().filter(code=compiled.code, version=compiled.version).first()
    if existing is not None and existing.source_sha256 == sha256:
        _ensure_schedules(existing, compiled)
        return InstallResult(existing, created=False, replaced=False)
    if existing is not None and not replace:
        raise FrameworkConflict(
            _("%(key)s is already installed with different content: give it a new version") % {"key": compiled.key}
        )
    framework = existing or Framework(code=compiled.code, version=compiled.version)
    before = existing.source_sha256 if existing else None
    framework.title_th = compiled.title.th
    framework.title_en = compiled.title.en
    framework.total_points = compiled.total_points
    framework.source = text
    framework.source_sha256 = sha256
    framework.source_name = name
    framework.save()
    framework.items.all().delete()
    FrameworkItem.objects.bulk_create(_index(framework, compiled))
    _ensure_schedules(framework, compiled)
    action = "pramern.framework.replaced" if existing else "pramern.framework.installed"
    log_action(action, framework, actor=actor, data={"file": name, "sha256_before": before, "sha256_after": sha256})
    return InstallResult(framework, created=existing is None, replaced=existing is not None)


def _ensure_schedules(framework: Framework, compiled: CompiledFramework) -> None:
    """Each round gets a submission deadline: the cut-off, until the Evaluation Centre moves it."""
    for rnd in compiled.rounds:
        RoundSchedule.objects.get_or_create(
            framework=framework,
            round_code=rnd.code,
            defaults={"submission_deadline": rnd.cutoff, "opens_on": rnd.starts},
        )


def _index(framework: Framework, compiled: CompiledFramework) -> list[FrameworkItem]:
    rows: list[FrameworkItem] = []

    def add(code: str, kind: str, parent: str, title_th: str, title_en: str, points: Any) -> None:
        rows.append(
            FrameworkItem(
                framework=framework,
                code=code,
                kind=kind,
                parent_code=parent,
                title_th=title_th,
                title_en=title_en,
                max_points=points,
                position=len(rows),
            )
        )

    for dimension in compiled.dimensions:
        add(dimension.code, "dimension", "", dimension.title.th, dimension.title.en, dimension.points)
        for child in dimension.children:
            if isinstance(child, Group):
                add(child.code, "group", dimension.code, child.title.th, child.title.en, child.points)
                for item in child.items:
                    add(item.code, "item", child.code, item.title.th, item.title.en, item.max_points)
            else:
                add(child.code, "item", dimension.code, child.title.th, child.title.en, child.max_points)
    return rows
