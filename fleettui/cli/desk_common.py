"""What every `--desk` command shares: the desk's settings from the profile and the
environment, opening it, and turning desk errors into one line and an exit code.

psycopg is imported only when a desk is opened (fleettui.desk.connection).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fleettui.cli.common import EXIT_PROVIDER, EXIT_USAGE, error

if TYPE_CHECKING:
    from fleettui.desk.settings import DeskSettings
    from fleettui.desk.store import Desk


def profile_extra(name: str | None) -> dict[str, Any]:
    """The chosen profile's keys fleettui's profile does not model (desk_dsn_env,
    desk_user, ...); {} when there is no config or no such profile."""
    from fleettui.config import load_config
    from fleettui.config.resolve import ENV_PROFILE

    cfg = load_config()
    chosen = name or (os.environ.get(ENV_PROFILE) or "").strip() or cfg.default_profile
    if not chosen and len(cfg.profiles) == 1:
        chosen = next(iter(cfg.profiles))
    found = cfg.profiles.get(chosen) if chosen else None
    return dict(found.extra) if found is not None else {}


def desk_settings(args: argparse.Namespace) -> DeskSettings:
    from fleettui.desk.settings import load_desk_settings

    settings = load_desk_settings(profile_extra(getattr(args, "profile", None)))
    assert settings is not None  # required=True
    return settings


def open_desk(args: argparse.Namespace) -> Desk:
    from fleettui.desk.store import Desk

    return Desk.connect(desk_settings(args))


def desk_guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Desk errors (and bad desk settings) become one stderr line: exit 2 for a setup
    problem (settings, schema, password), 1 when the desk is offline or a change failed."""
    from fleettui.cli.common import guarded

    inner = guarded(func)

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return inner(args)
        except Exception as e:
            # Raised only by the desk's own modules, so loaded by then: a command that
            # used no desk (`fleettui list`) does not load them to find out.
            settings = sys.modules.get("fleettui.desk.settings")
            errors = sys.modules.get("fleettui.desk.errors")
            if settings is not None and isinstance(e, settings.DeskSettingsError):
                error(str(e))
                return EXIT_USAGE
            if errors is not None and isinstance(e, errors.DeskError):
                error(str(e))
                return (
                    EXIT_USAGE
                    if e.kind in ("config", "auth", "no-schema", "old-schema", "new-schema")
                    else EXIT_PROVIDER
                )
            raise

    return run


def desk_parent() -> argparse.ArgumentParser:
    """`--desk` for the commands that can read or write the shared desk."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--desk",
        action="store_true",
        help="use the shared desk (FLEETTUI_DESK_DSN or the profile's "
        "desk_dsn_env) instead of this machine's history",
    )
    return parent


def claim_filters(parser: argparse.ArgumentParser) -> None:
    """`--mine` / `--unclaimed` (both imply --desk)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--mine",
        action="store_true",
        help="only vehicles you have claimed on the desk (implies --desk)",
    )
    group.add_argument(
        "--unclaimed",
        action="store_true",
        help="only vehicles nobody has claimed on the desk (implies --desk)",
    )


def wants_desk(args: argparse.Namespace) -> bool:
    """--desk, --mine or --unclaimed given, or the profile names a desk (desk_dsn_env)."""
    if (
        getattr(args, "desk", False)
        or getattr(args, "mine", False)
        or getattr(args, "unclaimed", False)
    ):
        return True
    return "desk_dsn_env" in profile_extra(getattr(args, "profile", None))


def work_of(args: argparse.Namespace) -> tuple[str, dict[str, Any]] | None:
    """(you, {vin: WorkState}) from the desk. When the desk was not asked for on the
    command line (the profile names one) and cannot be had, None after one line saying
    so: the command goes on without claims rather than failing."""
    from fleettui.desk.errors import DeskError

    try:
        with open_desk(args) as desk:
            return desk.user, desk.work_state()
    except DeskError as e:
        if (
            getattr(args, "desk", False)
            or getattr(args, "mine", False)
            or getattr(args, "unclaimed", False)
        ):
            raise
        error(f"{e}; going on without the desk's claims")
        return None


def keep_vin(args: argparse.Namespace, me: str, work: dict[str, Any], vin: str) -> bool:
    """--mine / --unclaimed applied to one VIN."""
    state = work.get(vin)
    holder = state.claimed_by if state is not None else None
    if getattr(args, "mine", False):
        return holder == me
    if getattr(args, "unclaimed", False):
        return holder is None
    return True


def claimed_by(work: dict[str, Any], vin: str) -> str | None:
    state = work.get(vin)
    return state.claimed_by if state is not None else None


class WorkView:
    """The desk's work state read once (`work_of`) as the triage board asks for it
    (`triage.queues.DeskWork`): the CLI's board hides snoozes by the same rule as the
    monitor's (`Snooze.hides`, through `WorkState.snooze_in_force`)."""

    def __init__(self, work: dict[str, Any], now: datetime) -> None:
        self.work = work
        self.now = now

    def snooze_of(self, vin: str, state: str | None = None) -> Any:
        found = self.work.get(vin)
        return found.snooze_in_force(self.now, state) if found is not None else None

    def claim_cell(self, vin: str) -> str:
        found = self.work.get(vin)
        holder = found.holder(self.now) if found is not None else None
        return holder or ""
