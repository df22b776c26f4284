"""`fleettui` with no subcommand: the live monitor, on the configured account or the demo."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING

from fleettui.cli.process_end import run_to_end
from fleettui.config.demo import DEMO_DATA_LIMIT

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from fleettui.desk.settings import DeskSettings
    from fleettui.monitor.accounts import Account
    from fleettui.monitor.desk_control import DeskControl
    from fleettui.monitor.push_feeds import PushFeed


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


#: How long a lone ESC byte waits for the rest of an escape sequence (Textual's default,
#: 100 ms, is the whole of Esc's budget); ESCDELAY set by the user wins.
ESCAPE_DELAY_MS = "25"


def run_monitor(args: argparse.Namespace) -> int:
    os.environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)  # read when Textual is imported
    from fleettui.term import start_collector

    start_collector.hold()  # until the first rows are on screen (the app releases it)
    from fleettui.config.errors import ConfigError, NoProfile
    from fleettui.config.resolve import resolve_profile
    from fleettui.monitor.accounts import account_for_simulator, account_from_profile

    problem = _no_terminal()
    if problem is not None:
        print(
            f"fleettui: the monitor needs a terminal, and {problem}; run it in a "
            "terminal, or use a command such as `fleettui list` in scripts",
            file=sys.stderr,
        )
        return 2
    read_only = bool(getattr(args, "read_only", False))
    refresh = getattr(args, "refresh", None)
    pinned = bool(getattr(args, "pin_profile", False))
    if getattr(args, "demo", False):
        from fleettui.sim import SimConfig, Simulator
        from fleettui.ui.app import FleetApp

        spec = getattr(args, "webhooks", None)
        if getattr(args, "desk", False):
            return _demo_with_desk(args, read_only, refresh, pinned)
        if spec is not None:
            return _demo_with_webhooks(args, spec, read_only, refresh)
        config = SimConfig(
            vehicles=args.demo_vehicles, speed=args.demo_speed, data_limit=DEMO_DATA_LIMIT
        )
        with Simulator(config) as sim:
            account = account_for_simulator(
                sim, read_only=read_only, refresh=refresh, data_checks=True
            )
            app = FleetApp(account, read_only=read_only, refresh=refresh, pinned=pinned)
            app.monitor.full_refresh_flag = bool(getattr(args, "full_refresh", False))
            run_to_end(app)
        return app.return_code or 0
    try:
        profile = resolve_profile(
            getattr(args, "profile", None), read_only=read_only or None, refresh=refresh
        )
    except NoProfile:
        from fleettui.ui.app import FleetApp

        # First start with nothing configured: the app opens the setup screen.
        try:
            desk = _profile_desk(args, "")
        except ValueError as exc:
            print(f"fleettui: {exc}", file=sys.stderr)
            return 2
        app = FleetApp(None, read_only=read_only, refresh=refresh, desk=desk)
        app.monitor.full_refresh_flag = bool(getattr(args, "full_refresh", False))
        run_to_end(app)
        return app.return_code or 0
    except ConfigError as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    account = account_from_profile(profile, read_only=read_only, refresh=refresh)
    try:
        account = _with_webhooks(account, args)
        desk = _profile_desk(args, profile.name)
    except (ConfigError, ValueError) as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    account = _prefetching(account)
    from fleettui.ui.app import FleetApp  # meanwhile the first list call is under way

    app = FleetApp(
        account, read_only=account.read_only, refresh=account.refresh, pinned=pinned, desk=desk
    )
    app.monitor.full_refresh_flag = bool(getattr(args, "full_refresh", False))
    run_to_end(app)
    return app.return_code or 0


def _profile_desk(args: argparse.Namespace, name: str) -> DeskControl | None:
    """The desk of --desk or of the profile (its desk_dsn_env); None when neither asks.
    Raises ValueError with one line naming the fix (psycopg missing, no DSN set)."""
    from fleettui.config.config_file import load_config

    found = load_config().profiles.get(name)
    extra = found.extra if found is not None else {}
    wanted = bool(getattr(args, "desk", False)) or "desk_dsn_env" in extra
    if not wanted:
        return None  # before the desk's modules load: a start without a desk never pays for them
    from fleettui.desk.settings import load_desk_settings

    settings = load_desk_settings(extra)  # DeskSettingsError is a ValueError
    return _desk_control(settings) if settings is not None else None


def _desk_control(settings: DeskSettings) -> DeskControl:
    from fleettui.desk.connection import import_psycopg
    from fleettui.desk.errors import DeskError
    from fleettui.monitor.desk_control import DeskControl

    try:
        import_psycopg()
    except DeskError as exc:
        raise ValueError(str(exc)) from None
    return DeskControl(settings)


def _prefetching(account: Account) -> Account:
    """The first list call starts now, while the window is built (fleettui.monitor.prefetch);
    with a cache on disk it waits until the cached fleet is in the store."""
    from fleettui.config.cache import snapshot_path
    from fleettui.monitor.prefetch import prefetching

    try:
        gated = account.cache and snapshot_path(account.name).is_file()
    except OSError:
        gated = False
    return prefetching(account, gated=gated)


def _with_webhooks(account: Account, args: argparse.Namespace) -> Account:
    """The profile's account with webhook push, when --webhooks or the profile asks."""
    import dataclasses

    from fleettui.webhooks.settings import load_settings, parse_listen

    settings = load_settings(account.name)
    spec = getattr(args, "webhooks", None) or settings.listen
    if not spec:
        return account
    # Only now: the receiver and its store (~20 ms of imports) are not a start's cost.
    from fleettui.monitor.push_feeds import ATTACH, open_feed

    if spec.strip().lower() != ATTACH:
        parse_listen(spec)  # a bad spec is refused now, not after the monitor opened
        if not settings.secret:
            raise ValueError(
                "--webhooks needs the webhook secret: set webhook_secret_env in "
                "the profile, or FLEETTUI_WEBHOOK_SECRET"
            )
    reconcile = getattr(args, "reconcile", None) or settings.reconcile_interval

    def feed(now: Callable[[], datetime] | None = None) -> PushFeed:
        return open_feed(spec, account.name, settings.secret, now=now, base_url=account.base_url)

    return dataclasses.replace(account, push=feed, reconcile=max(30.0, reconcile))


def _demo_with_desk(
    args: argparse.Namespace, read_only: bool, refresh: float | None, pinned: bool
) -> int:
    """`--demo --desk`: the demo on the desk of FLEETTUI_DESK_DSN, else on a throwaway
    local PostgreSQL (fleettui.monitor.demo_desk; a second one joins it)."""
    from fleettui.desk.settings import DeskSettingsError, load_desk_settings
    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.monitor.demo_desk import DemoDeskError, demo_desk, demo_simulator
    from fleettui.sim import SimConfig

    try:
        configured = load_desk_settings(required=False)
    except DeskSettingsError as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    try:
        with _given(configured) if configured is not None else demo_desk() as settings:
            desk = _desk_control(settings)
            config = SimConfig(vehicles=args.demo_vehicles, speed=args.demo_speed)
            with demo_simulator(settings, config) as sim:  # a second demo joins the first's
                account = account_for_simulator(sim, read_only=read_only, refresh=refresh)
                from fleettui.ui.app import FleetApp

                app = FleetApp(
                    account, read_only=read_only, refresh=refresh, pinned=pinned, desk=desk
                )
                run_to_end(app)
    except (DemoDeskError, ValueError) as exc:
        print(f"fleettui: {exc}", file=sys.stderr)
        return 2
    return app.return_code or 0


def _given(settings: DeskSettings) -> contextlib.nullcontext[DeskSettings]:
    """A context manager handing back `settings`."""
    return contextlib.nullcontext(settings)


def _demo_with_webhooks(
    args: argparse.Namespace, spec: str, read_only: bool, refresh: float | None
) -> int:
    """`--demo --webhooks PORT`: the simulator's signed deliveries go to a receiver in
    this process (a throwaway database and a random secret), so a change shows the moment
    the simulator makes it."""
    import secrets
    import tempfile
    from pathlib import Path

    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.monitor.push_feeds import ReceiverFeed
    from fleettui.sim import SimConfig, Simulator
    from fleettui.ui.app import FleetApp
    from fleettui.webhooks.receiver_config import ReceiverConfig
    from fleettui.webhooks.settings import parse_listen

    try:
        host, port = parse_listen("0" if spec.strip().lower() == "attach" else spec)
    except ValueError as exc:
        print(f"fleettui: --webhooks {exc}", file=sys.stderr)
        return 2
    secret = secrets.token_urlsafe(24)
    sims: list[Simulator] = []
    with tempfile.TemporaryDirectory(prefix="fleettui-demo-hooks-") as tmp:
        try:
            feed = ReceiverFeed(
                ReceiverConfig(secret=secret, host=host, port=port),
                Path(tmp) / "demo.sqlite3",
                now=lambda: sims[0].engine.now(),
            )  # the demo's own clock
        except OSError as exc:
            print(
                f"fleettui: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr
            )
            return 2
        config = SimConfig(
            vehicles=args.demo_vehicles,
            speed=args.demo_speed,
            webhook_url=feed.url,
            webhook_secret=secret,
            data_limit=DEMO_DATA_LIMIT,
        )
        sims.append(Simulator(config))
        try:
            with sims[0] as sim:
                account = account_for_simulator(
                    sim,
                    read_only=read_only,
                    refresh=refresh,
                    push=lambda now=None: feed,
                    reconcile=getattr(args, "reconcile", None) or 600.0,
                    data_checks=True,
                )
                app = FleetApp(
                    account,
                    read_only=read_only,
                    refresh=refresh,
                    pinned=bool(getattr(args, "pin_profile", False)),
                )
                app.monitor.full_refresh_flag = bool(getattr(args, "full_refresh", False))
                run_to_end(app)
        finally:
            feed.close()
    return app.return_code or 0
