"""FleetClient against the real simulator over loopback HTTP: every call, every error path,
token caching and re-authentication, retries (reads) and no retries (writes), counted on
the server side through the simulator's fault counters and its fleet."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient, NewVehicle
from fleettui.api.errors import (
    Conflict,
    CredentialsRejected,
    NotFound,
    RateLimited,
    ServerError,
    Unprocessable,
    error_category,
)
from fleettui.api.filters import VehicleFilter
from fleettui.api.network_errors import NetworkError
from fleettui.core.states import State
from fleettui.core.timefmt import utcnow
from fleettui.sim import FaultConfig, SimConfig, Simulator
from tests.support.mock_provider import Sleeps
from tests.support.sim import SIM_START

DAY = 86400.0
GOOD_VIN = "WBA12345678901234"


def make_client(sim, *, secret: str | None = None, **kw) -> FleetClient:
    kw.setdefault("sleep", Sleeps())
    creds = Credentials(sim.base_url, sim.client_id, secret or sim.client_secret)
    return FleetClient(creds, **kw)


@pytest.fixture
def client(sim):
    with make_client(sim) as c:
        yield c


# -- reads ---------------------------------------------------------------------------


def _offset_bounds(server: datetime, before: datetime, after: datetime) -> tuple:
    """The offset a `Date` header of `server` (whole seconds) read between `before` and
    `after` on the local clock can give: exact bounds, whatever the machine's load."""
    return server - timedelta(seconds=1) - after, server + timedelta(seconds=1) - before


def test_list_parses_the_whole_fleet_and_learns_server_time(sim, client):
    before = utcnow()
    vehicles = client.list_vehicles()
    low, high = _offset_bounds(SIM_START, before, utcnow())
    assert len(vehicles) == 60 and client.last_skipped == 0
    assert {v.vin for v in vehicles} == set(sim.engine.vehicles)
    assert all(v.state is not State.UNKNOWN for v in vehicles)
    assert client.server_offset is not None and low <= client.server_offset <= high
    sim.engine.advance(3 * 3600)
    before = utcnow()
    client.list_vehicles_raw()
    low, high = _offset_bounds(SIM_START + timedelta(hours=3), before, utcnow())
    assert low <= client.server_offset <= high


def test_server_time_is_local_now_before_any_answer(sim):
    with make_client(sim) as c:
        assert c.server_offset is None
        before = utcnow()
        assert before <= c.server_time() <= utcnow()


def test_list_raw_and_filter_narrow_on_the_server(sim, client):
    raw = client.list_vehicles_raw()
    assert all(isinstance(v, dict) and "vin" in v for v in raw)
    pending = client.list_vehicles(VehicleFilter().status_in(["pending"]))
    expected = {vin for vin, v in sim.engine.vehicles.items() if v["status"] == "pending"}
    assert pending and {v.vin for v in pending} == expected
    one = raw[0]["vin"]
    assert [v.vin for v in client.list_vehicles(VehicleFilter().vin_eq(one))] == [one]


def test_get_one_and_unknown_vin(sim, client):
    vin = next(iter(sim.engine.vehicles))
    assert client.get_vehicle(vin).vin == vin
    with pytest.raises(NotFound) as info:
        client.get_vehicle("WBA00000000000000")
    assert info.value.status == 404 and "Check the VIN" in str(info.value)
    with pytest.raises(ValueError):
        client.get_vehicle("  ")


def test_get_one_rate_limit_is_reported_with_retry_after_and_not_waited_out():
    sleeps = Sleeps()
    with (
        Simulator(SimConfig(vehicles=3, speed=0.0, start=SIM_START, get_one_limit=2)) as s,
        make_client(s, sleep=sleeps) as c,
    ):
        vin = next(iter(s.engine.vehicles))
        c.get_vehicle(vin)
        c.get_vehicle(vin)
        with pytest.raises(RateLimited) as info:
            c.get_vehicle(vin)
    assert 1 <= info.value.retry_after <= 60 and sleeps == []
    assert error_category(info.value) == "rate_limit"


# -- writes --------------------------------------------------------------------------


def test_create_returns_per_vin_results_with_error_entries(sim, client):
    before = len(sim.engine.vehicles)
    results = client.create_vehicles(
        [
            NewVehicle(GOOD_VIN, "bmw", {"driver": "Ana"}),
            NewVehicle("WBA123", "bmw"),
            NewVehicle("VF3ABCDEFGH123456", "notabrand"),
        ]
    )
    by_vin = {r.vin: r for r in results}
    assert by_vin[GOOD_VIN].ok and by_vin[GOOD_VIN].status == "pending"
    assert by_vin[GOOD_VIN].vehicle.brand == "bmw"
    assert by_vin[GOOD_VIN].vehicle.tags == {"driver": "Ana"}
    assert not by_vin["WBA123"].ok and by_vin["WBA123"].status == "error"
    assert "17" in by_vin["WBA123"].description
    assert (
        not by_vin["VF3ABCDEFGH123456"].ok
        and "brand" in by_vin["VF3ABCDEFGH123456"].description.lower()
    )
    assert len(sim.engine.vehicles) == before + 1 and GOOD_VIN in sim.engine.vehicles


def test_create_with_no_vehicles_sends_nothing(sim, client):
    assert client.create_vehicles([]) == []
    assert client.requests_sent == 0


def test_delete_revokes_then_conflicts(sim, client):
    sim.engine.seed_vehicle(GOOD_VIN, "bmw", "approved", age_seconds=5 * DAY)
    assert client.delete_vehicle(GOOD_VIN).state is State.REVOKING
    with pytest.raises(Conflict) as busy:
        client.delete_vehicle(GOOD_VIN)
    assert busy.value.kind == "transition" and "wait" in str(busy.value).lower()
    sim.engine.advance(30 * DAY)
    with pytest.raises(Conflict) as gone:
        client.delete_vehicle(GOOD_VIN)
    assert gone.value.kind == "removed"
    with pytest.raises(NotFound):
        client.delete_vehicle("WBA00000000000000")


def test_cancel_rules_come_back_as_typed_422s(sim, client):
    sim.engine.seed_vehicle("WBA11111111111111", "bmw", "pending", age_seconds=3 * DAY, hold=True)
    sim.engine.seed_vehicle(
        "WVW11111111111111",
        "volkswagen",
        "pending",
        age_seconds=3600,
        tags={"vw-group-customer-name": "ACME"},
        hold=True,
    )
    sim.engine.seed_vehicle(
        "WVW22222222222222",
        "volkswagen",
        "pending",
        age_seconds=2 * DAY,
        tags={"vw-group-customer-name": "ACME"},
        hold=True,
    )
    with pytest.raises(Unprocessable) as ns:
        client.delete_vehicle("WBA11111111111111")
    assert ns.value.kind == "not_supported"
    with pytest.raises(Unprocessable) as early:
        client.delete_vehicle("WVW11111111111111")
    assert early.value.kind == "too_early" and "1 day after it was added" in str(early.value)
    assert client.delete_vehicle("WVW22222222222222").state is State.CANCELING


# -- tokens --------------------------------------------------------------------------


def test_token_is_cached_and_renewed_a_minute_before_expiry(sim):
    now = [1000.0]
    with make_client(sim) as c:
        c.tokens.clock = lambda: now[0]
        c.list_vehicles_raw()
        c.list_vehicles_raw()
        assert c.tokens.fetches == 1 and c.requests_sent == 3
        now[0] += 239
        c.list_vehicles_raw()
        assert c.tokens.fetches == 1
        now[0] += 2  # 241 s: inside the last minute of a 300 s token
        c.list_vehicles_raw()
        assert c.tokens.fetches == 2


def test_expired_token_on_the_server_is_renewed_once_transparently(sim, client):
    client.list_vehicles_raw()
    sim.engine.advance(400)  # the server's token clock moves; the client's cache doesn't know
    assert len(client.list_vehicles_raw()) == 60
    assert client.tokens.fetches == 2


def test_revoked_tokens_lead_to_one_reauth(sim, client):
    client.list_vehicles_raw()
    sim.revoke_tokens()
    client.get_vehicle(next(iter(sim.engine.vehicles)))
    assert client.tokens.fetches == 2


def test_wrong_secret_is_credentials_rejected_with_provider_words_and_no_secret(sim):
    wrong = "totally-wrong-secret-123"
    with make_client(sim, secret=wrong) as c, pytest.raises(CredentialsRejected) as info:
        c.list_vehicles()
    e = info.value
    assert e.status == 400 and "client_secret is invalid" in str(e)
    assert error_category(e) == "auth"
    for text in (str(e), repr(e), repr(e.args), repr(c), str(c.credentials)):
        assert wrong not in text
    assert c.requests_sent == 1


def test_fetch_token_reports_scope_without_showing_the_token(sim, client):
    token = client.fetch_token()
    assert token.has_fleet_scope and token.expires_in == 300
    assert token.value not in repr(token) and token.value not in str(token)
    assert client.tokens.cached


def test_threads_share_one_token_fetch(sim, client):
    errors: list[BaseException] = []

    def work():
        try:
            client.list_vehicles_raw()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == [] and client.tokens.fetches == 1


# -- retries (reads) and none (writes), counted server-side ------------------------


def test_read_retries_429_honouring_retry_after(sim):
    sleeps = Sleeps()
    with make_client(sim, sleep=sleeps) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(rate_limit_burst=2, retry_after=3))
        assert len(c.list_vehicles()) == 60
    assert sim.faults.counts["rate_limit"] == 2
    assert sleeps == [3.0, 3.0]  # exactly what the provider said, no jitter on top


def test_read_gives_up_when_retry_after_exceeds_the_wait_budget(sim):
    sleeps = Sleeps()
    with make_client(sim, sleep=sleeps, max_total_wait=15) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(rate_limit_burst=10, retry_after=10))
        with pytest.raises(RateLimited) as info:
            c.list_vehicles()
    assert info.value.retry_after == 10
    assert sim.faults.counts["rate_limit"] == 2 and len(sleeps) == 1


def test_read_retries_5xx_with_bounded_jittered_backoff_then_raises(sim):
    sleeps = Sleeps()
    with make_client(sim, sleep=sleeps, max_retries=3, backoff_base=0.5) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(error_rate=1.0))
        with pytest.raises(ServerError) as info:
            c.list_vehicles()
    assert sim.faults.counts["error"] == 4 and info.value.status == 500
    ceilings = [0.5, 1.0, 2.0]
    assert len(sleeps) == 3 and all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True))


def test_write_is_never_retried_on_5xx_and_input_is_untouched(sim):
    tags = {"driver": "Ana"}
    wanted = [NewVehicle(GOOD_VIN, "bmw", tags)]
    with make_client(sim) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(error_rate=1.0))
        with pytest.raises(ServerError):
            c.create_vehicles(wanted)
        with pytest.raises(ServerError):
            c.delete_vehicle(next(iter(sim.engine.vehicles)))
    assert sim.faults.counts["error"] == 2
    assert GOOD_VIN not in sim.engine.vehicles
    assert wanted == [NewVehicle(GOOD_VIN, "bmw", {"driver": "Ana"})] and tags == {"driver": "Ana"}


def test_write_is_never_retried_on_429(sim):
    with make_client(sim) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(rate_limit_burst=3, retry_after=1))
        with pytest.raises(RateLimited):
            c.create_vehicles([NewVehicle(GOOD_VIN, "bmw")])
    assert sim.faults.counts["rate_limit"] == 1


def test_dropped_connections_read_retried_write_says_it_may_have_arrived(sim):
    sleeps = Sleeps()
    with make_client(sim, sleep=sleeps, max_retries=2) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(drop_rate=1.0))
        with pytest.raises(NetworkError) as read:
            c.list_vehicles_raw()
        assert read.value.kind == "dropped" and not read.value.maybe_sent
        assert sim.faults.counts["drop"] == 3
        with pytest.raises(NetworkError) as write:
            c.delete_vehicle(next(iter(sim.engine.vehicles)))
    assert sim.faults.counts["drop"] == 4
    assert write.value.maybe_sent and "may or may not have reached" in str(write.value)
    assert "refresh" in str(write.value)


def test_malformed_list_answer_is_bad_response(sim, client):
    client.fetch_token()
    sim.set_faults(FaultConfig(malformed_rate=1.0))
    with pytest.raises(Exception) as info:
        client.list_vehicles()
    assert type(info.value).__name__ == "BadResponse" and error_category(info.value) == "server"


def test_write_timeout_may_still_be_carried_out(sim):
    """The server works slowly; the client gives up; the write still lands. The error says
    so instead of letting the caller resend blindly."""
    sim.engine.seed_vehicle(GOOD_VIN, "bmw", "approved", age_seconds=5 * DAY)
    with make_client(sim, timeout=0.2) as c:
        c.fetch_token()
        sim.set_faults(FaultConfig(latency=0.6))
        with pytest.raises(NetworkError) as info:
            c.delete_vehicle(GOOD_VIN)
        sim.set_faults(FaultConfig())
    assert info.value.kind == "timeout" and info.value.maybe_sent
    assert "may or may not have reached" in str(info.value)
    for _ in range(40):
        if sim.engine.vehicles[GOOD_VIN]["status"] == "revoking":
            break
        threading.Event().wait(0.05)
    assert sim.engine.vehicles[GOOD_VIN]["status"] == "revoking"


def test_readme_flow_add_three_list_cancel_refused_then_allowed(sim, client):
    """The README's walk-through: add three (one bad VIN), list, cancel on a brand that
    can't be cancelled (clear error, sent once), then on one that can."""
    results = client.create_vehicles(
        [
            NewVehicle("WBA11111111111111", "bmw"),
            NewVehicle("VR3AAAAAAAAAAAAA", "peugeot"),
            NewVehicle("VR3BBBBBBBBBBBBBB", "peugeot"),
        ]
    )
    assert [r.ok for r in results] == [True, False, True]
    listed = {v.vin for v in client.list_vehicles()}
    assert {"WBA11111111111111", "VR3BBBBBBBBBBBBBB"} <= listed
    sent = client.requests_sent
    with pytest.raises(Unprocessable) as info:
        client.delete_vehicle("WBA11111111111111")
    assert info.value.kind == "not_supported" and client.requests_sent == sent + 1
    assert sim.engine.vehicles["WBA11111111111111"]["status"] == "pending"
    sim.engine.seed_vehicle(
        "VR3CCCCCCCCCCCCCC", "peugeot", "pending", age_seconds=2 * DAY, hold=True
    )
    assert client.delete_vehicle("VR3CCCCCCCCCCCCCC").status == "canceling"


def test_one_connection_is_reused_and_timeouts_are_explicit(sim):
    with make_client(sim, timeout=7.0) as c:
        for _ in range(4):
            c.list_vehicles_raw()
        c.get_vehicle(next(iter(sim.engine.vehicles)))
        assert len(c._http._transport._pool.connections) == 1
        assert c._http.timeout.connect == 7.0 and c._http.timeout.read == 7.0
    with make_client(sim) as c:
        # Defaults: 10 s to connect, a minute of silence, 300 s for a whole call.
        assert c._http.timeout.connect == 10.0 and c._http.timeout.read == 60.0
        assert c.deadline == 300.0


def test_debug_logs_of_every_layer_never_show_secret_or_token(sim, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(sim) as c:
        token = c.fetch_token().value
        c.list_vehicles(VehicleFilter().status_in(["pending"]))
        sim.revoke_tokens()
        c.get_vehicle(next(iter(sim.engine.vehicles)))
    text = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "httpcore" in text or "httpx" in text  # the layers below did log
    assert sim.client_secret not in text and token not in text


def test_list_vehicles_compact_matches_the_raw_list(sim):
    """The poller's compact list carries the same vehicles as the plain one."""
    from fleettui.core.rows import expand

    with make_client(sim) as client:
        raw = client.list_vehicles_raw()
        compact = client.list_vehicles_compact()
    assert len(compact) == len(raw) == 60
    assert all(type(c) is tuple for c in compact)
    by_vin = {v["vin"]: v for v in raw}
    for c in compact:
        original = by_vin[c[0]]
        assert expand(c)["changelog"] == original["changelog"]
        assert (c[1], c[2]) == (original["status"], original["brand"])
