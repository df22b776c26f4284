"""The live monitor's command-line options (`fleettui` with no subcommand), and the
argument types `fleettui serve` shares with it."""

from __future__ import annotations

import argparse
import math

from fleettui.config.demo import DEMO_SPEED, DEMO_VEHICLES


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    if value > 86_400 * 365:
        raise argparse.ArgumentTypeError(f"{text} is far too large")
    return value


def vehicle_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100000")
    return value


def add_monitor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("monitor")
    group.add_argument(
        "--demo",
        action="store_true",
        help="open the monitor on a built-in simulator (no account needed)",
    )
    group.add_argument(
        "--refresh",
        type=positive_float,
        metavar="SECONDS",
        help="seconds between refreshes (default 15, never under 5)",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        dest="read_only",
        help="never offer or send a write (add, cancel, revoke)",
    )
    group.add_argument("--profile", metavar="NAME", help="the profile to monitor")
    group.add_argument(
        "--pin-profile",
        action="store_true",
        dest="pin_profile",
        help="never switch to another profile (or from the demo) in this session; "
        "every `fleettui serve` browser tab runs this way",
    )
    group.add_argument(
        "--demo-vehicles",
        type=vehicle_count,
        default=DEMO_VEHICLES,
        metavar="N",
        help=f"vehicles in the demo fleet (default {DEMO_VEHICLES})",
    )
    group.add_argument(
        "--demo-speed",
        type=positive_float,
        default=DEMO_SPEED,
        metavar="X",
        help=f"simulated seconds per real second in the demo (default {DEMO_SPEED:g})",
    )
    group.add_argument(
        "--webhooks",
        metavar="[HOST:]PORT|attach",
        help="receive the provider's webhooks: run a receiver on [HOST:]PORT "
        "(loopback unless HOST says otherwise; the demo takes 0), or "
        "'attach' to one already running here for the profile "
        "(default: the profile's webhooks key)",
    )
    group.add_argument(
        "--desk",
        action="store_true",
        help="work on the shared desk: claims, notes, snoozes, presence and "
        "webhooks with the rest of the team (PostgreSQL from "
        "FLEETTUI_DESK_DSN or the profile's desk_dsn_env; on by itself "
        "when the profile names one). With --demo: a throwaway local "
        "PostgreSQL (a second --demo --desk joins it)",
    )
    group.add_argument(
        "--full-refresh",
        action="store_true",
        dest="full_refresh",
        help="ask the provider for the whole list on every refresh (default: "
        "only the vehicles that can change, with a full list every 10 "
        "minutes; the profile's full_refresh and full_list_every)",
    )
    group.add_argument(
        "--reconcile",
        type=positive_float,
        metavar="SECONDS",
        help="full refresh interval while webhooks are healthy "
        "(default: the profile's reconcile_interval, else 600)",
    )
