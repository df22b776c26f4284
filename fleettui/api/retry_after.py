"""How long the provider asks us to wait: a Retry-After header (seconds or an HTTP date)
or the documented "retry after 10s" in an error's detail, capped; and a wait in words."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from fleettui.api.error_body import MAX_TEXT

# One way to match each text (no two adjacent `\s*` around an optional colon): linear.
_RETRY_AFTER = re.compile(
    r"retry\s+after\s*(?::\s*)?(\d{1,12}(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)?\b",
    re.IGNORECASE,
)

#: The longest wait for the provider that fleettui accepts, in seconds. The provider
#: documents one rate limit, 60 calls per minute, so an honest "retry after" is at most
#: a minute; five minutes is five such windows, which a desk accepts as "a while" while
#: the screen says why. A longer (or absurd: 10^10 s, a date in year 9999) wait is cut
#: to this; polling then goes on, one request per five minutes, harmless to the provider.
MAX_RETRY_AFTER = 300.0


def parse_retry_after(
    detail: str | None, header: str | None = None, cap: float = MAX_RETRY_AFTER
) -> float | None:
    """Seconds to wait, from a Retry-After header (seconds or an HTTP date) or the
    documented "retry after 10s" in the error's detail. Nonsense (negative, not finite,
    unreadable) is ignored; a longer wait is cut to `cap`."""
    seconds = _header_seconds(header[:64]) if header else None
    if seconds is None and detail:
        found = _RETRY_AFTER.search(detail[:MAX_TEXT])
        if found:
            unit = (found.group(2) or "s").lower()
            scale = 0.001 if unit.startswith(("ms", "milli")) else 60.0 if unit[0] == "m" else 1.0
            seconds = float(found.group(1)) * scale
    if seconds is None or not math.isfinite(seconds):
        return None  # "inf" or "nan" is no wait the provider means: the back-off decides
    return min(cap, max(0.0, seconds))


def wait_text(seconds: float) -> str:
    """A wait in words: "45 s", "5 min", "3 h", "40 years"."""
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:g} s"
    for size, unit in ((86_400 * 365, "years"), (86_400, "days"), (3600, "h"), (60, "min")):
        if seconds >= 1.5 * size or unit == "min":
            shown = seconds / size
            return f"{shown:.0f} {unit}" if shown < 1e6 else f"more than a million {unit}"
    return f"{seconds:.0f} s"


def _header_seconds(header: str) -> float | None:
    text = header.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) and value >= 0 else None
    # An HTTP date: the parser (email.utils, ~8 ms of imports) is loaded for the first one
    # (`fleettui list --help` and its usage errors load this module, and no httpx)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if seconds > 0 else None  # a date gone by (clocks differ) says nothing
