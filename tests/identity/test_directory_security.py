"""Directory login's security review (issue 12, S1, C2, M2): a person disabled in the directory never
gets in with a local password, directory accounts get no local password, the break-glass account is
decided by an explicit mark, an empty group search keeps roles, and directory logins are audited.
Against a real OpenLDAP slapd."""

from __future__ import annotations

import logging

import ldap
import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from pramern.accounts.forms import PasswordResetForm
from pramern.accounts.models import DirectoryAccount, OIDCLink
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from tests.accounts.conftest import BrowserFormClient
from tests.factories import PASSWORD
from tests.identity.directory import log_in, logged_in_as, use_directory
from tests.identity.ldap_server import PEOPLE, group_dn

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
DISABLED = "บัญชีนี้ถูกระงับ"


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def client() -> BrowserFormClient:
    return BrowserFormClient()


@pytest.fixture
def directory(settings, directory_env):
    use_directory(settings, directory_env)
    return directory_env


@pytest.fixture
def role_groups(settings, directory_env):
    env = {
        **directory_env,
        "PRAMERN_LDAP_EVALUATOR_GROUP": group_dn("evaluators"),
        "PRAMERN_LDAP_EXECUTIVE_GROUP": group_dn("executives"),
        "PRAMERN_LDAP_ADMINISTRATOR_GROUP": group_dn("administrators"),
    }
    use_directory(settings, env)
    return env


def kinds(username: str) -> set[str]:
    return set(Role.objects.filter(user__username=username, unit=None).values_list("kind", flat=True))


# ---- S1: disabled in the directory, never in with a local password ------------------------------


def test_a_local_password_does_not_let_in_a_member_of_the_disabled_group(client, directory):
    get_user_model().objects.create_user("preecha", password=PASSWORD)  # from before the directory
    response = log_in(client, "preecha", PASSWORD)
    assert logged_in_as(client) is None
    assert DISABLED in page(response)
    response = log_in(client, "preecha", "wrong")  # a guesser learns nothing more
    assert logged_in_as(client) is None
    assert WRONG in page(response) and DISABLED not in page(response)


def test_a_local_password_does_not_let_in_an_active_directory_disabled_account(client, directory):
    get_user_model().objects.create_user("wichai", password=PASSWORD)  # userAccountControl 514
    response = log_in(client, "wichai", PASSWORD)
    assert logged_in_as(client) is None
    assert DISABLED in page(response)


def test_the_first_directory_login_marks_the_account_and_ends_its_local_password(client, directory):
    get_user_model().objects.create_user("malee", password=PASSWORD)
    log_in(client, "malee", "malee-pass")
    assert logged_in_as(client) == "malee"
    malee = get_user_model().objects.get(username="malee")
    assert DirectoryAccount.objects.filter(user=malee).exists()
    assert not malee.has_usable_password()
    assert AuditEntry.objects.filter(action="pramern.directory.account_marked", object_id=str(malee.pk)).exists()


def test_a_directory_account_given_a_local_password_still_cannot_use_it(client, directory):
    log_in(client, "somchai", "somchai-pass")
    client.logout()
    somchai = get_user_model().objects.get(username="somchai")
    somchai.set_password(PASSWORD)  # e.g. set in the admin
    somchai.save()
    response = log_in(client, "somchai", PASSWORD)
    assert logged_in_as(client) is None
    assert WRONG in page(response)
    log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) == "somchai"


def test_directory_and_openid_connect_accounts_get_no_password_reset_link(client, directory):
    log_in(client, "somchai", "somchai-pass")
    client.logout()
    assert list(PasswordResetForm().get_users("somchai@oae.test")) == []
    client.post("/password_reset/", {"email": "somchai@oae.test"})
    assert mail.outbox == []
    linked = get_user_model().objects.create_user("oidc-person", email="oidc@oae.test")
    OIDCLink.objects.create(user=linked, issuer="https://id.example", subject="s1")
    assert list(PasswordResetForm().get_users("oidc@oae.test")) == []
    local = get_user_model().objects.create_user("local", email="local@oae.test", password=PASSWORD)
    assert list(PasswordResetForm().get_users("local@oae.test")) == [local]


def test_leaving_the_administrators_group_takes_superuser_away_despite_a_local_password(
    client, role_groups, ldap_directory
):
    log_in(client, "kanya", "kanya-pass")
    kanya = get_user_model().objects.get(username="kanya")
    assert kanya.is_superuser
    client.logout()
    kanya.set_password(PASSWORD)  # as a reset or the admin would
    kanya.save()
    administrators = group_dn("administrators")
    ldap_directory.modify(administrators, [(ldap.MOD_DELETE, "member", [f"uid=kanya,{PEOPLE}"])])
    try:
        log_in(client, "kanya", "kanya-pass")
        assert logged_in_as(client) == "kanya"
        kanya.refresh_from_db()
        assert not kanya.is_superuser and not kanya.is_staff
        assert kinds("kanya") == {"executive"}
        client.logout()
        log_in(client, "kanya", PASSWORD)
        assert logged_in_as(client) is None
    finally:
        ldap_directory.modify(administrators, [(ldap.MOD_ADD, "member", [f"uid=kanya,{PEOPLE}"])])


def test_a_local_superuser_who_never_used_the_directory_stays_the_break_glass_account(client, directory):
    get_user_model().objects.create_superuser("malee", password=PASSWORD)
    response = log_in(client, "malee", "malee-pass")
    assert logged_in_as(client) is None
    assert WRONG in page(response)
    assert not DirectoryAccount.objects.exists()
    log_in(client, "malee", PASSWORD)
    assert logged_in_as(client) == "malee"


# ---- M2: directory logins audited ---------------------------------------------------------------


def test_a_directory_login_is_audited(client, directory):
    log_in(client, "somchai", "somchai-pass")
    somchai = get_user_model().objects.get(username="somchai")
    entry = AuditEntry.objects.get(action="pramern.directory.login")
    assert entry.actor == somchai and entry.object_id == str(somchai.pk)
    assert entry.data == {"backend": "directory"}
    log_in(client, "somchai", "wrong")
    assert AuditEntry.objects.filter(action="pramern.directory.login").count() == 1


# ---- C2: a group search that finds nothing keeps the roles ----------------------------------------


def test_a_group_search_that_finds_nothing_keeps_the_roles_with_a_warning(client, settings, role_groups, caplog):
    log_in(client, "kanya", "kanya-pass")
    assert kinds("kanya") == {"executive", "administrator"}
    client.logout()
    # A wrong base that exists (no group under it): the search finds nothing and reports no error.
    # (A base that does not exist makes slapd answer "no such object": the directory counts as down.)
    use_directory(settings, {**role_groups, "PRAMERN_LDAP_GROUP_SEARCH_BASE": PEOPLE})
    with caplog.at_level(logging.WARNING, logger="pramern.accounts.directory"):
        log_in(client, "kanya", "kanya-pass")
    assert logged_in_as(client) == "kanya"
    assert kinds("kanya") == {"executive", "administrator"}
    assert get_user_model().objects.get(username="kanya").is_superuser
    assert not AuditEntry.objects.filter(action="pramern.role.removed_by_directory").exists()
    entry = AuditEntry.objects.get(action="pramern.role.kept_without_directory_groups")
    assert entry.data == {"kinds": ["administrator", "executive"]}
    assert "found no group at all" in caplog.text
