"""`fleettui desk status`: the desk's state in one read: who you are on it, its schema
version, its last event and how far behind that is, the webhook receiver holding its
lock (alive while its heartbeat is under `desk.model.RECEIVER_ALIVE` seconds old), and
who is online.
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
    return {
        "desk": desk.settings.shown,
        "user": desk.user,
        "schema_version": version,
        "last_event_id": last[0] if last else 0,
        "last_event_at": iso(last[1]) if last else None,
        "lag_seconds": round((now - last[1]).total_seconds(), 3) if last else None,
        "receiver": receiver,
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
            else f"{plain(rx['host'])} pid {rx['pid']} {plain(rx['url'])} "
            f"({'alive' if rx['alive'] else 'silent since ' + str(rx['beat'])})"
        )
    )
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
