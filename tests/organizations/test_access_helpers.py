"""One access helper per rule: the Evaluation Centre's pages and the office-wide pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from pramern.organizations.models import Role
from pramern.organizations.permissions import require_centre, require_office_wide


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize(
    ("persona", "centre", "office_wide"),
    [
        ("alice", False, False),  # an officer of unit A
        ("dan", False, False),  # unit A's director
        ("bob", False, False),  # an officer of unit B
        ("xena", False, True),  # an executive sees every unit but does not review
        ("eve", True, True),  # an evaluator
        ("adam", True, True),  # an administrator
    ],
)
def test_each_role_passes_the_helpers_its_pages_need(world, persona, centre, office_wide):
    user = getattr(world, persona)
    for helper, allowed in ((require_centre, centre), (require_office_wide, office_wide)):
        if allowed:
            assert helper(request_by(user)).can_view(world.unit_a.pk)
        else:
            with pytest.raises(PermissionDenied):
                helper(request_by(user))


def test_an_evaluator_who_is_also_a_units_member_is_still_of_the_centre(world):
    """The conflict of interest is a rule of each review step, not of the pages: the queue marks
    the member's own unit, and the steps on it are refused (tests/review/test_conflict_of_interest.py)."""
    Role.objects.create(user=world.eve, kind="officer", unit=world.unit_a)
    access = require_centre(request_by(world.eve))
    assert access.is_centre and access.can_edit(world.unit_a.pk)
