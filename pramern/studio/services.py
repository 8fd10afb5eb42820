"""The studio's workflows: start a draft, save revisions, check, publish, and patch texts after publish.

Every change is audited (``pramern.studio.*``) and every refusal is a ``StudioError`` with a Thai
message (and the problems one by one where there are several).
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pramern.audit.services import log_action
from pramern.errors import UserError
from pramern.frameworks.models import Framework, FrameworkItem
from pramern.frameworks.services import FrameworkConflict, install_framework
from pramern.frameworks.workbook import read_authoring_workbook, workbook_bytes
from pramern.scoring import FrameworkError, format_points, parse_framework
from pramern.scoring.linetests import run_line_tests
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Group
from pramern.scoring.yamlio import SyntaxProblem, dump_framework, load_text
from pramern.studio import yearshift
from pramern.studio.models import DraftRevision, FrameworkDraft, FrameworkPatch
from pramern.ui.text import english

#: Codes and versions as the framework format and ``Framework`` allow them (letters, digits, . _ -).
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
_YEAR = re.compile(r"(\d{4})$")


class StudioError(UserError):
    """A studio change refused: a draft's code taken, a published draft saved, publish with problems."""


# ---- starting a draft -------------------------------------------------------------------------


def _check_identity(code: str, version: str) -> None:
    if not _CODE.match(code):
        raise StudioError(_("The code may hold only letters, digits, dots, dashes and underscores (e.g. oae-2570)."))
    if not _VERSION.match(version):
        raise StudioError(_("The version may hold only letters, digits, dots, dashes and underscores (e.g. 1)."))
    if Framework.objects.filter(code=code, version=version).exists():
        raise StudioError(
            _("%(key)s is already installed: choose another code or version.") % {"key": f"{code}@{version}"}
        )
    if FrameworkDraft.objects.filter(code=code, version=version).exists():
        raise StudioError(
            _("A draft of %(key)s already exists: open it, or choose another code or version.")
            % {"key": f"{code}@{version}"}
        )


def _retitle(title: Any, years: tuple[str, str] | None) -> Any:
    """A title with the old year replaced by the new one (ปี 2567 -> ปี 2570); without years
    (codes that do not end in a four-digit year, and no fiscal year chosen) the title unchanged."""
    if not isinstance(title, str) or years is None:
        return title
    return title.replace(*years)


def _new_draft(
    document: Any,
    *,
    source_name: str,
    based_on: Framework | None,
    user: Any,
    summary: str,
    extra: dict[str, Any] | None = None,
) -> FrameworkDraft:
    code, version = str(document.get("code", "")), str(document.get("version", ""))
    _check_identity(code, version)
    draft = FrameworkDraft.objects.create(
        code=code,
        version=version,
        title_th=_text(document.get("title_th"))[:300],
        title_en=_text(document.get("title_en"))[:300],
        based_on=based_on,
        source_name=source_name[:200],
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    revision = _store(draft, document, user, summary, number=1)
    log_action(
        "pramern.studio.draft_started",
        draft,
        actor=user,
        data={
            "based_on": str(based_on) if based_on else None,
            "file": source_name,
            "sha256": revision.sha256,
            **(extra or {}),
        },
    )
    return draft


@transaction.atomic
def start_draft(
    framework: Framework,
    code: str,
    version: str,
    user: Any,
    *,
    title_th: str | None = None,
    title_en: str | None = None,
    fiscal_year: int | None = None,
) -> FrameworkDraft:
    """A new draft that is a copy of an installed framework under a new code and version.

    With ``fiscal_year`` (Buddhist era), the copy is moved from the framework's fiscal year into
    that one: every date of its rounds, rules and line tests moves by the difference
    (``pramern.studio.yearshift``), and the titles' year with it. Its titles are the ones given
    or, by default, the old ones with the year changed (the fiscal year's, else the code's)."""
    code, version = code.strip(), version.strip()
    document = load_text(framework.source, framework.source_name or "framework.yaml")
    summary = _("Copied from %(key)s") % {"key": str(framework)}
    old_year, new_year = _YEAR.search(framework.code), _YEAR.search(code)
    years = (old_year.group(1), new_year.group(1)) if old_year and new_year else None
    if fiscal_year is not None:
        try:
            source_year = yearshift.fiscal_year_of(document)
            document = yearshift.shift_years(document, fiscal_year - source_year)
        except ValueError:  # no dated last round, or a date moved out of the calendar
            raise StudioError(
                _("%(key)s has no dated rounds: it cannot be moved into another fiscal year.") % {"key": str(framework)}
            ) from None
        years = (str(source_year), str(fiscal_year))
        if fiscal_year != source_year:
            summary = _("Copied from %(key)s, its dates moved from fiscal year %(old)d to %(new)d") % {
                "key": str(framework),
                "old": source_year,
                "new": fiscal_year,
            }
    document["code"] = code
    document["version"] = version
    document["title_th"] = title_th.strip() if title_th else _retitle(document.get("title_th"), years)
    document["title_en"] = title_en.strip() if title_en else _retitle(document.get("title_en"), years)
    extra = {"fiscal_year": [int(years[0]), int(years[1])]} if fiscal_year is not None and years else None
    return _new_draft(document, source_name="", based_on=framework, user=user, summary=summary, extra=extra)


#: The largest framework text accepted from a file (FY2567's is ~190 KB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@transaction.atomic
def start_draft_from_text(text: str | bytes, filename: str, user: Any) -> FrameworkDraft:
    """A new draft from an uploaded framework file (YAML or JSON). The file must be readable and
    name a code and a version not yet taken; any other problem is kept for the editor to fix."""
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise StudioError(_("The file is too large: at most %(limit)d MB is accepted.") % {"limit": 2})
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise StudioError(_("%(file)s: not a UTF-8 text file.") % {"file": filename}) from None
    document = read_document(text, filename)
    summary = _("Uploaded from %(file)s") % {"file": filename}
    return _new_draft(document, source_name=filename, based_on=None, user=user, summary=summary)


@transaction.atomic
def start_draft_from_workbook(data: bytes, filename: str, user: Any) -> FrameworkDraft:
    """A new draft from an authoring workbook (xlsx). The workbook must be readable (a
    ``WorkbookError`` names each problem by sheet, row and column) and name a code and a version
    not yet taken; the framework's own problems are kept for the editor to fix."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise StudioError(_("The file is too large: at most %(limit)d MB is accepted.") % {"limit": 2})
    document = _identified(read_authoring_workbook(io.BytesIO(data), validate=False), filename)
    summary = _("Uploaded from %(file)s") % {"file": filename}
    return _new_draft(document, source_name=filename, based_on=None, user=user, summary=summary)


def draft_workbook(draft: FrameworkDraft) -> bytes:
    """The draft's newest revision as an authoring workbook (xlsx)."""
    revision = draft.current_revision()
    return workbook_bytes(revision.source, revision.filename)


def read_document(text: str, filename: str) -> dict[str, Any]:
    """A framework document from a text (YAML/JSON): refused when it is not a mapping with a code
    and a version; everything else is the checker's to report."""
    try:
        document = load_text(text, filename, aliases=False)
    except SyntaxProblem as exc:
        raise StudioError(f"{filename}: {exc}") from None
    return _identified(document, filename)


def _identified(document: Any, filename: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise StudioError(
            _("%(file)s: expected a framework (code, version, rounds, dimensions…).") % {"file": filename}
        )
    missing = [key for key in ("code", "version") if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        raise StudioError(
            _("%(file)s: the file names no %(keys)s: a framework needs both, as text.")
            % {"file": filename, "keys": ", ".join(missing)}
        )
    return document


# ---- revisions --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _store(draft: FrameworkDraft, document: Any, user: Any, summary: str, *, number: int) -> DraftRevision:
    source = dump_framework(document)
    return DraftRevision.objects.create(
        draft=draft,
        number=number,
        source=source,
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
        author=user if getattr(user, "is_authenticated", False) else None,
        summary=summary.strip()[:300],
    )


@transaction.atomic
def save_revision(
    draft: FrameworkDraft, document: Any, user: Any, summary: str = "", *, base: int | None = None
) -> DraftRevision:
    """Store ``document`` as the draft's next revision (even with problems: a draft may be invalid
    while it is edited) and return it; when the text is the same as the newest revision's, that
    revision is returned and nothing is stored. ``base``, when given, is the revision the editor
    started from: a save on top of someone else's newer one is refused rather than lost."""
    draft = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
    if not draft.is_editable:
        raise StudioError(
            _("%(key)s has been published and can no longer be changed: start a new draft or a text patch.")
            % {"key": str(draft)}
        )
    if not isinstance(document, dict):
        raise StudioError(_("A framework document is a mapping of its fields."))
    current = draft.current_revision()
    if base is not None and base != current.number:
        raise StudioError(
            _(
                "Revision %(number)d was saved by someone else after you opened revision %(base)d: "
                "reload and edit again."
            )
            % {"number": current.number, "base": base}
        )
    if dump_framework(document) == current.source:
        return current
    code, version = _text(document.get("code")), _text(document.get("version"))
    if (code, version) != (draft.code, draft.version):
        if draft.is_patch:
            raise StudioError(
                _("A text correction keeps the code and version of %(key)s.") % {"key": str(draft.patch_of)}
            )
        _check_identity(code, version)
    revision = _store(draft, document, user, summary, number=current.number + 1)
    draft.code, draft.version = code, version
    draft.title_th = _text(document.get("title_th"))[:300]
    draft.title_en = _text(document.get("title_en"))[:300]
    draft.save(update_fields=["code", "version", "title_th", "title_en"])
    log_action(
        "pramern.studio.revision_saved",
        draft,
        actor=user,
        data={"number": revision.number, "sha256": revision.sha256, "summary": revision.summary},
    )
    return revision


# ---- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundPotential:
    code: str
    title_th: str
    title_en: str
    starts: Any
    cutoff: Any
    potential: Decimal
    added: Decimal

    @property
    def potential_text(self) -> str:
        return format_points(self.potential)

    @property
    def added_text(self) -> str:
        return format_points(self.added)


@dataclass(frozen=True)
class LineTestOutcome:
    """One line test as the checker shows it: where it is, whether it passed, and why not."""

    item: str
    line: str
    name: str
    passed: bool
    message: str = ""


@dataclass
class DraftCheck:
    """What ``pramern framework check`` says of a draft: its problems, or its summary."""

    problems: list[str] = field(default_factory=list)
    compiled: CompiledFramework | None = None
    dimensions: int = 0
    items: int = 0
    lines: int = 0
    total: Decimal = Decimal(0)
    rounds: list[RoundPotential] = field(default_factory=list)
    line_tests: list[LineTestOutcome] = field(default_factory=list)
    #: For a text correction: it changes something that scores, so it cannot be applied.
    scoring_changed: bool = False

    @property
    def passed_tests(self) -> list[LineTestOutcome]:
        return [test for test in self.line_tests if test.passed]

    @property
    def failing_tests(self) -> list[LineTestOutcome]:
        return [test for test in self.line_tests if not test.passed]

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of publishing."""
        return self.compiled is not None and not self.problems and not self.failing_tests and not self.scoring_changed


def check_text(text: str, name: str) -> DraftCheck:
    """The validator's verdict on a framework text, with each round's potential when it compiles."""
    try:
        compiled = parse_framework(text, name)
    except FrameworkError as exc:
        return DraftCheck(problems=list(exc.problems))
    check = DraftCheck(
        compiled=compiled,
        dimensions=len(compiled.dimensions),
        items=len(compiled.items),
        lines=sum(len(item.lines) for item in compiled.items),
        total=compiled.total_points,
    )
    previous = Decimal(0)
    for rnd in compiled.rounds:
        potential = compiled.potential(rnd.code)
        check.rounds.append(
            RoundPotential(
                rnd.code, rnd.title.th, rnd.title.en, rnd.starts, rnd.cutoff, potential, potential - previous
            )
        )
        previous = potential
    check.line_tests = _line_tests(compiled)
    return check


def _line_tests(compiled: CompiledFramework) -> list[LineTestOutcome]:
    """Every case of every line, run; each message in the active language's explanation."""
    language = "en" if english() else "th"
    return [
        LineTestOutcome(result.item_code, result.line_id, result.case_label, result.passed, result.message(language))
        for result in run_line_tests(compiled)
    ]


def check_draft(draft: FrameworkDraft) -> DraftCheck:
    """The checker's verdict on the draft's newest revision (for a text correction, also whether
    it leaves everything that scores as the published framework has it)."""
    revision = draft.current_revision()
    check = check_text(revision.source, f"{draft.code}-{draft.version}.yaml")
    if draft.patch_of is not None:
        published = load_text(draft.patch_of.source, draft.patch_of.source_name or "framework.yaml")
        check.scoring_changed = scoring_skeleton(published) != scoring_skeleton(revision.document())
    return check


# ---- publishing -------------------------------------------------------------------------------


@transaction.atomic
def publish(draft: FrameworkDraft, user: Any) -> Framework:
    """Install the draft's newest revision as a framework (immutable from then on) and make the
    draft read-only; refused, with the problems listed, when the draft has any problem or a
    failing line test."""
    draft = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
    if not draft.is_editable:
        raise StudioError(_("%(key)s has already been published.") % {"key": str(draft)})
    if draft.is_patch:
        raise StudioError(_("A text correction is applied with its reason, not published as a new version."))
    revision = draft.current_revision()
    check = check_draft(draft)
    if not check.ok:
        problems = list(check.problems) + [
            _("Line test fails: %(message)s") % {"message": test.message} for test in check.failing_tests
        ]
        raise StudioError(
            _("%(key)s cannot be published until these problems are fixed:") % {"key": str(draft)}, problems
        )
    try:
        result = install_framework(revision.source, f"{draft.code}-{draft.version}.yaml", actor=user)
    except FrameworkConflict as exc:
        raise StudioError(str(exc)) from None
    if not result.created:  # the same text was installed already (by a file): still one version
        raise StudioError(_("%(key)s is already installed: choose another version.") % {"key": str(draft)})
    draft.state = FrameworkDraft.State.PUBLISHED
    draft.published = result.framework
    draft.published_at = timezone.now()
    draft.save(update_fields=["state", "published", "published_at"])
    log_action(
        "pramern.studio.draft_published",
        draft,
        actor=user,
        data={"revision": revision.number, "sha256": revision.sha256, "framework": str(result.framework)},
    )
    return result.framework


# ---- text patches after publish ---------------------------------------------------------------

#: Keys that hold only words shown to people: changing them changes no score.
TEXT_KEYS = frozenset(
    {
        "title_th",
        "title_en",
        "guidance_th",
        "guidance_en",
        "evidence",
        "source_note",
        "th",
        "en",
        "help_th",
        "help_en",
        "missing_th",
        "missing_en",
    }
)


def scoring_skeleton(document: Any) -> Any:
    """The document without its texts: what a text patch must leave exactly as it was (codes,
    rounds and their dates, points, facts, fields, options, lines and their conditions, line tests,
    and the ids and order of everything)."""
    if isinstance(document, dict):
        return {key: scoring_skeleton(value) for key, value in document.items() if key not in TEXT_KEYS}
    if isinstance(document, list):
        return [scoring_skeleton(value) for value in document]
    return document


def text_diff(before: str, after: str, before_name: str = "before.yaml", after_name: str = "after.yaml") -> str:
    """A unified diff of two framework texts (three lines of context)."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), before_name, after_name, n=3
        )
    )


@dataclass(frozen=True)
class PatchPreview:
    before: str
    after: str
    diff: str


def preview_patch(framework: Framework, document: Any) -> PatchPreview:
    """What a text patch would change (the canonical text before and after), or a ``StudioError``
    when it would change a score, break the framework or change nothing."""
    if not isinstance(document, dict):
        raise StudioError(_("A framework document is a mapping of its fields."))
    name = framework.source_name or f"{framework.code}-{framework.version}.yaml"
    before_document = load_text(framework.source, name)
    before = dump_framework(before_document)
    after = dump_framework(document)
    if before == after:
        raise StudioError(_("Nothing has changed."))
    if scoring_skeleton(before_document) != scoring_skeleton(document):
        raise StudioError(
            _(
                "Only texts can be corrected in a published framework: a scoring change needs a new version "
                "(start a new draft)."
            )
        )
    try:
        parse_framework(after, name)
    except FrameworkError as exc:
        raise StudioError(_("The corrected text has problems:"), exc.problems) from None
    return PatchPreview(before, after, text_diff(before, after, f"{framework}.yaml", f"{framework}.yaml"))


@transaction.atomic
def patch_published(framework: Framework, document: Any, user: Any, reason: str) -> FrameworkPatch:
    """Replace a published framework's text by ``document`` when only texts differ (titles,
    guidance, evidence, labels, explanations), recorded with its diff and reason; a change to
    anything that scores is refused: that needs a new version."""
    reason = reason.strip()
    if not reason:
        raise StudioError(_("Give the reason for the correction."))
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    preview = preview_patch(framework, document)
    before_sha = framework.source_sha256
    after_sha = hashlib.sha256(preview.after.encode("utf-8")).hexdigest()
    compiled = parse_framework(preview.after, framework.source_name or f"{framework}.yaml")
    framework.source = preview.after
    framework.source_sha256 = after_sha
    framework.title_th = compiled.title.th
    framework.title_en = compiled.title.en
    framework.save(update_fields=["source", "source_sha256", "title_th", "title_en"])
    _retitle_index(framework, compiled)
    patch = FrameworkPatch.objects.create(
        framework=framework,
        before_sha256=before_sha,
        after_sha256=after_sha,
        diff=preview.diff,
        reason=reason,
        author=user if getattr(user, "is_authenticated", False) else None,
    )
    log_action(
        "pramern.framework.patched",
        framework,
        actor=user,
        data={"sha256_before": before_sha, "sha256_after": after_sha, "reason": reason, "patch": patch.pk},
    )
    return patch


@transaction.atomic
def start_patch(framework: Framework, user: Any) -> FrameworkDraft:
    """A draft for correcting the texts of a published framework with the studio's forms (the
    open one when there is one): same code and version, applied by ``apply_patch``."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    existing = FrameworkDraft.objects.filter(patch_of=framework, state=FrameworkDraft.State.DRAFT).first()
    if existing is not None:
        return existing
    document = load_text(framework.source, framework.source_name or "framework.yaml")
    draft = FrameworkDraft.objects.create(
        code=framework.code,
        version=framework.version,
        title_th=framework.title_th,
        title_en=framework.title_en,
        based_on=framework,
        patch_of=framework,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    summary = _("Text correction of %(key)s") % {"key": str(framework)}
    revision = _store(draft, document, user, summary, number=1)
    log_action(
        "pramern.studio.patch_started",
        draft,
        actor=user,
        data={"framework": str(framework), "sha256": revision.sha256},
    )
    return draft


@transaction.atomic
def apply_patch(draft: FrameworkDraft, user: Any, reason: str) -> FrameworkPatch:
    """Apply a text-correction draft to its published framework (``patch_published``: refused
    when anything that scores differs) and close the draft."""
    draft = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.patch_of is None:
        raise StudioError(_("This draft is a new version: publish it."))
    if not draft.is_editable:
        raise StudioError(_("This text correction has already been applied."))
    patch = patch_published(draft.patch_of, draft.document(), user, reason)
    draft.state = FrameworkDraft.State.PUBLISHED
    draft.published = draft.patch_of
    draft.published_at = timezone.now()
    draft.save(update_fields=["state", "published", "published_at"])
    log_action(
        "pramern.studio.patch_applied",
        draft,
        actor=user,
        data={"framework": str(draft.patch_of), "patch": patch.pk, "sha256_after": patch.after_sha256},
    )
    return patch


def _retitle_index(framework: Framework, compiled: CompiledFramework) -> None:
    """The installed index's titles follow the patched text (its codes and points cannot change)."""
    titles: dict[str, tuple[str, str]] = {}
    for dimension in compiled.dimensions:
        titles[dimension.code] = (dimension.title.th, dimension.title.en)
        for child in dimension.children:
            titles[child.code] = (child.title.th, child.title.en)
            if isinstance(child, Group):
                for item in child.items:
                    titles[item.code] = (item.title.th, item.title.en)
    changed = []
    for row in FrameworkItem.objects.filter(framework=framework):
        th, en = titles.get(row.code, (row.title_th, row.title_en))
        if (th, en) != (row.title_th, row.title_en):
            row.title_th, row.title_en = th, en
            changed.append(row)
    FrameworkItem.objects.bulk_update(changed, ["title_th", "title_en"])
