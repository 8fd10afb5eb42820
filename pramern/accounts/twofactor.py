"""Two-factor authentication (django-otp): who must have it, enrolment of an authenticator app,
the verification step after a login, recovery codes, turning it off and an administrator's reset.

A session has passed the second factor when django-otp verified one of the person's devices in it
(``request.user.is_verified()``), or when its login is trusted as multi-factor: the directory
under ``DIRECTORY_TRUSTED_AS_MFA``, OpenID Connect under ``OIDC_TRUSTED_AS_MFA`` (with the ID
token's ``amr``/``acr`` showing a second factor). Every change and every verification is audited.
"""

from __future__ import annotations

import math
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts import oidc
from pramern.accounts.sessions import end_all_sessions
from pramern.audit.services import log_action
from pramern.errors import UserError
from pramern.notifications.services import deliver
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.reports import caching

#: Recovery codes just made, kept in the session until the person has saved them (shown once).
CODES_SESSION_KEY = "pramern_recovery_codes"
#: The notification kind that tells a person their second factor was reset.
RESET_KIND = "two_factor_reset"
#: Role kinds whose people must use a second factor (staff and superusers must too).
REQUIRED_KINDS = (Role.Kind.EVALUATOR, Role.Kind.ADMINISTRATOR)


class TwoFactorError(UserError):
    """A code refused (wrong, throttled) or a two-factor change not allowed."""


def is_required(user: Any) -> bool:
    """Whether ``user`` must use a second factor: the Evaluation Centre (evaluators and
    administrators) and whoever may open the admin site (staff, superusers)."""
    return bool(user.is_staff or user.is_superuser or access_for(user).is_centre)


def required_people() -> Q:
    """The people ``is_required`` holds for, as a filter on users."""
    return Q(is_staff=True) | Q(is_superuser=True) | Q(roles__kind__in=REQUIRED_KINDS)


def authenticator(user: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    """Whether the person has a confirmed authenticator app."""
    return authenticator(user) is not None


#: Seconds ``enrolled`` keeps its answer in a shared cache (a device's save or deletion sets it
#: again when it commits: ``_devices_changed``).
ENROLLED_SECONDS = 60


def _enrolled_key(user_id: int) -> str:
    return f"two-factor-enrolled:{user_id}"


def enrolled(user: Any) -> bool:
    """``has_second_factor`` as every page asks it (``step_needed``): kept in the cache when that is
    shared by every process (Redis). A page only adds its answer where none is kept (``add``), and a
    device's save or deletion writes the database's answer once it commits, so an answer read before
    an enrolment committed never outlives it. With each process's own memory it is asked of the
    database every time: a device enrolled in one worker must be seen by every other at once."""
    if not caching.shared():
        return has_second_factor(user)
    key = _enrolled_key(user.pk)
    try:
        kept = cache.get(key)
    except Exception:  # Redis down: ask the database
        return has_second_factor(user)
    if kept is not None:
        return bool(kept)
    found = has_second_factor(user)
    try:
        cache.add(key, found, ENROLLED_SECONDS)
    except Exception:  # noqa: S110 (the answer stands; only not kept)
        pass
    return found


@receiver(post_save, sender=TOTPDevice, dispatch_uid="pramern-two-factor-enrolled-save")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="pramern-two-factor-enrolled-delete")
def _devices_changed(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    """A device saved or deleted: forget ``enrolled``'s answer now, and when the change commits
    write the database's answer (which a page's ``add`` does not overwrite)."""
    if not caching.shared():
        return
    key = _enrolled_key(instance.user_id)
    user = instance.user

    def forget() -> None:
        try:
            cache.delete(key)
        except Exception:  # noqa: S110 (Redis down: nothing kept either)
            pass

    def settle() -> None:
        try:
            cache.set(key, has_second_factor(user), ENROLLED_SECONDS)
        except Exception:
            forget()

    forget()
    transaction.on_commit(settle)


DIRECTORY_BACKEND = "pramern.accounts.directory.DirectoryBackend"


def trusted_external_login(request: HttpRequest) -> bool:
    """The session's login counts as multi-factor: a directory login under
    ``DIRECTORY_TRUSTED_AS_MFA``; an OpenID Connect login under ``OIDC_TRUSTED_AS_MFA`` whose ID
    token showed a second factor (``oidc_login_showed_mfa``); a backend in ``MFA_TRUSTED_BACKENDS``."""
    backend = request.session.get(BACKEND_SESSION_KEY)
    if backend == DIRECTORY_BACKEND:
        return bool(settings.DIRECTORY_TRUSTED_AS_MFA)
    if backend == oidc.BACKEND:
        return bool(settings.OIDC_TRUSTED_AS_MFA) and oidc_login_showed_mfa(request.session.get(oidc.SESSION_MFA))
    return backend in set(settings.MFA_TRUSTED_BACKENDS)


def oidc_login_showed_mfa(claims: Any) -> bool:
    """Whether an OpenID Connect login's ``{"amr": [...], "acr": "..."}`` shows a second factor:
    an ``amr`` in ``OIDC_MFA_AMR`` or the ``acr`` in ``OIDC_MFA_ACR``; with both settings empty,
    any login of the provider does."""
    wanted_amr, wanted_acr = set(settings.OIDC_MFA_AMR), set(settings.OIDC_MFA_ACR)
    if not wanted_amr and not wanted_acr:
        return True
    claims = claims if isinstance(claims, dict) else {}
    return bool(wanted_amr & set(claims.get("amr") or [])) or (claims.get("acr") or "") in wanted_acr


def session_passed(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor (a device verified, or a trusted login)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified is not None and verified()) or trusted_external_login(request)


def step_needed(request: HttpRequest) -> str:
    """What a logged-in person must do before any page: "verify" (a confirmed device, a session
    not verified), "enrol" (required, no device) or "" (nothing)."""
    if session_passed(request):
        return ""
    if enrolled(request.user):
        return "verify"
    return "enrol" if is_required(request.user) else ""


# ---- enrolment ---------------------------------------------------------------------------------


def pending_authenticator(user: Any) -> TOTPDevice:
    """The authenticator being enrolled (not yet confirmed): the same secret until it is confirmed,
    so that reloading the page does not invalidate what the app has scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def may_replace(request: HttpRequest) -> bool:
    """Whether the person may set up a new phone in place of their authenticator: they have one
    and this session has passed the second factor (the enrolment page is open before it)."""
    return has_second_factor(request.user) and session_passed(request)


def enrol(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with the first code the app shows (replacing the authenticator of a
    verified session: a new phone); returns the new recovery codes. The session counts as verified
    from then on."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise TwoFactorError(_("This set-up has already been used. Start again."))
    replacing = has_second_factor(user)
    if replacing and not session_passed(request):
        raise TwoFactorError(_("Two-factor authentication is already on for your account."))
    _check_code(device, normalized(code), user, "enrolment")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        data = {"recovery_codes": len(codes), "replaced": replacing}
        log_action("pramern.two_factor.enrolled", user, actor=user, data=data)
    django_otp.login(request, device)
    return codes


# ---- the verification step ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    method: str  # "totp" or "recovery_code"
    recovery_codes_left: int


def verify(request: HttpRequest, code: str) -> Verified:
    """Verify this session with a code from the authenticator app (six digits) or a recovery
    code (which then stops working). Wrong codes are throttled per device: 1, 2, 4, 8 ... seconds."""
    user = request.user
    typed = normalized(code)
    if not typed:
        raise TwoFactorError(_("Type the code from your authenticator app, or a recovery code."))
    device: Device | None
    if typed.isdigit() and len(typed) == 6:
        method, device = "totp", authenticator(user)
    else:
        method, device = "recovery_code", StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        log_action("pramern.two_factor.failed", user, actor=user, data={"method": method, "reason": "no device"})
        raise TwoFactorError(_("That code is not right. Check it and try again."))
    _check_code(device, typed, user, method)
    django_otp.login(request, device)
    left = recovery_codes_left(user)
    log_action("pramern.two_factor.verified", user, actor=user, data={"method": method, "recovery_codes_left": left})
    return Verified(method, left)


def _check_code(device: Device, code: str, user: Any, method: str) -> None:
    """Verify ``code`` on ``device`` (under django-otp's throttling) or raise with a Thai reason."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = _seconds_left((details or {}).get("locked_until"))
        log_action("pramern.two_factor.failed", user, actor=user, data={"method": method, "reason": "throttled"})
        raise TwoFactorError(
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try again.",
                "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                wait,
            )
            % {"seconds": wait}
        )
    with transaction.atomic():
        accepted = type(device).objects.select_for_update().get(pk=device.pk).verify_token(code)
    device.refresh_from_db()
    if not accepted:
        log_action("pramern.two_factor.failed", user, actor=user, data={"method": method, "reason": "wrong code"})
        raise TwoFactorError(_("That code is not right. Check it and try again."))


def _seconds_left(until: Any) -> int:
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def normalized(code: str) -> str:
    """A code as typed, without spaces or dashes, lower case (recovery codes are lower case)."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()[:32]


# ---- recovery codes, turning off, an administrator's reset --------------------------------------


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def renew_recovery_codes(user: Any) -> list[str]:
    """New recovery codes for a person with an authenticator; the old ones stop working."""
    if not has_second_factor(user):
        raise TwoFactorError(_("Turn on two-factor authentication first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        log_action("pramern.two_factor.recovery_codes_renewed", user, actor=user, data={"recovery_codes": len(codes)})
    return codes


def turn_off(request: HttpRequest) -> None:
    """Remove the person's own second factor (only where it is not required)."""
    user = request.user
    if is_required(user):
        raise TwoFactorError(
            _("Two-factor authentication is required for the Evaluation Centre and administrators: it stays on.")
        )
    if not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists():
        raise TwoFactorError(_("Two-factor authentication is already off."))
    with transaction.atomic():
        removed = _delete_devices(user)
        log_action("pramern.two_factor.turned_off", user, actor=user, data={"devices": removed})
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)


def reset(person: Any, actor: Any) -> int:
    """An administrator removes ``person``'s second factor (a lost or stolen phone): every session
    of theirs ends (whoever holds one must log in again, and cannot enrol an app of their own in
    it), they enrol again after their next log-in (if required) and are told.
    Returns how many devices were removed. The caller has checked that ``actor`` administers."""
    with transaction.atomic():
        removed = _delete_devices(person)
        log_action("pramern.two_factor.reset", person, actor=actor, data={"devices": removed})
        end_all_sessions(person, actor=actor, reason="two_factor_reset")
        transaction.on_commit(lambda: _tell_reset(person))
    return removed


def _tell_reset(person: Any) -> None:
    def compose() -> tuple[str, str]:
        return (
            _("Your two-factor authentication was reset"),
            _(
                "An administrator removed your authenticator app and recovery codes. If you did not ask "
                "for this, tell the Evaluation Centre at once. Set up two-factor authentication again "
                "from your account page."
            ),
        )

    deliver(RESET_KIND, [person], compose, link=reverse("two_factor:account"))


def _delete_devices(user: Any) -> int:
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.filter(user=user).count()
    StaticDevice.objects.filter(user=user).delete()  # its tokens go with it
    return totp + static


# ---- what the pages show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """A person's two-factor state, as their account page and the administrators' list show it."""

    person: Any
    required: bool
    enrolled_at: Any  # when the authenticator was confirmed (its creation), or None
    last_used_at: Any
    recovery_codes_left: int

    @property
    def on(self) -> bool:
        return self.enrolled_at is not None


def status(user: Any) -> Status:
    device = authenticator(user)
    return Status(
        person=user,
        required=is_required(user),
        enrolled_at=device.created_at if device else None,
        last_used_at=device.last_used_at if device else None,
        recovery_codes_left=recovery_codes_left(user) if device else 0,
    )


def people(query: str = "", limit: int = 100) -> QuerySet[Any]:
    """Active people for the administrators' list (matching ``query`` by user name or name), with
    ``two_factor_on`` and ``two_factor_required`` annotated, enrolled and required people first."""
    users = get_user_model().objects.filter(is_active=True)
    query = query.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a text parameter
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    required_ids = get_user_model().objects.filter(required_people()).values("pk")
    return users.annotate(
        two_factor_on=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        two_factor_required=Q(pk__in=required_ids),
    ).order_by("-two_factor_required", "-two_factor_on", "username")[:limit]
