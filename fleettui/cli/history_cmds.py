"""`fleettui record`, `triage`, `history`, `stats`: the local history and the triage desk.

`record` is :mod:`fleettui.cli.record_cmd`, `triage` :mod:`fleettui.cli.triage_cmd`.
`triage` and `stats` fetch the fleet (one list call) and record what they saw in the
profile's history before answering; `history` answers from the file alone (no network).
`record` is the small daemon that keeps the history free of gaps while nobody watches.

Stable ``--json`` shapes (also in the README)
---------------------------------------------
``triage --json``: :mod:`fleettui.cli.triage_cmd`.

``history --json`` — ``[{"vin", "brand", "old_state", "new_state", "reason", "at",
"seen_at", "source"}]`` oldest first; ``history --csv`` has those columns as its header.

``stats --json`` — see :meth:`fleettui.triage.stats.Stats.to_json`.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
from datetime import UTC, datetime, timedelta

from fleettui.cli.common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    common_parent,
    plain,
    print_json,
    print_table,
    resolved_profile,
)
from fleettui.cli.history_sources import data_view, fetch_and_record, history_for, parse_since
from fleettui.core.fleet_csv import write_table
from fleettui.core.timefmt import format_ts
from fleettui.history.events import Event

HISTORY_CSV = ("vin", "brand", "old_state", "new_state", "reason", "at", "seen_at", "source")


def register(subparsers: Subparsers) -> None:
    from fleettui.cli import record_cmd, triage_cmd
    from fleettui.cli.desk_common import desk_guarded, desk_parent

    parent = common_parent()
    desk = desk_parent()
    record_cmd.register(subparsers, parent, desk)

    triage_cmd.register(subparsers, parent, desk)

    his = subparsers.add_parser(
        "history",
        parents=[parent, desk],
        help="recorded state changes (offline)",
        description="State changes recorded in this profile's history.",
    )
    his.add_argument(
        "--since",
        metavar="SPAN",
        help="e.g. 90m, 12h, 1d, 2w or a date (default: 7d, or everything for one --vin)",
    )
    his.add_argument("--vin", metavar="V", help="only this VIN")
    his.add_argument("--state", metavar="S", help="only changes into this state")
    his.add_argument("--limit", type=int, metavar="N", help="at most N changes (the newest)")
    fmt = his.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON array (shape in the README)")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header line")
    his.set_defaults(func=desk_guarded(cmd_history))

    sta = subparsers.add_parser(
        "stats",
        parents=[parent, desk],
        help="approval times, rates, ages, daily changes",
        description="Fleet statistics from the local history: time to "
        "approval, approval and rejection rates, pending "
        "ages and daily transitions.",
    )
    sta.add_argument(
        "--days",
        type=int,
        default=28,
        metavar="N",
        help="days of daily transitions to show (default 28)",
    )
    sta.add_argument("--json", action="store_true", help="JSON (shape in the README)")
    sta.set_defaults(func=desk_guarded(cmd_stats))


def cmd_history(args: argparse.Namespace) -> int:
    profile = resolved_profile(args)
    now = datetime.now(UTC)
    since = (
        parse_since(args.since, now)
        if args.since
        else (None if args.vin else now - timedelta(days=7))
    )
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    vin = args.vin.strip().upper() if args.vin else None
    state = args.state.strip().lower() if args.state else None
    store = history_for(profile, args)
    try:
        events = store.events(since=since, vin=vin, state=state)
    finally:
        store.close()
    if args.limit is not None:
        events = events[-args.limit :]
    _print_events(events, args)
    return EXIT_OK


def _print_events(events: list[Event], args: argparse.Namespace) -> None:
    if args.json:
        print_json([e.to_json() for e in events])
        return
    if args.csv:
        write_table(
            HISTORY_CSV,
            (
                [
                    plain(e.vin),
                    plain(e.brand),
                    plain(e.old or ""),
                    plain(e.new),
                    plain(e.reason or ""),
                    format_ts(e.at),
                    format_ts(e.seen_at),
                    e.source,
                ]
                for e in events
            ),
            sys.stdout,
        )
        return
    print_table(
        ["WHEN", "VIN", "BRAND", "CHANGE", "REASON", "SOURCE"],
        (
            [
                format_ts(e.when),
                e.vin,
                e.brand,
                f"{e.old or '?'} → {e.new}",
                plain(e.reason or "", 60),
                e.source,
            ]
            for e in events
        ),
    )
    print(f"{len(events)} change(s)", file=sys.stderr)


def cmd_stats(args: argparse.Namespace) -> int:
    from fleettui.triage.render import stats_lines
    from fleettui.triage.stats import compute_stats

    if not 1 <= args.days <= 366:
        raise UsageError("--days must be between 1 and 366")
    profile = resolved_profile(args)
    rows, now, store = fetch_and_record(profile, args)
    view = data_view(profile)
    try:
        stats = compute_stats(store, rows, now, args.days)
        if view.records:
            from fleettui.triage.data_stats import data_stats

            stats = dataclasses.replace(stats, data=data_stats(rows, view.records, store))
    finally:
        store.close()
    if args.json:
        print_json(stats.to_json())
        return EXIT_OK
    for line in stats_lines(stats, shutil.get_terminal_size((100, 24)).columns):
        print(line)
    return EXIT_OK
