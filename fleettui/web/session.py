"""One browser tab's monitor: a ``fleettui`` process driven over textual-serve's protocol.

Replaces textual-serve's ``AppService`` for three reasons: the process gets the clean
environment of :mod:`fleettui.web.environment` (not a copy of the server's), it is exec'd
without a shell in its own process group so it can be ended for sure (quit, then SIGTERM,
then SIGKILL), and what it writes to stderr reaches the server's log as plain text (no
control sequences), cut short.

The wire protocol is textual-serve's: the child prints ``__GANGLION__`` and then packets
of ``type (1 byte) + length (4 bytes, big-endian) + payload``: ``D`` terminal output,
``M`` JSON meta (exit, open_url, deliver_file_start), ``P`` packed (file chunks). The
server writes ``D`` (keys) and ``M`` (resize, focus, blur, quit, chunk requests) back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual_serve._binary_encode import load as binary_load
from textual_serve.download_manager import DownloadManager

from fleettui.core.text import one_line
from fleettui.web.environment import SessionLaunch

log = logging.getLogger("fleettui.web")

QUIT_GRACE = 5.0
TERM_GRACE = 2.0
STDERR_KEEP = 16 * 1024
DRAIN_DEADLINE = 10.0
_PRELUDE = b"__GANGLION__\n"


class BrowserSession:
    """One process per WebSocket. ``app_service_id`` and ``send_meta`` are what
    textual-serve's DownloadManager calls."""

    def __init__(
        self,
        launch: SessionLaunch,
        *,
        number: int,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[..., Awaitable[Any]],
        download_manager: DownloadManager,
        clock: Callable[[], float],
    ) -> None:
        self.app_service_id = uuid.uuid4().hex
        self.number = number
        self.launch = launch
        self._write_bytes = write_bytes
        self._write_str = write_str
        self._close = close
        self._downloads = download_manager
        self._clock = clock
        self.last_input = clock()
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stderr = bytearray()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def touched(self) -> None:
        """The person in the browser did something (a key, a resize)."""
        self.last_input = self._clock()

    def idle_for(self) -> float:
        return self._clock() - self.last_input

    async def start(self, width: int, height: int) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.launch.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.launch.with_size(width, height),
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._run(), name=f"fleettui-session-{self.number}")

    # -- to the process -------------------------------------------------------------------

    @staticmethod
    def _packet(kind: bytes, payload: bytes) -> bytes:
        return kind + len(payload).to_bytes(4, "big") + payload

    async def _send(self, packet: bytes) -> bool:
        process = self.process
        if process is None or process.stdin is None or process.returncode is not None:
            return False
        try:
            process.stdin.write(packet)
            # A monitor that stopped reading must not hang the tab's connection (and with
            # it the idle timeout and shutdown): give up on it instead.
            await asyncio.wait_for(process.stdin.drain(), DRAIN_DEADLINE)
        except (TimeoutError, RuntimeError, OSError, ConnectionError):
            return False
        return True

    async def send_bytes(self, data: bytes) -> bool:
        return await self._send(self._packet(b"D", data))

    async def send_meta(self, data: dict[str, Any]) -> bool:
        return await self._send(self._packet(b"M", json.dumps(data).encode("utf-8")))

    async def set_terminal_size(self, width: int, height: int) -> None:
        await self.send_meta({"type": "resize", "width": width, "height": height})

    # -- from the process -----------------------------------------------------------------

    async def _run(self) -> None:
        process = self.process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stderr_task = asyncio.create_task(self._collect_stderr(process.stderr))
        stdout = process.stdout
        ready = False
        try:
            for _ in range(50):
                line = await stdout.readline()
                if not line or line == _PRELUDE:
                    ready = bool(line)
                    break
            while ready:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == b"D":
                    await self._write_bytes(payload)
                elif kind == b"M":
                    await self._on_meta(payload)
                elif kind == b"P":
                    await self._on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:  # noqa: BLE001 - a broken packet ends this session, not the server
            log.warning("session %d: unreadable output from the monitor; closing it", self.number)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(stderr_task, TERM_GRACE)
            await self._downloads.cancel_app_downloads(app_service_id=self.app_service_id)
            why = b""
            if not ready:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(process.wait(), TERM_GRACE)
                why = close_reason("the monitor could not start", self.stderr_tail(1))
                log.warning(
                    "session %d: the monitor could not start (exit %s): %s",
                    self.number,
                    process.returncode,
                    self.stderr_tail(),
                )
            with contextlib.suppress(Exception):
                await self._close(code=1011 if why else 1000, message=why)

    async def _collect_stderr(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(4096):
            self._stderr += chunk
            del self._stderr[:-STDERR_KEEP]

    async def _on_meta(self, payload: bytes) -> None:
        try:
            meta = json.loads(payload)
            kind = meta["type"]
        except (ValueError, KeyError, TypeError):
            return
        if kind == "exit":
            await self._close()
        elif kind == "open_url":
            url = str(meta.get("url", ""))
            if url.startswith(("https://", "http://")):
                await self._write_str(
                    json.dumps(
                        ["open_url", {"url": url, "new_tab": bool(meta.get("new_tab", True))}]
                    )
                )
        elif kind == "deliver_file_start":
            try:
                key = str(meta["key"])
                await self._downloads.create_download(
                    app_service=self,  # type: ignore[arg-type]  # duck-typed AppService
                    delivery_key=key,
                    file_name=_safe_file_name(str(meta["path"])),
                    open_method=str(meta.get("open_method", "download")),
                    mime_type=str(meta.get("mime_type") or "application/octet-stream"),
                    encoding=meta.get("encoding"),
                    name=meta.get("name"),
                )
            except KeyError:
                return
            await self._write_str(json.dumps(["deliver_file_start", key]))

    async def _on_packed(self, payload: bytes) -> None:
        unpacked = binary_load(payload)
        if (
            isinstance(unpacked, list | tuple)
            and len(unpacked) == 3
            and unpacked[0] == "deliver_chunk"
        ):
            _, key, chunk = unpacked
            await self._downloads.chunk_received(str(key), chunk)

    # -- the end --------------------------------------------------------------------------

    def signal(self, sig: int) -> bool:
        """Send ``sig`` to the monitor's process group now, without waiting; False when
        the process has already ended (the server's stop signals every tab at once)."""
        process = self.process
        if process is None or process.returncode is not None:
            return False
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        return True

    async def ended(self) -> int | None:
        """Wait for the monitor's process to end; its exit code."""
        return await self.process.wait() if self.process is not None else None

    async def stop(self, grace: float = QUIT_GRACE) -> int | None:
        """Ask the monitor to quit; end its process group if it has not within ``grace``."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
        for sig, wait in ((signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, TERM_GRACE)):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), wait)
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, TERM_GRACE)
        self._reap_group(process.pid)
        return process.returncode

    @staticmethod
    def _reap_group(pgid: int) -> None:
        """Anything the monitor started in its group goes with it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)

    def stderr_tail(self, lines: int = 5) -> str:
        text = self._stderr.decode("utf-8", "replace").strip().splitlines()[-lines:]
        return " | ".join(one_line(line, 300) for line in text if line.strip())


def close_reason(what: str, detail: str = "") -> bytes:
    """A WebSocket close reason: at most 123 bytes of UTF-8, so cut on a character."""
    text = f"{what}: {detail}" if detail else what
    data = text.encode("utf-8")
    while len(data) > 123:
        text = text[:-2] + "…"
        data = text.encode("utf-8")
    return data


def _safe_file_name(path: str) -> str:
    """The bare name for Content-Disposition: no directory, quote or control character."""
    name = one_line(Path(path).name, 120).replace('"', "'").replace(";", ",")
    return name or "download"
