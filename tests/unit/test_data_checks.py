"""Issue 19, asking: the client's vehicle data call over real HTTP (the simulator, and a
hostile server for what the simulator never sends), and the checker's budget, order,
429 handling and missing scope on fake clocks."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from datetime import timedelta

from fleettui.api import FleetClient
from fleettui.api.auth import Credentials
from fleettui.config.data_checks import data_check_settings
from fleettui.core.data_states import DataState
from fleettui.history.data_records import DataRecords
from fleettui.history.store import HistoryStore
from fleettui.monitor.data_checker import Approved, DataChecker
from fleettui.monitor.data_pacing import Budget, next_interval
from fleettui.sim import SimConfig, Simulator
from tests.support.quiet_server import QuietHandler, QuietHTTPServer
from tests.support.sim import SIM_START

DAY = 86400.0


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def client_for(sim: Simulator) -> FleetClient:
    return FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret))


def approved_of(client: FleetClient) -> list[Approved]:
    return [
        Approved(v.vin, v.brand, v.state_since)
        for v in client.list_vehicles()
        if v.status == "approved"
    ]


def checker_for(client: FleetClient, clock: FakeClock, **settings: object) -> DataChecker:
    return DataChecker(
        client,
        data_check_settings(settings),
        DataRecords(None),
        now=client.server_time,
        clock=clock,
        notice=NOTICES.append,
    )


NOTICES: list[str] = []


def test_budget_keeps_to_per_second_and_per_hour_and_holds_for_retry_after():
    clock = FakeClock()
    budget = Budget(2.0, 3, clock=clock)
    assert budget.wait_time() == 0
    budget.spend()
    assert budget.wait_time() == 0.5
    clock.t += 0.5
    budget.spend()
    clock.t += 0.5
    budget.spend()
    clock.t += 0.5
    assert budget.wait_time() == 3600 - 1.5  # the hour's cap of 3 is spent
    clock.t += 3600
    assert budget.wait_time() == 0
    budget.hold(42)
    assert budget.wait_time() == 42


def test_the_checker_asks_every_approved_car_once_within_budget_and_records_events():
    clock = FakeClock()
    with (
        Simulator(SimConfig(vehicles=80, seed=4, speed=0.0, start=SIM_START, data_limit=0)) as sim,
        client_for(sim) as client,
    ):
        fleet = approved_of(client)
        history = HistoryStore.temporary()
        checker = checker_for(client, clock)
        checker.history = history
        checker.set_fleet(fleet)
        first_asked = []
        checker.on_result = lambda r: first_asked.append(r.vin)
        waited = 0.0
        while checker.queued and len(first_asked) < len(fleet):
            wait = checker.step()
            assert wait is not None
            if wait:
                assert wait <= 1.0  # the default budget: one call a second
                waited += wait
                clock.t += wait
        covered = [a for a in fleet if a.brand not in ("tesla", "polestar", "vauxhall", "maserati")]
        assert checker.calls == len(covered) and len(first_asked) == len(fleet)
        assert waited >= len(covered) - 1  # never faster than 1 call a second
        order = [a.vin for a in sorted(fleet, key=lambda a: a.approved)]
        assert first_asked == order  # never-checked cars: the oldest approval first
        states = {checker.records.get(a.vin).state for a in fleet}
        assert DataState.FLOWING in states
        assert checker.step() is not None and checker.calls == len(covered)  # nothing due
        events = [e for e in history.events() if e.source == "data"]
        assert any(e.reason == "first data" and e.at is not None for e in events)
        history.close()


def test_429_stops_every_call_for_its_retry_after_then_the_car_is_asked_again():
    clock = FakeClock()
    with (
        Simulator(SimConfig(vehicles=60, seed=4, speed=0.0, start=SIM_START, data_limit=3)) as sim,
        client_for(sim) as client,
    ):
        checker = checker_for(client, clock, data_checks_per_second=20)
        checker.set_fleet([a for a in approved_of(client) if a.brand != "tesla"][:6])
        waits = []
        while checker.calls < 4:
            wait = checker.step()
            assert wait is not None
            waits.append(wait)
            clock.t += wait
        assert checker.last_error == "rate_limited"
        wait = checker.step()
        assert wait is not None and 1 <= wait <= 60  # the simulator's Retry-After
        assert checker.calls == 4  # nothing sent while held
        limited = [v for v, r in checker.records.snapshot().items() if r.why == "rate_limited"]
        assert len(limited) == 1
        sim.engine.advance(61)
        clock.t += wait
        checker.step()
        assert checker.calls == 5 and checker.records.get(limited[0]).why is None


def test_a_missing_scope_turns_checks_off_with_one_notice_and_nothing_sent():
    NOTICES.clear()
    clock = FakeClock()
    with (
        Simulator(
            SimConfig(vehicles=40, seed=4, speed=0.0, start=SIM_START, scope="fleet:clearance")
        ) as sim,
        client_for(sim) as client,
    ):
        checker = checker_for(client, clock)
        checker.set_fleet(approved_of(client))
        sent = client.requests_sent
        for _ in range(5):
            if checker.step() is None:
                break
        assert checker.off == "scope" and checker.step() is None
        assert len(NOTICES) == 1 and "vehicle:data" in NOTICES[0]
        assert client.requests_sent == sent  # the token was had already: no data call
        assert not checker.records.snapshot()


def test_intervals_who_to_ask_again_and_when():
    from fleettui.core.data_states import DataRecord

    now = SIM_START
    rec = DataRecord("V", DataState.FLOWING, now, checked_at=now)
    assert next_interval(rec, DataState.FLOWING, now, now) == DAY
    assert next_interval(rec, DataState.PRIVACY, now, now) == DAY / 4
    young = next_interval(rec, DataState.NONE, now - timedelta(minutes=20), now)
    old = next_interval(rec, DataState.NONE, now - timedelta(days=10), now)
    assert young == 600 and old == DAY / 2
    assert (
        next_interval(
            DataRecord("V", DataState.UNCHECKABLE, why="brand"), DataState.UNCHECKABLE, now, now
        )
        is None
    )


# -- hostile answers over HTTP ----------------------------------------------------------


class _Hostile(QuietHandler):
    answer: tuple[int, bytes, dict[str, str]] = (200, b"{}", {})
    data_calls = 0

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(
            200,
            json.dumps(
                {
                    "access_token": "tok",
                    "expires_in": 300,
                    "token_type": "bearer",
                    "scope": "fleet:clearance vehicle:data",
                }
            ).encode(),
        )

    def do_GET(self) -> None:  # noqa: N802
        type(self).data_calls += 1
        self._send(*type(self).answer)


@contextlib.contextmanager
def hostile(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> Iterator[FleetClient]:
    handler = type("H", (_Hostile,), {"answer": (status, body, headers or {}), "data_calls": 0})
    server = QuietHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = FleetClient(
            Credentials(f"http://127.0.0.1:{server.server_address[1]}", "cid", "secret-value"),
            backoff_base=0.01,
        )
        with client:
            yield client
        client.data_calls = handler.data_calls  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


VIN = "WBA3A5C51CF256651"


def test_hostile_bodies_over_http_are_bad_data():
    huge = b'{"a": {"b": {"timestamp": "' + b"x" * (5 * 1024 * 1024) + b'"}}}'
    for body in (
        huge,
        b"\x1b[2J\x1b]0;pwned\x07",
        b'{"a": {"b": {"timestamp": []}}}',
        json.dumps({"a": {"b": {"timestamp": "3000-01-01T00:00:00Z"}}}).encode(),
    ):
        with hostile(200, body) as client:
            reading = client.vehicle_data(VIN)
        assert reading.error == "bad_answer" and reading.newest is None


def test_a_consent_answer_is_not_taken_for_a_bad_token():
    body = json.dumps(
        {
            "errors": [{"title": "Not Authorized", "detail": "Consent is removed by OEM"}],
            "request_id": "2c85d1f9a23623ac5deeb7eecba61a5f",
        }
    ).encode()
    with hostile(401, body) as client:
        reading = client.vehicle_data(VIN)
    assert (reading.error, reading.request_id) == (
        "consent_removed",
        "2c85d1f9a23623ac5deeb7eecba61a5f",
    )
    assert client.data_calls == 1  # type: ignore[attr-defined]  # no re-auth, no retry


def test_invalid_token_is_retried_once_then_reported_and_429_keeps_its_retry_after():
    body = json.dumps(
        {"errors": [{"title": "Not Authorized", "detail": "Invalid token"}], "request_id": "r"}
    ).encode()
    with hostile(401, body) as client:
        assert client.vehicle_data(VIN).error == "invalid_token"
    assert client.data_calls == 2  # type: ignore[attr-defined]
    limited = json.dumps(
        {"errors": [{"title": "Too Many Requests", "detail": "Rate limit exceeded"}]}
    ).encode()
    with hostile(429, limited, {"Retry-After": "17"}) as client:
        reading = client.vehicle_data(VIN)
    assert (reading.error, reading.retry_after) == ("rate_limited", 17.0)
    assert client.data_calls == 1  # type: ignore[attr-defined]  # the caller's wait
