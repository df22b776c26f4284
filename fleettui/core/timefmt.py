"""Timestamps as the API sends them, and durations as people read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def parse_ts(value: object) -> datetime | None:
    """Parse an API timestamp to an aware UTC datetime; None when absent or unreadable.

    Accepts ISO 8601 with or without fractions, with `Z`, an offset, or no zone at all
    (no zone means UTC, as the provider documents).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # e.g. year 1 with a +01:00 offset has no UTC equivalent
        return None


def format_ts(dt: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, to the second (how fleettui writes times)."""
    if dt is None:
        return ""
    utc = dt.astimezone(UTC)
    # %Y doesn't zero-pad years before 1000 on every platform; parse_ts needs 4 digits.
    return f"{utc.year:04d}" + utc.strftime("-%m-%dT%H:%M:%SZ")


def format_duration(seconds: float | None) -> str:
    """A compact human duration: '45s', '12m', '3h 05m', '4d 07h', '31d'."""
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h}h {m:02d}m"
    d, h = divmod(h, 24)
    if d < 30:
        return f"{d}d {h:02d}h"
    return f"{d}d"


#: Sent by the built-in simulator with its `Date` header: that clock is simulated on
#: purpose (days ahead in a fast demo), so a client on loopback believes it however far
#: it is from the local clock. Any other provider's clock is judged for plausibility.
SIMULATED_CLOCK_HEADER = "X-Fleettui-Simulated-Clock"


def utcnow() -> datetime:
    return datetime.now(UTC)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    """'90s', '15m', '2h', '7d', '2w', or several together ('1d12h'; '1.5d' too) to
    seconds. ValueError with a sentence naming the mistake and the fix."""
    raw = text.strip().lower().replace(" ", "") if isinstance(text, str) else ""
    example = "use a number and a unit: 90s, 15m, 2h, 7d, 2w (or 1d12h)"
    if not raw:
        raise ValueError(f"a duration is missing; {example}")
    total = 0.0
    number = ""
    for ch in raw:
        if ch.isdigit() or ch == ".":
            number += ch
            continue
        if ch not in _UNITS:
            raise ValueError(
                f"'{text.strip()}' is not a duration ('{ch}' is not a unit); {example}"
            )
        try:
            total += float(number) * _UNITS[ch]
        except ValueError:
            raise ValueError(f"'{text.strip()}' is not a duration; {example}") from None
        number = ""
    if number:
        raise ValueError(f"'{text.strip()}' has no unit after {number}; {example}")
    return total


def parse_until(text: str, now: datetime) -> datetime | None:
    """A snooze's end as typed: "" (until the next state change), a duration from now
    ("4h", "2d", "1d12h") or a local date and time ("2026-12-07 09:00"). ValueError
    with a sentence naming the fix."""
    raw = text.strip()
    if not raw:
        return None
    try:
        return now + timedelta(seconds=parse_duration(raw))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"'{raw}' is neither a duration (4h, 2d) nor a date and time "
            "(2026-12-07 09:00); leave it empty for 'until its next state "
            "change'"
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # typed in local time
    if when <= now:
        raise ValueError(f"{raw} is already past; give a later time")
    return when


def short_local(when: datetime, now: datetime | None = None) -> str:
    """A time as people on this machine read it, in the local zone and short: '14:02'
    today, 'yesterday 14:02' / 'tomorrow 09:30', 'Thu 09:30' within the week either
    way, else '10 Dec 09:30' (with the year when it is not this year's). An aware `now`
    gives the zone (tests); without one, the machine's clock and zone."""
    here = now if now is not None and now.tzinfo is not None else datetime.now().astimezone()
    at = when.astimezone(here.tzinfo)
    clock = at.strftime("%H:%M")
    days = (at.date() - here.date()).days
    if days == 0:
        return clock
    if days == -1:
        return f"yesterday {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if -7 < days < 7:
        return f"{at:%a} {clock}"
    year = f" {at.year}" if at.year != here.year else ""
    return f"{at.day} {at:%b}{year} {clock}"
