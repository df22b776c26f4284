"""`fleettui data VIN [VIN ...] [--json]`: does each approved car send data, and if not, why?

An explicit request: it checks now whatever the profile's `data_checks` opt-in, still
within the profile's budget (`data_checks_per_second`, `data_checks_per_hour`) and
honouring a 429's Retry-After (waits up to `--max-wait` seconds in all, then reports the
VINs left unchecked). One list call finds the VINs' clearances; only approved ones are
asked. Results are stored in the profile's data records and their changes in its history
(what `list --data`, `triage` and the monitor show).

Output: an aligned table `VIN BRAND DATA NEWEST FIRST-DATA WHO NOTE`, or with ``--json``::

    {"action": "data", "results": [{"vin", "brand", "status": "approved"|...|null,
      "checked": bool, "state": "unchecked"|"none"|"flowing"|"silent"|"privacy"|"consent"|
               "no_consent"|"uncheckable"|null,
      "label": "✓ 2h", "title": str, "actor": str|null, "steps": [str], "next": str,
      "newest": ISO|null, "first_data": ISO|null, "checked_at": ISO|null,
      "error": null|"consent_removed"|"invalid_token"|"no_consent"|"privacy"|"offline"|
               "rate_limited"|"pending"|"scope_missing"|"server"|"network"|"bad_answer"|
               "other",
      "request_id": str|null, "message": str}]}

Exit codes: 0 every VIN was checked; 3 some could not be (not in the fleet, not approved,
brand not covered, rate limited past --max-wait, no scope, network); 1 the fleet list
failed; 2 bad usage.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from typing import Any

from fleettui.api.filters import VehicleFilter
from fleettui.cli.common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    common_parent,
    error,
    guarded,
    open_client,
    print_json,
    print_table,
    resolved_profile,
)
from fleettui.cli.input_problems import vin_problem
from fleettui.config.data_checks import data_check_settings
from fleettui.core.data_states import DataRecord, DataState, cell_text, current_state
from fleettui.core.timefmt import format_ts
from fleettui.core.vehicle import Vehicle
from fleettui.core.vin import check_vin, normalise_vin
from fleettui.history.data_records import DataRecords, data_records_path
from fleettui.monitor.data_checker import Approved, DataChecker

EXIT_UNCHECKED = 3


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "data",
        parents=[common_parent()],
        help="does each approved car send data, and why not",
        description="Ask the vehicle data API whether approved cars send data (only the "
        "newest timestamp, the error and its request_id are kept).",
    )
    p.add_argument("vins", nargs="+", metavar="VIN")
    p.add_argument("--json", action="store_true", help="per-VIN results as JSON")
    p.add_argument(
        "--max-wait",
        type=float,
        default=120.0,
        metavar="S",
        help="longest wait in all for rate limits (default 120 s)",
    )
    p.set_defaults(func=guarded(cmd_data))


def result_json(
    vin: str,
    vehicle: Vehicle | None,
    record: DataRecord | None,
    checked: bool,
    now: datetime,
    message: str = "",
) -> dict[str, Any]:
    brand = vehicle.brand if vehicle is not None else ""
    state = current_state(record, brand, now) if record is not None else None
    approved = vehicle.state_since if vehicle is not None else None
    info = record.info if record is not None else None
    return {
        "vin": vin,
        "brand": brand or None,
        "status": vehicle.status if vehicle is not None else None,
        "checked": checked,
        "state": state.value if state is not None else None,
        "label": cell_text(state, record, approved, now) if state is not None else "",
        "title": info.title if info else "",
        "actor": info.actor.value if info else None,
        "steps": list(info.steps) if info else [],
        "next": info.next if info else "",
        "newest": format_ts(record.newest) or None if record else None,
        "first_data": format_ts(record.first_data) or None if record else None,
        "checked_at": format_ts(record.checked_at) or None if record else None,
        "error": record.error if record else None,
        "request_id": record.request_id if record else None,
        "message": message or (info.title if info else ""),
    }


def _vins(items: list[str]) -> list[str]:
    vins = list(dict.fromkeys(normalise_vin(v) for v in items))
    bad = [vin_problem(c) for c in map(check_vin, vins) if not c.ok]
    if bad:
        raise UsageError(bad[0])
    return vins


def cmd_data(args: argparse.Namespace) -> int:
    vins = _vins(args.vins)
    if args.max_wait < 0:
        raise UsageError("--max-wait must be 0 or more seconds")
    profile = resolved_profile(args)
    settings = data_check_settings(profile.extra)
    for note in settings.notes:
        error(note)
    records = DataRecords(data_records_path(profile.name))
    from fleettui.cli.history_sources import history_for

    history = history_for(profile)
    results: list[dict[str, Any]] = []
    try:
        with open_client(profile) as client:
            fleet = {v.vin: v for v in client.list_vehicles(VehicleFilter().vin_in(vins))}
            notices: list[str] = []
            checker = DataChecker(
                client,
                settings,
                records,
                now=client.server_time,
                history=history,
                notice=notices.append,
            )
            waited = 0.0
            for vin in vins:
                v = fleet.get(vin)
                now = client.server_time()
                if v is None:
                    results.append(
                        result_json(
                            vin, None, None, False, now, "not in the fleet: nothing to check"
                        )
                    )
                    continue
                if v.status != "approved":
                    results.append(
                        result_json(
                            vin,
                            v,
                            records.get(vin),
                            False,
                            now,
                            f"clearance is {v.status}: data needs an approved clearance",
                        )
                    )
                    continue
                done, waited = _check(
                    checker, Approved(vin, v.brand, v.state_since), waited, args.max_wait
                )
                record = records.get(vin)
                message = notices[0] if notices else ""
                if not done and checker.last_error == "rate_limited":
                    message = f"rate limited: not checked within --max-wait {args.max_wait:g} s"
                elif not done and checker.last_error == "network":
                    message = "the provider could not be reached"
                if record is not None and record.state is DataState.UNCHECKABLE:
                    done = False
                    message = message or record.info.title
                results.append(
                    result_json(
                        vin, v, record, done, client.server_time(), message if not done else ""
                    )
                )
    finally:
        records.save()
        history.close()
    _print(results, args.json)
    return EXIT_OK if all(r["checked"] for r in results) else EXIT_UNCHECKED


def _check(checker: DataChecker, a: Approved, waited: float, max_wait: float) -> tuple[bool, float]:
    """(checked, seconds waited so far for rate limits and the hourly cap, which must
    stay within max_wait in all; the pacing between calls is always kept)."""
    while True:
        if checker.off is not None:
            return False, waited
        wait = checker.budget.wait_time()
        if wait > 0:
            if wait <= checker.budget.gap:  # the pacing between calls: always kept
                time.sleep(wait)
                continue
            if waited + wait > max_wait:
                return False, waited
            time.sleep(wait)
            waited += wait
            continue
        if checker.check(a).checked:
            return True, waited
        if checker.last_error != "rate_limited":
            return False, waited


def _print(results: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print_json({"action": "data", "results": results})
        return
    print_table(
        ("VIN", "BRAND", "DATA", "NEWEST", "FIRST-DATA", "WHO", "NOTE"),
        [
            [
                r["vin"],
                r["brand"] or "-",
                r["label"] or "-",
                r["newest"] or "-",
                r["first_data"] or "-",
                r["actor"] or "-",
                r["message"]
                + (
                    f" (request_id {r['request_id']})"
                    if r["request_id"] and r["state"] not in ("flowing", None)
                    else ""
                ),
            ]
            for r in results
        ],
    )
