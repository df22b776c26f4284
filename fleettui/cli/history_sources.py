"""Where `triage`, `history`, `stats` and `data` get what they read: the `--since` span,
the history (this machine's, or the desk's with --desk), the fleet fetched once and
recorded, and the recorded data states."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta
from typing import Any

from fleettui.cli.common import UsageError, error, open_client, plain
from fleettui.core.timefmt import parse_ts
from fleettui.history.profile_history import open_history
from fleettui.history.store import HistoryStore

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: datetime) -> datetime:
    m = _SPAN.match(text)
    if m:
        return now - timedelta(seconds=float(m.group(1)) * _UNIT[m.group(2).lower()])
    when = parse_ts(text if "T" in text else f"{text.strip()}T00:00:00")
    if when is None:
        raise UsageError(
            f"--since {plain(text)!r}: use a span like 90m, 12h, 1d, 2w or a date like 2026-11-01"
        )
    return when


def history_for(profile: Any, args: argparse.Namespace | None = None) -> Any:
    """The profile's local history, or the desk's with --desk (a DeskHistory)."""
    from fleettui.cli.desk_common import desk_settings, wants_desk

    if args is not None and wants_desk(args):
        from fleettui.desk.errors import DeskError
        from fleettui.desk.history import DeskHistory

        try:
            return DeskHistory.connect(desk_settings(args))
        except DeskError as e:
            if (
                getattr(args, "desk", False)
                or getattr(args, "mine", False)
                or getattr(args, "unclaimed", False)
            ):
                raise
            error(f"{e}; using this machine's history")
    store: HistoryStore = open_history(profile.name, profile.base_url)
    for note in store.notes:
        error(note)
    return store


def fetch_and_record(
    profile: Any, args: argparse.Namespace | None = None
) -> tuple[list[Any], datetime, Any]:
    """The whole fleet as rows, the provider's time, and the history (already updated)."""
    from fleettui.core.store import FleetStore
    from fleettui.history.recorder import Recorder

    with open_client(profile) as client:
        raw = client.list_vehicles_raw()
        now = client.server_time()
    fleet = FleetStore()
    prepared = fleet.prepare(raw, now)
    store = history_for(profile, args)
    Recorder(store).record_rows(prepared.snapshot.order, now)
    return prepared.snapshot.order, now, store


def data_view(profile: Any) -> Any:
    """The profile's recorded data states, for the board's data queues (issue 19)."""
    from fleettui.config.data_checks import data_check_settings
    from fleettui.history.data_records import DataRecords, data_records_path
    from fleettui.triage.data_queues import DataView

    records = DataRecords(data_records_path(profile.name))
    for note in records.notes:
        error(note)
    return DataView(records.snapshot(), data_check_settings(profile.extra).thresholds)
