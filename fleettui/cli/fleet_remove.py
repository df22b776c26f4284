"""`fleettui cancel` and `revoke` (their parsers added after `add`'s by
:mod:`fleettui.cli.fleet_write`, whose docstring says what every write does): the
vehicles fetched with ONE list call, each checked with the monitor's brand and state
rules, then sent one by one."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from fleettui.api.errors import ApiError
from fleettui.api.filters import VehicleFilter
from fleettui.api.network_errors import NetworkError
from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    EXIT_USAGE,
    Subparsers,
    UsageError,
    answer_notes,
    error,
    guarded,
    open_client,
    plain,
)
from fleettui.cli.input_problems import vin_problem
from fleettui.cli.write_results import (
    WriteResult,
    audit,
    dry_run_summary,
    report,
    writable_profile,
)
from fleettui.config.resolve import ResolvedProfile
from fleettui.core.rules import check_action
from fleettui.core.states import Action
from fleettui.core.vehicle import Vehicle
from fleettui.core.vin import check_vin, normalise_vin

#: VINs per list call (the `vin in` filter).
FETCH_CHUNK = 500


def register(subparsers: Subparsers, parent: argparse.ArgumentParser) -> None:
    """`cancel` and `revoke` (registered by `fleet_write.register`, after `add`)."""
    texts = {
        Action.CANCEL: (
            "cancel pending clearances",
            "Cancel pending activations. Only brands that allow it (Stellantis, "
            "Mercedes-Benz, VW Group) and only once a day old; anything else is "
            "refused before it is sent. Exit 0 all sent, 1 a provider error, "
            "2 nothing sent.",
        ),
        Action.REVOKE: (
            "revoke approved clearances (needs --yes)",
            "Revoke approved clearances: data access for these vehicles ends. "
            "Needs --yes (or --dry-run to see what would be sent). Exit 0 all "
            "sent, 1 a provider error, 2 nothing sent.",
        ),
    }
    for action, (text, description) in texts.items():
        p = subparsers.add_parser(
            action.value, parents=[parent], help=text, description=description
        )
        p.add_argument(
            "vins",
            nargs="+",
            metavar="VIN",
            help="VINs; '-' reads them from stdin, one per line (CSV: first field)",
        )
        if action is Action.REVOKE:
            p.add_argument(
                "--yes", action="store_true", help="confirm: data access ends for these vehicles"
            )
        p.add_argument("--json", action="store_true", help="per-VIN results as JSON")
        p.add_argument(
            "--dry-run",
            action="store_true",
            help="fetch and check; say what would be sent and skipped; send nothing",
        )
        p.set_defaults(func=guarded(cmd_remove), action=action)


def read_stdin_vins(values: list[str], stream: IO[str] | None = None) -> list[str]:
    """The VINs given, with '-' replaced by those on stdin: one per line, the first
    field of a CSV line; blank lines, '#' comments and a 'vin' header are skipped."""
    out: list[str] = []
    read = False
    for value in values:
        if value != "-":
            out.append(value)
            continue
        if read:
            continue  # '-' twice: stdin is read once
        read = True
        src = stream or sys.stdin
        if src.isatty():
            error("reading VINs from stdin, one per line (Ctrl-D ends)")
        for line in src:
            first = line.strip().split(",")[0].split(";")[0].strip()
            if first and not first.startswith("#") and first.lower() != "vin":
                out.append(first)
    return out


def cmd_remove(args: argparse.Namespace) -> int:
    action: Action = args.action
    verb = action.value
    if action is Action.REVOKE and not args.yes and not args.dry_run:
        raise UsageError("revoke ends data access for these vehicles; add --yes to confirm")
    profile = writable_profile(args, f"{verb} clearances")
    vins = list(dict.fromkeys(normalise_vin(v) for v in read_stdin_vins(args.vins)))
    if not vins:
        raise UsageError(f"no VINs to {verb} (stdin had none); nothing was sent")
    results: dict[str, WriteResult] = {}
    wanted = []
    for vin in vins:
        check = check_vin(vin)
        if check.ok:
            wanted.append(vin)
        else:  # refused here, per VIN; nothing is sent for it
            results[vin] = WriteResult(vin, False, False, None, vin_problem(check))
    failed: ApiError | None = None
    local_refusals = len(results)
    if wanted:
        failed, local_refusals = _remove_found(
            profile, action, wanted, results, local_refusals, dry_run=args.dry_run
        )
    ordered = [results[v] for v in vins if v in results]
    if args.dry_run:
        report(args, verb, ordered)
        dry_run_summary(args, ordered)
        return EXIT_USAGE if local_refusals else EXIT_OK
    audit(profile, verb, ordered)
    report(args, verb, ordered)
    if any(r.sent and not r.ok for r in ordered) or failed is not None:
        return EXIT_PROVIDER
    if local_refusals:
        return EXIT_USAGE
    return EXIT_OK


def _remove_found(
    profile: ResolvedProfile,
    action: Action,
    wanted: list[str],
    results: dict[str, WriteResult],
    local_refusals: int,
    dry_run: bool = False,
) -> tuple[ApiError | None, int]:
    """Fetch the valid VINs with one list call, check each with the rules, send the
    allowed (or, dry run, say they would be sent)."""
    verb = action.value
    failed: ApiError | None = None
    with open_client(profile) as client:
        found: dict[str, Vehicle] = {}
        for start in range(0, len(wanted), FETCH_CHUNK):
            for listed in client.list_vehicles(
                VehicleFilter().vin_in(wanted[start : start + FETCH_CHUNK])
            ):
                found[listed.vin.upper()] = listed
            answer_notes(client)
        now = client.server_time()
        for vin in wanted:
            v = found.get(vin)
            if v is None:
                results[vin] = WriteResult(vin, False, False, None, "not in the fleet")
                local_refusals += 1
                continue
            if failed is not None:
                results[vin] = WriteResult(
                    vin, False, False, v.status, f"skipped after an earlier error: {failed}"
                )
                continue
            check = check_action(v, action, now)
            if not check.allowed:
                results[vin] = WriteResult(vin, False, False, v.status, check.reason)
                local_refusals += 1
                continue
            for w in check.warnings:
                error(f"warning: {plain(vin)}: {w}")
            if dry_run:
                results[vin] = WriteResult(
                    vin, True, False, v.status, f"would {verb} ({v.status}, {v.brand})"
                )
                continue
            try:
                after = client.delete_vehicle(vin)
            except ApiError as e:
                sent = not isinstance(e, NetworkError) or e.maybe_sent
                results[vin] = WriteResult(vin, False, sent, v.status, str(e))
                if e.category in ("auth", "network", "timeout", "rate_limit"):
                    failed = e  # the rest would fail the same way: stop sending
                continue
            results[vin] = WriteResult(vin, True, True, after.status, after.status or verb)
    return failed, local_refusals
