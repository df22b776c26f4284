"""`fleettui desk claim|release|renew|hand`: claims on vehicles, each VIN's result
printed (or as JSON); a claim not taken names who holds it and exits 1."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from fleettui.cli.common import EXIT_OK, EXIT_PROVIDER, UsageError, error, plain, print_json
from fleettui.cli.desk_common import open_desk
from fleettui.core.timefmt import short_local
from fleettui.desk.model import ClaimResult, iso


def _ttl(args: argparse.Namespace) -> timedelta | None:
    hours = getattr(args, "hours", None)
    if hours is None:
        return None
    if not 0 < hours <= 24 * 365:
        raise UsageError("--hours must be more than 0 and at most 8760")
    return timedelta(hours=hours)


def _result_json(r: ClaimResult) -> dict[str, Any]:
    return {
        "vin": r.vin,
        "ok": r.ok,
        "holder": r.holder,
        "expires_at": iso(r.expires_at),
        "already": r.already,
        "why": r.why or None,
    }


def cmd_claims(args: argparse.Namespace) -> int:
    command = str(args.desk_command)
    with open_desk(args) as desk:
        if command == "claim":
            results = desk.claim(args.vins, _ttl(args))
        elif command == "renew":
            results = desk.renew(args.vins, _ttl(args))
        elif command == "hand":
            results = desk.hand(args.vins, args.to, _ttl(args))
        else:
            results = desk.release(args.vins)
    if args.json:
        print_json([_result_json(r) for r in results])
    for r in results:
        if not r.ok:
            error(f"{plain(r.vin)}: not {_PAST[command]}: {plain(r.refusal())}")
        elif not args.json:
            print(_done_text(command, r))
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROVIDER


_PAST = {"claim": "claimed", "release": "released", "renew": "renewed", "hand": "handed on"}


def _done_text(command: str, r: ClaimResult) -> str:
    until = f" until {short_local(r.expires_at)}" if r.expires_at else ""
    if command == "release":
        return f"{r.vin}: {'was not claimed' if r.already else 'released'}"
    if command == "hand":
        return f"{r.vin}: handed to {plain(r.holder)}{until}"
    return f"{r.vin}: {'renewed' if r.already or command == 'renew' else 'claimed'} by you{until}"
