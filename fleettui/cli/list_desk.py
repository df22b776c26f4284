"""`fleettui list --desk` (or `--mine`, `--unclaimed`): the fleet with who claimed each
vehicle on the shared desk — a CLAIMED column in the table, a `claimed_by` column in the
CSV and a `"claimed_by"` key (null when unclaimed) in each JSON object."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fleettui.cli.common import plain, print_table
from fleettui.cli.desk_common import claimed_by, keep_vin, work_of
from fleettui.cli.list_text import TABLE_HEADERS
from fleettui.core.fleet_csv import COLUMNS, tags_text, write_table
from fleettui.core.timefmt import format_duration, parse_ts


def with_claims(
    args: argparse.Namespace, items: Sequence[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """The listing's items filtered by --mine / --unclaimed, each with "claimed_by" (None
    when the profile's desk cannot be had: see `work_of`)."""
    found = work_of(args)
    if found is None:
        return None
    me, work = found
    return [
        {**item, "claimed_by": claimed_by(work, item["vin"])}
        for item in items
        if keep_vin(args, me, work, item["vin"])
    ]


def write_desk_list(args: argparse.Namespace, items: list[dict[str, Any]], now: datetime) -> None:
    from fleettui.cli.list_json import write_json

    if args.json:
        write_json(items, sys.stdout)
    elif args.csv:
        # The fleet CSV's columns (fleettui.core.fleet_csv), then who claimed it.
        write_table(
            (*COLUMNS, "claimed_by"),
            (
                [
                    i["vin"],
                    i["brand"],
                    i["status"] or "",
                    i["reason"] or "",
                    i["state_since"] or "",
                    tags_text(i.get("tags") or {}),
                    i.get("seconds_in_state"),
                    i["claimed_by"] or "",
                ]
                for i in items
            ),
            sys.stdout,
        )
    else:

        def in_state(since: str | None) -> str:
            at = parse_ts(since)
            return format_duration(None if at is None else (now - at).total_seconds())

        print_table(
            (*TABLE_HEADERS[:-1], "CLAIMED", TABLE_HEADERS[-1]),
            (
                [
                    i["vin"],
                    i["brand"],
                    i["status"] or "?",
                    plain(i["reason"] or "", 60),
                    i["claimed_by"] or "-",
                    in_state(i["state_since"]),
                ]
                for i in items
            ),
        )
        print(f"{len(items)} vehicle(s)", file=sys.stderr)
