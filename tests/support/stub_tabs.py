"""`fleettui serve` (the real server, `fleettui.web.run.serve`) whose browser tabs start a
stub instead of a monitor, so a test can see in what order the server ends them.

    python tests/support/stub_tabs.py serve LOG N MODE   # the server; prints its URL like serve
    python tests/support/stub_tabs.py tab LOG N MODE     # what each tab starts (the server runs it)

A tab writes ``<event> <pid>`` lines to LOG: ``start``; ``quit`` when a quit packet
comes on its stdin; ``term`` on SIGTERM. MODE ``together``: after SIGTERM the tab waits
until N tabs have written ``term`` (up to a bound against hanging), then writes
``saw-all`` and exits (or ``alone`` when the others' SIGTERM never came). MODE
``stubborn``: SIGTERM is noted and ignored, and the end of its input too, so only SIGKILL
ends the tab. MODE ``late`` (the server's): a tab's process is started only once the
server is stopping (its start held until then, the server writing ``holding`` when it
begins to hold it), and is a stubborn one.
Used by tests/web/test_web_stop.py.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

#: Seconds a `together` tab waits for the others' SIGTERM: a bound against hanging.
TOGETHER_BOUND = 20.0


def note(log: Path, event: str) -> None:
    with log.open("a") as f:
        f.write(f"{event} {os.getpid()}\n")


def events(log: Path) -> list[tuple[str, int]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [(event, int(pid)) for event, pid in (line.split() for line in lines)]


def tab(log: Path, n: int, mode: str) -> int:
    def on_term(_signum: int, _frame: object) -> None:
        note(log, "term")
        if mode == "stubborn":
            return
        end = time.monotonic() + TOGETHER_BOUND
        while time.monotonic() < end:
            if sum(event == "term" for event, _ in events(log)) >= n:
                note(log, "saw-all")
                os._exit(0)
            time.sleep(0.02)
        note(log, "alone")
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    sys.stdout.buffer.write(b"__GANGLION__\n")
    sys.stdout.flush()
    note(log, "start")
    stdin = sys.stdin.buffer
    while head := stdin.read(5):  # textual-serve's packets: kind, 4-byte length, payload
        payload = stdin.read(int.from_bytes(head[1:5], "big"))
        if head[:1] == b"M" and b'"quit"' in payload:
            note(log, "quit")
    while mode == "stubborn":  # not even a server gone ends it: only SIGKILL does
        signal.pause()
    return 0


def serve(log: Path, n: int, mode: str) -> int:
    from fleettui.web.environment import SessionLaunch
    from fleettui.web.run import ServeOptions, serve
    from fleettui.web.server import ServeLimits

    if mode == "late":  # a tab's process starts only once the server is stopping
        from fleettui.web import server, session

        start = session.BrowserSession.start

        async def late_start(self: session.BrowserSession, width: int, height: int) -> None:
            import asyncio

            note(log, "holding")  # the server's pid: the test stops it only after this
            while not server_obj[0]._stopping:
                await asyncio.sleep(0.01)
            await start(self, width, height)
            with log.open("a") as f:  # its pid, for the test to look for afterwards
                f.write(f"spawned {self.pid}\n")

        server_obj: list[server.MonitorServer] = []
        init = server.MonitorServer.__init__

        def remember(self: server.MonitorServer, *args: object, **kwargs: object) -> None:
            init(self, *args, **kwargs)  # type: ignore[arg-type]
            server_obj.append(self)

        server.MonitorServer.__init__ = remember  # type: ignore[method-assign]
        session.BrowserSession.start = late_start  # type: ignore[method-assign]
        mode = "stubborn"
    argv = (sys.executable, __file__, "tab", str(log), str(n), mode)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    launch = SessionLaunch(argv=argv, environment=env)
    return serve(launch, ServeOptions(port=0, limits=ServeLimits(max_sessions=n)))


if __name__ == "__main__":
    role, log_path, count, how = sys.argv[1:5]
    run = tab if role == "tab" else serve
    raise SystemExit(run(Path(log_path), int(count), how))
