"""Tiny servers on loopback for failures the simulator does not produce: a service account
not linked to a fleet (403), and a port that does not speak TLS; and a free port."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator

from tests.support.quiet_server import QuietHandler, QuietHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoFleetHandler(QuietHandler):
    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(
            200,
            {
                "access_token": "tok",
                "expires_in": 300,
                "token_type": "bearer",
                "scope": "fleet:clearance",
            },
        )

    def do_GET(self) -> None:  # noqa: N802
        self._send(
            403,
            {
                "errors": [
                    {
                        "title": "Forbidden",
                        "detail": "This service account is not associated with a fleet.",
                    }
                ]
            },
        )


@contextlib.contextmanager
def no_fleet_server() -> Iterator[str]:
    """Gives tokens, answers 403 on the fleet: an app not linked to a fleet."""
    server = QuietHTTPServer(("127.0.0.1", 0), _NoFleetHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def not_tls_server() -> Iterator[str]:
    """Answers plain bytes where a TLS handshake is expected: https:// to it fails in TLS."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def serve() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        sock.close()
