"""A first OpenID Connect login matched by e-mail (PRAMERN_OIDC_MATCH_EMAIL) never takes over an
account with power across the office, and a login's ``next`` address serves that login only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from pramern.accounts import oidc
from pramern.accounts.models import OIDCLink
from pramern.organizations.models import Role
from tests.identity.token_provider import token_callback

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

ISSUER = "https://idp.example"
CLAIMS = {"iss": ISSUER, "sub": "idp-42", "email": "Boss@oae.go.th", "email_verified": True}


@pytest.fixture
def match_email(settings):
    settings.PRAMERN_OIDC_MATCH_EMAIL = True
    settings.PRAMERN_OIDC_UNKNOWN_PEOPLE = "refuse"


def test_an_officer_is_matched_by_a_verified_email(match_email):
    """The control: e-mail matching works for a person without office-wide power."""
    user = get_user_model().objects.create_user("officer", email="boss@oae.go.th")
    assert oidc.person_for_claims(dict(CLAIMS)) == user
    assert OIDCLink.objects.get(user=user).subject == "idp-42"


@pytest.mark.parametrize(
    ("flags", "role"),
    [
        pytest.param({"is_staff": True}, None, id="staff"),
        pytest.param({"is_superuser": True}, None, id="superuser"),
        pytest.param({}, Role.Kind.EVALUATOR, id="evaluator"),
        pytest.param({}, Role.Kind.ADMINISTRATOR, id="administrator"),
        pytest.param({}, Role.Kind.EXECUTIVE, id="executive"),
        pytest.param({}, Role.Kind.FRAMEWORK_EDITOR, id="framework editor"),
    ],
)
def test_a_powerful_account_is_never_taken_over_by_email(match_email, flags, role):
    user = get_user_model().objects.create_user("boss", email="boss@oae.go.th", **flags)
    if role:
        Role.objects.create(user=user, kind=role)
    with pytest.raises(oidc.LoginError) as refused:
        oidc.person_for_claims(dict(CLAIMS))
    assert refused.value.reason == "unknown"
    assert not OIDCLink.objects.exists()


def test_a_login_uses_its_next_address_once(client, token_provider, linked):
    first = token_callback(client, token_provider, next_url="/help/")
    assert first["Location"] == "/help/"
    assert "oidc_login_next" not in client.session  # not left for a later login to reuse
