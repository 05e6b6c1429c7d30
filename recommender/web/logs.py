"""Log lines: every one a JSON object (the app's, gunicorn's, psycopg's, any library's), and none that holds a query
string, a client address or an answer, at any level.

The questionnaire keeps its answers in the URL, so a URL with its query is an answer; gunicorn names the client's
address in some of its lines; an exception's text may quote either. `Scrub` rewrites every line before it is written,
whoever wrote it: queries become `?…`, addresses `<address>`, `field=value` pairs of a profile `field=…`.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import sys
import time

import orjson

from ..domain.profile import OPTIONAL_FIELDS
from .context import current

# Every answer a URL or a form may carry (the follow-up facts and the list of those skipped too).
PROFILE_FIELDS = ("age", "status", "region", "disability", "education_level", "goals", *OPTIONAL_FIELDS, "skipped", "skip", "lang")
QUERY = re.compile(r"\?[^\s\"'<>]+")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])")
ADDRESS_FIELD = re.compile(r"\b(ip|addr|remote_addr|client)=\S+")
ANSWER = re.compile(r"\b(" + "|".join(PROFILE_FIELDS) + r")=[^&\s\"']*")


def scrub(text: str) -> str:
    """A log text without queries, addresses or answers."""
    text = QUERY.sub("?…", text)
    text = ADDRESS_FIELD.sub(r"\1=<address>", text)
    text = IPV6.sub(_address_if_one, IPV4.sub("<address>", text))
    return ANSWER.sub(r"\1=…", text)


def _address_if_one(found: re.Match) -> str:
    """An IPv6 address hidden; anything else of that shape (a time, 12:30:45) left alone."""
    try:
        ipaddress.ip_address(found.group(0).split("%")[0])
    except ValueError:
        return found.group(0)
    return "<address>"


class Scrub(logging.Filter):
    """Rewrite a record's message (and exception) without queries, addresses or answers; give it a request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record; always keep it."""
        record.msg, record.args = scrub(record.getMessage()), None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if not getattr(record, "request_id", None):
            state = current()
            record.request_id = state.request_id if state else None
        return True


_STANDARD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line."""
        entry = {"time": _utc_time(record.created), "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD_FIELDS and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return orjson.dumps(entry, default=str).decode()


def _utc_time(created: float) -> str:
    """ISO 8601 in UTC to the millisecond, as `datetime.isoformat` writes it (the seconds part made once a second)."""
    global _last_second
    second = int(created)
    known = _last_second  # one read: another thread may replace it meanwhile, never half of it
    if known[0] != second:
        known = _last_second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{known[1]}.{int((created - second) * 1000):03d}+00:00"


_last_second: tuple[int, str] = (-1, "")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it), every line scrubbed."""

    def __init__(self, fmt: str = "json"):
        super().__init__()
        self.addFilter(Scrub())
        self.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))

    @property
    def stream(self):
        """The stream of the moment."""
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """Ignored: the handler always writes to the current sys.stderr."""


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Every logger writes through one scrubbed stderr handler on the root (JSON by default): the package's at `level`,
    other libraries' (psycopg, alembic...) at WARNING and above."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)
    root.addHandler(StderrHandler(fmt))
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    package = logging.getLogger("recommender")
    for handler in [h for h in package.handlers if isinstance(h, StderrHandler) or h.__class__.__name__ == "_StderrHandler"]:
        package.removeHandler(handler)
    from flask.logging import default_handler

    package.removeHandler(default_handler)
    package.setLevel(level.upper())
    package.propagate = True
