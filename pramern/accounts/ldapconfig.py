"""Directory login (LDAP / Active Directory) configured from the environment.

``directory_settings(environ)`` turns the ``PRAMERN_LDAP_*`` variables into django-auth-ldap's
``AUTH_LDAP_*`` settings and Pramern's own; directory login is off (``DIRECTORY_LOGIN = False``)
unless ``PRAMERN_LDAP_URL`` is set. Safe to import from settings.py: no Django model, no app
registry (django-auth-ldap's ``config`` module is made for settings files). docs/identity.md
lists every variable with examples for Active Directory and OpenLDAP.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ldap
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    NestedActiveDirectoryGroupType,
    NestedGroupOfNamesType,
    PosixGroupType,
)

from pramern.envsettings import env_bool, env_secret

#: PRAMERN_LDAP_GROUP_TYPE: how a group names its members, and the default group search filter.
GROUP_TYPES: dict[str, tuple[Any, str]] = {
    "groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),  # OpenLDAP: member: <person's DN>
    "nestedGroupOfNames": (NestedGroupOfNamesType, "(objectClass=groupOfNames)"),  # groups within groups count
    "groupOfUniqueNames": (GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (PosixGroupType, "(objectClass=posixGroup)"),  # memberUid: <user name>
    "activeDirectory": (ActiveDirectoryGroupType, "(objectClass=group)"),  # AD: member: <person's DN>
    "nestedActiveDirectory": (NestedActiveDirectoryGroupType, "(objectClass=group)"),  # AD, nested groups count
}

#: Office-wide role kinds a directory group may give (pramern.organizations.models.Role.Kind);
#: each from PRAMERN_LDAP_<KIND>_GROUP. Unit roles (officer, director) stay set in Pramern.
ROLE_KINDS = ("evaluator", "executive", "administrator", "framework_editor")


def _text(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, "").strip() or default


def directory_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings for directory login from ``env``; raises RuntimeError naming the variable
    that is wrong, so a misconfigured server refuses to start rather than refusing every login."""
    url = _text(env, "PRAMERN_LDAP_URL")
    if not url:
        return {"DIRECTORY_LOGIN": False, "PRAMERN_LDAP_ROLE_GROUPS": {}}
    if not all(part.startswith(("ldap://", "ldaps://")) for part in url.split()):
        raise RuntimeError(f"PRAMERN_LDAP_URL must start with ldap:// or ldaps://, not {url!r}")
    start_tls = env_bool("PRAMERN_LDAP_START_TLS", False, env)
    if start_tls and url.startswith("ldaps://"):
        raise RuntimeError("PRAMERN_LDAP_START_TLS is for ldap:// URLs; ldaps:// is encrypted already")
    try:
        timeout = int(_text(env, "PRAMERN_LDAP_TIMEOUT", "5"))
    except ValueError:
        raise RuntimeError("PRAMERN_LDAP_TIMEOUT must be a whole number of seconds") from None
    options: dict[int, Any] = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,  # a directory that does not answer is "down", not a hang
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would be followed anonymously
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,  # the server's certificate is always checked
    }
    ca_file = _text(env, "PRAMERN_LDAP_CA_FILE")
    if ca_file:
        if not Path(ca_file).is_file():
            raise RuntimeError(f"PRAMERN_LDAP_CA_FILE: no such file {ca_file!r}")
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above to this connection

    result: dict[str, Any] = {
        "DIRECTORY_LOGIN": True,
        "AUTH_LDAP_SERVER_URI": url,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_BIND_DN": _text(env, "PRAMERN_LDAP_BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": env_secret("PRAMERN_LDAP_BIND_PASSWORD", env),
        # Without a service account, the person's own bind reads their entry and groups.
        "AUTH_LDAP_BIND_AS_AUTHENTICATING_USER": not _text(env, "PRAMERN_LDAP_BIND_DN"),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": _text(env, "PRAMERN_LDAP_FIRST_NAME_ATTRIBUTE", "givenName"),
            "last_name": _text(env, "PRAMERN_LDAP_LAST_NAME_ATTRIBUTE", "sn"),
            "email": _text(env, "PRAMERN_LDAP_EMAIL_ATTRIBUTE", "mail"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,  # names and e-mail follow the directory at every login
        "AUTH_LDAP_NO_NEW_USERS": not env_bool("PRAMERN_LDAP_CREATE_USERS", False, env),
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # a moved or disabled person is seen at their next login
    }

    template = _text(env, "PRAMERN_LDAP_USER_DN_TEMPLATE")
    search_base = _text(env, "PRAMERN_LDAP_USER_SEARCH_BASE")
    if bool(template) == bool(search_base):
        raise RuntimeError(
            "Set one of PRAMERN_LDAP_USER_SEARCH_BASE (search) or PRAMERN_LDAP_USER_DN_TEMPLATE (direct bind)"
        )
    if template:
        if "%(user)s" not in template:
            raise RuntimeError("PRAMERN_LDAP_USER_DN_TEMPLATE must contain %(user)s")
        result["AUTH_LDAP_USER_DN_TEMPLATE"] = template
    else:
        user_filter = _text(env, "PRAMERN_LDAP_USER_SEARCH_FILTER", "(uid=%(user)s)")
        if "%(user)s" not in user_filter:
            raise RuntimeError("PRAMERN_LDAP_USER_SEARCH_FILTER must contain %(user)s")
        result["AUTH_LDAP_USER_SEARCH"] = LDAPSearch(search_base, ldap.SCOPE_SUBTREE, user_filter)

    group_type_name = _text(env, "PRAMERN_LDAP_GROUP_TYPE", "groupOfNames")
    if group_type_name not in GROUP_TYPES:
        raise RuntimeError(f"PRAMERN_LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}, not {group_type_name!r}")
    roles = {kind: dn for kind in ROLE_KINDS if (dn := _text(env, f"PRAMERN_LDAP_{kind.upper()}_GROUP"))}
    disabled_group = _text(env, "PRAMERN_LDAP_DISABLED_GROUP")
    group_base = _text(env, "PRAMERN_LDAP_GROUP_SEARCH_BASE")
    if (roles or disabled_group) and not group_base:
        raise RuntimeError("PRAMERN_LDAP_GROUP_SEARCH_BASE is needed by the role and disabled groups")
    if group_base:
        group_type, default_filter = GROUP_TYPES[group_type_name]
        group_filter = _text(env, "PRAMERN_LDAP_GROUP_SEARCH_FILTER", default_filter)
        result["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(group_base, ldap.SCOPE_SUBTREE, group_filter)
        result["AUTH_LDAP_GROUP_TYPE"] = group_type()
    if disabled_group:
        result["AUTH_LDAP_DENY_GROUP"] = disabled_group
    result["PRAMERN_LDAP_ROLE_GROUPS"] = roles
    return result
