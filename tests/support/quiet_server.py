"""The one base for the suite's quick HTTP servers: a client going away is not news.

`http.server`'s default `handle_error` prints a traceback from the server's thread for
every request that failed, and the deadline tests make clients drop their connections
on purpose (ConnectionResetError, BrokenPipeError, a read timing out): those tracebacks
landed in the middle of pytest's output (issue 21: the README's test command prints
nothing but pytest's own output). A dropped or stalled client is silent here; any other
error is kept in `errors` and logged, which pytest shows with a failing test's report.
`QuietHandler` is the handlers' base: no access-log line per request either.
"""

from __future__ import annotations

import logging
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("tests.support.quiet_server")
#: What a client that went away or stopped sending raises in the handler.
CLIENT_GONE = (ConnectionError, TimeoutError)


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Errors other than a client going away, newest last.
        self.errors: list[BaseException] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is None or isinstance(error, CLIENT_GONE):
            return
        self.errors.append(error)
        log.error("test server: %r from %s", error, client_address, exc_info=error)


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None
