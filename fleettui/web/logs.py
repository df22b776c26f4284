"""What the server writes to its log (stderr): requests without query strings, no secret.

aiohttp's default access log writes the request line, query string included, so the token
of the printed URL would land in every log the operator keeps. :class:`AccessLog` writes
method, path, status and (for a refusal) why, never the query; :class:`Redactor` is a
safety net on every handler that masks the launch's token and cookie value wherever they
might appear (an exception text, a third-party log line).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

from fleettui.core.text import one_line

LOGGER_NAME = "fleettui.web"
log = logging.getLogger(LOGGER_NAME)
MASK = "[redacted]"


class Redactor(logging.Filter):
    """Replaces each secret in a record's final text with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        cleaned = text
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, MASK)
        record.msg, record.args = cleaned, None
        return True


class AccessLog(AbstractAccessLogger):
    """``GET /ws 403 refused: why`` — the path only, never the query string.

    Refusals are always logged; answered requests only with ``--verbose``."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        why = request.get("fleettui_refusal")
        path = one_line(request.path, 200)
        if why:
            self.logger.info(
                "%s %s %s refused (from %s): %s",
                request.method,
                path,
                response.status,
                one_line(request.remote or "?", 60),
                why,
            )
        else:
            self.logger.debug("%s %s %s", request.method, path, response.status)


def setup_logging(secrets: Iterable[str], *, verbose: bool = False) -> logging.Handler:
    """One stderr handler for fleettui's and aiohttp's loggers, with the redactor on it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    handler.addFilter(Redactor(secrets))
    for name, level in (
        (LOGGER_NAME, logging.INFO),
        ("aiohttp.access", logging.DEBUG if verbose else logging.INFO),
        ("aiohttp", logging.WARNING),
        ("textual-serve", logging.WARNING),
    ):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    return handler
