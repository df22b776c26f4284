"""The low-speed limit (issue 20): an answer that trickles is cut after one period of the
floor, with a clear message; a slow but real link finishes. The rule on a fake clock,
then the client against a throttled local server with the limit scaled down."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.api.deadline import SPEED_LIMIT, SPEED_TIME, SpeedFloor, TooSlow
from fleettui.api.network_errors import TooSlowAnswer
from tests.support.quiet_server import QuietHandler, QuietHTTPServer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_body_of_one_byte_every_two_seconds_is_cut_after_thirty_seconds():
    clock = FakeClock()
    floor = SpeedFloor(clock=clock)  # the defaults: 1 KB/s over 30 s
    floor.took(0)
    size = 0
    with pytest.raises(TooSlow) as caught:
        while clock.now < 300:  # the deadline it used to wait for
            clock.now += 2
            size += 1
            floor.took(size)
    assert SPEED_TIME <= clock.now < SPEED_TIME + 2
    assert caught.value.received == 15 and caught.value.limit == SPEED_LIMIT


def test_a_28_mb_list_at_one_megabit_a_second_finishes():
    clock = FakeClock()
    floor = SpeedFloor(clock=clock)
    floor.took(0)
    size, chunk, rate = 0, 16_384, 125_000  # 1 Mbit/s
    while size < 28_000_000:
        clock.now += chunk / rate
        size += chunk
        floor.took(size)  # never raises
    assert 220 < clock.now < 230


def test_a_link_that_stalls_for_a_whole_period_is_cut_even_after_a_fast_start():
    clock = FakeClock()
    floor = SpeedFloor(limit=1000, period=10, clock=clock)
    floor.took(0)
    clock.now = 5
    floor.took(50_000)  # fast at first
    clock.now = 12
    floor.took(60_000)  # the first period: 60 KB in 12 s, fine
    clock.now = 23
    with pytest.raises(TooSlow):
        floor.took(61_000)  # 1 KB in the next 11 s


class Throttled(QuietHTTPServer):
    """A provider whose list answer goes out `chunk` bytes every `every` seconds."""

    def __init__(self, size: int, chunk: int, every: float) -> None:
        super().__init__(("127.0.0.1", 0), ThrottledHandler)
        self.size, self.chunk, self.every = size, chunk, every
        self.stopping = threading.Event()


class ThrottledHandler(QuietHandler):
    protocol_version = "HTTP/1.1"
    server: Throttled

    def _answer(self, body: bytes, chunk: int | None = None, every: float = 0.0) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        step = chunk or len(body)
        for start in range(0, len(body), step):
            if start and self.server.stopping.wait(every):
                return
            try:
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
            except OSError:
                return

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(
            json.dumps({"access_token": "t", "expires_in": 3600, "token_type": "bearer"}).encode()
        )

    def do_GET(self) -> None:  # noqa: N802
        one = {
            "vin": "WBA00000000000001",
            "status": "approved",
            "brand": "bmw",
            "tags": {},
            "changelog": [],
        }
        n = max(1, self.server.size // (len(json.dumps(one)) + 1))
        body = json.dumps([{**one, "vin": f"WBA{i:014d}"} for i in range(n)]).encode()
        self._answer(body, self.server.chunk, self.server.every)


def serve(size: int, chunk: int, every: float) -> Iterator[Throttled]:
    server = Throttled(size, chunk, every)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


def client(server: Throttled) -> FleetClient:
    host, port = server.server_address[:2]
    # The limit scaled down 1/10: 100 B/s over 3 s (the real one: 1 KB/s over 30 s).
    return FleetClient(
        Credentials(f"http://{host}:{port}", "id", "secret"),
        deadline=120,
        max_retries=0,
        speed_limit=100,
        speed_time=3.0,
    )


def test_a_trickling_list_is_cut_with_a_clear_message_long_before_the_deadline():
    # one byte every 0.2 s: 5 B/s, a twentieth of the (scaled) floor
    for server in serve(20_000, 1, 0.2):
        with client(server) as c, pytest.raises(TooSlowAnswer) as caught:
            c.list_vehicles_raw()
        text = str(caught.value)
        assert "sent its answer too slowly" in text and "under 100 bytes a second" in text
        assert "check the network" in text
        assert caught.value.category == "timeout"


def test_a_slow_real_link_still_finishes():
    # 12.5 KB/s: 125x the (scaled) floor, as 1 Mbit/s is to 1 KB/s; ~6 s, two periods
    for server in serve(75_000, 1250, 0.1):
        with client(server) as c:
            vehicles = c.list_vehicles_raw()
        assert len(vehicles) > 500
