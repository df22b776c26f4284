"""`fleettui record`, `triage`, `history`, `stats`: the local history and the triage desk.

`triage` and `stats` fetch the fleet (one list call) and record what they saw in the
profile's history before answering; `history` answers from the file alone (no network).
`record` is the small daemon that keeps the history free of gaps while nobody watches.

Stable ``--json`` shapes (also in the README)
---------------------------------------------
``triage --json`` — ``{"now", "total", "by_brand", "queues": [{"id", "actor", "kind",
"state", "reason", "title", "brand", "brands": {brand: n}, "count", "oldest_since",
"next_deadline", "deadline_is_estimate": true, "fix": {"action", "tags", "text"} | null,
"vehicles": [{"vin", "brand", "status", "reason", "since", "rejects_by_estimate"}]}]}``.

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
from typing import Any

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
    from fleettui.cli import record_cmd
    from fleettui.cli.desk_common import claim_filters, desk_guarded, desk_parent

    parent = common_parent()
    desk = desk_parent()
    record_cmd.register(subparsers, parent, desk)

    tri = subparsers.add_parser(
        "triage",
        parents=[parent, desk],
        help="who must act on what, by when",
        description="Queues of vehicles by who must act, with "
        "deadlines (estimates) and the message each queue needs.",
    )
    tri.add_argument("--by-brand", action="store_true", help="split every queue by brand")
    tri.add_argument(
        "--queue", metavar="ID", help="print the message for this queue (ids from --json)"
    )
    claim_filters(tri)
    fmt = tri.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON (shape in the README)")
    fmt.add_argument("--csv", action="store_true", help="with --queue: the queue's vehicles as CSV")
    tri.set_defaults(func=desk_guarded(cmd_triage))

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


def queue_json(q: Any, work: dict[str, Any] | None = None) -> dict[str, Any]:
    """A queue's JSON; with the desk's `work`, each vehicle says who claimed it."""
    from fleettui.cli.desk_common import claimed_by

    out = _queue_json(q)
    if work is not None:
        for v in out["vehicles"]:
            v["claimed_by"] = claimed_by(work, v["vin"])
    return out


def _queue_json(q: Any) -> dict[str, Any]:
    d = q.next_deadline
    return {
        "id": q.id,
        "actor": q.actor.value,
        "kind": q.kind,
        "state": q.state.value,
        "reason": q.reason,
        "title": q.title,
        "brand": q.brand or None,
        "brands": dict(q.brands),
        "count": q.count,
        "oldest_since": format_ts(q.oldest) or None,
        "next_deadline": format_ts(d.rejects_at) if d else None,
        "deadline_is_estimate": True,
        "fix": None
        if q.fix is None
        else {"action": q.fix.action, "tags": q.fix.tags, "text": q.fix.text},
        "vehicles": [
            {
                "vin": i.vin,
                "brand": i.brand,
                "status": i.status,
                "reason": i.reason,
                "since": format_ts(i.since) or None,
                "rejects_by_estimate": format_ts(i.deadline.rejects_at) if i.deadline else None,
                "request_id": i.data.request_id if i.data is not None else None,
            }
            for i in q.items
        ],
    }


def cmd_triage(args: argparse.Namespace) -> int:
    from fleettui.cli.desk_common import WorkView, keep_vin, wants_desk, work_of
    from fleettui.triage.messages import message_csv, message_text
    from fleettui.triage.queues import build_board
    from fleettui.triage.render import board_lines

    profile = resolved_profile(args)
    if args.csv and not args.queue:
        raise UsageError("--csv needs --queue ID (the queue whose vehicles to write)")
    rows, now, store = fetch_and_record(profile, args)
    store.close()
    work: dict[str, Any] | None = None
    desk: WorkView | None = None
    found = work_of(args) if wants_desk(args) else None
    if found is not None:  # --mine / --unclaimed; snoozes are the board's (as the monitor's)
        me, work = found
        rows = [r for r in rows if keep_vin(args, me, work, r.vin)]
        desk = WorkView(work, now)
    board = build_board(rows, now, by_brand=args.by_brand, data=data_view(profile), desk=desk)
    if args.queue:
        q = board.get(args.queue)
        if q is None:
            ids = ", ".join(q.id for q in board.queues[:8]) or "none right now"
            raise UsageError(f"no queue {plain(args.queue)!r}; queues now: {ids}")
        if args.json:
            print_json(queue_json(q, work))
        else:
            sys.stdout.write(message_csv(q) if args.csv else message_text(q, now))
        return EXIT_OK
    if args.json:
        out = {
            "now": format_ts(now),
            "total": board.total,
            "by_brand": board.by_brand,
            "queues": [queue_json(q, work) for q in board.queues],
        }
        if work is not None:
            out["snoozed"] = board.snoozed
        print_json(out)
        return EXIT_OK
    width = shutil.get_terminal_size((100, 24)).columns
    lines = board_lines(board, width)
    if work is not None:
        lines = _with_claims(lines, board, work, width)
    for line in lines:
        print(line)
    return EXIT_OK


def _with_claims(lines: list[str], board: Any, work: dict[str, Any], width: int) -> list[str]:
    """Under each queue's line, who has claimed its vehicles (the claimed-by column of
    the text board): ``claimed: ana 2, ben 1; unclaimed 5``."""
    from collections import Counter

    from fleettui.cli.desk_common import claimed_by
    from fleettui.triage.render import queue_summary

    out: list[str] = []
    heads = {}
    for q in board.queues:
        count, title, _, _ = queue_summary(q, board.now)
        heads[f"  {count:>5}  {title}"] = q
    for line in lines:
        out.append(line)
        q = next((q for head, q in heads.items() if line.startswith(head)), None)
        if q is None:
            continue
        holders = Counter(claimed_by(work, i.vin) for i in q.items)
        free = holders.pop(None, 0)
        who = ", ".join(f"{plain(name)} {n}" for name, n in holders.most_common())
        out.append(f"         claimed: {who or 'nobody'}; unclaimed {free}"[:width])
    return out


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
