"""Connection health for the live view: last good refresh, staleness, back-off, pause.

Plain data with no Textual import, so the rules (how long to wait, what the header
says) are tested without a terminal. "Updated HH:MM:SS" is the local wall clock (the
provider's clock, simulated in the demo, only measures time in state); ages and delays
use a monotonic clock that cannot jump.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fleettui.api.retry_after import MAX_RETRY_AFTER, wait_text

MIN_REFRESH = 5.0
DEFAULT_REFRESH = 15.0
#: The first retry after a failure comes this soon (a blip is over quickly); later ones
#: at the refresh interval, never slower: the monitor is live again within one interval
#: of the provider's return. A provider's "retry after N s" is waited exactly.
FIRST_RETRY = 5.0
#: A poll that has not answered after this many seconds shows "waiting for the provider".
WAITING_AFTER = 3.0

#: What the header says for each error category from fleettui.api.errors.error_category.
CATEGORY_LABELS = {
    "auth": "auth",
    "network": "network",
    "rate_limit": "rate limit",
    "server": "server",
    "client": "bad response",
    "bad_answer": "bad answer",
    "timeout": "no answer in time",
}

#: What the header says went wrong when no refresh has worked yet, per failure kind (the
#: error category, or "bad_answer" for an answer that could not be read).
PROBLEM_LABELS = {
    "network": "cannot connect (network)",
    "auth": "credentials refused (auth)",
    "rate_limit": "rate limited",
    "server": "server error",
    "bad_answer": "bad answer (server)",
    "client": "refresh failed",
    "timeout": "the provider did not answer in time",
}


def local_now() -> datetime:
    """The wall-clock time here, with the local time zone."""
    return datetime.now().astimezone()


def clamp_refresh(seconds: float | None) -> float:
    """The poll interval: the default when unset, never faster than MIN_REFRESH."""
    if seconds is None:
        return DEFAULT_REFRESH
    return max(MIN_REFRESH, float(seconds))


@dataclass
class ConnectionState:
    refresh: float = DEFAULT_REFRESH
    paused: bool = False
    #: Local wall-clock time of the last good refresh (shown as "updated HH:MM:SS").
    last_ok_at: datetime | None = None
    last_ok_mono: float | None = None
    #: Consecutive failed polls since the last good one.
    failures: int = 0
    #: Error category of the latest failure ("auth", "network", "rate_limit", ...).
    category: str | None = None
    #: What failed, finer than the category: the category, or "bad_answer".
    kind: str | None = None
    #: The failure's one-line message, for the notification and the help text.
    message: str = ""
    #: Seconds the provider asked us to wait (429), honoured by next_delay.
    retry_after: float | None = None
    #: Monotonic time of the latest failure (for "retrying in 4 min").
    failed_mono: float | None = None
    polling: bool = False
    #: Monotonic time the running poll started (for "waiting for the provider (12 s)").
    poll_started: float | None = None
    #: When the fleet on screen came from the disk cache (until the first good poll).
    cached_at: datetime | None = None
    monotonic: Callable[[], float] = field(default=time.monotonic, repr=False)
    wall: Callable[[], datetime] = field(default=local_now, repr=False)
    #: How many list answers the reader has begun to receive (`FleetClient.list_answers`):
    #: once the running poll's answer is arriving, the wait is over (the parse and the
    #: diff that follow are our own work, not the provider's).
    answers: Callable[[], int] = field(default=lambda: 0, repr=False)
    _answers_then: int = field(default=0, repr=False)

    @property
    def stale(self) -> bool:
        return self.failures > 0

    @property
    def connected_once(self) -> bool:
        return self.last_ok_mono is not None

    def record_ok(self) -> bool:
        """A good poll. Returns True when this recovers from a failure (say 'reconnected')."""
        recovered = self.failures > 0
        self.cached_at = None
        self.last_ok_at = self.wall()
        self.last_ok_mono = self.monotonic()
        self.failures = 0
        self.category = None
        self.kind = None
        self.message = ""
        self.retry_after = None
        return recovered

    def record_failure(
        self, category: str, message: str, retry_after: float | None = None, kind: str | None = None
    ) -> bool:
        """A failed poll. Returns True for the first failure of a run (notify once).
        `kind` narrows the category ("bad_answer" for an unreadable answer)."""
        self.failures += 1
        self.category = category
        self.kind = kind or category
        self.message = message
        self.retry_after = retry_after
        self.failed_mono = self.monotonic()
        return self.failures == 1

    def next_delay(self) -> float:
        """Seconds until the next poll: the interval; after a failure, exactly what the
        provider asked (retry after N s), else FIRST_RETRY for the first failure and the
        interval after that (the back-off is capped at the interval)."""
        if self.failures == 0:
            return self.refresh
        if self.retry_after is not None:
            return self.retry_after
        return min(self.refresh, FIRST_RETRY) if self.failures == 1 else self.refresh

    def retry_label(self) -> str:
        """When the next try comes and why, for the header of a failed monitor: "retrying
        in 4 min (the provider's wait, cut to 5 min; r: now)". Empty when nothing failed."""
        if not self.failures or self.failed_mono is None:
            return ""
        left = max(0.0, self.next_delay() - (self.monotonic() - self.failed_mono))
        if self.retry_after is None:
            return f"retrying in {wait_text(left)}" if left >= 1 else "retrying"
        why = (
            f"the provider's wait, cut to {wait_text(MAX_RETRY_AFTER)}"
            if self.retry_after >= MAX_RETRY_AFTER
            else "the provider's wait"
        )
        return f"retrying in {wait_text(left)} ({why}; r: now)"

    def started(self) -> None:
        self.polling = True
        self.poll_started = self.monotonic()
        self._answers_then = self.answers()

    def waiting(self) -> float | None:
        """Seconds the running poll has waited for its answer, once that is long enough
        to say so (WAITING_AFTER); None otherwise, and None once the answer is arriving."""
        if not self.polling or self.poll_started is None:
            return None
        if self.answers() != self._answers_then:
            return None
        waited = self.monotonic() - self.poll_started
        return waited if waited >= WAITING_AFTER else None

    def age(self) -> float | None:
        """Seconds since the last good refresh (monotonic), None before the first one."""
        if self.last_ok_mono is None:
            return None
        return max(0.0, self.monotonic() - self.last_ok_mono)

    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category or "", self.category or "error")

    def kind_label(self) -> str:
        """Short, for "STALE 10s (…)": the kind when it says more than the category."""
        kind = self.kind or self.category or ""
        return CATEGORY_LABELS.get(kind, kind or "error")

    def problem_label(self) -> str:
        """What went wrong, for a header that has never had a good refresh."""
        kind = self.kind or self.category or ""
        return PROBLEM_LABELS.get(kind, f"refresh failed ({self.category_label()})")


def stale_age(seconds: float | None) -> str:
    """How old the data on a stale screen is: whole seconds under a minute (a 5 s step
    would show '5s' for 9.9 s), then as :func:`coarse_age`."""
    if seconds is not None and seconds < 60:
        return f"{int(seconds)}s"
    return coarse_age(seconds)


def coarse_age(seconds: float | None) -> str:
    """An age that changes rarely, so an idle screen redraws rarely: 5 s steps under a
    minute, then whole minutes, then hours."""
    if seconds is None:
        return "never"
    s = int(seconds)
    if s < 60:
        return f"{(s // 5) * 5}s"
    if s < 3600:
        return f"{s // 60}m"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"
