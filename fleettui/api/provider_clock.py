"""The provider's clock, as its answers' `Date` headers tell it.

Times in the fleet (how long a vehicle has been pending) are measured against the
provider's clock, not this machine's: `ProviderClock.note(response)` keeps the offset
each answer shows, and `now()` is local time plus that offset. An offset of more than
`MAX_CLOCK_OFFSET` (a year-9999 or 1900 date) is not believed: times are then taken
from the local clock and `clock_note` says why. Thread-safe: the monitor's workers
note answers while the UI thread reads the time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from fleettui.core.text import one_line
from fleettui.core.timefmt import SIMULATED_CLOCK_HEADER, utcnow

#: A provider clock further off than this from the local one is not believed: clocks
#: drift by seconds, time zones are handled by the header's own offset; a day is a bug.
MAX_CLOCK_OFFSET = timedelta(days=1)


class ProviderClock:
    def __init__(self, loopback: bool) -> None:
        #: A simulator on this machine may run its own (simulated) clock far off.
        self._loopback = loopback
        self._lock = threading.Lock()
        self._offset: timedelta | None = None
        #: Set when the provider's `Date` header was too far off to believe.
        self.clock_note: str | None = None

    def note(self, response: httpx.Response) -> None:
        """The provider's clock, from the answer's `Date` header, when it is plausible:
        off from this machine's by more than `MAX_CLOCK_OFFSET`, it is not believed;
        times are then measured with the local clock, and `clock_note` says so."""
        header = response.headers.get("date")
        if not header:
            return
        try:
            server = parsedate_to_datetime(header[:64])
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        if server is None or server.tzinfo is None:
            return
        try:
            offset = server - utcnow()
        except OverflowError:
            offset = MAX_CLOCK_OFFSET * 2
        simulated = self._loopback and SIMULATED_CLOCK_HEADER in response.headers
        with self._lock:
            if abs(offset) > MAX_CLOCK_OFFSET and not simulated:
                days = abs(offset).days
                self.clock_note = (
                    f"the provider's clock (its Date header, {one_line(header, 40)}) is "
                    f"{days} day(s) {'ahead of' if offset > timedelta(0) else 'behind'} this "
                    "machine's, which is not plausible; times are measured with this "
                    "machine's clock"
                )
                self._offset = None
                return
            self.clock_note = None
            self._offset = offset

    @property
    def offset(self) -> timedelta | None:
        with self._lock:
            return self._offset

    def assume(self, offset: timedelta) -> None:
        """Until an answer's `Date` header says otherwise: an offset remembered from
        before (the monitor's fleet cache). Ignored once an answer was seen."""
        with self._lock:
            if self._offset is None:
                self._offset = offset

    def now(self) -> datetime:
        """Local now plus the offset seen in the last believable `Date` header."""
        offset = self.offset
        now = utcnow()
        return now + offset if offset is not None else now
