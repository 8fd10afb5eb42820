from __future__ import annotations

from tests.identity.ldap_fixtures import directory_env, ldap_directory  # noqa: F401 (fixtures)
