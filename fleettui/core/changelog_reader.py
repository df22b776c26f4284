"""A vehicle's current reason and when its state began, read straight from its
changelog (an API dict's or a compact copy's) without building a `Vehicle`.

The fast paths of `fleettui.core.rows.Row`: a changelog oldest first, with readable UTC
timestamps and known states, gives (reason, since) in one pass; anything else returns
None and the row takes the exact (slow) parse. Every entry's time is checked to be real
(one C parse each): the full parse reads an impossible one as unknown and puts it last,
which changes the state's start. `since` is 'YYYY-MM-DDTHH:MM:SS' UTC, which sorts as
text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fleettui.core.states import State

#: Every state by its API name (a status outside it takes the slow path).
STATES = {s.value: s for s in State}


_fromiso = datetime.fromisoformat


def order_key(ts: Any) -> str | None:
    """A UTC timestamp with Z, no zone, or a fraction as text that sorts as its time does
    ('YYYY-MM-DDTHH:MM:SS', the fraction kept: '...:00.5' after '...:00'); None when the
    form needs a full parse (offsets, junk, an ISO week date: '2026-W47-1T...' is a real
    time, 16 November, that does not sort as text), or it is no real time
    ('2026-02-30T12:00:00' has the form: the full parse reads it as unknown, and puts it
    last)."""
    if type(ts) is not str or len(ts) < 19 or ts[10] != "T" or ts[5] == "W":
        return None
    n = len(ts)
    if n == 20 and ts[19] == "Z" or n == 19:
        key = ts[:19]
    else:
        key = ts[:-1] if ts[-1] in "zZ" else ts
        if ts[19] != "." or not key.isascii() or not key[20:].isdigit():  # ('²' is a digit)
            return None
    try:
        _fromiso(key)
    except ValueError:
        return None
    return key


def fast_log(obj: dict, status: str) -> tuple[str | None, str | None] | None:
    """(reason, since) from a changelog that is oldest first with readable UTC
    timestamps and known states; None when it needs the exact (slow) parse."""
    log = obj.get("changelog")
    if not log:
        return (None, None) if log is None or log == [] else None
    if type(log) is not list:
        return None
    prev = ""
    for e in log:
        if type(e) is not dict:
            return None
        key = order_key(e.get("timestamp"))
        st = e.get("status")
        if key is None or key < prev or type(st) is not str or st not in STATES:
            return None
        prev = key
    last = log[-1]
    r = last.get("reason")
    reason = r if type(r) is str and r.strip() and last["status"] == status else None
    since = None
    for e in reversed(log):
        if e["status"] != status:
            break
        since = e["timestamp"][:19]
    return reason, since


def compact_log(entries: tuple, status: str) -> tuple[str | None, str | None] | None:
    """As `fast_log`, over a compact changelog."""
    prev = ""
    for ts, st, _why in entries:
        key = order_key(ts)
        if key is None or key < prev or st not in STATES:
            return None
        prev = key
    if not entries:
        return None, None
    last = entries[-1]
    reason = last[2] if last[2] and last[2].strip() and last[1] == status else None
    since = None
    for ts, st, _why in reversed(entries):
        if st != status:
            break
        since = ts[:19]
    return reason, since
