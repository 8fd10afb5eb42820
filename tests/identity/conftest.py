from __future__ import annotations

# OpenID Connect: a real provider (panva's oidc-provider on Node.js) per test session.
from tests.identity.oidc_provider import oidc_provider, oidc_settings  # noqa: F401
