"""`fleettui show VIN`: one vehicle, its brand's rules, its state and for how long, its
tags, its history and its reason explained.

Stable ``--json`` shape: ``{"vehicle": <one `list --json` object>,
"seconds_in_state": 3600 | null, "explanation": <explain --json object>}``.
Exit codes as for `list` (:mod:`fleettui.cli.fleet_cmds`).
"""

from __future__ import annotations

import argparse
from datetime import datetime

from fleettui.cli.common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    common_parent,
    guarded,
    open_client,
    plain,
    print_json,
    resolved_profile,
)
from fleettui.cli.input_problems import vin_problem
from fleettui.cli.list_items import vehicle_json
from fleettui.core.brands import brand_info
from fleettui.core.explanation import explain
from fleettui.core.explanation_text import format_explanation_text
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.core.vehicle import Vehicle
from fleettui.core.vin import check_vin


def register(subparsers: Subparsers) -> None:
    parent = common_parent()
    show = subparsers.add_parser(
        "show",
        parents=[parent],
        help="one vehicle, its history and its reason explained",
        description="One vehicle: brand and its rules, state and for how "
        "long, tags, the history, and the reason explained.",
    )
    show.add_argument("vin")
    show.add_argument("--json", action="store_true", help="JSON object (shape in the README)")
    show.set_defaults(func=guarded(cmd_show))


def _history_lines(v: Vehicle, now: datetime) -> list[str]:
    lines = []
    entries = list(v.changelog)
    for i, e in enumerate(entries):
        nxt = entries[i + 1].timestamp if i + 1 < len(entries) else now
        took = format_duration((nxt - e.timestamp).total_seconds()) if e.timestamp and nxt else ""
        current = i + 1 == len(entries)  # the current step: how long it has lasted so far
        label = (f"{took} so far" if took else "now") if current else took
        when = format_ts(e.timestamp) or "(no time)"
        reason = f"  {plain(e.reason, 100)}" if e.reason else ""
        lines.append(f"  {when}  {plain(e.status or '?'):<10} {label:>14}{reason}")
    return lines or ["  (the provider sent no history)"]


def cmd_show(args: argparse.Namespace) -> int:
    check = check_vin(args.vin)
    if not check.ok:  # refused here: the provider would only answer 404
        raise UsageError(vin_problem(check))
    vin = check.vin
    profile = resolved_profile(args)
    with open_client(profile) as client:
        v = client.get_vehicle(vin)
        now = client.server_time()
    expl = explain(v.reason, v.state, v.brand or None)
    seconds = v.time_in_state(now)
    if args.json:
        print_json(
            {
                "vehicle": vehicle_json(v, now, description=True),
                "seconds_in_state": int(seconds) if seconds is not None else None,
                "explanation": expl.to_dict(),
            }
        )
        return EXIT_OK
    b = brand_info(v.brand)
    since = (
        f" for {format_duration(seconds)} (since {format_ts(v.state_since)})"
        if seconds is not None
        else ""
    )
    print(f"VIN     {plain(v.vin)}")
    print(
        f"Brand   {plain(b.display)} ({plain(v.brand)}; {b.group}; "
        f"cancel {'supported' if b.cancelable else 'not supported'})"
    )
    print(f"State   {plain(v.status or '?')}{since}")
    if v.tags:
        print("Tags    " + plain(", ".join(f"{k}={val}" for k, val in sorted(v.tags.items()))))
    print("\nHistory")
    for line in _history_lines(v, now):
        print(line)
    print()
    print(format_explanation_text(expl))
    return EXIT_OK
