"""Helpers for the `fleettui serve` tests: a real server process, its children, deadlines.

Every test here runs the real command (`python -m fleettui serve ... --port 0`) in its own
process with a clean, isolated environment, reads the one URL it prints, and stops it with
SIGTERM. Waits poll a condition until a generous deadline: they never assert how long
something took.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("aiohttp", reason="the web extra is not installed: pip install -e '.[web]'")
pytest.importorskip(
    "textual_serve", reason="the web extra is not installed: pip install -e '.[web]'"
)
import aiohttp  # noqa: E402 - after the skip above

CANARY_VAR = "FLEETTUI_TEST_CANARY_SECRET"
CANARY = "canary-7f3a9c-never-show-me"
DEADLINE = 60.0
T = TypeVar("T")


def wait_for(
    check: Callable[[], T], what: str, deadline: float = DEADLINE, every: float = 0.1
) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` at the deadline."""
    end = time.monotonic() + deadline
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


def base_env(dirs: Mapping[str, str], **extra: str) -> dict[str, str]:
    """A server environment: the machine's basics, the test's dirs, a canary secret."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "TMPDIR")  # (a private temp stays so)
    }
    env.update({f"FLEETTUI_{k.upper()}_DIR": v for k, v in dirs.items()})
    env[CANARY_VAR] = CANARY
    env["FLEETTUI_CLIENT_SECRET"] = CANARY  # even fleettui's own secret variable stays out
    env.update(extra)
    return env


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    stdout_first: str
    stderr_path: Path
    stdout_rest: str = ""
    stopped: bool = field(default=False)

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if not self.stopped:
            self.stopped = True
            if self.process.poll() is None:
                self.process.send_signal(sig)
            try:
                rest, _ = self.process.communicate(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate()
            self.stdout_rest = rest or ""
        return self.process.returncode


@contextlib.contextmanager
def serving(
    tmp_path: Path,
    dirs: Mapping[str, str],
    *args: str,
    env: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> Iterator[Served]:
    """``fleettui serve --port 0 ARGS`` (or ``command``, which prints the URL as serve
    does) running until the block ends (then SIGTERM)."""
    stderr_path = tmp_path / "serve-stderr.txt"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            list(command or [sys.executable, "-m", "fleettui", "serve", "--port", "0", *args]),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=dict(env) if env is not None else base_env(dirs),
        )
    try:
        ready, _, _ = select.select([process.stdout], [], [], DEADLINE)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("http"):
            process.kill()
            process.wait()
            raise AssertionError(f"serve printed no URL: {line!r} {stderr_path.read_text()}")
        served = Served(process, line.strip(), line, stderr_path)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.communicate(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                out.append(int(entry.name))
    return out


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(): v.decode("utf-8", "replace") for k, v in pairs}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Tab:
    """What the page does: log in with the token, open /ws from the served origin."""

    def __init__(self, served) -> None:
        self.served = served
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.output = bytearray()

    async def __aenter__(self) -> Tab:
        async with self.http.get(self.served.url) as r:
            assert r.status == 200
        self.ws = await self.http.ws_connect(
            self.served.base.replace("http", "ws") + "/ws?width=100&height=30",
            origin=self.served.base,
        )
        await self.ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.http.close()

    async def read_until(self, pattern: re.Pattern[bytes], what: str) -> re.Match[bytes]:
        """Terminal output until ``pattern`` shows up (fails at the deadline)."""
        assert self.ws is not None
        end = time.monotonic() + DEADLINE
        while not (found := pattern.search(self.output)):
            left = end - time.monotonic()
            assert left > 0, f"no {what} in the session's output"
            message = await self.ws.receive(timeout=left)
            if message.type == aiohttp.WSMsgType.BINARY:
                self.output += message.data
            elif message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                raise AssertionError(f"session closed before {what}: {message.extra}")
        return found

    async def closed(self) -> aiohttp.WSMessage:
        """The close message the server sent (output before it is skipped)."""
        assert self.ws is not None
        end = time.monotonic() + DEADLINE
        while True:
            message = await self.ws.receive(timeout=max(0.1, end - time.monotonic()))
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return message
