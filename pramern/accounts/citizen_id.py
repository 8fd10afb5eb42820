"""Thai citizen IDs (ThaiD's ``pid`` claim): checked, then kept only as a keyed hash.

A 13-digit ID has about 10^12 possible values, so a plain hash would be reversed by trying them
all; the hash is an HMAC-SHA256 under PRAMERN_PID_HASH_KEY, a key kept apart from the database."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_SEPARATORS = re.compile(r"[\s-]")


def normalised(text: str) -> str:
    """The ID as 13 digits: spaces and dashes (1-2345-67890-12-3) dropped, Thai digits read."""
    text = _SEPARATORS.sub("", text)
    return text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))


def is_valid(pid: str) -> bool:
    """True when ``pid`` (normalised) is 13 digits whose last is the check digit of the others."""
    if not re.fullmatch(r"[0-9]{13}", pid):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(pid[:12], range(13, 1, -1), strict=True))
    return (11 - total % 11) % 10 == int(pid[12])


def hashing_configured() -> bool:
    return bool(settings.PRAMERN_PID_HASH_KEY)


def pid_hash(pid: str) -> str:
    """The hex HMAC-SHA256 of a valid ID under PRAMERN_PID_HASH_KEY; refuses without a key."""
    key = settings.PRAMERN_PID_HASH_KEY
    if not key:
        raise RuntimeError("PRAMERN_PID_HASH_KEY is not set: citizen IDs cannot be kept or matched")
    return hmac.new(key.encode(), b"pramern-pid:" + pid.encode(), hashlib.sha256).hexdigest()
