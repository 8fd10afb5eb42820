"""The request id: one per request, in the ``X-Request-ID`` response header and in every log
record written while the request runs; and the JSON log lines (PRAMERN_LOG_FORMAT=json).

Plain Python and the standard library: settings.py names these classes in LOGGING."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

#: The id of the request this thread (or task) is serving; "" outside a request.
CURRENT: contextvars.ContextVar[str] = contextvars.ContextVar("pramern_request_id", default="")
#: An id a proxy may hand on (nginx's $request_id, a UUID, a load balancer's trace id): letters,
#: digits and ``._:-`` only, so that it can never break a log line or a header.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def from_header(value: str | None) -> str:
    """``value`` when it is a valid id, else a new one (32 hex digits)."""
    if value and VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Gives every record ``request_id``: the current request's, or "" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = CURRENT.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, and the
    traceback as ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or CURRENT.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
