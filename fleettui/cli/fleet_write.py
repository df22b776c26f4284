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
- Every write that sent something is recorded in the audit log.

Exit codes: 0 all done; 2 usage, or some lines/VINs refused (locally or by the provider
for bad input); 1 a provider or network error stopped or failed a request.

``add --file`` on partial success exits 2: some lines were added, others were refused
(by the local checks or by the provider). The added ones stay added; the refused ones are
in the rejects output, ready to fix and feed back. The last stdout line says so, e.g.
``2 added, 3 refused (written to rejects.csv)`` (``written to stderr`` without
``--rejects``; with ``--json`` that line goes to stderr so stdout stays JSON). Exit 1
instead when a provider or network error stopped the run: the lines not sent are in the
rejects output too. Exit 0 only when every line was added.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fleettui.api.client import NewVehicle
from fleettui.api.errors import ApiError, NetworkError
from fleettui.api.filters import VehicleFilter
from fleettui.cli import vehicle_csv
from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    EXIT_USAGE,
    UsageError,
    error,
    guarded,
    join_problems,
    open_client,
    parse_tags,
    plain,
    print_json,
    resolved_profile,
    vin_problem,
)
from fleettui.config.audit import AuditResult, record_write
from fleettui.config.resolve import ResolvedProfile
from fleettui.core.rules import check_action, check_new_vehicle
from fleettui.core.states import Action
from fleettui.core.vin import check_vin, normalise_vin

ADD_CHUNK = 1000
FETCH_CHUNK = 500


@dataclass
class WriteResult:
    vin: str
    ok: bool
    sent: bool
    status: str | None
    message: str

    def to_json(self) -> dict:
        return {"vin": self.vin, "ok": self.ok, "sent": self.sent, "status": self.status,
                "message": self.message}


def register(subparsers, parent: argparse.ArgumentParser) -> None:  # noqa: ANN001
    add = subparsers.add_parser("add", parents=[parent], help="add vehicles (one, or a CSV file)",
                                description="Ask for clearances. CSV lines: vin,brand[,key=value...]")
    add.add_argument("vin", nargs="?")
    add.add_argument("brand", nargs="?")
    add.add_argument("--tag", action="append", metavar="K=V", help="tag for the one vehicle (repeatable)")
    add.add_argument("--file", type=Path, help="CSV file of vehicles")
    add.add_argument("--rejects", type=Path, metavar="FILE", help="write refused lines here (default stderr)")
    add.add_argument("--json", action="store_true", help="per-VIN results as JSON")
    add.set_defaults(func=guarded(cmd_add))
    for name, action, text in (("cancel", Action.CANCEL, "cancel pending clearances"),
                               ("revoke", Action.REVOKE, "revoke approved clearances (needs --yes)")):
        p = subparsers.add_parser(name, parents=[parent], help=text)
        p.add_argument("vins", nargs="+", metavar="VIN")
        if action is Action.REVOKE:
            p.add_argument("--yes", action="store_true", help="confirm: data access ends for these vehicles")
        p.add_argument("--json", action="store_true", help="per-VIN results as JSON")
        p.set_defaults(func=guarded(cmd_remove), action=action)


def _writable_profile(args: argparse.Namespace, what: str) -> ResolvedProfile:
    if getattr(args, "read_only", False):
        raise UsageError(f"--read-only: refusing to {what}; nothing was sent")
    profile = resolved_profile(args)
    if profile.read_only:
        raise UsageError(f"profile {profile.name!r} is read-only: refusing to {what}; nothing was sent")
    return profile


def _report(args: argparse.Namespace, action: str, results: list[WriteResult]) -> None:
    if args.json:
        print_json({"action": action, "results": [r.to_json() for r in results]})
        return
    for r in results:
        label = "ok" if r.ok else ("refused" if r.sent else "not sent")
        print(f"{r.vin}  {label:<8}  {plain(r.message, 400)}")


def _audit(profile: ResolvedProfile, action: str, results: list[WriteResult]) -> None:
    if not any(r.sent for r in results):
        return
    try:
        record_write(profile.name, action, [r.vin for r in results],
                     [AuditResult(r.vin, r.ok, r.message) for r in results])
    except OSError as e:
        error(f"warning: the audit log could not be written ({e.strerror or e})")


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
    profile = _writable_profile(args, "add vehicles")
    lines = _lines_from_args(args)
    if not lines:
        raise UsageError("no vehicles to add (the file has no vehicle lines)")
    # Open the rejects file before anything is sent, so refused lines can't be lost.
    try:
        rejects_out = open(args.rejects, "w", encoding="utf-8") if args.rejects else None  # noqa: SIM115
    except OSError as e:
        raise UsageError(f"cannot write {args.rejects}: {e.strerror or e}; nothing was sent") from None
    try:
        return _add(args, profile, lines, rejects_out)
    finally:
        if rejects_out is not None:
            rejects_out.close()


def _add(args: argparse.Namespace, profile: ResolvedProfile, lines: list[vehicle_csv.VehicleLine],
         rejects_out: IO[str] | None) -> int:
    rejects: list[tuple[vehicle_csv.VehicleLine, str]] = []
    results: list[WriteResult] = []
    to_send: dict[str, vehicle_csv.VehicleLine] = {}
    for line in lines:
        problems = line.problems or check_new_vehicle(line.vin, line.brand, line.tags)
        if not problems and line.vin in to_send:
            problems = [f"same VIN as line {to_send[line.vin].number}"]
        if problems:
            why = join_problems(problems)
            rejects.append((line, why))
            results.append(WriteResult(line.vin or "?", False, False, None, why))
        else:
            to_send[line.vin] = line
    failed: ApiError | None = None
    pending = list(to_send.values())
    if pending:
        with open_client(profile) as client:
            for start in range(0, len(pending), ADD_CHUNK):
                chunk = pending[start:start + ADD_CHUNK]
                try:
                    answers = client.create_vehicles(
                        NewVehicle(ln.vin, ln.brand, ln.tags) for ln in chunk)
                except ApiError as e:
                    failed = e
                    maybe = isinstance(e, NetworkError) and e.maybe_sent
                    note = "may have been sent; check with `fleettui list --vin`" if maybe else "not sent"
                    for ln in pending[start:]:
                        rejects.append((ln, f"{note}: {e}"))
                        # The result's label already says "not sent"; only "maybe" needs saying.
                        message = f"{note}: {e}" if maybe else str(e)
                        results.append(WriteResult(ln.vin, False, maybe, None, message))
                    break
                for a in answers:
                    line = to_send.get(a.vin)
                    message = a.status if a.ok else (a.description or a.status or "refused")
                    results.append(WriteResult(a.vin, a.ok, True, a.status or None, message))
                    if not a.ok and line is not None:
                        rejects.append((line, f"refused by the provider: {message}"))
    order: dict[str, int] = {}
    for line in lines:
        order.setdefault(line.vin, line.number)
    results.sort(key=lambda r: order.get(r.vin, 0))  # input order; stable for duplicates
    _audit(profile, "add", results)
    _report(args, "add", results)
    rejects.sort(key=lambda r: r[0].number)
    if rejects_out is not None:
        vehicle_csv.write_rejects(rejects, rejects_out)
    elif rejects:
        vehicle_csv.write_rejects(rejects, sys.stderr)
    if rejects or args.file is not None:
        ok = sum(r.ok for r in results)
        where = f" (written to {args.rejects if args.rejects else 'stderr'})" if rejects else ""
        print(f"{ok} added, {len(rejects)} refused{where}", file=sys.stderr if args.json else sys.stdout)
    if failed is not None:
        error(str(failed))
        return EXIT_PROVIDER
    return EXIT_USAGE if rejects else EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    action: Action = args.action
    verb = action.value
    if action is Action.REVOKE and not args.yes:
        raise UsageError("revoke ends data access for these vehicles; add --yes to confirm")
    profile = _writable_profile(args, f"{verb} clearances")
    vins = list(dict.fromkeys(normalise_vin(v) for v in args.vins))
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
        failed, local_refusals = _remove_found(profile, action, wanted, results, local_refusals)
    ordered = [results[v] for v in vins if v in results]
    _audit(profile, verb, ordered)
    _report(args, verb, ordered)
    if any(r.sent and not r.ok for r in ordered) or failed is not None:
        return EXIT_PROVIDER
    if local_refusals:
        return EXIT_USAGE
    return EXIT_OK


def _remove_found(profile: ResolvedProfile, action: Action, wanted: list[str],
                  results: dict[str, WriteResult], local_refusals: int) -> tuple[ApiError | None, int]:
    """Fetch the valid VINs with one list call, check each with the rules, send the allowed."""
    verb = action.value
    failed: ApiError | None = None
    with open_client(profile) as client:
        found = {}
        for start in range(0, len(wanted), FETCH_CHUNK):
            for v in client.list_vehicles(VehicleFilter().vin_in(wanted[start:start + FETCH_CHUNK])):
                found[v.vin.upper()] = v
        now = client.server_time()
        for vin in wanted:
            v = found.get(vin)
            if v is None:
                results[vin] = WriteResult(vin, False, False, None, "not in the fleet")
                local_refusals += 1
                continue
            if failed is not None:
                results[vin] = WriteResult(vin, False, False, v.status, f"skipped after an earlier error: {failed}")
                continue
            check = check_action(v, action, now)
            if not check.allowed:
                results[vin] = WriteResult(vin, False, False, v.status, check.reason)
                local_refusals += 1
                continue
            for w in check.warnings:
                error(f"warning: {vin}: {w}")
            try:
                after = client.delete_vehicle(vin)
            except ApiError as e:
                sent = not isinstance(e, NetworkError) or e.maybe_sent
                results[vin] = WriteResult(vin, False, sent, v.status, str(e))
                if e.category in ("auth", "network", "rate_limit"):
                    failed = e  # the rest would fail the same way: stop sending
                continue
            results[vin] = WriteResult(vin, True, True, after.status, after.status or verb)
    return failed, local_refusals
