"""The suite's quick test servers (tests/support/quiet_server.py) print nothing when a client
goes away mid-answer, and keep any other error for the test to see (issue 21: the
README's test command prints nothing but pytest's own output)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.quiet_server import QuietHandler, QuietHTTPServer


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path == "/broken":
            raise ValueError("a bug in the test server")
        self.send_response(200)
        self.end_headers()
        self.server.reading.wait(10)  # a bound against hanging  # type: ignore[attr-defined]
        for _ in range(200):  # far more than the socket buffers hold: the peer is gone
            self.wfile.write(b"x" * 65536)


class _Joined(QuietHTTPServer):
    """Closing waits for every handler thread (its error handled), so the checks after
    the block see everything the handlers did."""

    daemon_threads = False
    block_on_close = True


@contextmanager
def _served() -> Iterator[QuietHTTPServer]:
    server = _Joined(("127.0.0.1", 0), _Handler)
    server.reading = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _request(port: int, path: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def test_a_client_that_goes_away_mid_answer_prints_nothing(capfd):
    with _served() as server:
        sock = _request(server.server_address[1], "/big")
        sock.recv(100)  # the status line: the handler is answering
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # a reset, not a polite close
        server.reading.set()  # type: ignore[attr-defined]
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert server.errors == []


def test_any_other_error_is_kept_for_the_test_not_printed(capfd):
    with _served() as server, _request(server.server_address[1], "/broken") as sock:
        sock.recv(100)  # the server closed it after the error
    assert [str(e) for e in server.errors] == ["a bug in the test server"]
    assert capfd.readouterr() == ("", "")
