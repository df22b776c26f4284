"""A loopback server in front of a simulator that holds the end of the vehicle list until
the test lets it go: the whole list answer is the simulator's, its first `head` bytes are
sent at once and the rest only after `release()`, or never (`cut`: the connection is
closed halfway). Every other request (the token, filtered lists, writes) is passed on
as it is."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx

from tests.support.quiet_server import QuietHandler, QuietHTTPServer

#: The longest a held answer waits for the test: a test that forgot to release fails
#: rather than hangs.
HOLD_LIMIT = 60.0


class _Handler(QuietHandler):
    server: HeldListServer

    def _pass_on(self, method: str) -> None:
        held = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
        }
        headers["Accept-Encoding"] = "identity"
        answer = httpx.request(
            method, held.sim.base_url + self.path, content=body, headers=headers, timeout=30
        )
        data = answer.content
        whole_list = method == "GET" and self.path == "/v1/fleets/vehicles"
        self.send_response(answer.status_code)
        for key in ("Content-Type", "Date", "Retry-After"):
            if key in answer.headers:
                self.send_header(key, answer.headers[key])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not (whole_list and answer.status_code == 200):
            self.wfile.write(data)
            return
        held.lists += 1
        head = min(held.head, len(data) - 1)
        self.wfile.write(data[:head])
        self.wfile.flush()
        held.held.set()
        held.released.wait(HOLD_LIMIT)
        if held.cut:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)  # socket.SHUT_RDWR: the answer ends halfway
            return
        self.wfile.write(data[head:])

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._pass_on("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._pass_on("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._pass_on("DELETE")


class HeldListServer(QuietHTTPServer):
    def __init__(self, sim: Any, head: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.sim = sim
        self.head = head
        #: Whole-list answers begun; set once a head was sent; let the rest go.
        self.lists = 0
        self.held = threading.Event()
        self.released = threading.Event()
        #: Close the connection instead of sending the rest.
        self.cut = False

    def release(self) -> None:
        self.released.set()

    def as_sim(self) -> Any:
        """What `account_for_simulator` reads: this server's URL, the simulator's keys."""
        host, port = self.server_address[:2]
        return SimpleNamespace(
            base_url=f"http://{host!s}:{port}",
            client_id=self.sim.client_id,
            client_secret=self.sim.client_secret,
        )


@contextlib.contextmanager
def held_list(sim: Any, head: int) -> Iterator[HeldListServer]:
    server = HeldListServer(sim, head)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release()
        server.shutdown()
        server.server_close()
        thread.join(5)
