"""A device in plain words from its User-Agent: "Chrome on Windows", "Safari on iPhone".

A small reader of the few browsers and systems Thai government offices use, not a full parser:
the page only has to let a person recognise their own devices. Order matters: Edge, Opera and
Samsung Internet also say "Chrome", Chrome also says "Safari", and every Android says "Linux".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

#: (pattern, name): the first match names the browser.
BROWSERS: tuple[tuple[str, str], ...] = (
    (r"\bEdg(e|A|iOS)?/", "Edge"),
    (r"\b(OPR|Opera)/", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bLine/", "LINE"),
    (r"\b(Firefox|FxiOS)/", "Firefox"),
    (r"\b(Chrome|HeadlessChrome|CriOS|Chromium)/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\b(MSIE |Trident/)", "Internet Explorer"),
)

#: (pattern, name): the first match names the operating system.
SYSTEMS: tuple[tuple[str, str], ...] = (
    (r"\biPhone\b", "iPhone"),
    (r"\biPad\b", "iPad"),
    (r"\bAndroid\b", "Android"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bWindows\b", "Windows"),
    (r"\bMac OS X\b|\bMacintosh\b", "macOS"),
    (r"\bLinux\b", "Linux"),
)


def browser_of(user_agent: str) -> str:
    """The browser's name, or "" when the User-Agent names none we know."""
    return _first(BROWSERS, user_agent)


def system_of(user_agent: str) -> str:
    """The operating system's (or device's) name, or "" when unknown."""
    return _first(SYSTEMS, user_agent)


def describe(user_agent: str) -> str:
    """``"Chrome on Windows"`` in the active language; what is not recognised is said so."""
    browser, system = browser_of(user_agent), system_of(user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system
    return _("An unknown browser")


def _first(patterns: tuple[tuple[str, str], ...], user_agent: str) -> str:
    for pattern, name in patterns:
        if re.search(pattern, user_agent or ""):
            return name
    return ""
