"""Reading settings from the environment: the helpers of settings.py and of the directory settings
(pramern/accounts/ldapconfig.py). Plain Python, no Django: settings.py imports it.

The rules, the same for every variable:

- A yes/no variable is ``1``, ``true``, ``yes`` or ``on`` for yes and ``0``, ``false``, ``no`` or
  ``off`` for no (any case, spaces around ignored); empty or unset is the default; anything else
  stops the server at start-up with the variable's name (a typo never turns a setting off).
- A secret is ``NAME``, or, kept out of the environment, the content of the file ``NAME_FILE``
  names (a secret mounted by the service manager). The file's whole content counts, without the
  line break(s) at its end (``echo secret > file`` works; spaces and further lines are kept as
  part of the secret). ``NAME_FILE`` wins over ``NAME``; a file that cannot be read stops the
  server at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def env_bool(name: str, default: bool | str, env: Mapping[str, str] | None = None) -> bool:
    """The yes/no variable ``name`` (of ``env``, by default the process environment)."""
    env = os.environ if env is None else env
    value = env.get(name, "").strip().lower()
    if not value:
        return default if isinstance(default, bool) else default.strip().lower() in TRUE
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise RuntimeError(f"{name} must be true or false, not {value!r}")


def env_secret(name: str, env: Mapping[str, str] | None = None) -> str:
    """The secret ``name``, or the content of the file ``name``_FILE (see the module's rules)."""
    env = os.environ if env is None else env
    path = env.get(f"{name}_FILE", "").strip()
    if not path:
        return env.get(name, "")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuntimeError(f"{name}_FILE: cannot read {path} ({exc})") from None


def s3_storage_options(env: Mapping[str, str] | None = None) -> dict[str, object]:
    """django-storages' S3 options from the PRAMERN_S3_* variables (settings.py uses them when
    PRAMERN_S3_BUCKET is set). Objects are private (the bucket's own policy, no ACL sent), never
    overwritten (a second file of the same name gets a new name), and read back by Pramern."""
    from botocore.config import Config  # only with object storage: boto is not loaded otherwise

    env = os.environ if env is None else env
    bucket = env.get("PRAMERN_S3_BUCKET", "").strip()
    if not bucket:
        raise RuntimeError("PRAMERN_S3_BUCKET is not set")
    timeout = env.get("PRAMERN_S3_TIMEOUT", "").strip() or "5"
    if not timeout.isdigit() or int(timeout) < 1:
        raise RuntimeError(f"PRAMERN_S3_TIMEOUT must be a whole number of seconds, not {timeout!r}")
    return {
        "bucket_name": bucket,
        "endpoint_url": env.get("PRAMERN_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": env.get("PRAMERN_S3_REGION", "").strip() or "us-east-1",
        "access_key": env.get("PRAMERN_S3_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": env_secret("PRAMERN_S3_SECRET_ACCESS_KEY", env) or None,
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
        # A bucket that is down fails in seconds with a clear error, not after minutes of retries.
        "client_config": Config(
            connect_timeout=int(timeout),
            read_timeout=int(timeout) * 6,
            retries={"max_attempts": 2, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": env.get("PRAMERN_S3_ADDRESSING_STYLE", "").strip() or "path"},
        ),
    }
