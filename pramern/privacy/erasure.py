"""Erasing a departed person's personal data (PDPA right to erasure), by an administrator.

The account stays (records, comments, verdicts and the audit log point at it) but is deactivated
and pseudonymised: "ผู้ใช้ที่ลบแล้ว #<id>". Their personal extras are deleted, step by step
(``STEPS``: the one list to extend when a model keeps something about a person), and in the audit
log their name and e-mail are replaced by the pseudonym (``audit.services.pseudonymise``, the one
documented exception to the append-only log); every entry stays, in its order, otherwise as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts.models import CitizenID, OIDCLink, SignedInSession
from pramern.accounts.sessions import session_store
from pramern.assessments.models import Assessment, PendingImport
from pramern.audit.models import AuditEntry
from pramern.audit.services import display_name, log_action, pseudonymise
from pramern.errors import UserError
from pramern.filestore import delete_files_after_commit
from pramern.notifications.models import EmailChoice, Notification
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.reports import caching
from pramern.reports.models import ReportJob

#: How an erased person is named everywhere ("ผู้ใช้ที่ลบแล้ว #12"); their user name becomes "erased-12".
PSEUDONYM = "ผู้ใช้ที่ลบแล้ว #{pk}"
USERNAME = "erased-{pk}"


def pseudonym_of(user: Any) -> str:
    return PSEUDONYM.format(pk=user.pk)


def is_erased(user: Any) -> bool:
    return bool(user.get_username() == USERNAME.format(pk=user.pk))


@dataclass(frozen=True)
class Step:
    """One kind of personal extra that erasure deletes: its name on the confirmation page, the
    rows it would delete (counted there) and how they are deleted (returns how many)."""

    key: str
    label: Promise
    rows: Callable[[Any], QuerySet[Any]]
    delete: Callable[[QuerySet[Any]], int] = lambda rows: rows.delete()[0]


def _sessions(user: Any) -> QuerySet[Session]:
    """The person's live sessions in the database store that have no signed-in row (made before the
    sessions were listed): Django keeps the user id inside each session's data."""
    live = Session.objects.filter(expire_date__gt=timezone.now())
    ids = [s.pk for s in live.iterator() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    return Session.objects.filter(pk__in=ids)


def _delete_sessions(rows: QuerySet[Session]) -> int:
    """Each through the configured store: with Redis, its copy there goes too."""
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        session_store(key).delete()
    return len(keys)


def _delete_signed_in(rows: QuerySet[SignedInSession]) -> int:
    """The devices on the person's sessions page: each logged out (its session deleted in whichever
    store is configured), then its row (browser and address) deleted, without an audit entry that
    would copy those addresses into the log."""
    for key in rows.values_list("session_key", flat=True):
        session_store(key).delete()
    return int(rows.delete()[0])


def _report_jobs(user: Any) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(requested_by=user)


def _delete_report_jobs(rows: QuerySet[ReportJob]) -> int:
    """Their reports go, and the files of those reports leave storage after the commit."""
    jobs = [job for job in rows if job.file.name]
    deleted = rows.delete()[0]
    for job in jobs:  # a file the storage keeps is logged and audited on its (deleted) job
        delete_files_after_commit([(job.file.storage, job.file.name)], about=job, reason="erasure of a person")
    return deleted


#: What erasure deletes, in this order, before the account is pseudonymised. Other apps' models
#: that keep something about a person add a step here (see docs/privacy.md, "Erasure").
STEPS: list[Step] = [
    Step("roles", gettext_lazy("roles (what the person may do)"), lambda u: Role.objects.filter(user=u)),
    Step(
        "notifications", gettext_lazy("notifications (the inbox)"), lambda u: Notification.objects.filter(recipient=u)
    ),
    Step("email_choices", gettext_lazy("notification settings"), lambda u: EmailChoice.objects.filter(user=u)),
    Step(
        "login_attempts",
        gettext_lazy("login throttling records"),
        lambda u: AccessAttempt.objects.filter(username=u.get_username()),
    ),
    Step("login_log", gettext_lazy("login records"), lambda u: AccessLog.objects.filter(username=u.get_username())),
    Step(
        "login_failures",
        gettext_lazy("failed login records"),
        lambda u: AccessFailureLog.objects.filter(username=u.get_username()),
    ),
    Step(
        "signed_in_sessions",
        gettext_lazy("signed-in devices (browser and address)"),
        lambda u: SignedInSession.objects.filter(user=u),
        _delete_signed_in,
    ),
    Step("sessions", gettext_lazy("other live sessions"), _sessions, _delete_sessions),
    # issue 12: oidc
    Step(
        "oidc_links",
        gettext_lazy("links to an identity provider (OpenID Connect)"),
        lambda u: OIDCLink.objects.filter(user=u),
    ),
    Step(
        "citizen_id",
        gettext_lazy("registered citizen ID (its keyed hash)"),
        lambda u: CitizenID.objects.filter(user=u),
    ),
    Step(
        "pending_imports",
        gettext_lazy("imports waiting for confirmation"),
        lambda u: PendingImport.objects.filter(user=u),
    ),
    Step("report_jobs", gettext_lazy("requested reports and their files"), _report_jobs, _delete_report_jobs),
    # issue 12 (two-factor): the authenticator's secret and the recovery codes (their tokens go with them)
    Step("authenticators", gettext_lazy("two-factor authenticator apps"), lambda u: TOTPDevice.objects.filter(user=u)),
    Step("recovery_codes", gettext_lazy("two-factor recovery codes"), lambda u: StaticDevice.objects.filter(user=u)),
]


@dataclass(frozen=True)
class ErasurePlan:
    """What the confirmation page says will happen."""

    person: Any
    name: str
    pseudonym: str
    counts: list[tuple[Step, int]]
    audit_entries: int  # entries the person acted in


def check_erasure(person: Any, *, user: Any) -> None:
    """Only an administrator erases; never themselves, never twice."""
    if not access_for(user).is_administrator:
        raise PermissionDenied(_("Only an administrator erases a person's data."))
    if person.pk == user.pk:
        raise UserError(_("You cannot erase your own account; ask another administrator."))
    if is_erased(person):
        raise UserError(_("This person's data has already been erased."))


def erasure_plan(person: Any, *, user: Any) -> ErasurePlan:
    check_erasure(person, user=user)
    return ErasurePlan(
        person,
        display_name(person),
        pseudonym_of(person),
        [(step, step.rows(person).count()) for step in STEPS],
        AuditEntry.objects.filter(actor=person).count(),
    )


@transaction.atomic
def erase_person(person: Any, *, user: Any) -> dict[str, int]:
    """Deactivate and pseudonymise ``person``, delete their personal extras (``STEPS``) and
    pseudonymise their name and e-mail in the audit log; the erasure is logged under the
    pseudonym. Returns how many rows each step deleted and how many audit entries changed."""
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    check_erasure(person, user=user)
    old_display, old_full = display_name(person), person.get_full_name().strip()
    old_username, old_email = person.get_username(), person.email.strip()
    removed = {step.key: step.delete(step.rows(person)) for step in STEPS}

    pseudonym = pseudonym_of(person)
    person.username = USERNAME.format(pk=person.pk)
    person.first_name, person.last_name, person.email = pseudonym, "", ""
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    # Cached pages hold the person's name (verdicts, overrides, records): every assessment gets a
    # new revision, so none is shown from the cache again (erasure is rare; reports/caching.py).
    caching.bump(Assessment.objects.all())

    new_display = display_name(person)
    # Only whole copies of the person's own strings change (Thai names share prefixes; one
    # address may end another), never text that merely contains them: audit.services.pseudonymise.
    names = {old_display: new_display, old_username: person.username}
    if old_full:
        names.setdefault(old_full, pseudonym)
    if old_email:
        names.setdefault(old_email, pseudonym)
    subject = (person._meta.label_lower, str(person.pk))
    entries = pseudonymise(
        person.pk, new_display, names, emails={old_email: pseudonym} if old_email else None, subject=subject
    )
    log_action(
        "pramern.privacy.person_erased",
        person,
        actor=user,
        data={"pseudonym": pseudonym, "removed": removed, "audit_entries_pseudonymised": entries},
    )
    return {**removed, "audit_entries": entries}
