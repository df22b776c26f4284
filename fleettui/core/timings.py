"""The reason catalogue's clocks: how long the provider keeps retrying before it rejects,
and how long a brand usually takes to approve. Both are estimates from the provider's
brand guides, which change without notice, so they live in these two tables only and
everything that shows a deadline says "about" / "~".

A retry window counts from the moment the clearance was added (the start of its pending
run), which is when the provider starts trying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fleettui.core import reasons as R
from fleettui.core.brands import (
    BMW_GROUP,
    RENAULT_GROUP,
    STELLANTIS,
    TOYOTA_GROUP,
    VW_GROUP,
    brand_info,
)

DAY = 86400.0
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class RetryWindow:
    #: The pending reason the window applies to; None: pending without any reason.
    reason: str | None
    #: Brand groups (brands.py names); () = every brand.
    groups: tuple[str, ...]
    days: float
    #: The provider re-checks this often (Ford's consent check), when documented.
    check_hours: float | None
    #: Whether a brand guide states it (False: the general ~10-day retry rule).
    documented: bool
    note: str

    @property
    def seconds(self) -> float:
        return self.days * DAY


_W = RetryWindow
#: THE table of retry windows. Most specific rows first: a reason for a brand group,
#: then a reason for every brand, then "no reason" for a brand group.
RETRY_WINDOWS: tuple[RetryWindow, ...] = (
    _W(
        R.PRIVACY_MODE,
        (VW_GROUP,),
        10,
        None,
        True,
        "VW group retries while privacy mode is on for roughly 5-15 days (the guide's "
        "versions differ), then rejects with the same reason",
    ),
    _W(
        R.NO_DATA_YET,
        (STELLANTIS, "Volvo Cars"),
        10,
        None,
        True,
        "rejected after about 10 days without data (activation timeout: no data)",
    ),
    _W(
        R.NO_DATA_YET,
        ("Mercedes-Benz",),
        10,
        None,
        True,
        "the activation times out after several days of retrying",
    ),
    _W(
        None,
        ("Ford",),
        10,
        12,
        True,
        "Ford checks the operator's consent every 12 h and rejects after about 10 days "
        "without it (consent assignment missing)",
    ),
    _W(
        R.NO_DATA_YET,
        (),
        R.RETRY_WINDOW_DAYS,
        None,
        False,
        "the provider's general retry window of about 10 days",
    ),
    _W(
        R.VEHICLE_NOT_DRIVEN,
        (),
        R.RETRY_WINDOW_DAYS,
        None,
        False,
        "the provider's general retry window of about 10 days",
    ),
    _W(
        R.WAITING_FOR_OTA,
        (),
        R.RETRY_WINDOW_DAYS,
        None,
        False,
        "the provider's general retry window of about 10 days",
    ),
    _W(
        R.PRIVACY_MODE,
        (),
        R.RETRY_WINDOW_DAYS,
        None,
        False,
        "the provider's general retry window of about 10 days",
    ),
)

#: Hours a brand group usually takes from added to approved (the slow end of normal).
#: A pending clearance with no reason that waited longer is "stuck, no reason".
USUAL_APPROVAL_HOURS: dict[str, float] = {
    "Tesla": 4,
    BMW_GROUP: 24,
    "Mercedes-Benz": 48,
    VW_GROUP: 72,
    STELLANTIS: 96,
    "Ford": 120,
    RENAULT_GROUP: 72,
    TOYOTA_GROUP: 48,
    "Volvo Cars": 48,
    "Polestar": 48,
    "Sandbox": 1,
}
DEFAULT_APPROVAL_HOURS = 72.0


def retry_window(reason: str | None, brand: str | None) -> RetryWindow | None:
    """The window for a pending clearance with `reason` (None: no reason) of `brand`."""
    info = R.lookup_reason(reason) if reason is not None else None
    key = info.reason if info is not None else reason
    group = brand_info(brand).group if brand else ""
    fallback = None
    for w in RETRY_WINDOWS:
        if w.reason != key:
            continue
        if group and group in w.groups:
            return w
        if not w.groups and fallback is None:
            fallback = w
    return fallback


def usual_approval_seconds(brand: str | None) -> float:
    group = brand_info(brand).group if brand else ""
    return USUAL_APPROVAL_HOURS.get(group, DEFAULT_APPROVAL_HOURS) * HOUR


@dataclass(frozen=True, slots=True)
class Deadline:
    """When the provider is expected to reject a pending clearance (an estimate)."""

    window: RetryWindow
    rejects_at: datetime

    def seconds_left(self, now: datetime) -> float:
        return (self.rejects_at - now).total_seconds()

    def label(self, now: datetime) -> str:
        """'rejects in ~3 d (estimate)'-style text: '~' always, because it is one."""
        left = self.seconds_left(now)
        if left <= 0:
            return "rejection due (estimate)"
        return f"rejects in ~{approx(left)} (estimate)"


def deadline_for(reason: str | None, brand: str | None, added: datetime | None) -> Deadline | None:
    if added is None:
        return None
    w = retry_window(reason, brand)
    if w is None:
        return None
    return Deadline(w, added + timedelta(seconds=w.seconds))


def approx(seconds: float) -> str:
    """A rough duration for estimates: '3 d', '20 h', '45 min'."""
    s = max(0.0, seconds)
    if s >= 2 * DAY:
        return f"{round(s / DAY)} d"
    if s >= 2 * HOUR:
        return f"{round(s / HOUR)} h"
    return f"{max(1, round(s / 60))} min"
