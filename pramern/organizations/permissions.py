"""Who may see and change what. Every view goes through one helper per resource.

- Unit officers and directors see and change only their own unit's data; only directors submit.
- Evaluators, executives and administrators see every unit; they change no unit's records.
- A unit that may not be seen is a 404 (its existence is not disclosed); seen but not
  changeable is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from pramern.organizations.models import Role


@dataclass(frozen=True)
class Access:
    """A person's rights, computed once per request from their roles."""

    editable_units: frozenset[int]  # officer or director of these units
    directed_units: frozenset[int]  # director of these units
    sees_all: bool  # evaluator, executive, administrator (or superuser)
    is_evaluator: bool = False
    is_executive: bool = False
    is_administrator: bool = False
    is_framework_editor: bool = False

    @property
    def visible_units(self) -> frozenset[int] | None:
        """Unit ids this person may see; ``None`` means every unit."""
        return None if self.sees_all else self.editable_units

    @property
    def is_centre(self) -> bool:
        """Of the Evaluation Centre: an evaluator or an administrator."""
        return self.is_evaluator or self.is_administrator

    @property
    def edits_frameworks(self) -> bool:
        """May use the framework studio: an administrator or a framework editor."""
        return self.is_administrator or self.is_framework_editor

    def can_view(self, unit_id: int) -> bool:
        return self.sees_all or unit_id in self.editable_units

    def can_edit(self, unit_id: int) -> bool:
        return unit_id in self.editable_units

    def can_submit(self, unit_id: int) -> bool:
        return unit_id in self.directed_units


NO_ACCESS = Access(frozenset(), frozenset(), sees_all=False)


def access_for(user: Any) -> Access:
    """The rights of ``user`` (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return NO_ACCESS
    cached = getattr(user, "_pramern_access", None)
    if cached is not None:
        return cached
    roles = list(Role.objects.filter(user=user).values_list("kind", "unit_id"))
    kinds = {kind for kind, _ in roles}
    access = Access(
        editable_units=frozenset(unit for kind, unit in roles if kind in Role.UNIT_KINDS),
        directed_units=frozenset(unit for kind, unit in roles if kind == Role.Kind.DIRECTOR),
        sees_all=user.is_superuser or bool(kinds & {"evaluator", "executive", "administrator"}),
        is_evaluator=Role.Kind.EVALUATOR in kinds,
        is_executive=Role.Kind.EXECUTIVE in kinds,
        is_administrator=user.is_superuser or Role.Kind.ADMINISTRATOR in kinds,
        is_framework_editor=Role.Kind.FRAMEWORK_EDITOR in kinds,
    )
    user._pramern_access = access
    return access


def check_unit(request: HttpRequest, unit_id: int, *, write: bool = False, submit: bool = False) -> Access:
    """Raise 404 when the unit may not be seen, 403 when it may not be changed/submitted."""
    access = access_for(request.user)
    if not access.can_view(unit_id):
        raise Http404("No such unit")
    if write and not access.can_edit(unit_id):
        raise PermissionDenied("Only the unit's own people change its data")
    if submit and not access.can_submit(unit_id):
        raise PermissionDenied("Only the unit's director submits a round")
    return access


def require_centre(request: HttpRequest) -> Access:
    """The Evaluation Centre's pages (evaluators and administrators): 403 for anyone else."""
    access = access_for(request.user)
    if not access.is_centre:
        raise PermissionDenied("Evaluation Centre only")
    return access


def require_office_wide(request: HttpRequest) -> Access:
    """Pages about every unit (dashboard, office-wide reports): 403 for anyone who sees only their own."""
    access = access_for(request.user)
    if not access.sees_all:
        raise PermissionDenied("Office-wide roles only")
    return access


def require_framework_editor(request: HttpRequest) -> Access:
    """The framework studio (administrators and framework editors): 403 for anyone else."""
    access = access_for(request.user)
    if not access.edits_frameworks:
        raise PermissionDenied("Administrators and framework editors only")
    return access


def require_administrator(request: HttpRequest) -> Access:
    """Administrators' pages (opening a year): 403 for anyone else."""
    access = access_for(request.user)
    if not access.is_administrator:
        raise PermissionDenied("Administrators only")
    return access
