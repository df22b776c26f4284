"""`fleettui list`, `show`, `add`, `cancel`, `revoke`: the fleet from a shell.

The list here; `show` in :mod:`fleettui.cli.show_cmd`; the writes live in :mod:`fleettui.cli.fleet_write`; `list`'s output is
streamed by :mod:`fleettui.cli.list_json`. An unfiltered `list` also refreshes the
profile's snapshot cache (in a detached process), so the monitor opens on that fleet at
once. Exit codes: 0 success,
1 provider or network error, 2 bad usage or input (also: a write refused by the local
brand/state rules, or lines refused by the provider — details are per VIN).

Stable ``--json`` shapes
------------------------
``list --json`` — an array, one object per vehicle (one per line, compact: no space
after ``,`` and ``:``; spaced here to read): the provider's own fields plus derived ones::

    [{"vin": "...", "status": "pending", "brand": "bmw", "tags": {"k": "v"},
      "changelog": [{"timestamp": "2026-11-01T12:00:00Z", "status": "pending",
                     "reason": "..."}],            # oldest first; "reason" only when given
      "reason": "..." | null,                      # the current pending/rejection reason
      "state_since": "2026-11-01T12:00:00Z" | null,
      "seconds_in_state": 3600 | null}]            # at the provider's clock when fetched

``list --csv`` — header ``vin,brand,status,reason,state_since,tags,seconds_in_state``
(the monitor's export has the same; :mod:`fleettui.core.fleet_csv`); tags as ``k=v;k2=v2``.

``show VIN --json``: :mod:`fleettui.cli.show_cmd`.

``add``/``cancel``/``revoke --json`` — ``{"action": "add"|"cancel"|"revoke",
"results": [{"vin": "...", "ok": true|false, "sent": true|false,
"status": "pending"|"canceling"|"revoking"|"error"|... | null, "message": "..."}]}``
(``sent`` false: refused locally, nothing went to the provider).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fleettui.api.filters import STORED_STATUSES, VehicleFilter
from fleettui.cli import list_select, process_end
from fleettui.cli.background import in_background
from fleettui.cli.common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    answer_notes,
    common_parent,
    error,
    open_client,
    plain,
    resolved_profile,
    terminal_width,
)
from fleettui.cli.list_json import listing, write_json
from fleettui.cli.list_text import write_table
from fleettui.core.fleet_csv import write_fleet
from fleettui.core.memory import collector_paused
from fleettui.core.timefmt import utcnow

if TYPE_CHECKING:
    from fleettui.cli.json_lines import JsonLines


def register(subparsers: Subparsers) -> None:
    from fleettui.cli.desk_common import claim_filters, desk_guarded, desk_parent

    parent = common_parent()
    lst = subparsers.add_parser(
        "list",
        parents=[parent, desk_parent()],
        help="list the fleet (server-side filter)",
        description="List clearances. --state, --brand, --vin and --tag K=V are sent to the "
        "provider (one request); --tag K (any value), --older-than, --newer-than "
        "and --filter use the monitor's / filter language on the answer.",
    )
    lst.add_argument(
        "--state",
        action="append",
        type=list_select.state_arg,
        metavar="S",
        help=f"only this state (repeatable): {', '.join(STORED_STATUSES)}",
    )
    lst.add_argument("--brand", action="append", metavar="B", help="only this brand (repeatable)")
    lst.add_argument(
        "--tag",
        action="append",
        metavar="K[=V]",
        help="only vehicles with this tag value, or with the tag at all (repeatable)",
    )
    lst.add_argument("--vin", action="append", metavar="V", help="only this VIN (repeatable)")
    fmt = lst.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON array (shape in the README)")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header line")
    lst.add_argument(
        "--data",
        action="store_true",
        help="add each approved vehicle's recorded data state (see `data`)",
    )
    list_select.add_selection_arguments(lst)
    claim_filters(lst)
    lst.set_defaults(func=desk_guarded(cmd_list))


def build_filter(args: argparse.Namespace) -> VehicleFilter:
    """The provider's filter for the flags given (what checks each flag is loaded only
    when that flag is given: a plain `list` sends its request sooner)."""
    f = VehicleFilter()
    try:
        if args.state:
            states = list(dict.fromkeys(args.state))
            f = f.status_eq(states[0]) if len(states) == 1 else f.status_in(states)
        if args.brand:
            from fleettui.core.rules import brand_problem

            brands = list(dict.fromkeys(b.strip().lower() for b in args.brand))
            for b in brands:
                problem = brand_problem(b)  # names close brands, else every valid code
                if problem is not None:
                    raise UsageError(f"--brand: {problem.rstrip('.')}; nothing was asked")
            f = f.brand_eq(brands[0]) if len(brands) == 1 else f.brand_in(brands)
        valued = [t for t in args.tag or () if "=" in t]
        if valued:
            from fleettui.cli.input_problems import parse_tags

            f = f.tags_contains(parse_tags(valued))
        if args.vin:
            from fleettui.core.vin import normalise_vin

            vins = list(dict.fromkeys(normalise_vin(v) for v in args.vin))
            f = f.vin_eq(vins[0]) if len(vins) == 1 else f.vin_in(vins)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return f


def _remember(
    profile: str, base_url: str, fetch: tuple[list[Any], datetime, datetime], *, last: bool = False
) -> None:
    """The whole fleet was fetched (`fetch`: the list, the provider's clock and ours at the
    fetch): keep it as the monitor's last snapshot, written by a detached, niced child
    process once the listing is out (forked earlier, every object the listing touched
    would be copied for the child): the listing never waits for it. The monitor counts
    time in state by the provider's clock kept with it until it has an answer of its own."""
    raw, now, here = fetch

    def job() -> None:
        from fleettui.config.cache import save_snapshot  # loaded in the child, not here

        save_snapshot(profile, base_url, raw, now, saved_at=here)

    try:
        in_background(job, last=last)
    except OSError as e:
        error(f"warning: the fleet snapshot could not be cached ({e.strerror or e})")


def cmd_list(args: argparse.Namespace) -> int:
    profile = resolved_profile(args)
    wanted = build_filter(args)
    local = list_select.local_query(args, [t.strip() for t in args.tag or () if "=" not in t])
    # VIN order and nothing to select here: the listing sorts as it formats
    by_vin = local.is_empty and args.sort == "vin" and not args.reverse and args.watch is None

    fetched: list[tuple[list[Any], datetime, datetime]] = []
    # The plain JSON listing is formatted while the answer downloads (fleettui.cli.json_lines)
    lines: JsonLines | None = None
    if by_vin and args.json and not _special_list(args):
        from fleettui.cli.json_lines import JsonLines  # (the CSV and the table need none of it)

        lines = JsonLines()

    def fetch() -> tuple[list[dict], datetime]:
        with open_client(profile) as client:
            raw = client.list_vehicles_raw(wanted or None, on_batch=lines)
            now, here = client.server_time(), utcnow()
            answer_notes(client)
        if not wanted:
            fetched[:] = [(raw, now, here)]
            if args.watch is not None:
                _remember(profile.name, profile.base_url, fetched[0])
        if by_vin:
            return raw, now
        return list_select.select(raw, local, args.sort, args.reverse, now), now

    if args.watch is not None:
        return list_select.watch(fetch, lambda raw, now: _print_list(args, raw, now), args.watch)
    # No collections from the fetch to the end: the fleet holds no cycles, and each pass
    # would walk all of it (~0.1 s at 100k vehicles)
    with collector_paused(freeze=False):
        raw, now = fetch()
        items: Any = lines
        if lines is None or not lines.write(raw, now, sys.stdout):
            items = _write_list(args, raw, now, sort=by_vin)
        if fetched:
            sys.stdout.flush()
            # the process ends next when `fleettui` itself runs (not a caller's main())
            _remember(profile.name, profile.base_url, fetched[0], last=process_end.owned())
        process_end.keep(raw, items, fetched)  # freed by the end of the process
    return EXIT_OK


def _special_list(args: argparse.Namespace) -> bool:
    """The listing has the desk's claims or the data records in it (see _write_list)."""
    from fleettui.cli.desk_common import wants_desk

    return bool(getattr(args, "data", False)) or wants_desk(args)


def _print_list(
    args: argparse.Namespace, raw: list[dict], now: datetime, sort: bool = False
) -> None:
    with collector_paused(freeze=False):  # no cycles here: 100k new dicts, no collection
        _write_list(args, raw, now, sort)


def _write_list(
    args: argparse.Namespace, raw: list[dict], now: datetime, sort: bool
) -> list[dict[str, Any]]:
    from fleettui.cli.desk_common import wants_desk

    # The CSV and the tables show no history: theirs is not rewritten as --json has it
    items = listing(raw, now, sort=sort, history=bool(args.json))
    desk = False
    if wants_desk(args):
        from fleettui.cli.list_desk import with_claims, write_desk_list

        claimed = with_claims(args, items)
        if claimed is not None:
            if not getattr(args, "data", False):
                write_desk_list(args, claimed, now)
                return claimed
            items, desk = claimed, True  # --data --desk: the data columns and who claimed it
    out = sys.stdout
    if getattr(args, "data", False):
        from fleettui.cli.list_data import write_data_list
        from fleettui.config.data_checks import data_check_settings
        from fleettui.history.data_records import DataRecords, data_records_path

        profile = resolved_profile(args)
        records = DataRecords(data_records_path(profile.name))
        for note in records.notes:
            error(note)
        write_data_list(
            items,
            records,
            data_check_settings(profile.extra),
            now,
            "json" if args.json else "csv" if args.csv else "table",
            out,
            desk=desk,
        )
        return items
    if args.json:
        write_json(items, out)
    elif args.csv:
        write_fleet(items, out)
    else:
        write_table(items, now, out, plain, terminal_width(out))
        print(f"{len(items)} vehicle(s)", file=sys.stderr)
    return items
