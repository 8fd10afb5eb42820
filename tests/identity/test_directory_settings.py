"""PRAMERN_LDAP_* read from the environment: off by default, every mistake named at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ldap
import pytest
from django_auth_ldap.config import ActiveDirectoryGroupType, GroupOfNamesType

from pramern.accounts.directory import Outcome, is_disabled, refused_bind
from pramern.accounts.ldapconfig import directory_settings
from tests.conftest import ROOT

pytestmark = pytest.mark.identity

SEARCH = {
    "PRAMERN_LDAP_URL": "ldaps://dc1.oae.go.th",
    "PRAMERN_LDAP_USER_SEARCH_BASE": "OU=Staff,DC=oae,DC=go,DC=th",
}


def test_directory_login_is_off_without_a_url():
    assert directory_settings({})["DIRECTORY_LOGIN"] is False
    assert "AUTH_LDAP_SERVER_URI" not in directory_settings({"PRAMERN_LDAP_BIND_DN": "cn=x"})


def test_an_active_directory_configuration():
    env = {
        **SEARCH,
        "PRAMERN_LDAP_USER_SEARCH_FILTER": "(sAMAccountName=%(user)s)",
        "PRAMERN_LDAP_BIND_DN": "CN=pramern-svc,OU=Service,DC=oae,DC=go,DC=th",
        "PRAMERN_LDAP_BIND_PASSWORD": "s3cret",
        "PRAMERN_LDAP_GROUP_SEARCH_BASE": "OU=Groups,DC=oae,DC=go,DC=th",
        "PRAMERN_LDAP_GROUP_TYPE": "activeDirectory",
        "PRAMERN_LDAP_EVALUATOR_GROUP": "CN=Pramern Evaluators,OU=Groups,DC=oae,DC=go,DC=th",
    }
    config = directory_settings(env)
    assert config["DIRECTORY_LOGIN"] is True
    assert config["AUTH_LDAP_SERVER_URI"] == "ldaps://dc1.oae.go.th"
    assert config["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"
    assert isinstance(config["AUTH_LDAP_GROUP_TYPE"], ActiveDirectoryGroupType)
    assert config["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=group)"
    assert config["PRAMERN_LDAP_ROLE_GROUPS"] == {"evaluator": env["PRAMERN_LDAP_EVALUATOR_GROUP"]}
    assert config["AUTH_LDAP_NO_NEW_USERS"] is True  # people are created only when allowed
    assert config["AUTH_LDAP_BIND_AS_AUTHENTICATING_USER"] is False
    options = config["AUTH_LDAP_CONNECTION_OPTIONS"]
    assert options[ldap.OPT_REFERRALS] == 0
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX  # applies the TLS options before it


def test_the_service_password_may_come_from_a_file(tmp_path):
    secret = tmp_path / "ldap-password"
    secret.write_text("from-the-file\n")
    env = {**SEARCH, "PRAMERN_LDAP_BIND_PASSWORD": "ignored", "PRAMERN_LDAP_BIND_PASSWORD_FILE": str(secret)}
    assert directory_settings(env)["AUTH_LDAP_BIND_PASSWORD"] == "from-the-file"
    secret.write_text(" two words \nsecond line\n")  # pramern/envsettings.py's rule: all but the end's line break
    assert directory_settings(env)["AUTH_LDAP_BIND_PASSWORD"] == " two words \nsecond line"
    with pytest.raises(RuntimeError, match="PRAMERN_LDAP_BIND_PASSWORD_FILE"):
        directory_settings({**env, "PRAMERN_LDAP_BIND_PASSWORD_FILE": str(tmp_path / "missing")})


def test_groups_default_to_group_of_names():
    config = directory_settings({**SEARCH, "PRAMERN_LDAP_GROUP_SEARCH_BASE": "ou=groups,dc=oae"})
    assert isinstance(config["AUTH_LDAP_GROUP_TYPE"], GroupOfNamesType)
    assert config["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=groupOfNames)"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PRAMERN_LDAP_URL": "dc1.oae.go.th"}, "PRAMERN_LDAP_URL"),
        ({"PRAMERN_LDAP_START_TLS": "true"}, "PRAMERN_LDAP_START_TLS"),  # with ldaps://
        ({"PRAMERN_LDAP_START_TLS": "maybe"}, "PRAMERN_LDAP_START_TLS"),
        ({"PRAMERN_LDAP_USER_SEARCH_BASE": ""}, "PRAMERN_LDAP_USER_DN_TEMPLATE"),
        ({"PRAMERN_LDAP_USER_DN_TEMPLATE": "uid=%(user)s,ou=people"}, "PRAMERN_LDAP_USER_SEARCH_BASE"),
        ({"PRAMERN_LDAP_USER_SEARCH_FILTER": "(uid=somchai)"}, "PRAMERN_LDAP_USER_SEARCH_FILTER"),
        ({"PRAMERN_LDAP_CA_FILE": "/nonexistent/ca.pem"}, "PRAMERN_LDAP_CA_FILE"),
        ({"PRAMERN_LDAP_GROUP_TYPE": "groups"}, "PRAMERN_LDAP_GROUP_TYPE"),
        ({"PRAMERN_LDAP_EVALUATOR_GROUP": "cn=evaluators"}, "PRAMERN_LDAP_GROUP_SEARCH_BASE"),
        ({"PRAMERN_LDAP_TIMEOUT": "soon"}, "PRAMERN_LDAP_TIMEOUT"),
    ],
)
def test_a_mistake_is_named_at_start_up(change, named):
    with pytest.raises(RuntimeError, match=named):
        directory_settings({**SEARCH, **change})


@pytest.mark.slow
def test_settings_put_the_directory_after_axes_and_before_local_accounts():
    code = "from django.conf import settings; import json; print(json.dumps(settings.AUTHENTICATION_BACKENDS))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pramern.settings", **SEARCH}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [
        "axes.backends.AxesStandaloneBackend",
        "pramern.accounts.directory.DirectoryBackend",
        "pramern.accounts.backends.LocalAccountBackend",  # ModelBackend, not for directory accounts
        "pramern.accounts.oidc.OIDCBackend",  # issue 12 (OpenID Connect): never takes a password
    ]


# Active Directory's own diagnostic texts (no Active Directory runs here; OpenLDAP's refusals are
# tested against slapd in test_directory_login.py).
AD_REFUSAL = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data {}, v4563\x00"


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("52e", Outcome.BAD_CREDENTIALS),
        ("525", Outcome.BAD_CREDENTIALS),  # no such user
        ("533", Outcome.DISABLED),
        ("701", Outcome.DISABLED),  # account expired
        ("775", Outcome.DISABLED),  # locked out
        ("532", Outcome.EXPIRED),
        ("773", Outcome.EXPIRED),  # must change at next logon
    ],
)
def test_active_directorys_refusals_are_told_apart(code, outcome):
    assert refused_bind(AD_REFUSAL.format(code)) == outcome


def test_openldaps_refusal_is_a_wrong_password():
    assert refused_bind("") == Outcome.BAD_CREDENTIALS


@pytest.mark.parametrize(
    ("values", "disabled"), [([], False), (["512"], False), (["514"], True), (["66050"], True), (["x"], True)]
)
def test_active_directorys_account_flag(values, disabled):
    assert is_disabled({"userAccountControl": values}) is disabled
