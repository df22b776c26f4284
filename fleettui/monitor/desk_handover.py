"""The desk's handover (`H` with --desk): what happened on the desk in the last hours,
with the fleet's urgent vehicles nobody holds, read on a worker; and saving its text.
Blocking calls; the handover screen (`ui/screens/handover.py`) runs them on workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fleettui.desk.errors import DeskError
from fleettui.desk.model import HandoverReport
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.desk_state import DeskMirror


@dataclass(frozen=True)
class HandoverRead:
    """The handover screen's content, read on a worker."""

    hours: float
    text: str = ""
    report: HandoverReport | None = None
    #: Why there is no report (the desk is unreachable...): one line.
    problem: str = ""


def read_handover(
    settings: DeskSettings, mirror: DeskMirror, hours: float, rows: list[Any], now: datetime
) -> HandoverRead:
    """Blocking: what happened on the desk in the last `hours`, with the fleet's
    urgent vehicles nobody holds (the triage board of `rows`, snoozed ones left out).
    `now` is the provider's clock: the state changes are dated by it (the demo's runs
    days ahead), so their period is counted back from it; the work (claims, notes) is
    dated by the desk's clock, and its period from that."""
    from fleettui.desk.handover import handover_text, urgent_vins
    from fleettui.desk.store import Desk
    from fleettui.triage.queues import build_board

    urgent = urgent_vins(build_board(rows, now, desk=mirror)) if rows else []
    since = mirror.clock() - timedelta(hours=hours)  # the desk's clock, as its rows
    try:
        with Desk.connect(settings, clock=mirror.clock) as desk:
            report = desk.handover(since, urgent, changes_since=now - timedelta(hours=hours))
    except DeskError as exc:
        return HandoverRead(hours, problem=str(exc))
    return HandoverRead(hours, handover_text(report), report)


def save_handover(text: str) -> str:
    """Blocking: the handover's text to a new file in the export folder; what to say."""
    from fleettui.config.paths import ensure_dir, export_dir

    try:
        folder = ensure_dir(export_dir())
        path = folder / f"handover-{datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"The handover could not be saved: {exc.strerror or exc}."
    return f"Saved the handover to {path}."
