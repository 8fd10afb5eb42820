"""The request id on every request, and the load balancer's two probes answered before anything
else runs (no HTTPS redirect, no host check, no session, no log-in, no two-factor)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, JsonResponse

from pramern.operations import health, requestid

#: The probes, by path (docs/operations.md). Answered here, so not in urls.py.
HEALTH = "/healthz"
READY = "/readyz"


class RequestIdMiddleware:
    """The request's id (a valid incoming X-Request-ID, else a new one) in every log record
    written while it runs, on ``request.id`` and in the response's X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = requestid.from_header(request.headers.get("X-Request-ID"))
        request.id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (request_finished): Django logs a 4xx/5xx response
        # after the middlewares have returned it.
        requestid.CURRENT.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def forget_request_id(**kwargs: object) -> None:
    requestid.CURRENT.set("")


request_finished.connect(forget_request_id, dispatch_uid="pramern.operations.forget_request_id")


class HealthMiddleware:
    """GET /healthz: 200 while the process answers (no database). GET /readyz: 200 when the
    database, Redis (if configured) and the storage answer, else 503 naming what failed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in (HEALTH, READY):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response: HttpResponse = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        elif path == HEALTH:
            response = JsonResponse({"status": "ok"})
        else:
            outcome = health.readiness()
            failed = [name for name, said in outcome.items() if said != "ok"]
            body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": outcome}
            response = JsonResponse(body, status=503 if failed else 200)
        response["Cache-Control"] = "no-store"
        return response
