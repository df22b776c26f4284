"""Browser sessions of `fleettui serve`: clean environment, limits, and a clean stop.

The WebSocket is opened by aiohttp's client exactly as the page does (cookie + Origin),
so these run without a browser. Each session is a real `fleettui` process: its
environment is read back from /proc.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time

import pytest

from tests.support.cli import SECRET_VAR
from tests.support.web import (
    CANARY,
    CANARY_VAR,
    DEADLINE,
    Tab,
    alive,
    base_env,
    children_of,
    environ_of,
    serving,
)

aiohttp = pytest.importorskip("aiohttp")

from fleettui.web.environment import LOCALE_VARIABLES, PASSED_THROUGH, TERMINAL  # noqa: E402

pytestmark = pytest.mark.asyncio
VIN = re.compile(rb"(?<![A-Z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Z0-9])")


def _session_pid(served) -> int:
    end = time.monotonic() + DEADLINE
    while not (kids := children_of(served.process.pid)):
        if time.monotonic() >= end:  # a bound against hanging, not a speed check
            pytest.fail("no session process started")
        time.sleep(0.05)
    return kids[0]


async def _gone(pid: int) -> bool:
    end = time.monotonic() + DEADLINE
    while alive(pid):
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_a_session_gets_only_the_variables_it_needs(tmp_path, isolated_dirs):
    env = base_env(isolated_dirs, AWS_SECRET_ACCESS_KEY=CANARY, LC_TIME="C.UTF-8")
    with serving(tmp_path, isolated_dirs, "--demo", env=env) as served:
        async with Tab(served) as tab:
            await tab.read_until(VIN, "VIN")
            child = environ_of(_session_pid(served))
            assert CANARY not in "".join(child.values())
            for var in (CANARY_VAR, "AWS_SECRET_ACCESS_KEY", "FLEETTUI_CLIENT_SECRET"):
                assert var not in child
            allowed = (
                set(PASSED_THROUGH) | set(TERMINAL) | set(LOCALE_VARIABLES) | {"COLUMNS", "ROWS"}
            )
            assert set(child) <= allowed
            assert child["LC_TIME"] == "C.UTF-8"  # locale does come along
            assert child["FLEETTUI_CONFIG_DIR"] == isolated_dirs["config"]
            assert CANARY.encode() not in tab.output


async def test_a_profile_session_gets_the_one_secret_its_profile_names(
    tmp_path, isolated_dirs, sim_profile
):
    env = base_env(isolated_dirs, **{SECRET_VAR: sim_profile.client_secret})
    del env["FLEETTUI_CLIENT_SECRET"]  # it would override the profile's own variable
    with serving(tmp_path, isolated_dirs, "--profile", "sim", env=env) as served:
        async with Tab(served) as tab:
            vins = {v.decode() for v in VIN.findall((await tab.read_until(VIN, "VIN")).string)}
            assert vins & set(sim_profile.engine.vehicles)  # the simulator's own fleet
            child = environ_of(_session_pid(served))
            assert child[SECRET_VAR] == sim_profile.client_secret
            assert CANARY_VAR not in child and CANARY not in "".join(child.values())
            assert sim_profile.client_secret.encode() not in tab.output


async def test_keys_typed_in_the_tab_reach_the_monitor(tmp_path, isolated_dirs):
    with serving(tmp_path, isolated_dirs, "--demo", "--demo-speed", "0") as served:
        async with Tab(served) as tab:
            await tab.read_until(VIN, "VIN")
            await tab.ws.send_str(json.dumps(["stdin", "?"]))
            await tab.read_until(re.compile(rb"closes\)"), "help screen")


async def test_one_session_over_the_limit_is_told_why(tmp_path, isolated_dirs):
    with serving(tmp_path, isolated_dirs, "--demo", "--max-sessions", "1") as served:
        async with Tab(served) as first:
            await first.read_until(VIN, "VIN")
            async with Tab(served) as second:
                closed = await second.closed()
                assert closed.data == 1013
                assert "limit" in (closed.extra or "")
            assert len(children_of(served.process.pid)) == 1
            await first.ws.send_str(json.dumps(["stdin", "?"]))  # the first one still works
            await first.read_until(re.compile(rb"closes\)"), "help screen")


async def test_an_idle_session_is_closed_and_its_process_ends(tmp_path, isolated_dirs):
    with serving(tmp_path, isolated_dirs, "--demo", "--idle-timeout", "2") as served:
        async with Tab(served) as tab:
            pid = _session_pid(served)
            closed = await tab.closed()
            assert closed.data == 4000
            assert "without input" in (closed.extra or "")
            assert await _gone(pid)


async def test_a_killed_server_leaves_no_session_behind(tmp_path, isolated_dirs):
    """SIGKILL gives the server no chance: the monitor notices its input is gone and leaves."""
    with serving(tmp_path, isolated_dirs, "--demo") as served:
        async with Tab(served) as tab:
            await tab.read_until(VIN, "VIN")
            pid = _session_pid(served)
            served.process.kill()
            served.process.wait()
            assert await _gone(pid), "the session process outlived a killed server"


async def test_a_monitor_that_cannot_start_says_why_in_the_tab():
    from textual_serve.download_manager import DownloadManager

    from fleettui.web.environment import SessionLaunch
    from fleettui.web.session import BrowserSession

    closed: list[tuple[int, bytes]] = []

    async def close(code: int = 1000, message: bytes = b"") -> None:
        closed.append((code, message))

    async def ignore(data) -> None:  # noqa: ANN001
        pass

    script = (
        "import sys; print('fleettui: profile \\'p\\': set MY_SECRET', file=sys.stderr); "
        "sys.exit(2)"
    )
    session = BrowserSession(
        SessionLaunch((sys.executable, "-c", script), {"PATH": "/usr/bin:/bin"}),
        number=1,
        write_bytes=ignore,
        write_str=ignore,
        close=close,
        download_manager=DownloadManager(),
        clock=asyncio.get_running_loop().time,
    )
    await session.start(80, 24)
    assert await session.stop(grace=DEADLINE) == 2
    code, message = closed[-1]
    assert code == 1011
    assert message.decode() == "the monitor could not start: fleettui: profile 'p': set MY_SECRET"
