"""The plain values that pass between the monitor controller and the app.

Blocking calls (run on a worker thread) return a *result*: what the provider answered,
already parsed and diffed. The controller takes a result in on the UI thread and returns
an `Update`: what to repaint, what to tell the user, when to poll next. Nothing here
knows about Textual, so every decision is tested with plain asserts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from fleettui.core.first_page import FirstPage
from fleettui.core.rows import Row
from fleettui.core.snapshot import Prepared
from fleettui.core.states import Action, State
from fleettui.monitor.add_lines import AddLine
from fleettui.monitor.delta import Answer, Ask
from fleettui.monitor.write_outcomes import Severity, WriteOutcome

if TYPE_CHECKING:
    from fleettui.api.wire import CreateResult  # the API's module loads httpx
    from fleettui.triage.since import SinceSummary


@dataclass(frozen=True)
class Notice:
    """One notification: the text is already safe to show (no control sequences)."""

    message: str
    title: str = ""
    severity: Severity = "information"
    timeout: float | None = None
    #: What it is about, for the notification log's mute ("rejected", "write", ...);
    #: empty: the title (or the severity) stands for it.
    kind: str = ""
    #: The vehicles it names (the log shows them in the table on request).
    vins: tuple[str, ...] = ()
    #: A burst told as one toast: each vehicle's own line, kept in the log one by one.
    details: tuple[tuple[str, str], ...] = ()
    #: (reason, count) pairs: the toast of this kind still on screen adds these counts
    #: to its own instead of a new toast stacking under it (fleettui.ui.toast_tally).
    tally: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CacheSave:
    """The fleet to keep on disk: `fetched_at` is the provider's clock, `saved_at` ours."""

    name: str
    base_url: str
    #: The store's rows (turned into API objects on the worker that writes them).
    rows: list[Row]
    fetched_at: datetime
    saved_at: datetime
    #: The profile's default filter: the cache keeps the first screen of that view.
    first_query: str = ""
    #: The provider's time of the rows (for a filter on ages).
    now: datetime | None = None


@dataclass
class Update:
    """What the app does after the controller took a result in. The header is always
    brought up to date; the rest only when set."""

    #: The table and the detail pane re-read the store (else only the header changes).
    repaint: bool = False
    #: Data check results arrived (issue 19): the lines whose Data cell changed and the
    #: detail pane are drawn again, nothing else.
    data: bool = False
    #: The user changed the view (a filter, an add): the cursor follows its vehicle. Else
    #: (a refresh, a push) a cursor whose vehicle left keeps its place and says so.
    by_user: bool = False
    notices: list[Notice] = field(default_factory=list)
    #: Schedule the next poll this many seconds from now (replacing a scheduled one).
    next_poll: float | None = None
    #: Stop the scheduled poll (pause).
    stop_polling: bool = False
    #: Poll now (forced: even while paused).
    poll: bool = False
    force: bool = False
    #: The data is stale: keep its age on screen ticking every second.
    stale: bool = False
    #: Write this snapshot cache (on a worker).
    save: CacheSave | None = None
    #: Marks were removed (the table repaints them).
    unmarked: bool = False
    #: Webhook push started: run the push worker.
    push_worker: bool = False
    #: Record this refresh in the local history (on a worker; fleettui.monitor.history).
    record: RecordJob | None = None


# -- results of the blocking calls ---------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    generation: int
    prepared: Prepared
    #: Extra entries for VINs the answer repeated (the newest of each was kept), and
    #: entries that were not vehicles (left out): said once, not merged silently.
    duplicates: int = 0
    skipped: int = 0
    #: What was asked and answered (a full list or only what can change), and the VINs
    #: in a moving state after it (`fleettui.monitor.delta`).
    ask: Ask | None = None
    answer: Answer | None = None
    moving: frozenset[str] = frozenset()
    #: The client's notes on the answer, as the CLI prints them: values it marked as
    #: bad (core.lenient_json.Mended.describe) and a provider clock not believed.
    marked: str = ""
    clock: str = ""


@dataclass(frozen=True)
class FetchFailed:
    generation: int
    #: Error category (fleettui.api.errors.error_category), e.g. "network".
    category: str
    message: str
    retry_after: float | None = None
    #: Finer than the category: "bad_answer" for an answer that could not be read.
    kind: str | None = None


FetchResult = Fetched | FetchFailed


@dataclass(frozen=True)
class Arriving:
    """How much of a first answer has arrived while it downloads (the header's
    "receiving the fleet… N so far"; fleettui.monitor.arrival)."""

    generation: int
    #: Entries received so far (repeats and unreadable ones included: a count, not a fleet).
    count: int
    #: Their states, as far as the entries say.
    counts: dict[State, int]


@dataclass(frozen=True)
class FirstRows:
    """The first screen of a fleet's first answer, painted while its whole view is
    prepared on the worker (fleettui.core.first_page.first_of), or while the rest of the
    answer is still arriving (`arriving` set, `page` None: fleettui.monitor.arrival)."""

    generation: int
    prepared: Prepared
    page: FirstPage | None
    arriving: Arriving | None = None


@dataclass(frozen=True)
class CacheRead:
    """The fleet cached on disk for the account, read before its first poll."""

    generation: int
    prepared: Prepared | None = None
    #: This machine's clock when the cache was saved (the header's "cache from").
    saved_at: datetime | None = None
    #: Why the file could not be used, to tell the user.
    problem: str | None = None
    #: Set when `prepared` is only the first screen of the cached fleet: the counts of
    #: the whole of it, for the header, until the rest is read.
    first: FirstPage | None = None


@dataclass(frozen=True)
class DeletesSent:
    """A cancel or revoke batch: per-VIN outcomes (answers merged into what we knew),
    and the store update built on the worker."""

    action: Action
    outcomes: list[WriteOutcome]
    prepared: Prepared | None
    generation: int
    #: (vin, why) of the marked vehicles the confirmation skipped (never sent).
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AddSent:
    lines: list[AddLine]
    results: list[CreateResult] | None
    #: The whole request failed: nothing was added.
    error: str | None
    prepared: Prepared | None
    added: int
    generation: int


@dataclass(frozen=True)
class RecordJob:
    """One refresh to record in the local history (on a worker), for the account of
    `generation`."""

    generation: int
    prepared: Prepared


@dataclass(frozen=True)
class RecordDone:
    generation: int
    stored: int
    #: Set on the first refresh of a session with an earlier look to compare with.
    summary: SinceSummary | None
    #: What the history file had to say (moved aside, a write dropped...).
    notes: tuple[str, ...] = ()
