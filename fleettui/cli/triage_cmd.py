"""`fleettui triage`: who must act on what, by when, from one list call (recorded in
the profile's history first), with the desk's claims when it is set up.

Stable ``--json`` shape (also in the README): ``{"now", "total", "by_brand", "queues":
[{"id", "actor", "kind", "state", "reason", "title", "brand", "brands": {brand: n},
"count", "oldest_since", "next_deadline", "deadline_is_estimate": true,
"fix": {"action", "tags", "text"} | null, "vehicles": [{"vin", "brand", "status",
"reason", "since", "rejects_by_estimate"}]}]}``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import Any

from fleettui.cli.common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    plain,
    print_json,
    resolved_profile,
)
from fleettui.cli.history_sources import data_view, fetch_and_record
from fleettui.core.timefmt import format_ts


def register(
    subparsers: Subparsers, parent: argparse.ArgumentParser, desk: argparse.ArgumentParser
) -> None:
    from fleettui.cli.desk_common import claim_filters, desk_guarded

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
