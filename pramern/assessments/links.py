"""Checking that evidence links still answer, and recording the date they last did.

Links are typed by units, so the checker must not become a way to make the server knock on
its own network (server-side request forgery). Every connection, redirects included, goes
only to a public address, resolved once and connected to directly (no second lookup that
DNS could answer differently), unless the address lies in ``PRAMERN_LINK_CHECK_ALLOW``
(comma-separated networks, e.g. an intranet's ``10.20.0.0/16``). Only http and https are
spoken, at every hop: a redirect to ftp:, file: or data: is refused before anything is
opened (urllib itself follows a redirect to ftp: with no address check). Environment
proxies are not used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from pramern.assessments.models import Evidence


@dataclass(frozen=True)
class LinkCheck:
    evidence: Evidence
    ok: bool
    detail: str


class AddressRefused(OSError):
    """A link whose host resolves to an address the checker may not contact."""


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64, compatible), if any: it is
    where a translator would really connect."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in NAT64 or (int(ip) >> 32 == 0 and int(ip) > 0xFFFF):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in ipaddress.ip_network(net, strict=False) for net in settings.LINK_CHECK_ALLOW):
        return True
    embedded = _embedded_ipv4(ip)
    if embedded is not None and not _allowed(str(embedded)):
        return False
    return ip.is_global and not ip.is_multicast


def _connect_checked(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
    """``socket.create_connection`` that resolves ``host`` once, refuses it if any of its
    addresses may not be contacted, and then connects to those addresses only (in turn, as
    ``create_connection`` does), never to a second lookup's answer."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    refused = [info for info in infos if not _allowed(str(info[4][0]))]
    if refused:
        raise AddressRefused(f"{host} is not a public address ({refused[0][4][0]}); not checked")
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"{host}: no address to connect to")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked  # http.client sets socket.create_connection here


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_CheckedHTTPSConnection, req)


SCHEMES = ("http", "https")


class _HTTPOnlyRedirectHandler(urllib.request.HTTPRedirectHandler):
    def http_error_302(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri") or ""
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, location.strip())).scheme.lower()
        if scheme not in SCHEMES:
            fp.close()
            raise urllib.error.URLError(f"redirect to {scheme}: refused (only http and https are checked)")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener() -> urllib.request.OpenerDirector:
    """An opener that knows http and https only (no ftp:, file: or data: handler at all), through
    the checked connections, and follows redirects only to those two schemes."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),  # any other scheme: "unknown url type"
        _CheckedHTTPHandler(),
        _CheckedHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _HTTPOnlyRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_link(evidence: Evidence, *, timeout: float = 10.0) -> LinkCheck:
    """Ask the link's server (HEAD, then GET if HEAD is refused); on success, date the check."""
    opener = _opener()
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(evidence.url, method=method, headers={"User-Agent": "Pramern link check"})  # noqa: S310
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return LinkCheck(evidence, False, f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return LinkCheck(evidence, False, str(getattr(exc, "reason", exc)))
        if status < 400:
            evidence.link_checked_on = timezone.localdate()
            evidence.save(update_fields=["link_checked_on"])  # a save: pages showing the link are renewed
            return LinkCheck(evidence, True, f"HTTP {status}")
        return LinkCheck(evidence, False, f"HTTP {status}")
    return LinkCheck(evidence, False, "no answer")
