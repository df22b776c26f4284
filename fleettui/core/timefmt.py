"""Timestamps as the API sends them, and durations as people read them."""

from __future__ import annotations

from datetime import UTC, datetime


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


def utcnow() -> datetime:
    return datetime.now(UTC)
