"""Directory login (LDAP / Active Directory) against a real OpenLDAP slapd started by the fixtures."""

from __future__ import annotations

import datetime as dt

import ldap
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role, Unit
from tests.accounts.conftest import BrowserFormClient
from tests.factories import PASSWORD
from tests.identity import ldap_server
from tests.identity.directory import log_in, logged_in_as, use_directory
from tests.identity.ldap_server import PEOPLE, free_port, group_dn

pytestmark = [pytest.mark.identity, pytest.mark.django_db]

WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
DISABLED = "บัญชีนี้ถูกระงับ"
NO_ACCOUNT = "ยังไม่มีบัญชีใน Pramern"
DOWN = "ติดต่อระบบบัญชีหน่วยงาน (ไดเรกทอรี) ไม่ได้"
LOCAL_STILL_WORKS = "บัญชีภายในของ Pramern ยังใช้ได้"


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def client() -> BrowserFormClient:
    return BrowserFormClient()  # posts the login form url-encoded, as a browser does


@pytest.fixture
def directory(settings, directory_env):
    use_directory(settings, directory_env)
    return directory_env


def test_the_right_password_logs_in_and_creates_the_person_with_names_and_email(client, directory):
    response = log_in(client, "somchai", "somchai-pass")
    assert response.status_code == 302
    assert logged_in_as(client) == "somchai"
    person = get_user_model().objects.get(username="somchai")
    assert (person.first_name, person.last_name, person.email) == ("สมชาย", "ใจดี", "somchai@oae.test")
    assert not person.has_usable_password()  # the password stays in the directory
    assert not person.roles.exists()  # no role groups configured: nothing given


def test_names_and_email_follow_the_directory_at_each_login(client, directory, ldap_directory):
    log_in(client, "malee", "malee-pass")
    ldap_directory.modify(f"uid=malee,{PEOPLE}", [(ldap.MOD_REPLACE, "mail", ["malee.s@oae.test"])])
    try:
        client.logout()
        log_in(client, "malee", "malee-pass")
        assert get_user_model().objects.get(username="malee").email == "malee.s@oae.test"
    finally:
        ldap_directory.modify(f"uid=malee,{PEOPLE}", [(ldap.MOD_REPLACE, "mail", ["malee@oae.test"])])


@pytest.mark.parametrize(("username", "password"), [("somchai", "wrong"), ("nobody", "somchai-pass")])
def test_a_wrong_password_or_unknown_name_is_refused_in_thai_and_counted(client, directory, username, password):
    response = log_in(client, username, password)
    assert response.status_code == 200
    assert logged_in_as(client) is None
    assert WRONG in page(response)
    assert DISABLED not in page(response) and DOWN not in page(response)
    assert not get_user_model().objects.filter(username=username).exists()
    assert AccessAttempt.objects.get(username=username).failures_since_start == 1


def test_directory_failures_lock_the_name_as_local_ones_do(client, directory, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    for _ in range(3):
        log_in(client, "somchai", "wrong")
    response = log_in(client, "somchai", "somchai-pass")
    assert response.status_code == 429
    assert logged_in_as(client) is None


def test_a_member_of_the_disabled_group_is_refused_with_the_right_password(client, directory):
    response = log_in(client, "preecha", "preecha-pass")
    assert logged_in_as(client) is None
    assert DISABLED in page(response)
    assert not get_user_model().objects.filter(username="preecha").exists()
    assert AccessAttempt.objects.get(username="preecha").failures_since_start == 1


def test_a_disabled_person_with_the_wrong_password_learns_nothing_more(client, directory):
    response = log_in(client, "preecha", "wrong")
    assert WRONG in page(response) and DISABLED not in page(response)


def test_active_directorys_disabled_flag_is_refused(client, directory):
    response = log_in(client, "wichai", "wichai-pass")  # userAccountControl 514: ACCOUNTDISABLE
    assert logged_in_as(client) is None
    assert DISABLED in page(response)
    log_in(client, "kanya", "kanya-pass")  # 512: a normal account
    assert logged_in_as(client) == "kanya"


def test_a_person_disabled_in_pramern_is_refused_even_by_the_directory(client, directory):
    get_user_model().objects.create_user("malee", password=PASSWORD, is_active=False)
    response = log_in(client, "malee", "malee-pass")
    assert logged_in_as(client) is None
    assert DISABLED in page(response)
    response = log_in(client, "malee", PASSWORD)  # nor with the local password kept from before
    assert logged_in_as(client) is None


def test_a_local_administrator_is_never_taken_over_by_a_directory_entry_of_the_same_name(client, directory):
    get_user_model().objects.create_superuser("somchai", password=PASSWORD)
    response = log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) is None
    assert WRONG in page(response)
    assert get_user_model().objects.get(username="somchai").first_name == ""  # nothing copied onto it
    log_in(client, "somchai", PASSWORD)
    assert logged_in_as(client) == "somchai"


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


def test_groups_give_office_wide_roles_audited(client, role_groups):
    log_in(client, "somchai", "somchai-pass")
    assert kinds("somchai") == {"evaluator"}
    entry = AuditEntry.objects.get(action="pramern.role.granted_by_directory")
    assert entry.data == {"kind": "evaluator", "group": group_dn("evaluators"), "source": "directory"}
    assert entry.actor is None and entry.actor_name == "system"
    assert (entry.object_type, entry.object_id) == (
        "auth.user",
        str(get_user_model().objects.get(username="somchai").pk),
    )
    somchai = get_user_model().objects.get(username="somchai")
    assert not somchai.is_staff and not somchai.is_superuser


def test_the_administrators_group_gives_the_admin_site_too(client, role_groups):
    log_in(client, "kanya", "kanya-pass")
    assert kinds("kanya") == {"executive", "administrator"}
    kanya = get_user_model().objects.get(username="kanya")
    assert kanya.is_staff and kanya.is_superuser
    assert client.get("/admin/").status_code == 200


def test_leaving_a_group_takes_its_role_away_and_leaves_unit_roles_and_unmapped_ones(
    client, role_groups, ldap_directory
):
    log_in(client, "somchai", "somchai-pass")
    somchai = get_user_model().objects.get(username="somchai")
    unit = Unit.objects.create(code="X1", name_th="สำนักทดสอบ", kind="bureau")
    Role.objects.create(user=somchai, kind="officer", unit=unit)  # set in Pramern
    Role.objects.create(user=somchai, kind="framework_editor")  # no group maps this kind
    evaluators = group_dn("evaluators")
    ldap_directory.modify(evaluators, [(ldap.MOD_DELETE, "member", [f"uid=somchai,{PEOPLE}"])])
    try:
        client.logout()
        log_in(client, "somchai", "somchai-pass")
        assert logged_in_as(client) == "somchai"
        assert kinds("somchai") == {"framework_editor"}
        assert Role.objects.filter(user=somchai, kind="officer", unit=unit).exists()
        removed = AuditEntry.objects.get(action="pramern.role.removed_by_directory")
        assert removed.data["kind"] == "evaluator"
    finally:
        ldap_directory.modify(evaluators, [(ldap.MOD_ADD, "member", [f"uid=somchai,{PEOPLE}"])])


def test_creation_is_refused_unless_allowed_but_known_people_log_in(client, settings, directory_env):
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_CREATE_USERS": "false"})
    response = log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) is None
    assert NO_ACCOUNT in page(response)
    assert not get_user_model().objects.filter(username="somchai").exists()
    imported = get_user_model().objects.create_user("malee")  # e.g. from the people import, no password
    imported.set_unusable_password()
    imported.save()
    log_in(client, "malee", "malee-pass")
    assert logged_in_as(client) == "malee"
    assert get_user_model().objects.get(username="malee").first_name == "มาลี"


def test_creation_is_refused_by_default(settings, directory_env):
    env = {k: v for k, v in directory_env.items() if k != "PRAMERN_LDAP_CREATE_USERS"}
    use_directory(settings, env)
    assert settings.AUTH_LDAP_NO_NEW_USERS is True


def test_directory_down_says_so_in_thai_and_local_accounts_still_log_in(client, settings, directory_env):
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_URL": f"ldap://127.0.0.1:{free_port()}"})
    response = log_in(client, "somchai", "somchai-pass")
    assert response.status_code == 200
    assert logged_in_as(client) is None
    assert DOWN in page(response) and LOCAL_STILL_WORKS in page(response)
    get_user_model().objects.create_user("breakglass", password=PASSWORD)
    log_in(client, "breakglass", PASSWORD)
    assert logged_in_as(client) == "breakglass"


@pytest.mark.slow  # starts a second slapd
def test_a_stopped_directory_is_down_too(client, settings, directory_env, tmp_path):
    (tmp_path / "slapd").mkdir()
    server = ldap_server.LdapServer(tmp_path / "slapd")
    server.start()
    try:
        use_directory(settings, {**directory_env, "PRAMERN_LDAP_URL": server.url})
        log_in(client, "somchai", "somchai-pass")
        assert logged_in_as(client) == "somchai"
        client.logout()
        server.stop()
        response = log_in(client, "somchai", "somchai-pass")
        assert logged_in_as(client) is None
        assert DOWN in page(response)
    finally:
        server.stop()


def test_a_wrong_service_account_password_is_reported_as_the_directory_being_unavailable(
    client, settings, directory_env
):
    use_directory(settings, {**directory_env, "PRAMERN_LDAP_BIND_PASSWORD": "not-it"})
    response = log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) is None
    assert DOWN in page(response)


def test_a_direct_bind_dn_template_logs_in_without_a_service_account(client, settings, ldap_directory):
    env = {
        "PRAMERN_LDAP_URL": ldap_directory.url,
        "PRAMERN_LDAP_USER_DN_TEMPLATE": f"uid=%(user)s,{PEOPLE}",
        "PRAMERN_LDAP_CREATE_USERS": "yes",
    }
    use_directory(settings, env)
    assert WRONG in page(log_in(client, "somchai", "wrong"))
    log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) == "somchai"
    assert get_user_model().objects.get(username="somchai").email == "somchai@oae.test"


def test_starttls_with_the_certificate_authority(client, settings, directory_env, ldap_directory):
    env = {**directory_env, "PRAMERN_LDAP_START_TLS": "true", "PRAMERN_LDAP_CA_FILE": ldap_directory.ca_file}
    use_directory(settings, env)
    log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) == "somchai"


def test_ldaps_with_the_certificate_authority(client, settings, directory_env, ldap_directory):
    env = {
        **directory_env,
        "PRAMERN_LDAP_URL": ldap_directory.ldaps_url,
        "PRAMERN_LDAP_CA_FILE": ldap_directory.ca_file,
    }
    use_directory(settings, env)
    log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) == "somchai"


@pytest.mark.parametrize("start_tls", [True, False])
def test_a_certificate_from_another_authority_is_refused(client, settings, directory_env, ldap_directory, start_tls):
    url = ldap_directory.url if start_tls else ldap_directory.ldaps_url
    env = {
        **directory_env,
        "PRAMERN_LDAP_URL": url,
        "PRAMERN_LDAP_START_TLS": str(start_tls),
        "PRAMERN_LDAP_CA_FILE": ldap_directory.other_ca_file,
    }
    use_directory(settings, env)
    response = log_in(client, "somchai", "somchai-pass")
    assert logged_in_as(client) is None
    assert DOWN in page(response)


def test_the_login_page_names_the_organisation_account_when_the_directory_is_on(client, settings, directory):
    assert page(client.get("/login/")).count("เข้าสู่ระบบด้วยบัญชีหน่วยงาน") == 2  # heading and button
    use_directory(settings, {})
    assert "เข้าสู่ระบบด้วยบัญชีหน่วยงาน" not in page(client.get("/login/"))
