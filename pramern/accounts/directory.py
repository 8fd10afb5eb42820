"""Directory login (LDAP / Active Directory): django-auth-ldap's backend, with the reason for each
refusal kept for the login form, disabled accounts refused, and office-wide roles given by groups.

Settings come from the environment (pramern/accounts/ldapconfig.py). The backend is listed after
axes (whose throttling counts directory failures too) and before the local accounts' backend.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import ldap
import ldap.dn
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_auth_ldap.backend import LDAPBackend

from pramern.accounts.models import DirectoryAccount, is_directory_managed
from pramern.audit.services import log_action
from pramern.organizations.models import Role

logger = logging.getLogger(__name__)

#: Active Directory's userAccountControl flag ACCOUNTDISABLE.
AD_ACCOUNT_DISABLED = 0x2
#: Active Directory's reasons, in a refused bind's diagnostic text ("..., data 533, ..."), that
#: mean the password was right but may not be used: the account is disabled (533), expired (701)
#: or locked out (775); the password expired (532) or must be changed first (773). Active
#: Directory gives them only for the right password, so they reveal nothing to a guesser.
AD_REFUSED_ACCOUNT = ("data 533,", "data 701,", "data 775,")
AD_PASSWORD_EXPIRED = ("data 532,", "data 773,")


class Outcome(enum.StrEnum):
    """Why the directory did not log someone in (kept on the request for the login form)."""

    BAD_CREDENTIALS = "bad_credentials"  # or a user name the directory does not know
    DISABLED = "disabled"
    UNKNOWN_TO_PRAMERN = "unknown_to_pramern"  # right password, but no Pramern account may be created
    EXPIRED = "expired"  # Active Directory: to be changed before it is used again
    DOWN = "down"  # the directory could not be reached (or refused the service account)


_OUTCOME = "pramern_directory_outcome"


def directory_outcome(request: HttpRequest | None) -> Outcome | None:
    """Why the directory refused the last login tried with ``request``; None if it did not refuse."""
    return getattr(request, _OUTCOME, None)


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def is_disabled(attrs: Mapping[str, list[str]] | None) -> bool:
    """True if the directory entry says its account is disabled (Active Directory's
    userAccountControl carries the ACCOUNTDISABLE flag)."""
    for value in (attrs or {}).get("userAccountControl", []):
        try:
            if int(value) & AD_ACCOUNT_DISABLED:
                return True
        except ValueError:
            logger.warning("userAccountControl is not a number: %r", value)
            return True  # an entry we cannot read is not let in
    return False


def refused_bind(diagnostic: str) -> Outcome:
    """Why a directory refused a person's bind, from its diagnostic text (Active Directory's
    "80090308: LdapErr: ..., data 52e, v4563": 52e is a wrong password)."""
    if any(code in diagnostic for code in AD_REFUSED_ACCOUNT):
        return Outcome.DISABLED
    if any(code in diagnostic for code in AD_PASSWORD_EXPIRED):
        return Outcome.EXPIRED
    return Outcome.BAD_CREDENTIALS


def _diagnostic(error: BaseException | None) -> str:
    """The server's diagnostic text of an LDAP error (python-ldap: ``args[0]["info"]``)."""
    details = error.args[0] if error is not None and error.args else {}
    return str(details.get("info", "")) if isinstance(details, dict) else ""


def _normal_dn(dn: str) -> str:
    """A DN compared as the directory compares it: spacing and case do not count."""
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


class DirectoryBackend(LDAPBackend):
    """Logs in people the directory knows; refusals say why (``directory_outcome``)."""

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        request = ldap_user._request
        try:
            user = self._log_in(ldap_user, password)
        except _Refused as refused:
            if refused.outcome == Outcome.BAD_CREDENTIALS and self._disabled_with_local_password(ldap_user, password):
                refused = _Refused(Outcome.DISABLED)
            if request is not None:
                setattr(request, _OUTCOME, refused.outcome)
            if refused.outcome == Outcome.DISABLED:
                # No other way in (a local password kept from before) for a person the
                # directory or Pramern disabled; Django counts this as a failed login.
                raise PermissionDenied from None
            return None
        except ldap.LDAPError as exc:
            logger.warning("Directory login for %r: the directory is not available (%s)", ldap_user._username, exc)
            if request is not None:
                setattr(request, _OUTCOME, Outcome.DOWN)
            return None
        log_action("pramern.directory.login", user, actor=user, data={"backend": "directory"})
        return user

    def _disabled_with_local_password(self, ldap_user: Any, password: str) -> bool:
        """True if the directory refused the password, but it is the right local password of a
        Pramern account whose directory entry is disabled: that person is told their account is
        disabled and goes no further (never on to the local accounts' backend). Anyone else with
        a wrong password learns nothing more. Needs the service account to read the entry."""
        if not ldap_user.settings.BIND_DN:
            return False
        user = get_user_model()._default_manager.filter(username__iexact=ldap_user._username).first()
        if user is None or not user.has_usable_password() or not user.check_password(password):
            return False
        try:
            ldap_user._bind()  # the person's refused bind left the connection unbound
            if is_disabled(ldap_user.attrs):
                return True
            ldap_user._check_requirements()
        except ldap_user.AuthenticationFailed:
            return True  # in PRAMERN_LDAP_DISABLED_GROUP
        except ldap.LDAPError:
            return False
        return False

    def _log_in(self, ldap_user: Any, password: str) -> Any:
        """The person's Pramern account, their names, e-mail and mapped roles updated from the
        directory. django-auth-ldap's steps (``_LDAPUser.authenticate``), each failure told apart:
        its own method logs every failure alike and returns None."""
        if ldap_user.settings.USER_DN_TEMPLATE is None:
            # The service account's bind, which the user search needs: its failure means the
            # directory is down (or misconfigured), not that the person's password is wrong.
            ldap_user._bind()
        try:
            ldap_user._authenticate_user_dn(password)
        except ldap_user.AuthenticationFailed as failed:
            raise _Refused(refused_bind(_diagnostic(failed.__context__))) from None
        if is_disabled(ldap_user.attrs):
            raise _Refused(Outcome.DISABLED)
        try:
            ldap_user._check_requirements()  # AUTH_LDAP_DENY_GROUP: PRAMERN_LDAP_DISABLED_GROUP
        except ldap_user.AuthenticationFailed:
            raise _Refused(Outcome.DISABLED) from None
        try:
            ldap_user._get_or_create_user()  # calls get_or_build_user below
        except ldap_user.AuthenticationFailed:  # AUTH_LDAP_NO_NEW_USERS
            raise _Refused(Outcome.UNKNOWN_TO_PRAMERN) from None
        user = ldap_user._user
        mark_directory_managed(user)
        mapping = getattr(settings, "PRAMERN_LDAP_ROLE_GROUPS", {})
        if mapping:
            group_dns = ldap_user.group_dns
            searchable = bool(group_dns) or _group_search_finds_any(ldap_user)
            sync_office_roles(user, group_dns, mapping, search_finds_groups=searchable)
        return user

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        """Django's user for the directory entry, refused before anything is copied onto it if
        Pramern disabled the account, or if it is a local superuser who has never logged in
        through the directory (the break-glass account): a directory entry of the same name never
        takes it over. A superuser the directory made (its administrators group) is directory-
        managed, so leaving that group still takes superuser away, whatever password it got."""
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and not user.is_active:
            raise _Refused(Outcome.DISABLED)
        if not built and user.is_superuser and not is_directory_managed(user):
            raise _Refused(Outcome.BAD_CREDENTIALS)
        return user, built


def mark_directory_managed(user: Any) -> None:
    """Marks ``user`` as managed by the directory at each directory login; the first one also
    makes their local password unusable (audited): from then on they log in only through it."""
    now = timezone.now()
    with transaction.atomic():
        _, first = DirectoryAccount.objects.get_or_create(user=user, defaults={"first_login_at": now})
        if first:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            log_action("pramern.directory.account_marked", user, data={"source": "directory"})
        else:
            DirectoryAccount.objects.filter(user=user).update(last_login_at=now)


def _group_search_finds_any(ldap_user: Any) -> bool:
    """True if the group search (PRAMERN_LDAP_GROUP_SEARCH_BASE and _FILTER) finds any group at
    all, the person's or not: False means it is misconfigured or the service account may not read
    the groups, so that an empty list of the person's groups says nothing about them."""
    search = ldap_user.settings.GROUP_SEARCH
    if search is None:
        return False
    try:
        found = ldap_user.connection.search_ext_s(
            search.base_dn, search.scope, search.filterstr, attrlist=["1.1"], sizelimit=1
        )
    except ldap.SIZELIMIT_EXCEEDED:
        return True
    except ldap.LDAPError as exc:
        logger.warning("Directory group search failed (%s)", exc)
        return False
    return any(dn for dn, _ in found)


def sync_office_roles(
    user: Any, group_dns: Iterable[str], mapping: Mapping[str, str], *, search_finds_groups: bool = True
) -> list[tuple[str, str]]:
    """Gives ``user`` each office-wide role whose directory group (``mapping``: kind -> group DN)
    they are in, and takes away each mapped role whose group they are not in; roles of kinds
    without a group, and unit roles, are left as set in Pramern. Every change is audited.
    Returns the changes as (``"granted"`` or ``"removed"``, kind).

    When the person is in no group and the group search finds no group at all
    (``search_finds_groups`` False: a misconfigured or access-restricted search, which
    django-auth-ldap reports as no groups, without an error), the roles they hold are kept, with
    a warning and an audit entry: an empty answer says nothing about them. Someone who has left
    their only group while others remain visible loses its role as usual."""
    groups = {_normal_dn(dn) for dn in group_dns}
    changes: list[tuple[str, str]] = []
    with transaction.atomic():
        held = {role.kind: role for role in Role.objects.filter(user=user, unit=None, kind__in=list(mapping))}
        if not groups and held and not search_finds_groups:
            logger.warning(
                "Directory login for %r: the group search found no group at all; roles %s kept "
                "(check PRAMERN_LDAP_GROUP_SEARCH_BASE and the service account's access)",
                user.get_username(),
                sorted(held),
            )
            log_action("pramern.role.kept_without_directory_groups", user, data={"kinds": sorted(held)})
            return changes
        for kind, group in mapping.items():
            member = _normal_dn(group) in groups
            data = {"kind": kind, "group": group, "source": "directory"}
            # Logged on the person (their history), not on the role, which a removal deletes.
            if member and kind not in held:
                Role.objects.create(user=user, kind=kind, unit=None)
                log_action("pramern.role.granted_by_directory", user, data=data)
                changes.append(("granted", kind))
            elif not member and kind in held:
                held[kind].delete()
                log_action("pramern.role.removed_by_directory", user, data=data)
                changes.append(("removed", kind))
        if Role.Kind.ADMINISTRATOR in mapping:
            # As the people import does: administrators run the Django admin, and only they.
            admin = Role.objects.filter(user=user, unit=None, kind=Role.Kind.ADMINISTRATOR).exists()
            if user.is_staff != admin or user.is_superuser != admin:
                user.is_staff = user.is_superuser = admin
                user.save(update_fields=["is_staff", "is_superuser"])
    return changes
