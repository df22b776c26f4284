"""The web server: textual-serve's page and protocol behind fleettui's access control.

Routes (all behind :func:`fleettui.web.access.access_middleware`):

- ``/``               the page (xterm.js from textual-serve's static files);
- ``/ws``             one monitor process per WebSocket (:class:`BrowserSession`);
- ``/download/{key}`` a file the monitor delivers (an export), streamed from its process;
- ``/static/...``     textual-serve's scripts, styles and fonts (no directory listing).

Limits: at most ``max_sessions`` at once (one more is told why and closed), a session
without input for ``idle_timeout`` seconds is closed, and :meth:`MonitorServer.close_all`
ends every session's process at once (used on SIGTERM, SIGHUP and SIGINT).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import signal
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from fleettui.web.access import AccessPolicy, access_middleware, content_security_policy
from fleettui.web.environment import SessionLaunch
from fleettui.web.session import BrowserSession, close_reason

log = logging.getLogger("fleettui.web")

STATIC_DIR = Path(textual_serve.__file__).parent / "static"
CLOSE_IDLE = 4000
CLOSE_FULL = 1013  # "try again later"
CLOSE_STOPPING = 1001  # "going away"
MAX_INPUT_MESSAGE = 1 << 20
#: On stop: seconds every monitor has, together, to end on SIGTERM (one ends in
#: 0.05-0.4 s at load 29 on 2 cores), then seconds for the kernel to reap the SIGKILLed.
TERM_WAIT = 0.45
KILL_WAIT = 0.15


def _size(text: str | None, default: int, low: int = 10, high: int = 1000) -> int:
    try:
        return max(low, min(high, int(text or default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class ServeLimits:
    max_sessions: int = 4
    #: Seconds without a key or resize before a session is closed; 0 = never.
    idle_timeout: float = 1800.0


class MonitorServer:
    def __init__(
        self,
        launch: SessionLaunch,
        policy: AccessPolicy,
        *,
        limits: ServeLimits = ServeLimits(),
        title: str = "fleettui",
    ) -> None:
        self.launch = launch
        self.policy = policy
        self.limits = limits
        self.title = title
        self.downloads = DownloadManager()
        self.sessions: dict[BrowserSession, web.WebSocketResponse] = {}
        self._numbers = 0
        self._stopping = False
        self._template = files("fleettui.web").joinpath("templates/page.html").read_text("utf-8")

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[access_middleware(self.policy)])
        app.add_routes(
            [
                web.get("/", self.handle_page),
                web.get("/ws", self.handle_websocket),
                web.get("/download/{key}", self.handle_download),
                web.static("/static", STATIC_DIR, show_index=False, follow_symlinks=False),
            ]
        )
        return app

    # -- the page -------------------------------------------------------------------------

    async def handle_page(self, request: web.Request) -> web.Response:
        font = _size(request.query.get("fontsize"), 16, 8, 48)
        body = self._template.replace("{{title}}", html.escape(self.title)).replace(
            "{{font_size}}", str(font)
        )
        response = web.Response(text=body, content_type="text/html")
        response.headers["Content-Security-Policy"] = content_security_policy(self.policy.origins)
        return response

    # -- a session ------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_INPUT_MESSAGE)
        await ws.prepare(request)
        if self._stopping:
            await ws.close(code=CLOSE_STOPPING, message=b"the server is stopping")
            return ws
        if len(self.sessions) >= self.limits.max_sessions:
            log.info("session refused: %d already open (the limit)", len(self.sessions))
            why = (
                f"{self.limits.max_sessions} sessions are already open (the server's limit); "
                "close one, then press Restart"
            )
            await ws.close(code=CLOSE_FULL, message=why.encode())
            return ws
        self._numbers += 1
        loop = asyncio.get_running_loop()

        async def send_bytes(data: bytes) -> None:
            if not ws.closed:  # output racing the tab's close is dropped, not an error
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(data)

        async def send_str(data: str) -> None:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_str(data)

        session = BrowserSession(
            self.launch,
            number=self._numbers,
            write_bytes=send_bytes,
            write_str=send_str,
            close=ws.close,
            download_manager=self.downloads,
            clock=loop.time,
        )
        self.sessions[session] = ws
        try:
            try:
                await session.start(
                    _size(request.query.get("width"), 80), _size(request.query.get("height"), 24)
                )
            except OSError as exc:
                log.warning("session %d: cannot start the monitor: %s", session.number, exc)
                await ws.close(
                    code=1011,
                    message=close_reason("cannot start the monitor", str(exc.strerror or exc)),
                )
                return ws
            if self._stopping:  # the stop came while this tab's process was starting
                session.signal(signal.SIGTERM)
            log.info(
                "session %d started for %s (process %s; %d open)",
                session.number,
                request.remote or "?",
                session.pid,
                len(self.sessions),
            )
            await self._pump(ws, session)
        finally:
            code = await session.stop()
            self.sessions.pop(session, None)
            tail = session.stderr_tail() if code not in (0, None) else ""
            log.info(
                "session %d ended (exit %s)%s", session.number, code, f": {tail}" if tail else ""
            )
        return ws

    async def _pump(self, ws: web.WebSocketResponse, session: BrowserSession) -> None:
        """The browser's messages: keys, resizes, focus. Anything else is ignored."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                session.touched()
                await session.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                session.touched()
                await session.set_terminal_size(
                    _size(str(data.get("width")), 80), _size(str(data.get("height")), 24)
                )
            elif kind == "ping" and isinstance(data, str):
                await ws.send_json(["pong", data[:32]])
            elif kind in ("blur", "focus"):
                await session.send_meta({"type": kind})

    # -- downloads ------------------------------------------------------------------------

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="That download is over or was never offered.") from None
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        ascii_name = meta.file_name.encode("ascii", "replace").decode().replace("?", "_")
        response = web.StreamResponse(
            headers={
                "Content-Type": content_type,
                "Content-Disposition": (
                    f'{disposition}; filename="{ascii_name}"; '
                    f"filename*=UTF-8''{quote(meta.file_name)}"
                ),
            }
        )
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- limits and the end ---------------------------------------------------------------

    async def reap_idle(self) -> None:
        """Close sessions that had no input for ``idle_timeout`` seconds (runs until cancelled)."""
        timeout = self.limits.idle_timeout
        if timeout <= 0:
            return
        every = min(30.0, max(0.5, timeout / 4))
        minutes = f"{timeout / 60:g} minutes" if timeout >= 60 else f"{timeout:g} seconds"
        while True:
            await asyncio.sleep(every)
            for session, ws in list(self.sessions.items()):
                if session.idle_for() >= timeout:
                    log.info("session %d closed: no input for %s", session.number, minutes)
                    await ws.close(
                        code=CLOSE_IDLE, message=f"closed after {minutes} without input".encode()
                    )

    async def close_all(self, term_wait: float = TERM_WAIT) -> int:
        """End every session at once; returns how many there were.

        Every tab is told why and every monitor gets SIGTERM in one pass, then one
        deadline (``term_wait``) is shared by all of them, then SIGKILL ends what is
        left: N tabs take as long as the slowest one, not N times as long.
        """
        self._stopping = True
        open_now = list(self.sessions.items())
        told = [asyncio.ensure_future(self._tell_stopped(ws)) for _, ws in open_now]
        await asyncio.sleep(0)  # the close frames go out before a process can end
        for session, _ in open_now:
            session.signal(signal.SIGTERM)
        ended = [asyncio.ensure_future(session.ended()) for session, _ in open_now]
        if ended:
            await asyncio.wait(ended, timeout=term_wait)
            for session, _ in open_now:
                session.signal(signal.SIGKILL)
            await asyncio.wait(ended, timeout=KILL_WAIT)
        for task in told:  # a tab that does not answer the close is not waited for
            task.cancel()
        return len(open_now)

    def kill_all(self) -> None:
        """SIGKILL every session's process group now (the forced end, from any thread)."""
        with contextlib.suppress(RuntimeError):  # the loop's thread changed the dict
            for session in list(self.sessions):
                session.signal(signal.SIGKILL)

    @staticmethod
    async def _tell_stopped(ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(Exception):
            await ws.close(code=CLOSE_STOPPING, message=b"the server stopped")
