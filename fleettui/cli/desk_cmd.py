"""`fleettui desk init|status|claim|release|renew|hand|note|notes|snooze|unsnooze|handover|export`.

The desk is the PostgreSQL connection string in FLEETTUI_DESK_DSN (or the variable the
profile's `desk_dsn_env` names); you are the profile's `desk_user`, FLEETTUI_DESK_USER or
your login name. Exit codes: 0 ok; 1 the desk is offline, a change failed, or a claim was
lost (the line names who holds it); 2 bad usage or a desk that needs setting up (the line
names the fix, e.g. `fleettui desk init`). `status` is in `desk_status`, the claims
(claim, release, renew, hand) in `desk_claims`.

Stable ``--json`` shapes (also in the README)
---------------------------------------------
``desk status --json`` — ``{"desk", "user", "schema_version", "last_event_id",
"last_event_at", "lag_seconds", "receiver": {"host", "pid", "url", "since", "beat",
"alive"} | null, "receivers": [{"role", "host", "pid", "url", "started", "active_since",
"beat", "beat_age_seconds"}], "last_takeover": {"host", "pid", "at", "from"} | null,
"people_online": [{"user", "host", "viewing", "seen_at"}]}``.
``desk claim|release|renew|hand --json`` — ``[{"vin", "ok", "holder", "expires_at",
"already", "why"}]``. ``desk notes VIN --json`` — ``[{"id", "vin", "author", "at", "text"}]``.
``desk handover --json`` — `HandoverReport.to_json()`. ``desk export --json`` — ``[{"id",
"kind", "vin", "by", "at", "claimed_by", "expires_at", "until", "text"}]`` (the CSV has
those columns).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from fleettui.cli.common import (
    EXIT_OK,
    CommandParser,
    UsageError,
    common_parent,
    plain,
    print_json,
    terminal_width,
)
from fleettui.cli.desk_claims import cmd_claims
from fleettui.cli.desk_common import desk_guarded, desk_settings, open_desk
from fleettui.cli.desk_status import cmd_status
from fleettui.core.fleet_csv import write_table
from fleettui.core.text import hang_wrap
from fleettui.desk.model import iso


def register(subparsers: Any) -> None:
    parent = common_parent()
    desk = subparsers.add_parser(
        "desk",
        help="the shared desk on PostgreSQL: claims, notes, handover",
        description="The shared desk (FLEETTUI_DESK_DSN or the "
        "profile's desk_dsn_env): claims, notes, snoozes, handover.",
    )
    sub = desk.add_subparsers(
        title="desk commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    js = argparse.ArgumentParser(add_help=False)
    js.add_argument("--json", action="store_true", help="JSON (shape in the README)")

    def add(name: str, text: str, func: Any, *parents: argparse.ArgumentParser) -> Any:
        p = sub.add_parser(name, parents=[parent, *parents], help=text, description=text)
        p.set_defaults(func=desk_guarded(func))
        return p

    add(
        "init",
        "create or migrate the desk's schema (idempotent, safe while monitors run)",
        cmd_init,
    )
    add("status", "connection, schema, receiver, lag and who is online", cmd_status, js)
    for name, text in (
        ("claim", "claim vehicles (exactly one of two claimants wins)"),
        ("release", "release your claims (someone else's are refused)"),
        ("renew", "push your claims' expiry"),
    ):
        p = add(name, text, cmd_claims, js)
        p.set_defaults(desk_command=name)
        p.add_argument("vins", nargs="+", metavar="VIN")
        if name != "release":
            p.add_argument(
                "--hours",
                type=float,
                metavar="H",
                help="claim for H hours (default: the profile's desk_claim_hours, 72)",
            )
    p = add("hand", "hand vehicles to a named person", cmd_claims, js)
    p.set_defaults(desk_command="hand")
    p.add_argument("vins", nargs="+", metavar="VIN")
    p.add_argument("--to", required=True, metavar="USER", help="who takes them over")
    p.add_argument("--hours", type=float, metavar="H", help="claim for H hours")
    p = add("note", "add a note to a vehicle (append-only)", cmd_note)
    p.add_argument("vin", metavar="VIN")
    p.add_argument("text", nargs="+", help="the note; '-' reads it from stdin")
    p = add("notes", "a vehicle's notes, oldest first", cmd_notes, js)
    p.add_argument("vin", metavar="VIN")
    p = add(
        "snooze",
        "hide vehicles from the triage queues until a time or their next state change",
        cmd_snooze,
    )
    p.add_argument("vins", nargs="+", metavar="VIN")
    p.add_argument("--reason", required=True, help="why (shown with the snooze)")
    p.add_argument(
        "--until",
        metavar="WHEN",
        help="a span (4h, 2d) or a time (2026-12-01T08:00Z); default: until the "
        "next state change only",
    )
    p = add("unsnooze", "show snoozed vehicles again", cmd_unsnooze)
    p.add_argument("vins", nargs="+", metavar="VIN")
    p = add(
        "handover", "what changed, who did what, what is unclaimed and urgent", cmd_handover, js
    )
    p.add_argument(
        "--since",
        default="12h",
        metavar="SPAN",
        help="the period: a span (12h, 1d) or a time (default 12h)",
    )
    p.add_argument(
        "--no-fleet",
        action="store_true",
        help="do not fetch the fleet (no 'unclaimed and urgent' list)",
    )
    p = add("export", "every claim, note and snooze with who and when", cmd_export)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON array (shape in the README)")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header line (the default)")


def parse_when(text: str, now: datetime, *, future: bool) -> datetime:
    """A span (from now, forward or back) or an ISO time."""
    from fleettui.cli.history_sources import parse_since

    past = parse_since(text, now)
    return (
        now + (now - past)
        if future and past <= now and "T" not in text and "-" not in text
        else past
    )


def cmd_init(args: argparse.Namespace) -> int:
    from fleettui.desk.store import init_desk

    settings = desk_settings(args)
    found, now = init_desk(settings)
    if found is None or found == 0:
        print(f"desk {settings.shown}: created the schema (version {now})")
    elif found < now:
        print(f"desk {settings.shown}: migrated the schema from version {found} to {now}")
    else:
        print(f"desk {settings.shown}: schema version {now} is current; nothing to do")
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    with open_desk(args) as desk:
        note = desk.note(args.vin, text)
    print(f"{note.vin}: note #{note.id} added at {iso(note.at)}")
    return EXIT_OK


def cmd_notes(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        notes = desk.notes(args.vin)
    if args.json:
        print_json(
            [
                {"id": n.id, "vin": n.vin, "author": n.author, "at": iso(n.at), "text": n.text}
                for n in notes
            ]
        )
        return EXIT_OK
    for n in notes:
        lines = n.text.splitlines() or [""]
        print(f"{iso(n.at)}  {plain(n.author)}: {plain(lines[0])}")
        for line in lines[1:]:
            print(f"{'':22}{plain(line)}")
    print(f"{len(notes)} note(s)", file=sys.stderr)
    return EXIT_OK


def cmd_snooze(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    until = parse_when(args.until, now, future=True) if args.until else None
    if until is not None and until <= now:
        raise UsageError("--until is in the past; give a span like 4h or a later time")
    with open_desk(args) as desk:
        desk.snooze(args.vins, until, args.reason)
    limit = (
        f"until {iso(until)} or the next state change" if until else "until the next state change"
    )
    print(f"snoozed {len(set(args.vins))} vehicle(s) {limit}")
    return EXIT_OK


def cmd_unsnooze(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        desk.unsnooze(args.vins)
    print(f"unsnoozed {len(set(args.vins))} vehicle(s)")
    return EXIT_OK


def _urgent(args: argparse.Namespace) -> tuple[list[str], str | None]:
    """The fleet's urgent VINs (triage), or why there are none."""
    if args.no_fleet:
        return [], "not fetched (--no-fleet)"
    from fleettui.cli.common import open_client, resolved_profile
    from fleettui.config import ConfigError
    from fleettui.core.store import FleetStore
    from fleettui.desk.handover import urgent_vins
    from fleettui.triage.queues import build_board

    try:
        profile = resolved_profile(args)
        with open_client(profile) as client:
            raw = client.list_vehicles_raw()
            now = client.server_time()
    except (ConfigError, UsageError) as e:
        return [], f"no fleet ({e})"
    except Exception as e:  # noqa: BLE001 - the report still stands without the fleet
        return [], f"the fleet could not be fetched ({plain(str(e), 120)})"
    rows = FleetStore().prepare(raw, now).snapshot.order
    return urgent_vins(build_board(rows, now)), None


def cmd_handover(args: argparse.Namespace) -> int:
    from fleettui.desk.handover import handover_text

    since = parse_when(args.since, datetime.now(UTC), future=False)
    urgent, why = _urgent(args)
    with open_desk(args) as desk:
        report = desk.handover(since, urgent)
    if args.json:
        print_json({**report.to_json(), "urgent_note": why})
        return EXIT_OK
    text = handover_text(report)
    if why:
        text += f"  (urgent list: {why})\n"
    text = "\n".join("".join(c for c in line if c.isprintable()) for line in text.splitlines())
    width = terminal_width(sys.stdout)  # on a terminal: long lines wrap under their entry
    sys.stdout.write((hang_wrap(text, width) if width else text) + "\n")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from fleettui.desk.handover import EXPORT_COLUMNS

    with open_desk(args) as desk:
        rows = desk.export()
    if args.json:
        print_json(rows)
    else:
        write_table(
            EXPORT_COLUMNS,
            ([r[c] if r[c] is not None else "" for c in EXPORT_COLUMNS] for r in rows),
            sys.stdout,
        )
    return EXIT_OK
