"""Checking that evidence links still answer, and recording the date they last did."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from django.utils import timezone

from pramern.assessments.models import Evidence


@dataclass(frozen=True)
class LinkCheck:
    evidence: Evidence
    ok: bool
    detail: str


def check_link(evidence: Evidence, *, timeout: float = 10.0) -> LinkCheck:
    """Ask the link's server (HEAD, then GET if HEAD is refused); on success, date the check."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(evidence.url, method=method, headers={"User-Agent": "Pramern link check"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked on save
                status = response.status
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return LinkCheck(evidence, False, f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return LinkCheck(evidence, False, str(getattr(exc, "reason", exc)))
        if status < 400:
            Evidence.objects.filter(pk=evidence.pk).update(link_checked_on=timezone.localdate())
            return LinkCheck(evidence, True, f"HTTP {status}")
        return LinkCheck(evidence, False, f"HTTP {status}")
    return LinkCheck(evidence, False, "no answer")
