"""The simulator's clocks and the provider's timestamp styles.

Two clocks run side by side:

- `SimClock` is the *simulated* time the activation process runs on: it starts at a fixed
  instant, moves `speed` simulated seconds per real second (0 freezes it), and jumps
  forward with `advance(seconds)`. Every `Date` header and changelog timestamp uses it.
- `SessionClock` is what tokens and the get-one rate limit are measured on: real elapsed
  time plus every manual `advance()`. A client times its own token renewal on its own
  clock from `expires_in`; at `--speed 3600` a 300 s token would otherwise die after 83
  real milliseconds, which the real provider never does. Tests still reach expiry
  deterministically by advancing the clock.

The provider writes timestamps in several shapes (with fractions and `Z`, without a zone,
whole seconds with `Z`); `format_api_ts` renders all of them, picked by a style number so
the simulator's choice is deterministic under its seed.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

#: Timestamp styles seen from the real API.
STYLE_FRACTION_Z = 0  # 2026-11-01T12:00:00.123456Z
STYLE_NAIVE = 1  # 2026-11-01T12:00:00          (no zone: means UTC)
STYLE_SECONDS_Z = 2  # 2026-11-01T12:00:00Z
STYLES = (STYLE_FRACTION_Z, STYLE_NAIVE, STYLE_SECONDS_Z)


_DAY_PREFIX: dict[int, str] = {}


def format_api_ts(epoch: float, style: int) -> str:
    """Render a POSIX time in one of the provider's timestamp styles.

    Hand-rolled (date prefix cached per day): a 100,000-vehicle fleet formats a quarter of
    a million of these at start-up."""
    sec = int(epoch // 1)
    day, rem = divmod(sec, 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
        _DAY_PREFIX[day] = prefix
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    if style == STYLE_NAIVE:
        return f"{prefix}{h:02d}:{m:02d}:{s:02d}"
    if style == STYLE_SECONDS_Z:
        return f"{prefix}{h:02d}:{m:02d}:{s:02d}Z"
    micro = min(999_999, round((epoch - sec) * 1_000_000))
    return f"{prefix}{h:02d}:{m:02d}:{s:02d}.{micro:06d}Z"


def default_start() -> datetime:
    """Now, to the second, as an aware UTC datetime."""
    return datetime.now(UTC).replace(microsecond=0)


class SimClock:
    """Simulated time. Not locked itself: the engine's lock guards every caller."""

    def __init__(self, start: datetime | None = None, speed: float = 3600.0) -> None:
        start = start or default_start()
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._start = start.astimezone(UTC).timestamp()
        self._real0 = time.monotonic()
        self._offset = 0.0
        self._speed = max(0.0, float(speed))

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        """Change the rate without a jump: fold the time run so far into the offset."""
        now = self.epoch()
        self._real0 = time.monotonic()
        self._offset = now - self._start
        self._speed = max(0.0, float(speed))

    def epoch(self) -> float:
        """Simulated now as POSIX seconds."""
        return self._start + self._offset + (time.monotonic() - self._real0) * self._speed

    def base_epoch(self) -> float:
        """Simulated time without the running part: the start plus manual advances. A fleet
        generated at start-up is dated from here, so it doesn't depend on how long its own
        generation took while a fast clock was running."""
        return self._start + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        self._offset += float(seconds)


class SessionClock:
    """Real elapsed seconds plus manual advances: the clock tokens and rate limits use."""

    def __init__(self) -> None:
        self._real0 = time.monotonic()
        self._offset = 0.0

    def seconds(self) -> float:
        return time.monotonic() - self._real0 + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += float(seconds)
