"""q, ctrl+q and a lost terminal end the monitor whatever is in flight: closing the app
closes its clients, and a call blocked on a silent provider ends at once."""

from __future__ import annotations

import threading

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.api.network_errors import NetworkError
from fleettui.monitor.accounts import Account
from fleettui.term.exit_guard import ExitGuard
from fleettui.ui.app import FleetApp
from tests.support.hostile_server import HostileServer
from tests.support.pilot import wait_for
from tests.support.sim import SIM_START


def http_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("fleettui-http")]


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quitting_with_a_request_in_flight_ends_the_request(key):
    with HostileServer("silent") as server:
        creds = Credentials(server.base_url, "id", "secret")
        clients: list[FleetClient] = []

        def factory() -> FleetClient:
            clients.append(FleetClient(creds, deadline=600))  # would wait ten minutes
            return clients[-1]

        account = Account(name="slow", environment="custom", client_factory=factory, audit=False)
        app = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
        fetch, returned = app.monitor.refreshes.fetch, threading.Event()

        def fetch_and_note(generation: int, early=None):  # noqa: ANN001, ANN202
            try:
                return fetch(generation, early)
            finally:
                returned.set()

        app.monitor.refreshes.fetch = fetch_and_note
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: server.requests >= 1, timeout=20)
            assert app.monitor.connection.polling and not returned.is_set()
            await pilot.press(key)
        # The poll worker (whose thread the interpreter would wait for at exit) returned
        # when the client closed, not at the call's ten-minute deadline.
        assert returned.wait(30)
        assert app.return_code == 0
        assert all(c._closing.is_set() for c in clients)
        # What is left is the exchange's own daemon thread, which never holds the exit.
        assert all(t.daemon for t in http_threads())


def test_a_closed_client_ends_a_call_under_way_at_once():
    with HostileServer("silent") as server:
        client = FleetClient(Credentials(server.base_url, "id", "s"), deadline=600)
        failed: list[BaseException] = []

        def call() -> None:
            try:
                client.list_vehicles_raw()
            except NetworkError as exc:
                failed.append(exc)

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        while server.requests == 0 and worker.is_alive():
            worker.join(0.02)
        client.close()
        worker.join(timeout=30)
        assert not worker.is_alive()
        assert failed and "closed" in str(failed[0])


def test_the_exit_guard_ends_the_process_with_the_apps_code():
    ended: list[int] = []
    done = threading.Event()

    def end(code: int) -> None:
        ended.append(code)
        done.set()

    guard = ExitGuard(0.01, fd=-1, end=end)
    guard.arm(lambda: 129)
    guard.arm(lambda: 1)  # armed once: the first request wins
    assert done.wait(30)
    assert ended == [129]


def test_a_forced_end_removes_the_demos_throwaway_history(tmp_path):
    """An exit that hangs is ended by the guard with os._exit, which skips every cleanup:
    the demo's history folder must still go (it was left in the temporary directory, one
    more each time)."""
    import subprocess
    import sys

    script = (
        "import threading\n"
        "from fleettui.history.store import HistoryStore\n"
        "from fleettui.term.exit_guard import ExitGuard\n"
        "store = HistoryStore.temporary()\n"
        "assert store.available and store.path.exists()\n"
        "ExitGuard(0.05, fd=-1).arm(lambda: 7)\n"
        "threading.Event().wait()  # an exit that never finishes\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**__import__("os").environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,  # bounds a hang only; the guard ends it within a second
    )
    assert done.returncode == 7, done.stderr
    assert list(tmp_path.glob("fleettui-history-*")) == []


def test_a_history_closed_the_usual_way_is_not_removed_again(tmp_path, monkeypatch):
    from fleettui.core import forced_end
    from fleettui.history.store import HistoryStore

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    store = HistoryStore.temporary()
    assert store.path is not None
    folder = store.path.parent
    assert folder in forced_end._folders
    store.close()
    assert not folder.exists()
    assert folder not in forced_end._folders
