"""An overall deadline for one HTTP exchange, kept even against a server that trickles.

httpx's timeouts are per network operation: a server that sends one byte every two
seconds never trips a 15 s read timeout and keeps a request alive forever. Here the
exchange (connect, request, headers, the whole body) runs on a daemon thread while the
caller waits on a monotonic deadline; when it passes, the caller gets `Expired` at once
and the thread is told to stop. The thread also checks the deadline between body chunks
and uses per-read timeouts no longer than the time left, so it ends within one read of
the deadline and never holds the process's exit (it is a daemon).

The body is read in full here (so `response.content` works as after `read()`), and an
answer larger than `max_body` is refused before it fills the memory.

A low-speed limit, as curl's `--speed-limit/--speed-time`: a body that comes slower than
SPEED_LIMIT bytes a second over SPEED_TIME seconds is cut (`TooSlow`), so a trickling
server is given up on after half a minute, not at the deadline; a real slow link (a 28 MB
list at 1 Mbit/s: 125 KB/s, ~224 s) is a hundred times faster than the floor and finishes.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

#: Seconds to open a connection (TCP + TLS) before "cannot connect".
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds for a whole call, body included: a 28 MB list (100,000 vehicles) takes about
#: 4 minutes at 1 Mbit/s, so 300 s lets a slow link finish and still ends a stuck call.
DEFAULT_DEADLINE = 300.0
#: Longest silence on an open connection (no byte at all) before giving up on it.
DEFAULT_READ_TIMEOUT = 60.0
#: The low-speed limit: under SPEED_LIMIT bytes a second for SPEED_TIME seconds is too slow.
SPEED_LIMIT = 1024
SPEED_TIME = 30.0
#: Bigger answers are refused: the largest real fleet list is a few hundred MB at most.
MAX_BODY = 512 * 1024 * 1024
#: A compressed answer that grows past this many bytes decoded, at more than
#: `MAX_RATIO` times what came over the wire, is a decompression bomb: a JSON vehicle
#: list compresses 5-15x with gzip (measured on the simulator's lists), a bomb ~1000x.
BOMB_FLOOR = 32 * 1024 * 1024
MAX_RATIO = 100
#: Limits for values read from the config (seconds).
LIMITS = {"connect_timeout": (0.1, 600.0), "deadline": (1.0, 86_400.0)}


class Expired(Exception):
    """The deadline passed before the exchange ended. `sent`: the request may have
    reached the server (it had connected)."""

    def __init__(self, sent: bool) -> None:
        super().__init__("deadline passed")
        self.sent = sent


class TooLarge(Exception):
    """The body is larger than the limit, or decompresses like a bomb."""

    def __init__(self, limit: int, why: str = "") -> None:
        super().__init__(why or f"the answer is larger than {limit // (1024 * 1024)} MB")
        self.limit = limit


class TooSlow(Exception):
    """The body came slower than the low-speed limit for a whole period."""

    def __init__(self, received: int, seconds: float, limit: int) -> None:
        super().__init__(f"{received} bytes in {seconds:.0f} s, under {limit} bytes a second")
        self.received = received
        self.seconds = seconds
        self.limit = limit


class SpeedFloor:
    """curl's `--speed-limit/--speed-time`: `took(size)` after each chunk (`size`: bytes
    so far) raises `TooSlow` once a period of `period` seconds brought fewer than
    `limit * period` bytes. Periods are measured back to back from the first call."""

    def __init__(
        self,
        limit: int = SPEED_LIMIT,
        period: float = SPEED_TIME,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = int(limit)
        self.period = float(period)
        self._clock = clock
        self._mark: tuple[float, int] | None = None

    def took(self, size: int) -> None:
        if self.limit <= 0 or self.period <= 0:
            return
        now = self._clock()
        if self._mark is None:
            self._mark = (now, 0)
            return
        since, at = self._mark
        elapsed = now - since
        if elapsed < self.period:
            return
        if (size - at) < self.limit * elapsed:
            raise TooSlow(size - at, elapsed, self.limit)
        self._mark = (now, size)


#: Given an answer whose headers are in: what to hand each chunk of its body, if anything.
Sink = Callable[[httpx.Response], Callable[[bytes], None] | None]


@dataclass
class _Outcome:
    response: httpx.Response | None = None
    error: BaseException | None = None
    #: The request started going out (so the server may have it).
    connected: bool = False


def timeouts(remaining: float, connect: float, read: float) -> httpx.Timeout:
    """Per-operation timeouts that cannot outlast the time left."""
    left = max(0.01, remaining)
    return httpx.Timeout(min(read, left), connect=min(connect, left), pool=min(connect, left))


class Aborted(Exception):
    """The client was closed while the exchange was under way (the app is exiting)."""


#: How often a waiting caller looks whether its client was closed.
ABORT_CHECK = 0.05


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    deadline: float,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    max_body: int = MAX_BODY,
    clock: Callable[[], float] = time.monotonic,
    abort: threading.Event | None = None,
    speed: tuple[int, float] = (SPEED_LIMIT, SPEED_TIME),
    sink: Sink | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request whose response (body read) comes back before `deadline` (a `clock`
    time), or `Expired` is raised; `Aborted` at once when `abort` is set (the client is
    closing); `TooSlow` when the body is slower than `speed` (bytes a second, over
    seconds) for a whole period. httpx errors are raised as they are.

    `sink(response)`, once the headers are in, may return a function that is given each
    chunk of the body as it arrives (on the exchange's thread; a list is parsed while it
    downloads, `fleettui.api.list_stream`); the body is kept in full all the same."""
    remaining = deadline - clock()
    if remaining <= 0:
        raise Expired(sent=False)
    outcome = _Outcome()

    def trace(event: str, info: dict) -> None:
        if event.endswith("send_request_headers.started"):
            outcome.connected = True

    request = http.build_request(
        method,
        url,
        timeout=timeouts(remaining, connect_timeout, read_timeout),
        extensions={"trace": trace},
        **kwargs,
    )
    done = threading.Event()
    stop = threading.Event()

    def run() -> None:
        try:
            outcome.response = _exchange(
                http,
                request,
                deadline,
                stop,
                outcome,
                max_body,
                clock,
                SpeedFloor(*speed, clock=clock),
                sink,
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            outcome.error = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name=f"fleettui-http {method}", daemon=True)
    worker.start()
    while not done.wait(max(0.0, min(ABORT_CHECK, deadline - clock()))):
        if abort is not None and abort.is_set():
            stop.set()
            raise Aborted
        if clock() >= deadline:
            stop.set()
            raise Expired(sent=outcome.connected)
    if outcome.error is not None:
        error, outcome.error = outcome.error, None
        if isinstance(error, Expired):
            raise Expired(sent=error.sent) from None
        raise error
    assert outcome.response is not None
    return outcome.response


def _exchange(
    http: httpx.Client,
    request: httpx.Request,
    deadline: float,
    stop: threading.Event,
    outcome: _Outcome,
    max_body: int,
    clock: Callable[[], float],
    floor: SpeedFloor,
    sink: Sink | None,
) -> httpx.Response:
    response = http.send(request, stream=True)
    outcome.connected = True  # (a transport without tracing: known once it answered)
    floor.took(0)
    feed = sink(response) if sink is not None else None
    try:
        # One growing buffer, handed over without a copy (BytesIO.getvalue): a list of
        # chunks joined at the end held the body twice (+28 MB at 100k vehicles).
        body = io.BytesIO()
        size = 0
        for chunk in response.iter_bytes():
            size += body.write(chunk)
            if size > max_body:
                raise TooLarge(max_body)
            if size > BOMB_FLOOR and size > MAX_RATIO * max(1, response.num_bytes_downloaded):
                raise TooLarge(
                    max_body,
                    (
                        f"the answer decompressed to over {size >> 20} MB from "
                        f"{max(1, response.num_bytes_downloaded) >> 10} KB sent, more than "
                        f"{MAX_RATIO} times its size on the wire, which no vehicle list is "
                        "(a decompression bomb); refused"
                    ),
                )
            if stop.is_set() or clock() > deadline:
                raise Expired(sent=True)
            floor.took(size)
            if feed is not None:
                feed(chunk)
        # What Response.read() does: the body is then available as `.content`.
        response._content = body.getvalue()
        del body
    finally:
        response.close()
    return response
