"""The test suite's throwaway PostgreSQL does not outlive its pytest process: killed
with SIGKILL (a timeout, an engineer's kill -9), the process cannot stop its server, so
a watchdog does (`LocalPostgres.stop_when_gone`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fleettui.desk.pg_binaries import find_binaries
from tests.support.pg_server import no_server

ROOT = Path(__file__).resolve().parents[2]
#: A pytest process in miniature: it starts the suite's server, says where, and waits.
_OWNER = """
import time
from tests.support.pg_server import start_server
server = start_server()
print(server.root, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # run as another user (root runs it as postgres): alive
        return True
    # a zombie is gone for our purpose: it has stopped and waits for its parent
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_server_whose_owner_is_killed_is_stopped_and_removed() -> None:
    if find_binaries() is None:
        no_server("no PostgreSQL server binaries")
    owner = subprocess.Popen(
        [sys.executable, "-c", _OWNER], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        root = Path(owner.stdout.readline().strip())
        assert root.name.startswith("fleettui-pg-"), root
        postmaster = int((root / "data" / "postmaster.pid").read_text().split()[0])
        assert _alive(postmaster)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    deadline = time.monotonic() + 60  # a bound against hanging, not a speed check
    while (_alive(postmaster) or root.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(postmaster), "the server outlived its killed owner"
    assert not root.exists(), "the server's directory was left behind"


def test_a_server_stopped_by_its_owner_ends_its_watchdog() -> None:
    if find_binaries() is None:
        no_server("no PostgreSQL server binaries")
    from tests.support.pg_server import start_server

    server = start_server()
    watchdog = server._watchdog
    assert watchdog is not None and watchdog.poll() is None
    server.stop()
    assert watchdog.wait(timeout=60) == 0  # a bound against hanging, not a speed check
    assert not server.root.exists()
