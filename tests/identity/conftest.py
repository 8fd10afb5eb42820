from __future__ import annotations

from tests.identity.ldap_fixtures import directory_env, ldap_directory  # noqa: F401 (fixtures)
from tests.identity.oidc_provider import oidc_provider, oidc_settings  # noqa: F401 (fixtures: a real OpenID Connect provider)
from tests.identity.token_provider import linked, token_provider  # noqa: F401 (fixtures: a provider the test controls)
