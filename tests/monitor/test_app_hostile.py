"""The monitor (through Pilot) against every class of hostile answer: it never dies, never
puts a hidden character on screen, and the header or a notice names the problem."""

from __future__ import annotations

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.core.text import sanitize
from fleettui.monitor.accounts import Account
from fleettui.ui.app import FleetApp
from tests.support.hostile_server import (
    BODY_KINDS,
    DATA_KINDS,
    FLOW_KINDS,
    PENDING_VIN,
    HostileServer,
)
from tests.support.pilot import header_text, told, told_since, wait_for
from tests.support.sim import SIM_START

#: What the header (or the first notice) says for each class that fails every refresh.
SAYS = {
    "truncated": "bad answer",
    "not_json": "bad answer",
    "null_body": "bad answer",
    "json_object": "bad answer",
    "html_200": "bad answer",
    "html_error": "server error",
    "error_escapes": "server error",
    "not_found": "refresh failed",
    "redirect": "refresh failed",
    "trickle": "did not answer in time",
    "slow_headers": "did not answer in time",
    "silent": "did not answer in time",
    "cut_body": "cannot connect",
    "endless_401": "credentials refused",
    "token_401": "credentials refused",
    "retry_after_long": "rate limited",
    "retry_after_inf": "rate limited",
    "html_titles": "server error",
    "deep_error": "server error",
    "deep_list": "bad answer",
}


@pytest.fixture(scope="module")
def server():
    with HostileServer() as srv:
        srv.trickle_every = 0.2
        yield srv


#: The client's deadline where the class is about deadlines (an answer that never comes
#: or trickles), and elsewhere: so generous that a loaded machine never turns another
#: class into "did not answer in time" (a cut body did, at load 25 with a 1.5 s deadline).
SHORT_DEADLINE = 1.5
DEADLINE = 30.0


def hostile_app(server: HostileServer, deadline: float = DEADLINE) -> FleetApp:
    creds = Credentials(server.base_url, "hostile-client", "hostile-secret")
    account = Account(
        name="hostile",
        environment="custom",
        base_url=server.base_url,
        client_factory=lambda: FleetClient(creds, deadline=deadline, max_retries=0),
        audit=False,
    )
    return FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)


def assert_clean(app: FleetApp) -> None:
    for text in (header_text(app), *told(app)):
        for line in text.split("\n"):
            assert sanitize(line) == line, repr(line)


@pytest.mark.parametrize("kind", [*BODY_KINDS, *FLOW_KINDS])
async def test_a_failing_provider_is_named_and_the_monitor_lives(server, kind):
    server.kind = kind
    timed = SAYS[kind] == "did not answer in time"
    app = hostile_app(server, SHORT_DEADLINE if timed else DEADLINE)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.failures >= 1, timeout=40)
        await pilot.pause()
        said = header_text(app).lower() + " ".join(told(app)).lower()
        assert SAYS[kind] in said, (kind, header_text(app), told(app))
        assert_clean(app)
        before = len(told(app))
        await pilot.press("E")  # the whole error, one key away
        await pilot.pause()
        assert any(app.monitor.connection.message[:40] in n for n in told_since(app, before))
        if kind == "deep_list":  # named as what it is, not Python's "maximum recursion"
            assert "nested too deeply to be a vehicle list" in app.monitor.connection.message
            assert "recursion" not in app.monitor.connection.message
        before = len(told(app))
        await pilot.press("r")  # stale: retries now and says so
        await pilot.pause()
        retried = told_since(app, before)
        assert any("Retrying now" in n for n in retried) or app.monitor.connection.polling
        assert app.is_running


@pytest.mark.parametrize("kind", DATA_KINDS)
async def test_hostile_data_is_shown_as_data(server, kind):
    server.kind = kind
    app = hostile_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.connected_once, timeout=20)
        await pilot.pause()
        assert app.monitor.store.total > 0 or kind == "empty_list"
        if kind != "empty_list":
            assert app.monitor.store.row_for(PENDING_VIN) is not None
        for _ in range(min(len(app.monitor.store), 8)):  # every row's detail paints
            await pilot.press("down")
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert_clean(app)


async def test_a_wait_of_a_day_is_cut_said_in_the_header_and_r_retries_now(server):
    """Retry-After 99999 s (28 h): the monitor waits 5 minutes at most, the header says
    how long and why, and `r` asks again now (issue 21: polling stopped for 24 h)."""
    server.kind = "retry_after_long"
    app = hostile_app(server)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.failures >= 1, timeout=20)
        await pilot.pause()
        conn = app.monitor.connection
        assert conn.retry_after == 300 and conn.next_delay() == 300
        assert "(the provider's wait, cut to 5 min; r: now)" in header_text(app)
        asked = server.requests
        await pilot.press("r")
        await wait_for(pilot, lambda: server.requests > asked, timeout=20)
        assert app.is_running


@pytest.mark.parametrize("kind", ["bad_utf8_tag", "long_number_tag", "date_9999", "date_1900"])
async def test_values_marked_and_an_implausible_clock_are_said_once_as_the_cli_says_them(
    server, kind
):
    """The CLI's notes on a list answer (values read and marked; a `Date` header more
    than a day off, the local clock used) are notices in the monitor: the same text,
    said once, not on every refresh."""
    server.kind = kind
    with FleetClient(Credentials(server.base_url, "cli", "secret"), max_retries=0) as cli:
        cli.list_vehicles_raw()  # what `fleettui list` reads, then prints as `note: …`
        note = cli.clock_note if kind.startswith("date") else cli.last_mended.describe()
    assert note
    app = hostile_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.connected_once, timeout=20)
        for _ in range(2):  # two more refreshes answer the same: nothing new to say
            asked = server.requests
            await pilot.press("r")
            await wait_for(
                pilot,
                lambda asked=asked: server.requests > asked and not app.monitor.connection.polling,
                timeout=20,
            )
        said = [n.text for n in app.monitor.notices.entries(kinds=["answer"])]
        assert said == [note[0].upper() + note[1:] + "."]
        assert app.monitor.store.total >= 2  # the list was read
