"""`fleettui add`, `cancel`, `revoke`: writes, each checked locally before anything is sent.

- Read-only (``--read-only`` or the profile's ``read_only``) refuses every write before
  anything is sent (exit 2).
- ``add`` checks each line with the domain rules (VIN, brand, required tags); refused
  lines are not sent. Lines the provider refuses come back too. Every refused line is
  written back out (stderr or ``--rejects FILE``) in the input format, after a
  ``# line N: why`` comment, so nothing is lost.
- ``cancel``/``revoke`` fetch the vehicles with ONE list call (vin ``in`` filter: the
  per-VIN GET is rate limited) and apply the same brand and state rules as the monitor;
  ``revoke`` needs ``--yes``.
- ``add --check`` asks the eligibility API first (see :mod:`fleettui.cli.check_cmd`):
  vehicles it says are not eligible are refused like a bad line (``# line N: not
  eligible: ...``) and not sent; a failed check does not hold a line back (a warning).
- Every write that sent something is recorded in the audit log.
- ``--dry-run`` on every write: the same checks (``cancel``/``revoke`` still fetch the
  vehicles, read-only), then what would be sent and what would be skipped and why;
  nothing is sent and nothing is audited. ``revoke --dry-run`` needs no ``--yes``.
- ``cancel -`` / ``revoke -``: VINs from stdin, one per line (the first field of a CSV
  line, so ``fleettui list --csv ... | fleettui cancel -`` works; ``#`` comments, blank
  lines and a ``vin`` header are skipped).

Exit codes: 0 all done; 1 a provider or network error stopped or failed a request;
2 bad usage, or nothing was added/sent because every line or VIN was refused (locally
or by the provider for bad input); 3 (``add``) partial success: some lines were added,
others were refused.

Refused lines and errors go to stderr one per line in the ``fleettui: ...`` form
(``fleettui: line 4: WVW...: VIN: 16 characters, need 17``). ``--rejects FILE`` keeps
them as CSV in the input format, each after a ``# line N: why`` comment, ready to fix
and feed back. The last line says what happened, e.g.
``2 added, 3 refused (written to /full/path/rejects.csv)`` (stdout; stderr with
``--json`` so stdout stays JSON). Lines not sent because a provider or network error
stopped the run are refused lines too (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from fleettui.api.client import NewVehicle
from fleettui.api.errors import ApiError
from fleettui.api.network_errors import NetworkError
from fleettui.cli import check_cmd, fleet_remove, vehicle_csv
from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    EXIT_USAGE,
    Subparsers,
    UsageError,
    common_parent,
    error,
    guarded,
    open_client,
    plain,
)
from fleettui.cli.input_problems import join_problems, parse_tags
from fleettui.cli.write_results import (
    EXIT_PARTIAL,
    WriteResult,
    audit,
    dry_run_summary,
    report,
    writable_profile,
)
from fleettui.config.resolve import ResolvedProfile
from fleettui.core.brands import brand_info
from fleettui.core.rules import check_new_vehicle
from fleettui.core.vin import normalise_vin

ADD_CHUNK = 1000


def register(subparsers: Subparsers) -> None:
    parent = common_parent()
    add = subparsers.add_parser(
        "add",
        parents=[parent],
        help="add vehicles (one, or a CSV file)",
        description="Ask for clearances. CSV lines: vin,brand[,key=value...]",
    )
    add.add_argument("vin", nargs="?")
    add.add_argument("brand", nargs="?")
    add.add_argument(
        "--tag", action="append", metavar="K=V", help="tag for the one vehicle (repeatable)"
    )
    add.add_argument("--file", type=Path, help="CSV file of vehicles")
    add.add_argument(
        "--rejects",
        type=Path,
        metavar="FILE",
        help="also write refused lines here as CSV, ready to fix and resend "
        "(each is always named on stderr)",
    )
    add.add_argument("--json", action="store_true", help="per-VIN results as JSON")
    add.add_argument(
        "--dry-run",
        action="store_true",
        help="check every line and say what would be sent; send nothing",
    )
    add.add_argument(
        "--check",
        action="store_true",
        help="ask the eligibility API first; vehicles found not eligible are not sent",
    )
    add.set_defaults(func=guarded(cmd_add))
    fleet_remove.register(subparsers, parent)


def _lines_from_args(args: argparse.Namespace) -> list[vehicle_csv.VehicleLine]:
    if args.file is not None:
        if args.vin or args.brand or args.tag:
            raise UsageError("give either VIN BRAND [--tag k=v] or --file FILE, not both")
        try:
            return vehicle_csv.read_file(args.file)
        except FileNotFoundError:
            raise UsageError(f"{args.file}: no such file") from None
        except (OSError, ValueError) as e:
            raise UsageError(str(e)) from None
    if not args.vin or not args.brand:
        raise UsageError("give VIN BRAND [--tag k=v]..., or --file vehicles.csv")
    tags = parse_tags(args.tag)
    vin, brand = normalise_vin(args.vin), args.brand.strip().lower()
    return [vehicle_csv.VehicleLine(0, vehicle_csv.format_line(vin, brand, tags), vin, brand, tags)]


def cmd_add(args: argparse.Namespace) -> int:
    profile = writable_profile(args, "add vehicles")
    lines = _lines_from_args(args)
    if not lines:
        raise UsageError("no vehicles to add (the file has no vehicle lines)")
    if args.dry_run:
        return _add_dry_run(args, lines)
    # Open the rejects file before anything is sent, so refused lines can't be lost.
    try:
        rejects_out = open(args.rejects, "w", encoding="utf-8") if args.rejects else None  # noqa: SIM115
    except OSError as e:
        raise UsageError(
            f"cannot write {args.rejects}: {e.strerror or e}; nothing was sent"
        ) from None
    try:
        return _add(args, profile, lines, rejects_out)
    finally:
        if rejects_out is not None:
            rejects_out.close()


def _check_lines(
    lines: list[vehicle_csv.VehicleLine],
    rejects: list[tuple[vehicle_csv.VehicleLine, str]],
    results: list[WriteResult],
) -> dict[str, vehicle_csv.VehicleLine]:
    """The lines that pass the local checks, by VIN; the others go to rejects/results."""
    to_send: dict[str, vehicle_csv.VehicleLine] = {}
    for line in lines:
        problems = [
            *check_new_vehicle(line.vin, line.brand, line.tags, no_brand=vehicle_csv.NO_BRAND),
            *line.problems,
        ]
        if not problems and line.vin in to_send:
            problems = [f"same VIN as line {to_send[line.vin].number}"]
        if problems:
            why = join_problems(problems)
            rejects.append((line, why))
            results.append(WriteResult(line.vin or "?", False, False, None, why))
        else:
            to_send[line.vin] = line
    return to_send


def _add_dry_run(args: argparse.Namespace, lines: list[vehicle_csv.VehicleLine]) -> int:
    rejects: list[tuple[vehicle_csv.VehicleLine, str]] = []
    results: list[WriteResult] = []
    for line in _check_lines(lines, rejects, results).values():
        results.append(WriteResult(line.vin, True, False, None, f"would be added as {line.brand}"))
    order = {ln.vin: ln.number for ln in reversed(lines)}
    results.sort(key=lambda r: order.get(r.vin, 0))
    report(args, "add", results)
    _refusals_to_stderr(rejects)
    dry_run_summary(args, results)
    return EXIT_USAGE if rejects else EXIT_OK


def _refusals_to_stderr(rejects: list[tuple[vehicle_csv.VehicleLine, str]]) -> None:
    """Each refused line once on stderr in the `fleettui: ...` one-line form."""
    for line, why in rejects:
        where = f"line {line.number}: " if line.number else ""
        error(f"{where}{plain(line.vin or line.raw, 60) or '(no VIN)'}: {why}")


def _add(
    args: argparse.Namespace,
    profile: ResolvedProfile,
    lines: list[vehicle_csv.VehicleLine],
    rejects_out: IO[str] | None,
) -> int:
    rejects: list[tuple[vehicle_csv.VehicleLine, str]] = []
    results: list[WriteResult] = []
    to_send = _check_lines(lines, rejects, results)
    failed: ApiError | None = None
    pending = list(to_send.values())
    for line in pending:
        note = brand_info(line.brand).note
        if note:
            error(f"warning: {line.vin}: {note}")
    if pending:
        with open_client(profile) as client:
            if getattr(args, "check", False):
                pending, held = check_cmd.gate(client, pending)
                for line, why in held:
                    rejects.append((line, why))
                    results.append(WriteResult(line.vin, False, False, None, why))
            for start in range(0, len(pending), ADD_CHUNK):
                chunk = pending[start : start + ADD_CHUNK]
                try:
                    answers = client.create_vehicles(
                        NewVehicle(ln.vin, ln.brand, ln.tags) for ln in chunk
                    )
                except ApiError as e:
                    failed = e
                    maybe = isinstance(e, NetworkError) and e.maybe_sent
                    note = (
                        "may have been sent; check with `fleettui list --vin`"
                        if maybe
                        else "not sent"
                    )
                    for ln in pending[start:]:
                        rejects.append((ln, f"{note}: {e}"))
                        # The result's label already says "not sent"; only "maybe" needs saying.
                        message = f"{note}: {e}" if maybe else str(e)
                        results.append(WriteResult(ln.vin, False, maybe, None, message))
                    break
                for a in answers:
                    sent_line = to_send.get(a.vin)
                    if sent_line is None:
                        continue  # an answer about a VIN we did not send counts for nothing
                    message = a.status if a.ok else (a.description or a.status or "refused")
                    results.append(WriteResult(a.vin, a.ok, True, a.status or None, message))
                    if not a.ok:
                        rejects.append((sent_line, f"refused by the provider: {message}"))
    order: dict[str, int] = {}
    for line in lines:
        order.setdefault(line.vin, line.number)
    results.sort(key=lambda r: order.get(r.vin, 0))  # input order; stable for duplicates
    audit(profile, "add", results)
    report(args, "add", results)
    rejects.sort(key=lambda r: r[0].number)
    if rejects_out is not None:
        vehicle_csv.write_rejects(rejects, rejects_out)
    _refusals_to_stderr(rejects)
    ok = sum(r.ok for r in results)
    if rejects or args.file is not None:
        if not rejects:
            where = ""
        elif args.rejects:
            where = f" (written to {args.rejects.resolve()})"
        else:
            where = " (named on stderr; --rejects FILE keeps them as CSV to fix and resend)"
        print(
            f"{ok} added, {len(rejects)} refused{where}",
            file=sys.stderr if args.json else sys.stdout,
        )
    if failed is not None:
        error(str(failed))
        return EXIT_PROVIDER
    if rejects:
        return EXIT_PARTIAL if ok else EXIT_USAGE
    return EXIT_OK
