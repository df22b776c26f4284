"""Every message the monitor's app, screens and widgets post, in one place.

Workers post the result of a blocking controller call (`PollDone`, `CacheLoaded`,
`DeletesDone`, `AddDone`): a plain value from `fleettui.monitor.updates`, already parsed
and diffed, which the UI thread hands back to the controller. Widgets post what the user
did (`Table*`, `AddSubmitted`, `LinesPasted`); they never touch the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget

from fleettui.monitor.add_lines import AddLine
from fleettui.monitor.eligibility import EligibilityOutcome
from fleettui.monitor.pushing import PushPrepared
from fleettui.monitor.updates import (
    AddSent,
    CacheRead,
    DeletesSent,
    FetchResult,
    FirstRows,
    RecordDone,
)
from fleettui.webhooks.health import HealthSnapshot

if TYPE_CHECKING:  # the triage modules load when first used
    from fleettui.triage.since import SinceSummary

# -- from workers --------------------------------------------------------------------


class PollDone(Message):
    """A poll ended: the fleet fetched and diffed, or why it failed."""

    def __init__(self, result: FetchResult) -> None:
        super().__init__()
        self.result = result


class PushArrived(Message):
    """Verified webhook events, made ready for the store on the push worker."""

    def __init__(self, result: PushPrepared) -> None:
        super().__init__()
        self.result = result


class PushHealth(Message):
    """The webhook receiver's health, read on the push worker."""

    def __init__(self, snapshot: HealthSnapshot, generation: int) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.generation = generation


class CacheLoaded(Message):
    """The fleet cached on disk, read before the first poll of a profile."""

    def __init__(self, result: CacheRead) -> None:
        super().__init__()
        self.result = result


class FirstRowsRead(Message):
    """The first screen of the first answer, before its whole view is prepared."""

    def __init__(self, result: FirstRows) -> None:
        super().__init__()
        self.result = result


class DeletesDone(Message):
    """A cancel or revoke batch was sent; per-VIN outcomes."""

    def __init__(self, result: DeletesSent) -> None:
        super().__init__()
        self.result = result


class AddDone(Message):
    """The add form's lines were sent; the provider's answer per VIN, or the failure."""

    def __init__(self, result: AddSent) -> None:
        super().__init__()
        self.result = result


class HistoryRecorded(Message):
    """A refresh was recorded in the local history (and, the first time, what changed
    since the last session)."""

    def __init__(self, result: RecordDone) -> None:
        super().__init__()
        self.result = result


class TimelineLoaded(Message):
    """A VIN's locally recorded events are at hand for the detail pane."""

    def __init__(self, vin: str) -> None:
        super().__init__()
        self.vin = vin


class ChangesListed(Message):
    """What changed since the user last looked (`w`); None without a history."""

    def __init__(self, summary: SinceSummary | None) -> None:
        super().__init__()
        self.summary = summary


# -- from the fleet table ----------------------------------------------------------------


class TableMessage(Message):
    """Base of the fleet table's messages: `control` is the table that sent it (so
    `@on(TableCursorChanged, "#fleet")` selects by the table's id)."""

    def __init__(self, table: Widget) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> Widget:
        return self.table


class TableCursorChanged(TableMessage):
    """The row under the cursor is now another vehicle (or none)."""

    def __init__(self, table: Widget, vin: str | None) -> None:
        super().__init__(table)
        self.vin = vin


class TableMarksChanged(TableMessage):
    def __init__(self, table: Widget, count: int) -> None:
        super().__init__(table)
        self.count = count


class TableCursorLeft(TableMessage):
    """A refresh took the cursor's vehicle out of the view; the cursor kept its place."""

    def __init__(self, table: Widget, vin: str) -> None:
        super().__init__(table)
        self.vin = vin


class TableSearchMissed(TableMessage):
    """n/N found no (further) row matching the search; `reason` says why, to show."""

    def __init__(self, table: Widget, reason: str) -> None:
        super().__init__(table)
        self.reason = reason


class TableSortChanged(TableMessage):
    def __init__(self, table: Widget, column: str, descending: bool) -> None:
        super().__init__(table)
        self.column, self.descending = column, descending


# -- from the add form ---------------------------------------------------------------------


class AddSubmitted(Message):
    """The add form's lines that passed the local checks, to send."""

    def __init__(self, lines: list[AddLine]) -> None:
        super().__init__()
        self.lines = lines


class EligibilityWanted(Message):
    """The add form wants to know whether these (vin, brand) can be activated."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__()
        self.pairs = pairs


class EligibilityChecked(Message):
    """One eligibility answer (or why there is none), from a worker."""

    def __init__(self, outcome: EligibilityOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class LinesPasted(Message):
    """A paste into a one-line field that holds several vehicles (a newline or a comma):
    its lines, cleaned of escapes, for the Many box."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
