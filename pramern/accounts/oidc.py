"""OpenID Connect login (ThaiD, Entra ID, Keycloak) through mozilla-django-oidc.

The library makes the authorization request (state, nonce, PKCE S256), exchanges the code and
checks the ID token's RS256 signature against the provider's JWKS. Pramern adds: the endpoints
read from the issuer's discovery document (cached), the ID token's issuer and audience checked
too, people found by their (issuer, subject) link or, at a first login, by a pre-registered
citizen ID's keyed hash (ThaiD's ``pid``, never kept in clear), an explicit policy for unknown
people, a clear error for each failure, audit entries, and logout at the provider."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from requests.exceptions import HTTPError, RequestException

from pramern.accounts import citizen_id
from pramern.accounts.models import CITIZEN_ID_SUBJECT, CitizenID, OIDCLink
from pramern.audit.services import log_action
from pramern.errors import UserError
from pramern.organizations.models import Role

logger = logging.getLogger(__name__)

BACKEND = "pramern.accounts.oidc.OIDCBackend"
#: The session remembers the provider a person logged in through, to log them out there too.
SESSION_ISSUER = "pramern_oidc_issuer"
#: Session data: the login's ``amr`` and ``acr`` claims from the ID token (two-factor's trust).
SESSION_MFA = "pramern_oidc_mfa"
#: Seconds of clock difference tolerated between Pramern and the provider on an ID token's times.
LEEWAY = 60
#: Roles whose holders are never matched by e-mail address at a first login (S5).
OFFICE_WIDE_ROLES = (
    Role.Kind.EVALUATOR,
    Role.Kind.ADMINISTRATOR,
    Role.Kind.EXECUTIVE,
    Role.Kind.FRAMEWORK_EDITOR,
)


class LoginError(UserError):
    """An OpenID Connect login refused; ``reason`` says why in one word (for the log and tests)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class AwaitingApproval(Exception):
    """The person's account was made by an earlier login and waits for an administrator."""


def enabled() -> bool:
    return bool(settings.PRAMERN_OIDC_ISSUER)


def _unreachable() -> LoginError:
    return LoginError(
        "unreachable",
        _("%(provider)s cannot be reached at the moment. Try again in a few minutes, or log in with your password.")
        % {"provider": settings.PRAMERN_OIDC_NAME},
    )


def provider_metadata() -> dict[str, Any]:
    """The issuer's discovery document (/.well-known/openid-configuration), fetched once per
    PRAMERN_OIDC_DISCOVERY_SECONDS; raises LoginError("unreachable") when it cannot be had."""
    issuer = settings.PRAMERN_OIDC_ISSUER.rstrip("/")
    key = f"pramern.oidc.discovery:{issuer}"
    metadata: dict[str, Any] | None = cache.get(key)
    if metadata is not None:
        return metadata
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.PRAMERN_OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (RequestException, ValueError) as exc:
        logger.warning("OpenID Connect discovery at %s failed: %s", issuer, exc)
        raise _unreachable() from exc
    assert metadata is not None
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    missing = [name for name in required if not metadata.get(name)]
    if missing or str(metadata["issuer"]).rstrip("/") != issuer:
        # A document for another issuer (or none) is a mistake in PRAMERN_OIDC_ISSUER, or an attack.
        logger.error("OpenID Connect discovery at %s: issuer %r, missing %s", issuer, metadata.get("issuer"), missing)
        raise _unreachable()
    cache.set(key, metadata, settings.PRAMERN_OIDC_DISCOVERY_SECONDS)
    return metadata


_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def library_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's ``OIDC_*`` settings, made from Pramern's PRAMERN_OIDC_* settings and
    the issuer's metadata: the choices that keep a login safe (PKCE S256, a nonce, RS256, no
    tokens kept in the session, where an ID token may carry a citizen ID) are not settings."""
    fixed: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": settings.PRAMERN_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.PRAMERN_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.PRAMERN_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.PRAMERN_OIDC_TIMEOUT,
        "OIDC_PROXY": None,
        "OIDC_TOKEN_USE_BASIC_AUTH": settings.PRAMERN_OIDC_TOKEN_AUTH == "client_secret_basic",  # noqa: S105
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_CREATE_USER": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
    }
    if name in fixed:
        return fixed[name]
    if name in _ENDPOINTS:
        return provider_metadata().get(_ENDPOINTS[name])
    return import_from_settings(name, *default)


class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Authenticates only an OpenID Connect callback (never a user name and password), and keeps
    the sessions it began: ``get_user`` refuses inactive people, as Django's ModelBackend does."""

    get_settings = staticmethod(library_setting)
    get_user = ModelBackend.get_user
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes a backend for every request it reads a session in: the provider's
        # endpoints are read when a login needs them, not here.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # the library's attribute names, read when a login needs them
        return str(library_setting("OIDC_OP_TOKEN_ENDPOINT"))

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        return library_setting("OIDC_OP_USER_ENDPOINT")  # type: ignore[no-any-return]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return str(library_setting("OIDC_OP_JWKS_ENDPOINT"))

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return str(settings.PRAMERN_OIDC_CLIENT_ID)

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return str(settings.PRAMERN_OIDC_CLIENT_SECRET)

    def authenticate(
        self,
        request: HttpRequest | None,
        nonce: str | None = None,
        code_verifier: str | None = None,
        **credentials: Any,
    ) -> Any:
        if credentials or request is None or not nonce or not code_verifier or not enabled():
            return None  # a password login, or not a callback Pramern started
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The library checks the signature and expiry; the issuer and audience are checked too."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_metadata()["issuer"],
                leeway=LEEWAY,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = dict(payload)
        amr = payload.get("amr")
        self.login_mfa = {
            "amr": [str(v) for v in amr] if isinstance(amr, list) else [],
            "acr": str(payload.get("acr") or ""),
        }
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("the userinfo answer is about another subject than the ID token")
            claims.update({name: value for name, value in userinfo.items() if name not in ("iss", "aud")})
        return person_for_claims(claims)


def _subject(sub: str) -> str:
    """What is kept of a subject: as given, unless it is a citizen ID (a provider may use one as
    the subject), which is kept as its keyed hash like any other."""
    candidate = citizen_id.normalised(sub)
    if citizen_id.is_valid(candidate):
        if not citizen_id.hashing_configured():
            message = _("Logging in this way is not set up completely. Tell the administrator.")
            raise LoginError("misconfigured", message)
        return CITIZEN_ID_SUBJECT + citizen_id.pid_hash(candidate)
    return sub


def _names(claims: dict[str, Any]) -> dict[str, str]:
    """The person's names and e-mail address from the claims (what the provider gave only)."""
    first, last = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
    if not (first or last) and claims.get("name"):
        first, _sep, last = str(claims["name"]).strip().partition(" ")
    found = {"first_name": first.strip()[:150], "last_name": last.strip()[:150]}
    if claims.get("email"):
        found["email"] = str(claims["email"]).strip()[:254]
    return {field: value for field, value in found.items() if value}


def _matching_account(issuer: str, claims: dict[str, Any]) -> tuple[Any, str]:
    """The existing account a first login belongs to, and how it was found; (None, "") if none."""
    claim = settings.PRAMERN_OIDC_PID_CLAIM
    if claim and claims.get(claim):
        pid = citizen_id.normalised(str(claims[claim]))
        if not citizen_id.hashing_configured():
            logger.warning("a %s claim was not matched: PRAMERN_PID_HASH_KEY is not set", claim)
        elif citizen_id.is_valid(pid):
            registered = CitizenID.objects.select_related("user").filter(pid_hash=citizen_id.pid_hash(pid)).first()
            if registered is not None:
                return registered.user, "citizen_id"
    email = str(claims.get("email") or "")
    if settings.PRAMERN_OIDC_MATCH_EMAIL and email and claims.get("email_verified") is True:
        users = list(
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True)
            .exclude(oidc_links__issuer=issuer)  # already someone else's at this provider
            # An e-mail address at the provider proves too little for an account with power
            # across the office: those are linked by an administrator, or by citizen ID.
            .exclude(is_staff=True)
            .exclude(is_superuser=True)
            .exclude(roles__kind__in=OFFICE_WIDE_ROLES)
            .order_by("pk")[:2]
        )
        if len(users) == 1:
            return users[0], "email"
    return None, ""


def _new_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or "").split("@")[0]
    wanted = re.sub(r"[^\w.+-]", "", wanted)[:100] or "oidc"
    users = get_user_model().objects
    name = wanted
    while users.filter(username__iexact=name).exists():
        name = f"{wanted}-{secrets.token_hex(3)}"
    return name


@transaction.atomic
def person_for_claims(claims: dict[str, Any]) -> Any:
    """The account of the person the (verified) claims describe: by their link to this provider,
    else, at a first login, by a registered citizen ID or (if allowed) a verified e-mail, linked
    now; else, under the "pending" policy, a new inactive account without roles. Their names and
    e-mail are brought up to date from the claims. Raises LoginError for an unknown person under
    the "refuse" policy. A citizen ID in the claims is never kept, logged or audited."""
    issuer, subject = str(claims["iss"]), _subject(str(claims["sub"]))
    link = OIDCLink.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is None:
        user, matched_by = _matching_account(issuer, claims)
        if user is not None:
            link = OIDCLink.objects.create(user=user, issuer=issuer, subject=subject)
            log_action("pramern.oidc.linked", user, data={"issuer": issuer, "matched_by": matched_by})
        elif settings.PRAMERN_OIDC_UNKNOWN_PEOPLE == "pending":
            user = get_user_model().objects.create_user(_new_username(claims), is_active=False, **_names(claims))
            link = OIDCLink.objects.create(user=user, issuer=issuer, subject=subject, created_pending=True)
            log_action("pramern.oidc.pending", user, data={"issuer": issuer})
        else:
            logger.warning("OpenID Connect login refused: nobody in Pramern matches a subject of %s", issuer)
            raise LoginError(
                "unknown",
                _(
                    "%(provider)s confirmed who you are, but you have no account in Pramern. Ask the "
                    "administrator to register you, then log in again."
                )
                % {"provider": settings.PRAMERN_OIDC_NAME},
            )
    user = link.user
    changed = [field for field, value in _names(claims).items() if getattr(user, field) != value]
    if changed and user.is_active:
        for field in changed:
            setattr(user, field, _names(claims)[field])
        user.save(update_fields=changed)
        log_action("pramern.oidc.profile_updated", user, data={"issuer": issuer, "fields": changed})
    return user


def _refused(reason: str) -> LoginError:
    name = settings.PRAMERN_OIDC_NAME
    messages = {
        "state": _(
            "This login had expired or did not start from this browser, so it was stopped. Press the "
            "%(provider)s button again."
        ),
        "code": _(
            "The login code from %(provider)s has expired or was already used. Press the %(provider)s button again."
        ),
        "unverified": _(
            "The answer from %(provider)s could not be verified, so you were not logged in. Try again; "
            "if it happens again, tell the administrator."
        ),
        "disabled": _("Your account is disabled. Ask the administrator if you still need to log in."),
    }
    return LoginError(reason, messages[reason] % {"provider": name})


def _http_refusal(response: requests.Response | None) -> LoginError:
    """A refusal by the token (or key) endpoint: a spent or expired code is the person's to retry;
    a refused client (a wrong secret) is the administrator's to mend; a failing server, unreachable."""
    status = response.status_code if response is not None else 0
    if status >= 500 or status == 0:
        return _unreachable()
    try:
        error = response.json().get("error") if response is not None else None
    except ValueError:
        error = None
    if error == "invalid_grant":
        return _refused("code")
    return LoginError("misconfigured", _("Logging in this way is not set up completely. Tell the administrator."))


def complete_login(request: HttpRequest) -> str:
    """Finish a login at the callback: the state checked and used up, the code exchanged (with
    the PKCE verifier), the ID token verified (signature, nonce, issuer, audience), the person
    found and logged in; returns where to go next. Raises LoginError, or AwaitingApproval."""
    states: dict[str, Any] = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    started = states.pop(state, None) if state else None
    if started is not None:
        request.session["oidc_states"] = states  # used up, even if what follows fails
    if request.GET.get("error"):
        error, description = request.GET["error"], request.GET.get("error_description")
        logger.warning("OpenID Connect provider answered %s: %s", error, description)
        raise LoginError(
            "provider",
            _("%(provider)s did not log you in. Try again, or log in with your password.")
            % {"provider": settings.PRAMERN_OIDC_NAME},
        )
    if started is None:
        raise _refused("state")
    if not request.GET.get("code"):
        raise _refused("code")
    try:
        backend = OIDCBackend()
        user = backend.authenticate(request, nonce=started["nonce"], code_verifier=started["code_verifier"])
    except HTTPError as exc:
        logger.warning("OpenID Connect token or key request failed: %s", exc)
        raise _http_refusal(exc.response) from exc
    except RequestException as exc:
        logger.warning("OpenID Connect provider unreachable: %s", exc)
        raise _unreachable() from exc
    except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as exc:
        logger.warning("OpenID Connect answer refused: %s", exc)
        raise _refused("unverified") from exc
    if user is None:
        raise _refused("unverified")
    if not user.is_active:
        if user.last_login is None and OIDCLink.objects.filter(user=user, created_pending=True).exists():
            raise AwaitingApproval()
        raise _refused("disabled")
    issuer = provider_metadata()["issuer"]
    next_url = request.session.pop("oidc_login_next", None)  # this attempt's only
    auth.login(request, user, backend=BACKEND)
    request.session[SESSION_ISSUER] = issuer
    request.session[SESSION_MFA] = getattr(backend, "login_mfa", {"amr": [], "acr": ""})
    OIDCLink.objects.filter(user=user, issuer=issuer).update(last_login_at=timezone.now())
    log_action("pramern.oidc.login", user, actor=user, data={"issuer": issuer})
    return str(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def end_session_url(request: HttpRequest) -> str | None:
    """Where the browser goes after the local logout to end its session at the provider too
    (RP-initiated logout, by client_id: no ID token is kept), or None when there is no such page."""
    if not enabled() or not request.session.get(SESSION_ISSUER):
        return None
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except LoginError:
        return None  # logged out here; the provider's session ends by itself
    if not endpoint:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode({"client_id": settings.PRAMERN_OIDC_CLIENT_ID, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
