"""The results worker threads post to the UI thread, one message each.

A worker calls a blocking controller method (`Refreshes.fetch`, `Writes.send_deletes`, ...)
and posts its result: a plain value from `fleettui.monitor.updates`, already parsed and
diffed, which the UI thread hands back to the controller (the app's handlers). What the
user does is posted by the widget that saw it, as a message nested in that widget
(`FleetTable.CursorChanged`) or in the form's own module (`fleettui.ui.add_messages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from fleettui.monitor.eligibility import EligibilityOutcome
from fleettui.monitor.pushed_rows import PushPrepared
from fleettui.monitor.updates import (
    AddSent,
    Arriving,
    CacheRead,
    DeletesSent,
    FetchResult,
    FirstRows,
    RecordDone,
)
from fleettui.webhooks.health import HealthSnapshot

if TYPE_CHECKING:  # the triage and desk modules load when first used
    from fleettui.monitor.desk_results import DeskResult
    from fleettui.triage.since import SinceSummary


@dataclass
class PollDone(Message):
    """A poll ended: the fleet fetched and diffed, or why it failed."""

    result: FetchResult


@dataclass
class DeskArrived(Message):
    """What the shared desk's link thread posted (fleettui.monitor.desk_link): a follower
    batch, an action's outcome, the people online, a vehicle's desk timeline."""

    result: DeskResult


@dataclass
class PushArrived(Message):
    """Verified webhook events, made ready for the store on the push worker."""

    result: PushPrepared


@dataclass
class PushHealth(Message):
    """The webhook receiver's health, read on the push worker."""

    snapshot: HealthSnapshot
    generation: int


@dataclass
class CacheLoaded(Message):
    """The fleet cached on disk, read before the first poll of a profile."""

    result: CacheRead


@dataclass
class FirstRowsRead(Message):
    """The first screen of the first answer, before its whole view is prepared, or
    while the rest of it arrives; or how much of it has arrived (the header's count)."""

    result: FirstRows | Arriving


@dataclass
class DeletesDone(Message):
    """A cancel or revoke batch was sent; per-VIN outcomes."""

    result: DeletesSent


@dataclass
class AddDone(Message):
    """The add form's lines were sent; the provider's answer per VIN, or the failure."""

    result: AddSent


@dataclass
class EligibilityChecked(Message):
    """One eligibility answer (or why there is none)."""

    outcome: EligibilityOutcome


@dataclass
class HistoryRecorded(Message):
    """A refresh was recorded in the local history (and, the first time, what changed
    since the last session)."""

    result: RecordDone


@dataclass
class TimelineLoaded(Message):
    """A VIN's locally recorded events are at hand for the detail pane."""

    vin: str


@dataclass
class ChangesListed(Message):
    """What changed since the user last looked (`u`); None without a history."""

    summary: SinceSummary | None
