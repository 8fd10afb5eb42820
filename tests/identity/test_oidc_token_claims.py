"""The ID token's issuer, audience and required times (``OIDCBackend._verify_jws``), each refused
with the Thai message at the callback, with tokens from a provider the test controls
(tests/identity/token_provider.py)."""

from __future__ import annotations

import time

import pytest

from tests.identity.test_oidc_login import messages_on_login_page
from tests.identity.token_provider import token_callback

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

REFUSED = "ตรวจสอบคำตอบจาก ThaiD ไม่ผ่าน"


def test_a_well_formed_token_logs_the_person_in(client, token_provider, linked):
    """The control: the same server and key, the claims as they should be, and the person is in."""
    response = token_callback(client, token_provider)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == linked.pk


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "other-client"}, id="another audience"),
        pytest.param({"iss": "https://evil.example"}, id="another issuer"),
        pytest.param({"exp": None}, id="no expiry"),
        pytest.param({"iat": None}, id="no issue time"),
        pytest.param({"exp": int(time.time()) - 3600}, id="expired"),
    ],
)
def test_a_token_with_wrong_or_missing_claims_is_refused(client, token_provider, linked, changes):
    page = messages_on_login_page(client, token_callback(client, token_provider, **changes))
    assert REFUSED in page
    assert "_auth_user_id" not in client.session
