"""`fleettui record`: poll on the profile's interval and record every change, headless.

A small daemon for a tmux pane, a systemd unit or cron's @reboot: one list call per
interval (never overlapping), the diff and changelogs recorded in one transaction, one
line per poll on stderr (``--quiet``: only problems). A failed poll is reported and
retried with backoff (up to 5 minutes); the history keeps what it has. SIGTERM, SIGHUP
and Ctrl-C end it cleanly between polls (the current write finishes), exit code 0.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    EXIT_USAGE,
    Subparsers,
    error,
    open_client,
    resolved_profile,
)
from fleettui.term.stop import StopOnSignals, StopRequested

MAX_BACKOFF = 300.0


def register(
    subparsers: Subparsers,
    parent: argparse.ArgumentParser,
    desk: argparse.ArgumentParser | None = None,
) -> None:
    from fleettui.cli.desk_common import desk_guarded

    rec = subparsers.add_parser(
        "record",
        parents=[parent, *([desk] if desk else [])],
        help="record state changes in the background (daemon)",
        description="Poll the fleet on the profile's refresh interval and record every "
        "state change in the profile's history. Stops on SIGTERM, SIGHUP or Ctrl-C.",
    )
    rec.add_argument(
        "--refresh",
        type=float,
        metavar="SECONDS",
        help="seconds between polls (default: the profile's, never under 5)",
    )
    rec.add_argument("--once", action="store_true", help="poll and record once, then exit")
    rec.add_argument("--quiet", action="store_true", help="only report problems")
    rec.set_defaults(func=desk_guarded(cmd_record))


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {text}", file=sys.stderr, flush=True)


def cmd_record(args: argparse.Namespace) -> int:
    from fleettui.cli.desk_common import desk_settings, wants_desk
    from fleettui.config.profiles import MIN_REFRESH
    from fleettui.history.profile_history import open_history

    profile = resolved_profile(args)
    interval = max(MIN_REFRESH, args.refresh if args.refresh is not None else profile.refresh)
    history: Any
    if wants_desk(args):  # the desk's history: every recorder on the desk stores a change once
        from fleettui.desk.history import DeskHistory

        history = DeskHistory.connect(desk_settings(args))
    else:
        history = open_history(profile.name, profile.base_url)
    for note in history.notes:
        error(note)
    try:
        if not history.available:
            error(
                "nothing can be recorded: the history is off (see above; [history] in config.toml)"
            )
            return EXIT_USAGE
        with StopOnSignals() as stop, open_client(profile) as client:
            _say(
                args.quiet,
                f"recording profile {profile.name!r} every {interval:g}s into {history.path}",
            )
            try:
                failures = _poll_loop(
                    client, history, stop, interval, once=args.once, quiet=args.quiet
                )
            except StopRequested:
                failures = 0  # the poll under way is abandoned; what was stored stays
            if stop.signal:
                _say(args.quiet, f"{stop.signal}: stopped")
            stop.finish(EXIT_PROVIDER if args.once and failures else EXIT_OK)
    finally:
        history.close()
    return EXIT_PROVIDER if args.once and failures else EXIT_OK


def _poll_loop(
    client: Any, history: Any, stop: StopOnSignals, interval: float, *, once: bool, quiet: bool
) -> int:
    """Poll and record until stopped; returns the number of failures in a row."""
    from fleettui.api.errors import ApiError
    from fleettui.core.store import FleetStore
    from fleettui.desk.errors import DeskError
    from fleettui.history.recorder import Recorder

    recorder = Recorder(history)
    fleet = FleetStore()
    failures = 0
    while not stop.event.is_set():
        try:
            stop.busy = True  # a stop signal abandons the fetch and its parse at once
            raw = client.list_vehicles_raw()
            now = client.server_time()
            prepared = fleet.prepare(raw, now, consume=True)
            stop.busy = False  # the recording itself is one transaction: let it finish
            fleet.apply(prepared)
            result = recorder.record(prepared.snapshot, prepared.diff, now)
            failures = 0
            _say(
                quiet,
                f"{fleet.total} vehicles, {len(prepared.diff.state_changes)} state "
                f"change(s), {result.stored} new event(s) recorded",
            )
        except ApiError as exc:
            stop.busy = False
            failures += 1
            error(f"poll failed ({exc}); retrying")
        except DeskError as exc:  # the desk went away: its history is written again later
            failures += 1
            error(f"{exc}; retrying")
            # The next poll is a first load again: what this one saw is recorded then
            # (changes are idempotent by key, entries the desk already has are skipped).
            fleet = FleetStore()
        if once:
            break
        delay = min(MAX_BACKOFF, interval * 2 ** min(failures, 6)) if failures else interval
        stop.event.wait(delay)
    return failures
