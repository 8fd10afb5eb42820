"""An OpenID Connect provider the tests control: a small HTTP server on 127.0.0.1 serving a
discovery document, a JWKS with the test's own key and a token endpoint that hands back whatever
ID token the test signed, so a token a certified provider would never issue (another audience,
another issuer, no expiry) reaches Pramern's checks unchanged. ``token_callback`` starts a login
and brings such a token to Pramern's callback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from pramern.accounts.models import OIDCLink

KID = "test-key-1"
CLIENT_ID = "pramern"


class TokenProvider:
    """The issuer's answers; ``claims`` is the next ID token's payload (``None`` drops a claim)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.claims: dict[str, Any] = {}

    def id_token(self) -> str:
        payload = {name: value for name, value in self.claims.items() if value is not None}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KID})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/auth",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                        }
                    )
                elif self.path == "/jwks":
                    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]})
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._json({"access_token": "at", "token_type": "Bearer", "id_token": provider.id_token()})

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def token_provider(settings: Any) -> Iterator[TokenProvider]:
    provider = TokenProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    settings.PRAMERN_OIDC_ISSUER = provider.issuer
    settings.PRAMERN_OIDC_CLIENT_ID = CLIENT_ID
    settings.PRAMERN_OIDC_CLIENT_SECRET = "secret"
    settings.PRAMERN_OIDC_NAME = "ThaiD"
    cache.clear()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()
    cache.clear()


@pytest.fixture
def linked(token_provider: TokenProvider) -> Any:
    user = get_user_model().objects.create_user("somchai")
    OIDCLink.objects.create(user=user, issuer=token_provider.issuer, subject="thaid-7f3a9c21")
    return user


def token_callback(client: Client, provider: TokenProvider, next_url: str = "", **changes: Any) -> Any:
    """A login started here whose callback brings an ID token with ``changes`` to its claims."""
    response = client.get("/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    state, started = next(iter(client.session["oidc_states"].items()))
    now = int(time.time())
    provider.claims = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "sub": "thaid-7f3a9c21",
        "iat": now,
        "exp": now + 300,
        "nonce": started["nonce"],
        **changes,
    }
    return client.get(f"/oidc/callback/?code=a-code&state={state}")
