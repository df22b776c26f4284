"""SIGTERM, SIGHUP and Ctrl-C end a long-running command within a second, whatever it is
doing (issue 21: `fleettui record` ignored SIGTERM for as long as a slow parse ran).

`StopOnSignals` (a context manager, installed from the main thread):
- the first signal sets `event` (the command's loop waits on it, so an idle command ends
  at once) and, when the command marked itself `busy`, raises `StopRequested` in the main
  thread, so work under way (a fetch, a parse) is abandoned at its next bytecode;
- it also starts two deadlines: after `grace` seconds a timer thread ends the process
  (`os._exit`, after the command's `on_force` cleanup) if it is still alive, and after
  `hard` seconds the kernel does (SIGALRM with its default action, armed with setitimer),
  which needs no Python at all: a C call holding the interpreter (a regex, a json.loads)
  cannot keep the process past it;
- a second signal ends the process at once.
A forced end exits with 128 + the signal's number (as a shell reports a process the signal
ended), or with `finished_code` once the command has said it finished its essential work.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

#: Seconds from the signal to the forced end by the process itself, and by the kernel.
GRACE = 0.6
HARD = 0.95
NAMES = ("SIGTERM", "SIGHUP", "SIGINT")


class StopRequested(BaseException):
    """Raised in the main thread by a stop signal while the command is busy. A
    BaseException, so `except Exception` in the work does not swallow it."""


class StopOnSignals:
    def __init__(
        self,
        *,
        grace: float = GRACE,
        hard: float = HARD,
        on_force: Callable[[], None] | None = None,
        names: tuple[str, ...] = NAMES,
    ) -> None:
        self.event = threading.Event()
        self.signal: str | None = None
        #: Set by the command around work it can abandon (StopRequested is raised then).
        self.busy = False
        self.grace = grace
        self.hard = hard
        self._on_force = on_force
        self._names = names
        #: Set by the command once its essential work is done (its summary written): a
        #: forced end then exits with this code instead of 128 + the signal.
        self.finished_code: int | None = None
        self._old: dict[int, Any] = {}
        self._timer: threading.Timer | None = None

    @property
    def code(self) -> int:
        num = getattr(signal, self.signal or "", None)
        return 128 + int(num) if num is not None else 1

    def __enter__(self) -> StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for name in self._names:
                num = getattr(signal, name, None)
                if num is not None:
                    self._old[num] = signal.signal(num, self._handle)
        return self

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():  # a second signal: now
            self._force()
        self.signal = signal.Signals(signum).name
        self.event.set()
        self._arm()
        if self.busy:
            self.busy = False
            raise StopRequested(self.signal)

    def _arm(self) -> None:
        if hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM"):
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, self.hard)
        self._timer = threading.Timer(self.grace, self._force)
        self._timer.daemon = True
        self._timer.start()

    def _force(self) -> None:
        if self._on_force is not None:
            with contextlib.suppress(Exception):
                self._on_force()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.finished_code if self.finished_code is not None else self.code)

    def finish(self, code: int) -> None:
        """The command's essential work is done (its summary written). After a stop
        signal, the process ends now with `code` (what is left is cleanup a crash-safe
        store does not need, and the second is running out); otherwise nothing happens."""
        self.finished_code = code
        if self.event.is_set():
            self._on_force = None
            self._force()

    def disarm(self) -> None:
        """The command ended by itself in time: no forced end."""
        if self._timer is not None:
            self._timer.cancel()
        if hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.event.is_set():
            self.disarm()
        for num, old in self._old.items():
            signal.signal(num, old)
