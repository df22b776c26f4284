"""The process ends within a second of the user asking, whatever is still in flight.

Python waits at exit for every worker thread (asyncio.run shuts its executor down, and
the interpreter joins executor threads), so a request blocked in the network kept `q`
on a blank screen for seconds. The app first closes its API clients (calls under way end
at once, see fleettui.api.deadline); `ExitGuard.arm()` is the fallback: a daemon thread
that, if the process is still alive after the grace period, puts the terminal back as it
was (modes Textual sets, the saved tty attributes), removes the run's throwaway folders
(`fleettui.core.forced_end`: `os._exit` skips every other cleanup) and ends the process
with its code.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable

from fleettui.core.forced_end import remove_left_folders

#: Seconds between the exit request and the forced end.
GRACE = 0.8
#: What undoes the modes a Textual app turns on: alternate screen, hidden cursor, mouse
#: reporting, bracketed paste, focus events.
RESET = (
    "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    "\x1b[?2004l\x1b[?1004l"
)


class ExitGuard:
    def __init__(
        self, grace: float = GRACE, *, fd: int | None = None, end: Callable[[int], None] = os._exit
    ) -> None:
        self.grace = grace
        self._end = end
        self._armed = False
        self._fd = fd if fd is not None else _stdin_fd()
        self._tty = _tty_attributes(self._fd)

    def arm(self, code: Callable[[], int]) -> None:
        """Start the countdown (once): after `grace` seconds, end with `code()`."""
        if self._armed:
            return
        self._armed = True
        threading.Thread(
            target=self._countdown, args=(code,), name="exit-guard", daemon=True
        ).start()

    def _countdown(self, code: Callable[[], int]) -> None:
        time.sleep(self.grace)
        self.restore_terminal()
        remove_left_folders()
        self._end(int(code() or 0))

    def restore_terminal(self) -> None:
        if self._tty is None:  # not a terminal: nothing to put back
            return
        with contextlib.suppress(Exception):
            os.write(sys.__stdout__.fileno() if sys.__stdout__ else 1, RESET.encode())
        if self._fd is not None:
            import termios

            with contextlib.suppress(Exception):
                termios.tcsetattr(self._fd, termios.TCSANOW, self._tty)


def _stdin_fd() -> int | None:
    try:
        return sys.__stdin__.fileno() if sys.__stdin__ else None
    except (OSError, ValueError):
        return None


def _tty_attributes(fd: int | None) -> list | None:
    """The terminal's attributes before the app changes them (None: not a terminal)."""
    if fd is None:
        return None
    try:
        import termios

        return termios.tcgetattr(fd) if os.isatty(fd) else None
    except Exception:  # noqa: BLE001 - no terminal, no attributes to put back
        return None
