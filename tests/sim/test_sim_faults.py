"""Injected faults (deterministic under the seed) and robustness against bad requests."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from fleettui.sim import FaultConfig, SimConfig, Simulator
from tests.support.sim import SIM_START, authed, fetch_token, only_error, token_body


def test_latency_is_added(sim, monkeypatch):
    """The server waits the fault's latency before answering: its sleep is recorded, not
    timed (no wall-clock assertion)."""
    from fleettui.sim import server

    naps: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:  # `time` is shared: only the fault's wait is faked
        if seconds == 0.3:
            naps.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(server.time, "sleep", sleep)
    with authed(sim) as c:
        sim.set_faults(FaultConfig(latency=0.3))
        assert c.get("/v1/fleets/vehicles").status_code == 200
        assert naps == [0.3]
        sim.set_faults(FaultConfig())
        assert sim.faults.latency() == 0  # nothing added once the fault is off
        assert c.get("/v1/fleets/vehicles").status_code == 200
        assert naps == [0.3]


def test_error_rate_answers_500_but_tokens_still_work(sim):
    sim.set_faults(FaultConfig(error_rate=1.0))
    with authed(sim) as c:
        r = c.get("/v1/fleets/vehicles")
        assert r.status_code == 500
        assert only_error(r)["title"] == "Internal server error"
    sim.set_faults(FaultConfig(error_rate=1.0, include_token_endpoint=True))
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=token_body(sim))
    assert r.status_code == 500
    assert sim.faults.counts["error"] == 2


def test_rate_limit_burst_then_normal(sim):
    with authed(sim) as c:
        sim.set_faults(FaultConfig(rate_limit_burst=3))
        answers = [c.get("/v1/fleets/vehicles") for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200]
    assert only_error(answers[0]) == {"title": "Too many requests", "detail": "retry after 10s"}


def test_malformed_bodies(sim):
    with authed(sim) as c:
        sim.set_faults(FaultConfig(malformed_rate=1.0))
        for _ in range(6):
            r = c.get("/v1/fleets/vehicles")
            assert r.status_code == 200
            with pytest.raises(ValueError):
                json.loads(r.content)
        sim.set_faults(FaultConfig())
        assert isinstance(c.get("/v1/fleets/vehicles").json(), list)


def test_dropped_connections(sim):
    token = fetch_token(sim)
    sim.set_faults(FaultConfig(drop_rate=1.0))
    with httpx.Client(
        base_url=sim.base_url, timeout=3, headers={"Authorization": f"Bearer {token}"}
    ) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/v1/fleets/vehicles")
        # the token endpoint is exempt unless asked for
        assert c.post("/v1/access_tokens", json=token_body(sim)).status_code == 200
    assert sim.faults.counts["drop"] == 1


def test_forbidden_app_gets_403_after_auth(sim):
    with authed(sim) as c:
        sim.set_faults(FaultConfig(forbidden=True))
        r = c.get("/v1/fleets/vehicles")
        assert r.status_code == 403
        assert only_error(r) == {
            "title": "Forbidden",
            "detail": "This service account is not associated with a fleet.",
        }
        assert c.get("/v1/fleets/vehicles", headers={"Authorization": "x"}).status_code == 401
        sim.set_faults(FaultConfig())
        assert c.get("/v1/fleets/vehicles").status_code == 200


def test_faults_from_config_are_deterministic_under_the_seed():
    def statuses(seed: int) -> list[int]:
        cfg = SimConfig(
            vehicles=3, seed=seed, speed=0.0, start=SIM_START, faults=FaultConfig(error_rate=0.5)
        )
        with Simulator(cfg) as s, authed(s) as c:
            return [c.get("/v1/fleets/vehicles").status_code for _ in range(30)]

    first = statuses(5)
    assert first == statuses(5)
    assert 200 in first and 500 in first


def _raw(sim, payload: bytes) -> bytes:  # noqa: ANN001
    host, port = sim.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=3) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):  # the server closes after an error
            chunks.append(chunk)
        return b"".join(chunks)


def test_broken_request_line_gets_an_envelope_not_a_hang(sim):
    data = _raw(sim, b"GET / junk HTTP/1.1\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body)["errors"][0]["title"] == "Bad Request"
    # a bare word is an HTTP/0.9 request: no status line, but still the envelope
    assert json.loads(_raw(sim, b"NONSENSE\r\n\r\n"))["errors"]


def test_bad_content_length_is_refused(sim):
    data = _raw(sim, b"POST /v1/access_tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400")


def test_keep_alive_connections_are_cut_on_stop():
    s = Simulator(SimConfig(vehicles=1, speed=0.0)).start()
    c = authed(s)
    assert c.get("/v1/fleets/vehicles").status_code == 200
    s.stop()
    with pytest.raises(httpx.TransportError):
        c.get("/v1/fleets/vehicles")
    c.close()


def test_stop_does_not_wait_for_idle_keep_alive_connections():
    """stop() cuts an idle keep-alive connection instead of waiting for it to time out:
    when stop() has returned, the server has already closed the connection (an event
    seen on the socket, not a stopwatch: issue 21's no wall-clock rule)."""
    s = Simulator(SimConfig(vehicles=1, speed=0.0)).start()
    token = fetch_token(s)
    host, port = s.base_url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(
        f"GET /v1/fleets/vehicles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        f"{token}\r\n\r\n".encode()
    )
    assert sock.recv(12) == b"HTTP/1.1 200"  # the connection is open and kept alive
    done = threading.Event()
    stopper = threading.Thread(target=lambda: (s.stop(), done.set()), daemon=True)
    stopper.start()
    assert done.wait(60), "stop() waited on the idle connection"
    rest = b""
    try:
        while chunk := sock.recv(65536):
            rest += chunk
    except ConnectionResetError:
        pass
    sock.close()  # reached: the server closed its end (recv saw EOF or a reset)
