"""`fleettui` with no subcommand: the live monitor, on the configured account or the demo."""

from __future__ import annotations

import argparse
import math
import os
import sys

from fleettui.config.demo import DEMO_SPEED, DEMO_VEHICLES


def _positive_float(text: str) -> float:
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


def _no_terminal() -> str | None:
    """Why the monitor cannot run here (stdin closed or not a terminal), or None."""
    if os.environ.get("TEXTUAL_DRIVER"):
        # A driver of its own: `fleettui serve` runs the monitor under textual-serve's web
        # driver, which talks to the browser over pipes by design.
        return None
    if sys.stdin is None:
        return "stdin is closed"
    try:
        if not os.isatty(sys.stdin.fileno()):
            return "stdin is not a terminal"
    except (OSError, ValueError):
        return "stdin is closed"
    return None


def _vehicle_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100000")
    return value


def add_monitor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("monitor")
    group.add_argument("--demo", action="store_true",
                       help="open the monitor on a built-in simulator (no account needed)")
    group.add_argument("--refresh", type=_positive_float, metavar="SECONDS",
                       help="seconds between refreshes (default 15, never under 5)")
    group.add_argument("--read-only", action="store_true", dest="read_only",
                       help="never offer or send a write (add, cancel, revoke)")
    group.add_argument("--profile", metavar="NAME", help="the profile to monitor")
    group.add_argument("--demo-vehicles", type=_vehicle_count, default=DEMO_VEHICLES, metavar="N",
                       help=f"vehicles in the demo fleet (default {DEMO_VEHICLES})")
    group.add_argument("--demo-speed", type=_positive_float, default=DEMO_SPEED, metavar="X",
                       help=f"simulated seconds per real second in the demo (default {DEMO_SPEED:g})")


def run_monitor(args: argparse.Namespace) -> int:
    from fleettui.config.errors import ConfigError, NoProfile
    from fleettui.config.resolve import resolve_profile
    from fleettui.monitor.accounts import account_for_simulator, account_from_profile
    from fleettui.ui.app import FleetApp

    problem = _no_terminal()
    if problem is not None:
        print(f"fleettui: the monitor needs a terminal, and {problem}; run it in a "
              "terminal, or use a command such as `fleettui list` in scripts", file=sys.stderr)
        return 2
    read_only = bool(getattr(args, "read_only", False))
    refresh = getattr(args, "refresh", None)
    if getattr(args, "demo", False):
        from fleettui.sim import SimConfig, Simulator

        config = SimConfig(vehicles=args.demo_vehicles, speed=args.demo_speed)
        with Simulator(config) as sim:
            account = account_for_simulator(sim, read_only=read_only, refresh=refresh)
            app = FleetApp(account, read_only=read_only, refresh=refresh)
            app.run()
        return app.return_code or 0
    try:
        profile = resolve_profile(getattr(args, "profile", None), read_only=read_only or None,
                                  refresh=refresh)
    except NoProfile:
        # First start with nothing configured: the app opens the setup screen.
        app = FleetApp(None, read_only=read_only, refresh=refresh)
        app.run()
        return app.return_code or 0
    except ConfigError as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    account = account_from_profile(profile, read_only=read_only, refresh=refresh)
    app = FleetApp(account, read_only=account.read_only, refresh=account.refresh)
    app.run()
    return app.return_code or 0
