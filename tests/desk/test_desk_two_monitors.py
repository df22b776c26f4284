"""Two real `fleettui` monitors on one desk, each in its own terminal (a private tmux
server), as two people on two machines (each its own cache and data folders): a claim
typed in one shows in the other's Claimed column; a webhook delivered to the desk's
receiver shows in both. Waits are deadlines against a hang, not speed assertions."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleettui.core import reasons as R
from fleettui.desk.settings import DeskSettings
from fleettui.sim import SimConfig, Simulator
from fleettui.webhooks import sender
from tests.support.sim import SIM_START

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

DEADLINE = 90.0
SECRET_VAR = "TWO_MONITORS_SECRET"
HOOK_SECRET = "two-monitors-webhook-secret"
PEUGEOT = "VF3AAAAA0NC000001"
BMW = "WBAAAAAA0NC000002"


class Terminals:
    """Named panes (one tmux session each) on a private tmux server."""

    def __init__(self, width: int = 150, height: int = 30) -> None:
        self.sock = f"fleettui-desk-{uuid.uuid4().hex[:8]}"
        self.size = (width, height)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.sock, *args], check=True, capture_output=True, text=True
        ).stdout

    def run(self, name: str, command: str, env: dict[str, str]) -> None:
        assign = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self._tmux(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(self.size[0]),
            "-y",
            str(self.size[1]),
            f"exec env -i {assign} {command}",
        )
        self._tmux("set-option", "-t", name, "remain-on-exit", "on")
        self._tmux("set-option", "-t", name, "status", "off")

    def screen(self, name: str) -> str:
        return self._tmux("capture-pane", "-p", "-t", name)

    def keys(self, name: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", name, *keys)

    def wait(self, name: str, pattern: str, what: str) -> re.Match[str]:
        rx = re.compile(pattern)
        end = time.monotonic() + DEADLINE
        screen = ""
        while time.monotonic() < end:
            screen = self.screen(name)
            found = rx.search(screen)
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{name}: no {what} on screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


@pytest.fixture
def terminals() -> Iterator[Terminals]:
    t = Terminals()
    try:
        yield t
    finally:
        t.close()


@pytest.fixture
def desk_receiver(pg_desk: DeskSettings) -> Iterator[str]:
    """The desk's webhook receiver (as `fleettui webhooks listen --desk` runs it)."""
    from fleettui.desk.webhook_feed import DeskWebhookStore
    from fleettui.webhooks.receiver import WebhookReceiver
    from fleettui.webhooks.receiver_config import ReceiverConfig

    store = DeskWebhookStore(pg_desk)
    rx = WebhookReceiver(ReceiverConfig(secret=HOOK_SECRET), store).start()
    try:
        yield rx.url
    finally:
        rx.stop()
        store.close()


def _person(tmp: Path, name: str, sim: Simulator, desk: DeskSettings) -> dict[str, str]:
    home = tmp / name
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "TERM": "tmux-256color",
        "FLEETTUI_DESK_DSN": desk.dsn,
        "FLEETTUI_DESK_USER": name,
        SECRET_VAR: sim.client_secret,
        "FLEETTUI_CONFIG_DIR": str(tmp / "config"),
    }
    for kind in ("CACHE", "LOG", "DATA", "EXPORT"):
        env[f"FLEETTUI_{kind}_DIR"] = str(home / kind.lower())
    return env


def test_two_monitors_on_one_desk(pg_desk, desk_receiver, terminals, tmp_path) -> None:
    config = SimConfig(vehicles=12, speed=0.0, start=SIM_START)
    with Simulator(config) as sim:
        sim.engine.seed_vehicle(PEUGEOT, "peugeot", "pending", age_seconds=3 * 86400, hold=True)
        sim.engine.seed_vehicle(BMW, "bmw", "pending", age_seconds=3 * 86400, hold=True)
        people = {n: _person(tmp_path, n, sim, pg_desk) for n in ("ann", "bob")}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "fleettui",
                "profile",
                "add",
                "team",
                "--environment",
                "custom",
                "--base-url",
                sim.base_url,
                "--client-id",
                sim.client_id,
                "--client-secret-env",
                SECRET_VAR,
                "--default",
            ],
            env={**os.environ, **people["ann"]},
            check=True,
            capture_output=True,
        )
        command = f"{shlex.quote(sys.executable)} -m fleettui --desk --refresh 3600"
        for name, env in people.items():
            terminals.run(name, command, env)
        for name in people:
            terminals.wait(name, r"desk ● 2 online", "both people online")
        # ann claims the vehicle under her cursor (m); bob's Claimed column says ann.
        vin = terminals.wait("ann", r"│ ([A-HJ-NPR-Z0-9]{17})\s", "the cursor's vehicle").group(1)
        terminals.keys("ann", "m")
        terminals.wait("ann", rf"{vin}.*\bme\b", "ann's own claim")
        terminals.wait("bob", rf"{vin}.*\bann\b", "ann's claim in bob's monitor")
        # A delivery to the desk's receiver (the provider rejected the BMW) shows in both;
        # no list refresh in between (--refresh 3600).
        with sim.engine.lock:
            sim.engine.transition(
                sim.engine.record(BMW), "rejected", sim.engine.epoch(), R.ACTIVATION_TIMEOUT_NO_DATA
            )
        delivery = sender.change_delivery(BMW, "rejected", R.ACTIVATION_TIMEOUT_NO_DATA)
        assert sender.send(desk_receiver, HOOK_SECRET, delivery).status == 202
        for name in people:
            terminals.wait(name, rf"{BMW}.*rejected", f"the webhook in {name}'s monitor")
        for name in people:
            terminals.keys(name, "q")
