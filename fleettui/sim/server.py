"""The HTTP face of the simulator: the provider's paths, bodies, codes and error envelopes.

Every response carries a `Date` header with the simulated now, a Content-Length and a JSON
body (except a dropped connection, an injected fault). Any unexpected exception becomes a
500 envelope: a client never sees a traceback or waits on a hung socket. `routes` says
which answer each path gets.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import urllib.parse
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fleettui.core.timefmt import SIMULATED_CLOCK_HEADER
from fleettui.sim.faults import Fault
from fleettui.sim.records import dumps
from fleettui.sim.routes import Served, envelope, route
from fleettui.sim.traffic import TRAFFIC_PATH, endpoint

MAX_BODY = 20 * 1024 * 1024


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sim: Served) -> None:
        self.sim = sim
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SimHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (reset, closed pipe) is no error of the simulator's:
        nothing is printed. Anything else is printed as socketserver does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut idle keep-alive connections so nothing is served after stop()."""
        with self._open_lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HMFleetSim/1.0"
    sys_version = ""
    #: Headers and body go out as separate writes; without this, Nagle + delayed ACK
    #: add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server: SimServer

    # -- plumbing ---------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's answer to a broken request line or headers, as an envelope."""
        self.close_connection = True
        title = self.responses.get(code, ("Error",))[0]
        self._send(code, envelope(title, message or explain))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None

    def date_time_string(self, timestamp: float | None = None) -> str:
        return format_datetime(self.server.sim.engine.now(), usegmt=True)

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        try:
            n = int(length) if length else 0
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n) if n else b""

    def _send(
        self,
        status: int,
        body: Any,
        token_endpoint: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        raw = body if isinstance(body, bytes) else dumps(body)
        broken = self.server.sim.faults.malform(token_endpoint, raw)
        if broken is not None:
            raw = broken
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header(SIMULATED_CLOCK_HEADER, "1")
        head = sum(map(len, getattr(self, "_headers_buffer", ()))) + 2
        # Counted before the answer leaves: a client that has read it must find it counted.
        self._count(head + (len(raw) if self.command != "HEAD" else 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)

    def _count(self, nbytes: int) -> None:
        """The answer's bytes, counted per endpoint (`fleettui.sim.traffic`)."""
        url = urllib.parse.urlsplit(getattr(self, "path", "") or "")
        if url.path != TRAFFIC_PATH:
            name = endpoint(getattr(self, "command", None) or "?", url.path, url.query)
            self.server.sim.traffic.record(name, nbytes)

    def _handle(self) -> None:
        sim = self.server.sim
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(400, envelope("Bad request", "invalid Content-Length"))
            return
        token_endpoint = path == "/v1/access_tokens"
        if path == TRAFFIC_PATH and self.command == "GET":
            self._send(200, sim.traffic.snapshot())
            return
        limit = sim.config.max_url
        if limit and len(self.path) > limit:  # the provider's proxies refuse long URLs
            self.close_connection = True
            self._send(
                414, envelope("URI Too Long", f"the request target is longer than {limit} bytes")
            )
            return
        if sim.faults.latency():
            time.sleep(sim.faults.latency())
        fault = sim.faults.before(token_endpoint)
        if fault is Fault.DROP:
            self.close_connection = True
            self._count(0)
            return
        if fault is Fault.RATE_LIMIT:
            wait = sim.faults.config.retry_after
            self._send(429, envelope("Too many requests", f"retry after {wait}s"))
            return
        if fault is Fault.ERROR:
            self._send(500, envelope("Internal server error"))
            return
        sim.engine.apply_due()
        self._extra_headers: dict[str, str] = {}
        status, payload = route(
            sim, self.command, path, url.query, body, self.headers, self._extra_headers
        )
        self._send(status, payload, token_endpoint, self._extra_headers)

    def _dispatch(self) -> None:
        try:
            self._handle()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - the envelope replaces any traceback
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(500, envelope("Internal server error"))

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = _dispatch
