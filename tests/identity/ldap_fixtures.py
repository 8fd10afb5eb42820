"""The directory login tests' fixtures: a real slapd per test process, and settings for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.identity import ldap_server
from tests.identity.ldap_server import LdapServer


@pytest.fixture(scope="session")
def ldap_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapServer]:
    """A real OpenLDAP slapd for this test process (each pytest-xdist worker starts its own, on
    its own free ports), seeded with people and groups; stopped when the session ends."""
    if not ldap_server.available():
        pytest.skip(ldap_server.INSTALL_HINT)
    server = LdapServer(tmp_path_factory.mktemp("slapd"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def directory_env(ldap_directory: LdapServer) -> dict[str, Any]:
    """PRAMERN_LDAP_* for the test directory: a user search with a service account, the
    disabled group, and creation of people on first login allowed."""
    return {
        "PRAMERN_LDAP_URL": ldap_directory.url,
        "PRAMERN_LDAP_BIND_DN": ldap_server.READER_DN,
        "PRAMERN_LDAP_BIND_PASSWORD": ldap_server.READER_PASSWORD,
        "PRAMERN_LDAP_USER_SEARCH_BASE": ldap_server.PEOPLE,
        "PRAMERN_LDAP_USER_SEARCH_FILTER": "(uid=%(user)s)",
        "PRAMERN_LDAP_GROUP_SEARCH_BASE": ldap_server.GROUPS,
        "PRAMERN_LDAP_DISABLED_GROUP": ldap_server.group_dn("disabled"),
        "PRAMERN_LDAP_CREATE_USERS": "true",
        "PRAMERN_LDAP_TIMEOUT": "3",
    }
