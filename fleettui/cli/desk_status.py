"""`fleettui desk status`: the desk's state in one read: who you are on it, its schema
version, its last event and how far behind that is, the webhook receiver holding its
lock (alive while its heartbeat is under `desk.model.RECEIVER_ALIVE` seconds old), the
standby receivers waiting for it (each with its last heartbeat), the last time a standby
took over, and who is online. Hosts and URLs are the desk's data: sanitised here.
"""

from __future__ import annotations

import argparse
from typing import Any

from fleettui.cli.common import EXIT_OK, plain, print_json
from fleettui.cli.desk_common import open_desk
from fleettui.desk.model import iso


def status_json(desk: Any) -> dict[str, Any]:
    from fleettui.desk import schema

    now = desk.now()
    with desk.conn.tx() as cur:
        version = schema.found_version(cur)
        cur.execute("SELECT id, at FROM desk_events ORDER BY id DESC LIMIT 1")
        last = cur.fetchone()
    seen = desk.receiver()
    receiver = seen.to_json() if seen is not None else None
    running = desk.receivers()
    return {
        "desk": desk.settings.shown,
        "user": desk.user,
        "schema_version": version,
        "last_event_id": last[0] if last else 0,
        "last_event_at": iso(last[1]) if last else None,
        "lag_seconds": round((now - last[1]).total_seconds(), 3) if last else None,
        "receiver": receiver,
        **running.to_json(),
        "people_online": [
            {"user": p.user, "host": p.host, "viewing": p.viewing, "seen_at": iso(p.seen_at)}
            for p in desk.people_online()
        ],
    }


def cmd_status(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        data = status_json(desk)
    if args.json:
        print_json(data)
        return EXIT_OK
    rx = data["receiver"]
    people = data["people_online"]
    print(f"desk           {plain(data['desk'])} (online)")
    print(f"you            {plain(data['user'])}")
    print(f"schema         version {data['schema_version']}")
    print(f"last event     #{data['last_event_id']} at {data['last_event_at'] or '-'}")
    print(
        "receiver       "
        + (
            "none"
            if rx is None
            else f"{plain(rx['host'], 60)} pid {rx['pid']} {plain(rx['url'], 120)} "
            f"since {rx['since']} "
            f"({'alive' if rx['alive'] else 'silent since ' + str(rx['beat'])})"
        )
    )
    for line in receiver_lines(data):
        print(line)
    print(
        f"people online  {len(people)}"
        + (
            ""
            if not people
            else ": "
            + ", ".join(
                plain(f"{p['user']}@{p['host']}" + (f" on {p['viewing']}" if p["viewing"] else ""))
                for p in people
            )
        )
    )
    return EXIT_OK


def receiver_lines(data: dict[str, Any]) -> list[str]:
    """The standby receivers (one line each) and the last takeover, for `desk status`."""
    standbys = [r for r in data["receivers"] if r["role"] == "standby"]
    out = [f"standby        {len(standbys) or 'none'}"]
    out += [
        f"  {plain(r['host'], 60)} pid {r['pid']} since {r['started']}, "
        f"beat {r['beat_age_seconds']:.0f}s ago"
        for r in standbys[:10]
    ]
    if len(standbys) > 10:
        out.append(f"  ... and {len(standbys) - 10} more")
    last = data["last_takeover"]
    if last is not None:
        before = last["from"]
        tail = f" from {plain(before['host'], 60)} pid {before['pid']}" if before else ""
        out.append(
            f"last takeover  standby on {plain(last['host'], 60)} pid {last['pid']} "
            f"took over{tail} at {last['at']}"
        )
    else:
        out.append("last takeover  none")
    return out
