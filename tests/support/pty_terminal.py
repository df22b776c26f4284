"""A pseudo-terminal for a real `fleettui` monitor process, its output drained so the
process never blocks on a full terminal."""

from __future__ import annotations

import contextlib
import os
import threading


class Pty:
    """A pseudo-terminal for the monitor, its output drained so it never blocks."""

    def __init__(self) -> None:
        import pty

        self.master, self.slave = pty.openpty()
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def close(self) -> None:
        for fd in (self.slave, self.master):
            with contextlib.suppress(OSError):
                os.close(fd)
