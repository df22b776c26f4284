"""`fleettui check VIN BRAND [VIN BRAND ...]` (or `--file`): can these vehicles be activated?

Asks the provider's eligibility API before anything is added (`add --check` runs the same
check as a gate). Brands the API does not cover are answered "no eligibility check for
this brand" without a request; brands outside the provider's published list are marked.
Checks are paced (`--rate`, per second) and rate-limit answers are retried.

Output: an aligned table `VIN BRAND ELIGIBLE DELIVERY CONNECTIVITY PRIMARY-USER NOTE`, or
with ``--json``::

    {"action": "check", "results": [{"vin", "brand", "checked": bool,
      "eligible": bool|null, "data_delivery": ["pull", "push"]|null,
      "connectivity_status": "activated"|"deactivated"|"unknown"|null,
      "primary_user_assigned": bool|null, "message": str, "warnings": [str],
      "error": null|"invalid input"|"invalid_vin"|"brand_failed"|"other"|"provider"}]}

(`checked` false: nothing was asked, see `message`; `warnings`: what to know before adding,
e.g. connectivity deactivated; `error`: why the check gave no answer.)
Exit codes: 0 every vehicle eligible (or not checkable); 2 bad usage, or a vehicle not
eligible or refused as an invalid VIN; 1 a provider or network error failed a check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fleettui.api.eligibility import EligibilityRefused, Pacer
from fleettui.api.errors import ApiError
from fleettui.cli import vehicle_csv
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
    print_json,
    print_table,
    resolved_profile,
)
from fleettui.cli.input_problems import vin_problem
from fleettui.core.brands import brand_info
from fleettui.core.rules import brand_problem
from fleettui.core.vin import check_vin, normalise_vin

if TYPE_CHECKING:
    from fleettui.api.client import FleetClient


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        parents=[common_parent()],
        help="ask whether vehicles can be activated",
        description="Check eligibility before adding: VIN BRAND pairs, or --file vehicles.csv.",
    )
    p.add_argument("items", nargs="*", metavar="VIN BRAND")
    p.add_argument("--file", type=Path, help="CSV file of vehicles (vin,brand[,...])")
    p.add_argument(
        "--rate",
        type=float,
        default=4.0,
        metavar="N",
        help="at most N checks per second (default 4)",
    )
    p.add_argument("--json", action="store_true", help="per-VIN results as JSON")
    p.set_defaults(func=guarded(cmd_check))


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    if args.file is not None:
        if args.items:
            raise UsageError("give either VIN BRAND pairs or --file FILE, not both")
        try:
            lines = vehicle_csv.read_file(args.file)
        except FileNotFoundError:
            raise UsageError(f"{args.file}: no such file") from None
        except (OSError, ValueError) as e:
            raise UsageError(str(e)) from None
        return [(ln.vin, ln.brand) for ln in lines]
    if not args.items or len(args.items) % 2:
        raise UsageError("give VIN BRAND pairs, e.g. fleettui check WBA00000000000042 bmw")
    return [
        (normalise_vin(args.items[i]), args.items[i + 1].strip().lower())
        for i in range(0, len(args.items), 2)
    ]


def check_one(client: FleetClient, vin: str, brand: str, pacer: Pacer | None) -> dict[str, Any]:
    """One vehicle's JSON result; never raises for a provider or local problem."""
    base: dict[str, Any] = {
        "vin": vin,
        "brand": brand,
        "checked": False,
        "eligible": None,
        "data_delivery": None,
        "connectivity_status": None,
        "primary_user_assigned": None,
        "message": "",
        "warnings": [],
        "error": None,
    }
    vin_check = check_vin(vin)
    problem = vin_problem(vin_check) if not vin_check.ok else brand_problem(brand)
    if problem is not None:
        return {**base, "message": problem, "error": "invalid input"}
    info = brand_info(brand)
    if info.eligibility_check and pacer is not None:
        pacer.wait()
    try:
        result = client.check_eligibility(vin, brand)
    except EligibilityRefused as e:
        return {**base, "checked": True, "message": str(e), "error": e.kind}
    except ApiError as e:
        return {**base, "message": str(e), "error": "provider"}
    out = {**base, **result.to_json(), "error": None}
    if info.note:
        out["message"] = f"{out['message']}; {info.note}"
        out["warnings"] = [*out["warnings"], info.note]
    return out


def cmd_check(args: argparse.Namespace) -> int:
    pairs = _pairs(args)
    if not pairs:
        raise UsageError("no vehicles to check")
    if args.rate <= 0:
        raise UsageError("--rate must be positive")
    profile = resolved_profile(args)
    pacer = Pacer(args.rate)
    with open_client(profile) as client:
        results = [check_one(client, vin, brand, pacer) for vin, brand in pairs]
    if args.json:
        print_json({"action": "check", "results": results})
    else:
        print_table(
            ("VIN", "BRAND", "ELIGIBLE", "DELIVERY", "CONNECTIVITY", "PRIMARY-USER", "NOTE"),
            [_row(r) for r in results],
        )
    if any(r["error"] == "provider" for r in results):
        for r in results:
            if r["error"] == "provider":
                error(f"{r['vin']}: {r['message']}")
                break
        return EXIT_PROVIDER
    if any(r["eligible"] is False or r["error"] for r in results):
        return EXIT_USAGE
    return EXIT_OK


def _yes_no(value: object) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _row(r: dict[str, Any]) -> list[str]:
    note = r["message"] if r["error"] or not r["checked"] else "; ".join(r["warnings"])
    return [
        r["vin"],
        r["brand"],
        _yes_no(r["eligible"]) if r["checked"] else "-",
        ",".join(r["data_delivery"] or []) or "-",
        r["connectivity_status"] or "-",
        _yes_no(r["primary_user_assigned"]),
        note,
    ]


def gate(
    client: FleetClient, lines: list[vehicle_csv.VehicleLine], *, rate: float = 4.0
) -> tuple[list[vehicle_csv.VehicleLine], list[tuple[vehicle_csv.VehicleLine, str]]]:
    """`add --check`: (lines to send, (line, why) refused as not eligible or invalid).
    A check that fails for a provider or network reason does not hold a line back; it is
    sent with a warning on stderr."""
    pacer = Pacer(rate)
    keep: list[vehicle_csv.VehicleLine] = []
    refused: list[tuple[vehicle_csv.VehicleLine, str]] = []
    for line in lines:
        r = check_one(client, line.vin, line.brand, pacer)
        if r["eligible"] is False:
            refused.append((line, f"not eligible: {r['message']}"))
        elif r["error"] in ("invalid_vin",):
            refused.append((line, r["message"]))
        else:
            if r["error"]:
                print(
                    f"fleettui: warning: {line.vin}: eligibility unknown ({r['message']}); "
                    "sent anyway",
                    file=sys.stderr,
                )
            keep.append(line)
    return keep, refused
