"""Leave promptly when the terminal goes away (SSH drop, SIGHUP, stdin closed), or when
asked to (SIGTERM): the app exits as on `q`, and the process ends within a second.

Textual installs no SIGHUP handler, and its input thread spins when stdin hits EOF
(select says readable, read returns nothing). We catch both: SIGHUP through the event
loop, and a lost stdin through a slow check in a daemon thread (readable with nothing
to read, several times in a row; or the descriptor is no longer valid).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable

CHECK_INTERVAL = 0.5
CONFIRMATIONS = 3
#: After asking the app to exit, leave for sure this many seconds later (a teardown that
#: writes to a terminal that is gone must not keep the process alive or spinning).
EXIT_DEADLINE = 0.95
LOST_EXIT_CODE = 129
#: The exit code after SIGTERM: 128 + 15, as a shell reports a process it ended.
TERM_EXIT_CODE = 143


def stdin_gone(fd: int) -> bool:
    """True when fd is closed, or readable with zero bytes waiting (EOF or hang-up)."""
    try:
        readable, _, errored = select.select([fd], [], [fd], 0)
    except (OSError, ValueError):
        return True
    if errored:
        return True
    if not readable:
        return False
    try:
        import fcntl
        import termios
    except ImportError:  # not a POSIX terminal (Windows): SIGHUP handling only
        return False
    try:
        waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except OSError:
        return True
    return waiting == 0


class TerminalWatch:
    """Calls `on_lost()` (from the event loop's thread) once the terminal is gone."""

    def __init__(
        self, on_lost: Callable[[], None], fd: int | None = None, *, hard_exit: bool = True
    ) -> None:
        self.on_lost = on_lost
        self.fd = fd
        self.hard_exit = hard_exit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._fired = False
        self._sighup_installed = False
        self._installed: list[int] = []
        #: The exit code for the app: LOST_EXIT_CODE, or TERM_EXIT_CODE after SIGTERM.
        self.code = LOST_EXIT_CODE

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        sighup = getattr(signal, "SIGHUP", None)  # absent on Windows
        for sig, code in ((sighup, LOST_EXIT_CODE), (signal.SIGTERM, TERM_EXIT_CODE)):
            if sig is None:
                continue
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._fire, code)
                self._installed.append(sig)
                self._sighup_installed = self._sighup_installed or sig == sighup
        if self.fd is not None:
            threading.Thread(
                target=self._watch_stdin, name="fleettui-stdin-watch", daemon=True
            ).start()

    def stop(self) -> None:
        self._stop.set()
        if self._loop is not None:
            for sig in self._installed:
                with contextlib.suppress(Exception):
                    self._loop.remove_signal_handler(sig)
        self._installed = []
        self._sighup_installed = False

    def _fire(self, code: int = LOST_EXIT_CODE) -> None:
        if self._fired:
            return
        self._fired = True
        self.code = code
        if self.hard_exit:
            deadline = threading.Timer(EXIT_DEADLINE, os._exit, (code,))
            deadline.daemon = True
            deadline.start()
        self.on_lost()

    def _watch_stdin(self) -> None:
        assert self.fd is not None
        strikes = 0
        while not self._stop.wait(CHECK_INTERVAL):
            strikes = strikes + 1 if stdin_gone(self.fd) else 0
            if strikes >= CONFIRMATIONS:
                loop = self._loop
                if loop is not None and not loop.is_closed():
                    with contextlib.suppress(RuntimeError):
                        loop.call_soon_threadsafe(self._fire)
                return


def stdin_fd() -> int | None:
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):
        return None
    return fd
