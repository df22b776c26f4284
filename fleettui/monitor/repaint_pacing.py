"""When the table repaints after the store changed: at once when rows changed; after a
poll that changed nothing at most once a minute (only its ages can differ), so an idle
screen stays quiet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fleettui.core.snapshot import Prepared

#: A poll that changed nothing repaints the table at most this often (only ages differ).
IDLE_REPAINT_SECONDS = 60.0


class RepaintPacing:
    """The time of the last paint a poll asked for (`Monitor.repaints`); `clock` is the
    provider's time."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._painted_at: datetime | None = None

    def due(self, prepared: Prepared | None) -> bool:
        """Repaint after the store changed (`prepared`; None: the filter or the account
        did); a poll that changed nothing repaints at most once a minute."""
        now = self._clock()
        diff = prepared.diff if prepared is not None else None
        quiet = diff is not None and not (diff.added or diff.removed or diff.changed)
        last = self._painted_at
        if quiet and last is not None and (now - last).total_seconds() < IDLE_REPAINT_SECONDS:
            return False
        self._painted_at = now
        return True

    def forget(self) -> None:
        """The store changed outside a poll (a push, a write's answer) or the account
        did: the next idle poll repaints."""
        self._painted_at = None
