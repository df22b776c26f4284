"""The overall deadline of an API call, against real slow servers on loopback: a
trickling body, slow headers, a silent server; "did not answer" is not "cannot connect"."""

from __future__ import annotations

import contextlib
import threading

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient, NewVehicle
from fleettui.api.errors import NotFound, RateLimited, WrongBaseUrl, error_category
from fleettui.api.network_errors import NetworkError, ProviderTimeout
from fleettui.config.profiles import DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE
from tests.support.hostile_server import PENDING_VIN, HostileServer


def hostile_client(server: HostileServer, **kw) -> FleetClient:
    kw.setdefault("deadline", 1.5)
    kw.setdefault("sleep", lambda s: None)
    return FleetClient(Credentials(server.base_url, "id", "secret"), **kw)


@pytest.fixture(scope="module")
def server():
    with HostileServer() as srv:
        srv.trickle_every = 0.3  # a byte every 0.3 s: never silent long enough for a timeout
        yield srv


@pytest.mark.parametrize("kind", ["trickle", "slow_headers", "silent"])
def test_a_slow_answer_ends_at_the_deadline_with_its_own_error(server, kind):
    server.kind = kind
    with hostile_client(server) as client, pytest.raises(ProviderTimeout) as info:
        client.list_vehicles_raw()
    err = info.value
    assert err.kind == "deadline" and err.seconds == 1.5
    assert error_category(err) == "timeout" and isinstance(err, NetworkError)
    assert "did not answer within 1.5 s" in str(err) and "raise `deadline`" in str(err)


def test_the_deadline_covers_every_read_call(server):
    server.kind = "trickle"
    with hostile_client(server) as client:
        with pytest.raises(ProviderTimeout):
            client.get_vehicle(PENDING_VIN)
        with pytest.raises(ProviderTimeout):
            client.fetch_token() and client.list_vehicles()


def test_a_write_past_the_deadline_says_it_may_have_been_sent(server):
    server.kind = "silent"
    with hostile_client(server) as client, pytest.raises(ProviderTimeout) as info:
        client.create_vehicles([NewVehicle(PENDING_VIN, "mercedes-benz")])
    assert info.value.maybe_sent and "may or may not have reached" in str(info.value)


def test_the_exchange_runs_on_a_daemon_thread(server):
    """Nothing in flight can hold the process's exit."""
    server.kind = "silent"
    seen: list[bool] = []

    def look(_seconds: float) -> None:
        return None

    with hostile_client(server, sleep=look) as client:
        done = threading.Event()

        def call() -> None:
            with contextlib.suppress(ProviderTimeout):
                client.list_vehicles_raw()
            done.set()

        threading.Thread(target=call, daemon=True).start()
        while not done.is_set():
            seen += [t.daemon for t in threading.enumerate() if t.name.startswith("fleettui-http")]
            done.wait(0.05)
    assert seen and all(seen)


def test_cannot_connect_is_not_a_slow_answer():
    with (
        FleetClient(
            Credentials("http://127.0.0.1:9", "id", "s"), deadline=5, max_retries=0
        ) as client,
        pytest.raises(NetworkError) as info,
    ):
        client.list_vehicles_raw()
    assert not isinstance(info.value, ProviderTimeout)
    assert info.value.kind == "refused" and error_category(info.value) == "network"


def test_a_retry_after_beyond_the_deadline_is_not_waited_for(server):
    server.kind = "retry_after_long"
    sleeps: list[float] = []
    with (
        hostile_client(server, sleep=sleeps.append, deadline=30) as client,
        pytest.raises(RateLimited) as info,
    ):
        client.list_vehicles_raw()
    # 99999 s asked (the header): cut to the longest wait fleettui accepts, and said.
    assert sleeps == [] and info.value.retry_after == 300 and info.value.asked == 99_999
    assert "asked to wait 28 h; fleettui waits 5 min at most" in str(info.value)


def test_retry_after_nonsense_falls_back_to_the_backoff(server):
    server.kind = "retry_after_inf"
    sleeps: list[float] = []
    with (
        hostile_client(server, sleep=sleeps.append, deadline=30) as client,
        pytest.raises(RateLimited) as info,
    ):
        client.list_vehicles_raw()
    assert info.value.retry_after is None and len(sleeps) == 3 and max(sleeps) <= 8


def test_a_404_on_the_list_or_the_token_says_the_base_url_is_wrong(server, sim):
    server.kind = "not_found"
    with hostile_client(server) as client:
        with pytest.raises(WrongBaseUrl) as info:
            client.list_vehicles_raw()
        assert "likely wrong" in str(info.value) and server.base_url in str(info.value)
        assert "No clearance" not in str(info.value)
        with pytest.raises(WrongBaseUrl):
            client.create_vehicles([NewVehicle(PENDING_VIN, "mercedes-benz")])
    wrong = f"{sim.base_url}/api"  # the simulator under a path: 404 on the token call
    with (
        FleetClient(Credentials(wrong, sim.client_id, sim.client_secret)) as client,
        pytest.raises(WrongBaseUrl),
    ):
        client.list_vehicles_raw()
    with (
        FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as client,
        pytest.raises(NotFound) as info,
    ):
        client.get_vehicle("WVWZZZ1JZXW999999")  # a VIN not in the fleet: still "no clearance"
    assert "No clearance for this VIN" in str(info.value)


def test_defaults_fit_a_28_mb_list_on_a_slow_link(sim):
    with FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as c:
        assert c.deadline == DEFAULT_DEADLINE == 300 and c.connect_timeout == 10
    assert DEFAULT_CONNECT_TIMEOUT == 10
    # 28 MB at 1 Mbit/s is 224 s: inside the default deadline.
    assert DEFAULT_DEADLINE > 28e6 * 8 / 1e6
