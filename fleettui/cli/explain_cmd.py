"""`fleettui explain`: what a pending or reject reason means and what to do about it.

    fleettui explain "privacy mode is enabled" [--brand audi] [--state pending] [--json]
    fleettui explain --list [--brand ford] [--json]

Works offline: it only reads the built-in catalogue. An unknown reason is not an error:
it is printed verbatim with the guidance for the state (exit 0).
"""

from __future__ import annotations

import argparse
import json
import sys

from fleettui.cli.common import Subparsers
from fleettui.core.explanation import explain
from fleettui.core.explanation_text import format_explanation_text, printable
from fleettui.core.reasons import CATALOGUE, lookup_reason, reasons_for_brand
from fleettui.core.rules import brand_problem
from fleettui.core.states import STATE_ORDER, State, parse_state

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "explain",
        help="explain a pending or reject reason and what to do next",
        description=(
            "Explain a clearance reason as the provider sends it (quote it, or type it as "
            "several words): what it means, who has to act and the next steps. "
            "Use --list to see every reason fleettui knows."
        ),
    )
    p.add_argument("reason", nargs="*", help='the reason text, e.g. "privacy mode is enabled"')
    p.add_argument("--brand", help="the vehicle's brand code (e.g. volkswagen, ford)")
    p.add_argument(
        "--state",
        help="the clearance's state (default: the state the reason "
        "usually comes with; " + ", ".join(s.value for s in STATE_ORDER) + ")",
    )
    p.add_argument("--list", action="store_true", help="list the reason catalogue")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def _usage_error(message: str) -> int:
    print(f"fleettui explain: {message}", file=sys.stderr)
    return EXIT_USAGE


def _list(brand: str | None, as_json: bool) -> int:
    reasons = reasons_for_brand(brand) if brand else tuple(CATALOGUE)
    infos = [CATALOGUE[r] for r in reasons]
    if as_json:
        rows = [
            {
                "reason": i.reason,
                "kind": i.kind,
                "groups": list(i.groups),
                "brands": list(i.brands),
                "title": i.title,
                "actor": i.actor.value,
                "provider_retries": i.provider_retries,
                "documented": i.documented,
            }
            for i in infos
        ]
        print(json.dumps({"brand": brand, "reasons": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(i.reason) for i in infos) + 2
    print(f"{'REASON':<{width}}{'KIND':<10}APPLIES TO")
    for i in infos:
        own = "" if i.documented else " (the simulator's own reason, not in the guide)"
        print(f"{i.reason:<{width}}{i.kind:<10}{i.groups_label()}{own}")
    print(
        f'\n{len(infos)} reasons. `fleettui explain "<reason>"` for what each means and what to do.'
    )
    return EXIT_OK


def _default_state(reason: str) -> tuple[State, bool]:
    """The state to explain a reason in when none is given, and whether it's a guess."""
    info = lookup_reason(reason)
    if info is None:
        return State.REJECTED, True
    return (State.REJECTED if info.kind == "rejected" else State.PENDING), False


def run(args: argparse.Namespace) -> int:
    brand = args.brand.strip().lower() if args.brand else None
    if args.brand is not None:
        problem = brand_problem(args.brand)
        if problem is not None:
            return _usage_error(problem)
    state: State | None = None
    if args.state is not None:
        state = parse_state(args.state)
        if state is State.UNKNOWN and args.state.strip().lower() != "unknown":
            return _usage_error(
                f"unknown state '{printable(args.state)}'; valid states: "
                + ", ".join(s.value for s in STATE_ORDER)
            )
    if args.list:
        if args.reason:
            return _usage_error("give either a reason or --list, not both")
        return _list(brand, args.json)
    reason = " ".join(args.reason).strip()
    if not reason:
        return _usage_error(
            'give a reason to explain, e.g. fleettui explain "invalid VIN", '
            "or --list to see them all"
        )
    guessed = False
    if state is None:
        state, guessed = _default_state(reason)
    expl = explain(reason, state, brand)
    if args.json:
        out = expl.to_dict()
        out["state_assumed"] = guessed
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return EXIT_OK
    text = format_explanation_text(expl)
    if guessed:
        text += (
            "\n(Assumed the clearance is rejected; add --state pending if it is still pending.)\n"
        )
    sys.stdout.write(text)
    return EXIT_OK
