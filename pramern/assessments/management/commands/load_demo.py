"""``manage.py load_demo [--reset]``: OAE's units, demo people and FY2567 assessments at every stage.

Idempotent: units, sections and people are created or brought back to the demo's values, and an
assessment is filled only when this command creates it, so a second run changes nothing.
``--reset`` deletes the demo units' FY2567 assessments (with their records, evidence and
submissions) and fills them again; it also sets the demo password again. The audit log keeps
its entries: it is append-only.

Everything goes through the pages' own services: the director's sign-offs and the Centre's review
(``review.services.transition``), item assignments (``assign_item``), comments (``add_comment``).
So the demo's people find notifications in their inbox (a submission tells the evaluators, a
return, verification or publication the unit, a comment the other side), made once the command's
transaction commits. The demo accounts' email is off for every kind (``set_email_choices``, when
an account is created or ``--reset``): example.go.th addresses, inbox only.

Every account gets one password, ``pramern-demo``: for a demo database only, never a real server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from pramern.assessments.adapter import load_scoring_assessment
from pramern.assessments.demo_data import (
    ASSIGNMENTS,
    DEMO_PASSWORD,
    DRAFT_AUTHOR,
    EMPTY,
    FRAMEWORK_CODE,
    FRAMEWORK_FILE,
    PEOPLE,
    RETURN_REASON,
    REVIEW_STEPS,
    ROLE_LABELS,
    SIGNED_AT,
    STAGES,
    THREADS,
    Stage,
    deadlines,
    draft_plan,
    person_of,
    review_of,
    sign_offs,
    stage_work,
)
from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.scores import compute_scores
from pramern.assessments.services import add_link_evidence, assign_item
from pramern.audit.services import log_action
from pramern.filestore import delete_files
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.frameworks.services import FrameworkConflict, install_framework_file
from pramern.notifications.services import set_email_choices
from pramern.organizations.demo_units import DEMO_UNITS, DemoUnit
from pramern.organizations.models import Role, Section, Unit
from pramern.reports.scorecards import refresh_later
from pramern.review.services import add_comment, assign_evaluator, set_verdict, set_verified_value, transition
from pramern.scoring import AssessmentError, FrameworkError
from pramern.scoring.loader import format_points
from pramern.studio.models import FrameworkDraft
from pramern.studio.services import start_draft
from pramern.thaitext import display_width

# --------------------------------------------------------------------------- the command


class Command(BaseCommand):
    help = "Load OAE's units, demo people and FY2567 assessments at different stages (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo units' FY2567 assessments (records, evidence, submissions) and load them again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        reset = options["reset"]
        with transaction.atomic():
            framework = self._framework()
            move_deadlines(framework, today)
            units = load_units()
            users = load_people(units, reset=reset)
            if reset:
                demo_assessments = Assessment.objects.filter(framework=framework, unit__in=units.values())
                # Deleting rows leaves uploaded files behind: remove those someone added while trying the demo.
                for evidence in Evidence.objects.filter(assessment__in=demo_assessments, kind=Evidence.Kind.FILE):
                    delete_files([(evidence.file.storage, evidence.file.name)], about=evidence, reason="demo reset")
                deleted = demo_assessments.delete()[0]
                self.stdout.write(f"--reset: deleted {deleted} rows of demo assessments")
            filled = 0
            for index, demo in enumerate(DEMO_UNITS):
                assessment, created = Assessment.objects.get_or_create(
                    unit=units[demo.code],
                    framework=framework,
                    defaults={"staff_counts": {"R6": demo.staff[0], "R12": demo.staff[1]}},
                )
                if created:
                    fill(assessment, demo, STAGES.get(demo.code, EMPTY), users, today)
                    if index % 2 == 0:  # the demo evaluator's "my queue": every other unit
                        assign_evaluator(assessment, users["evaluator"], user=users["admin"])
                    filled += 1
            draft, started = next_year_draft(framework, users[DRAFT_AUTHOR], today)
            rows = check(framework, units)
            for assessment in Assessment.objects.filter(framework=framework, unit__in=units.values()):
                # the dashboards read stored score cards; with the services' own refreshes, once per
                # assessment, after the commit
                refresh_later(assessment)
        self.stdout.write(
            f"Demo: {len(units)} units, {filled} assessments filled"
            + ("" if filled else " (already loaded: nothing changed; --reset loads them again)")
        )
        self.print_units(rows)
        self.stdout.write("")
        self.stdout.write(
            f"สตูดิโอ / Studio: {'started' if started else 'kept'} the draft {draft} ({draft.title_th}) "
            f"at /studio/d/{draft.pk}/"
        )
        self.print_logins(units)

    def _framework(self) -> Framework:
        framework = Framework.objects.filter(code=FRAMEWORK_CODE).newest_first().first()
        if framework is not None:
            return framework
        try:
            return install_framework_file(settings.FRAMEWORKS_DIR / FRAMEWORK_FILE).framework
        except (FrameworkError, FrameworkConflict) as exc:
            raise CommandError(f"cannot install {FRAMEWORK_FILE}: {exc}") from None

    def print_units(self, rows: list[tuple[Assessment, Stage, Decimal, Decimal]]) -> None:
        self.stdout.write("")
        table = [("หน่วยงาน / unit", "", "R6", "R12", "สถานะ / stage")]
        for assessment, stage, r6, r12 in rows:
            unit = assessment.unit
            table.append(
                (unit.code, unit.short_name, format_points(r6), format_points(r12), f"{stage.th} / {stage.en}")
            )
        self.stdout.write(_table(table))

    def print_logins(self, units: dict[str, Unit]) -> None:
        self.stdout.write("")
        self.stdout.write("บัญชีทดลองใช้ / Demo logins (รหัสผ่านสำหรับการสาธิตเท่านั้น / demo passwords only):")
        table = [("ชื่อผู้ใช้ / username", "รหัสผ่าน / password", "บทบาท / role", "หน่วยงาน / unit")]
        for person in PEOPLE:
            th, en = ROLE_LABELS[person.role]
            unit = units[person.unit] if person.unit else None
            where = f"{unit.short_name} {unit.name_th}" if unit else "สศก. (ทุกหน่วยงาน / every unit)"
            if person.role == "framework_editor":
                where = "สตูดิโอกรอบการประเมินเท่านั้น / the framework studio only"
            table.append((person.username, DEMO_PASSWORD, f"{th} / {en}", where))
        self.stdout.write(_table(table))
        self.stdout.write("Accounts that existed before keep their own password unless load_demo --reset is used.")
        self.stdout.write(
            "evaluator และ admin ต้องตั้งค่าการยืนยันสองขั้นตอน (แอป authenticator) เมื่อเข้าสู่ระบบครั้งแรก"
            " / evaluator and admin set up two-factor (an authenticator app) at their first login."
        )


# --------------------------------------------------------------------------- steps


def move_deadlines(framework: Framework, today: dt.date) -> None:
    """Move the submission deadlines to the demo's (``demo_data.deadlines``).

    FY2567's real deadlines are long past, which would leave every demo workspace read-only.
    Only the *submission deadlines* move; the records' cut-offs (2024-02-28, 2024-07-31) are the
    framework's and stay, so the scores are those of the real rules.
    """
    wanted = deadlines(today)
    for schedule in RoundSchedule.objects.filter(framework=framework, round_code__in=wanted):
        before, after = schedule.submission_deadline, wanted[schedule.round_code]
        if before != after:
            schedule.submission_deadline = after
            schedule.save(update_fields=["submission_deadline"])
            log_action(
                "pramern.schedule.deadline_changed",
                schedule,
                data={"round": schedule.round_code, "before": str(before), "after": str(after), "by": "load_demo"},
            )


def next_year_draft(framework: Framework, author: Any, today: dt.date) -> tuple[FrameworkDraft, bool]:
    """The studio's draft for the current fiscal year, cloned from FY2567 by the demo's framework
    editor the first time (a draft someone has edited or published since is left as it is)."""
    plan = draft_plan(today)
    existing = FrameworkDraft.objects.filter(code=plan.code, version=plan.version).first()
    if existing is not None:
        return existing, False
    if Framework.objects.filter(code=plan.code, version=plan.version).exists():
        raise CommandError(f"{plan.code}@{plan.version} is installed already: the demo's draft would clash with it")
    draft = start_draft(
        framework,
        plan.code,
        plan.version,
        author,
        title_th=plan.title_th,
        title_en=plan.title_en,
        fiscal_year=plan.fiscal_year,
    )
    return draft, True


def load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for demo in DEMO_UNITS:
        unit, _ = Unit.objects.update_or_create(
            code=demo.code,
            defaults={
                "name_th": demo.name_th,
                "name_en": demo.name_en,
                "short_name": demo.short_name,
                "kind": demo.kind,
                "region": demo.region,
                "is_active": True,
            },
        )
        for position, (code, name_th) in enumerate(demo.sections, 1):
            Section.objects.update_or_create(unit=unit, code=code, defaults={"name_th": name_th, "position": position})
        units[demo.code] = unit
    return units


def load_people(units: dict[str, Unit], *, reset: bool) -> dict[str, Any]:
    """The demo accounts, by username. One hash serves every new account (hashing is slow)."""
    user_model = get_user_model()
    hashed = ""
    users: dict[str, Any] = {}
    for person in PEOPLE:
        admin = person.role == "administrator"
        user, created = user_model.objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.go.th",
                "is_staff": admin,
                "is_superuser": admin,
                "is_active": True,
            },
        )
        Role.objects.get_or_create(user=user, kind=person.role, unit=units[person.unit] if person.unit else None)
        if created or reset:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            # example.go.th addresses: the demo's notifications go to the inbox only (each person
            # may turn email on in their settings; the console backend then prints it)
            set_email_choices(user, {})
        users[person.username] = user
    return users


def _user_of(unit_code: str, role: str, users: dict[str, Any]) -> Any:
    person = person_of(unit_code, role)
    return users[person.username] if person else None


def fill(assessment: Assessment, demo: DemoUnit, stage: Stage, users: dict[str, Any], today: dt.date) -> None:
    """Records, then link evidence, then the director's sign-offs, then the Centre's review.

    Records are inserted in bulk (``save_record`` checks and audits them one at a time, which
    made a thousand rows take seconds) and then checked together by the engine's parser, the
    same check ``save_record`` runs: unknown facts or fields, bad values, counts that shrink.
    """
    officer = _user_of(demo.code, "officer", users)
    work = stage_work(demo, stage)
    records = Record.objects.bulk_create(
        Record(
            assessment=assessment,
            item_code=w.item,
            fact=w.fact,
            date=w.date,
            data=dict(w.data),
            title=w.title,
            note=w.note,
            created_by=officer,
        )
        for w in work
    )
    validate(assessment)
    # The demo writes history: every round is open while it attaches evidence to past records.
    far = dt.date.max
    open_deadlines = {"R6": far, "R12": far}
    site = f"https://{demo.code.removeprefix('oae-')}.example.go.th"
    for w, record in zip(work, records, strict=True):
        if stage.links and w.link:
            add_link_evidence(
                assessment,
                f"{site}/{w.link}",
                user=officer or users["admin"],
                title=w.link_title,
                records=[record],
                deadlines=open_deadlines,
            )
    assign(assessment, demo, users)
    submit(assessment, demo, stage, users, today)
    if stage.review:
        review_r6(assessment, stage.review, users["evaluator"])
    write_thread(assessment, demo, users)


def submit(assessment: Assessment, demo: DemoUnit, stage: Stage, users: dict[str, Any], today: dt.date) -> None:
    """The director's sign-offs through the submit page's own workflow (``transition``: its checks,
    its self-assessed total and its audit entry), each as on the day it was signed; only the
    submission's time is then moved back to that day, because the demo writes history."""
    signed = sign_offs(demo, stage, today)
    director = _user_of(demo.code, "director", users)
    if signed and director is None:
        raise CommandError(f"{demo.code}: a submitted stage needs a director in PEOPLE")
    for round_code, day in signed:
        # The Centre's evaluators are told (inbox), after the commit, as for any submission.
        unit_round = transition(assessment, round_code, "submit", user=director, today=day)
        at = timezone.make_aware(dt.datetime.combine(day, SIGNED_AT))
        UnitRound.objects.filter(pk=unit_round.pk).update(submitted_at=at, state_changed_at=at)


def review_r6(assessment: Assessment, target: str, evaluator: Any) -> None:
    """The Evaluation Centre's work on R6, through the same services (and audit) as the pages."""
    steps = REVIEW_STEPS[target]
    cutoff = assessment.framework.compiled().round("R6").cutoff
    records = list(assessment.records.filter(date__lte=cutoff).order_by("item_code", "date"))
    transition(assessment, "R6", steps[0], user=evaluator)
    for index, record in enumerate(records):
        review = review_of(target, index, record.data)
        if review is None:
            continue
        if review.value:
            set_verified_value(record, review.value, user=evaluator)
        else:
            set_verdict(record, review.verdict, reason=review.reason, user=evaluator)
    for action in steps[1:]:
        reason = RETURN_REASON if action == "return" else ""
        transition(assessment, "R6", action, user=evaluator, reason=reason)  # the unit is told (inbox)


def assign(assessment: Assessment, demo: DemoUnit, users: dict[str, Any]) -> None:
    """The director gives a few items to the unit's people, through the item page's own service
    (``assign_item``: its checks and audit), before any round is signed off."""
    director = _user_of(demo.code, "director", users)
    for item_code, role in ASSIGNMENTS.get(demo.code, ()):
        assignee = _user_of(demo.code, role, users)
        if director is None or assignee is None:
            raise CommandError(f"{demo.code}: an assignment needs the unit's director and {role} in PEOPLE")
        assign_item(assessment, item_code, assignee.pk, user=director)


def write_thread(assessment: Assessment, demo: DemoUnit, users: dict[str, Any]) -> None:
    """The unit's comments of ``demo_data.THREADS`` through the item thread's own service
    (``add_comment``: its checks and audit), each telling the other side once committed."""
    for message in THREADS:
        if message.unit != demo.code:
            continue
        author = users["evaluator"] if message.author == "evaluator" else _user_of(demo.code, message.author, users)
        if author is None:
            raise CommandError(f"{demo.code}: a comment needs the unit's {message.author} in PEOPLE")
        add_comment(assessment, message.item, message.body, user=author)


def validate(
    assessment: Assessment, records: list[Record] | None = None, sections: list[Section] | None = None
) -> None:
    """Load the assessment through the engine: any invalid record stops the command (and rolls back)."""
    try:
        _engine_view, problems = load_scoring_assessment(assessment, records, sections)
    except AssessmentError as exc:
        raise CommandError(f"{assessment.unit.code}: invalid records:\n" + "\n".join(exc.problems)) from None
    if problems:
        raise CommandError(f"{assessment.unit.code}: invalid records:\n" + "\n".join(p.message for p in problems))


def check(framework: Framework, units: dict[str, Unit]) -> list[tuple[Assessment, Stage, Decimal, Decimal]]:
    """Load every demo assessment through the engine (an invalid record stops the command) and
    return each one's stage and scores."""
    rows = []
    assessments = Assessment.objects.filter(framework=framework, unit__in=units.values()).with_unit()
    for assessment in assessments.prefetch_related("unit__sections").order_by("unit__code"):
        records: list[Record] = list(assessment.records.all())
        sections = list(assessment.unit.sections.all())
        validate(assessment, records, sections)
        scores = compute_scores(assessment, records, sections)
        stage = STAGES.get(assessment.unit.code, EMPTY)
        rows.append((assessment, stage, scores.by_round["R6"].total, scores.by_round["R12"].total))
    return rows


def _table(rows: Iterable[tuple[str, ...]]) -> str:
    rows = list(rows)
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
