"""A vehicle as text to paste: what the provider's support asks for, and JSON.

The activation guide asks for the VIN, the brand, when it was added, the current state
and its reason (word for word), the history and the tags. :func:`support_text` writes
exactly that as plain lines that survive any email client or ticket system;
:func:`vehicle_record` / :func:`vehicle_json_text` give the same vehicle in the shape of
`fleettui list --json` (provider fields plus reason, state_since, seconds_in_state).

Everything from the API is data: each value is made one safe line (no control or escape
characters), so a pasted text never carries a terminal sequence.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fleettui.core.brands import brand_info
from fleettui.core.reasons import SUPPORT_EMAIL
from fleettui.core.text import one_line
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.core.vehicle import Vehicle


def _added(v: Vehicle) -> str:
    """When the clearance was asked for: its first dated changelog entry."""
    for e in v.changelog:
        if e.timestamp is not None:
            return format_ts(e.timestamp)
    return "not known (the provider sent no dated history)"


def support_text(
    v: Vehicle,
    now: datetime | None = None,
    *,
    environment: str | None = None,
    profile: str | None = None,
) -> str:
    """Plain text for an email to the provider's support about one vehicle."""
    b = brand_info(v.brand)
    brand = f"{b.display} ({one_line(v.brand)})" if b.known else one_line(v.brand or "?")
    since = v.state_since
    state = one_line(v.status or "?")
    if since is not None:
        state += f" since {format_ts(since)}"
        if now is not None:
            state += f" ({format_duration((now - since).total_seconds())})"
    lines = [
        f"VIN:          {one_line(v.vin)}",
        f"Brand:        {brand}",
        f"Date added:   {_added(v)}",
        f"State:        {state}",
        f"Reason:       {one_line(v.reason) if v.reason else '(none given)'}",
    ]
    if environment or profile:
        where = " / ".join(one_line(x) for x in (environment, profile) if x)
        lines.append(f"Account:      {where}")
    if v.tags:
        lines.append("Tags:")
        lines += [f"  {one_line(k)}={one_line(val)}" for k, val in sorted(v.tags.items())]
    else:
        lines.append("Tags:         (none)")
    lines.append("Changelog (oldest first):")
    if not v.changelog:
        lines.append("  (the provider sent no history)")
    for e in v.changelog:
        when = format_ts(e.timestamp) or "(no time)"
        reason = f"  {one_line(e.reason)}" if e.reason else ""
        lines.append(f"  {when}  {one_line(e.status or '?')}{reason}")
    lines.append(f"(for {SUPPORT_EMAIL})")
    return "\n".join(lines) + "\n"


def vehicle_record(v: Vehicle, now: datetime | None = None) -> dict[str, Any]:
    """The vehicle as `fleettui list --json` prints one (README: `--json` shapes)."""
    out = v.to_api()
    out["reason"] = v.reason
    out["state_since"] = format_ts(v.state_since) or None
    seconds = v.time_in_state(now) if now is not None else None
    out["seconds_in_state"] = int(seconds) if seconds is not None else None
    return out


def vehicle_json_text(v: Vehicle, now: datetime | None = None) -> str:
    """Indented JSON; non-ASCII kept, control characters escaped by JSON itself."""
    return json.dumps(vehicle_record(v, now), ensure_ascii=False, indent=2) + "\n"
