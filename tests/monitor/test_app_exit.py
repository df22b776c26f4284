"""q, ctrl+q and a lost terminal end the monitor whatever is in flight: closing the app
closes its clients, and a call blocked on a silent provider ends at once."""

from __future__ import annotations

import threading
from pathlib import Path

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

ROOT = Path(__file__).resolve().parent.parent.parent


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


def test_a_forced_end_removes_this_runs_throwaway_folders(tmp_path):
    """An exit that hangs is ended by the guard with os._exit, which skips every cleanup: a
    throwaway folder registered for this run must still go (the demo's history folder
    exists only for the instant it takes to open its file, and is registered meanwhile)."""
    import subprocess
    import sys

    script = (
        "import tempfile, threading\n"
        "from pathlib import Path\n"
        "from fleettui.core import forced_end\n"
        "from fleettui.term.exit_guard import ExitGuard\n"
        "folder = Path(tempfile.mkdtemp(prefix='fleettui-history-'))\n"
        "(folder / 'demo.sqlite3').write_bytes(b'x')\n"
        "forced_end.remove_at_forced_end(folder)\n"
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


def _history_files(pid: int) -> list[str]:
    """The history files process `pid` holds open (their /proc fd links)."""
    import os

    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if "fleettui-history-" in target:
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_a_demo_killed_outright_leaves_no_history_behind(isolated_dirs, tmp_path):
    """SIGKILL cannot be caught: no exit path and no exit guard runs. The demo's throwaway
    history must leave nothing in the temporary directory all the same (each full test run
    left one `fleettui-history-*` folder in /tmp, from a real demo killed this way).
    Real process, in a terminal; killed once it holds its history open (seen in /proc)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.support.pty_terminal import Pty

    temp = tmp_path / "temp"
    temp.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FLEETTUI_")}
    environ.update({f"FLEETTUI_{k.upper()}_DIR": v for k, v in isolated_dirs.items()})
    environ.update(TMPDIR=str(temp), TERM="xterm-256color", COLUMNS="100", LINES="30")
    term = Pty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fleettui", "--demo", "--demo-vehicles", "50"],
        cwd=ROOT,
        env={**environ, "PYTHONPATH": str(ROOT)},
        stdin=term.slave,
        stdout=term.slave,
        stderr=term.slave,  # Textual draws on stderr: the terminal is all three
        start_new_session=True,
    )
    try:
        held: list[str] = []
        for _ in range(3000):  # bounded (300 s of 0.1 s looks): the first refresh opens it
            held = _history_files(proc.pid)
            if held:
                break
            assert proc.poll() is None, bytes(term.output)[-2000:]
            time.sleep(0.1)
        else:
            raise AssertionError("the demo never opened its history")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        term.close()
    assert proc.returncode == -signal.SIGKILL
    assert list(temp.glob("fleettui-history-*")) == [], held
