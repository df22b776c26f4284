"""How fast and how often the data checks ask (no Textual): `Budget` caps the calls,
`next_interval` says when each car is asked again.

- `Budget`: at most `per_second` calls a second and `per_hour` an hour (a profile's
  `data_checks_per_second` / `data_checks_per_hour`), and nothing at all while a hold
  (a 429's Retry-After) runs.
- `next_interval`: approved cars never checked at once; cars without first data again
  after a quarter of their time since approval (10 min to 12 h); silent and
  privacy-blocked cars every 6 h (to tell "data flowing again"); cars with data flowing
  and consent problems once a day; after an error within the hour; brands the data API
  does not cover never.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from fleettui.core.data_states import DataRecord, DataState

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


class Budget:
    """At most `per_second` calls a second and `per_hour` an hour, from one thread."""

    def __init__(
        self, per_second: float, per_hour: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.gap = 1.0 / per_second if per_second > 0 else 0.0
        self.per_hour = max(1, int(per_hour))
        self._clock = clock
        self._calls: deque[float] = deque()
        self._next = 0.0
        self._held_until = 0.0

    def __repr__(self) -> str:
        return f"Budget(gap={self.gap:g}s, per_hour={self.per_hour})"

    def wait_time(self) -> float:
        """Seconds until a call may go (0: now)."""
        now = self._clock()
        calls = self._calls
        while calls and calls[0] <= now - HOUR:
            calls.popleft()
        at = max(self._next, self._held_until)
        if len(calls) >= self.per_hour:
            at = max(at, calls[0] + HOUR)
        return max(0.0, at - now)

    def spend(self) -> None:
        now = self._clock()
        self._calls.append(now)
        self._next = now + self.gap

    def hold(self, seconds: float) -> None:
        """Nothing goes for `seconds` (a 429's Retry-After)."""
        self._held_until = max(self._held_until, self._clock() + max(0.0, seconds))

    @property
    def spent_last_hour(self) -> int:
        self.wait_time()
        return len(self._calls)


def next_interval(
    record: DataRecord | None, state: DataState, approved: datetime | None, now: datetime
) -> float | None:
    """Seconds from the last check to the next (None: never ask again)."""
    if record is None or state is DataState.UNCHECKED:
        return 0.0
    if state is DataState.UNCHECKABLE:
        return HOUR if record.why == "rate_limited" else None
    if state is DataState.NONE:
        age = (now - approved).total_seconds() if approved is not None else DAY
        gap = min(12 * HOUR, max(10 * MINUTE, age / 4))
    elif state in (DataState.SILENT, DataState.PRIVACY):
        gap = 6 * HOUR
    else:  # flowing, consent removed, no active consent
        gap = DAY
    if record.error in ("offline", "server", "network", "bad_answer", "other", "invalid_token"):
        gap = min(gap, HOUR)
    return gap
