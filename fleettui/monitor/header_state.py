"""What the monitor's two header lines say, read from the controller in one place.

The header widget (`fleettui.ui.widgets.header.FleetHeader`) only draws a `HeaderState`;
which counts stand for the fleet (the whole store, the cache's first screen while the
rest is read, or what has arrived of a first answer), whether anything was ever loaded, the webhook health and the marks the
filter hides are decided here, Textual-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fleettui.core.states import State
from fleettui.core.store import FleetStore
from fleettui.monitor.cache import StartCache
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.push_control import PushControl


@dataclass
class HeaderState:
    account: str = ""
    environment: str = ""
    read_only: bool = False
    shown: Mapping[State, int] = field(default_factory=dict)
    total: Mapping[State, int] = field(default_factory=dict)
    shown_count: int = 0
    total_count: int = 0
    loaded: bool = False
    marked: int = 0
    #: Webhook health in a few words ("push ✓ 12/h"); "" without webhooks.
    push: str = ""
    push_alert: bool = False
    #: Marked vehicles the filter hides (they are still acted on: the header says so).
    marked_hidden: int = 0
    #: Only the cache's first screen is in the table yet; the rest is being read.
    reading: bool = False
    #: Vehicles received so far while the first answer arrives (None otherwise): the
    #: table shows its first rows, the counts are of what arrived.
    receiving: int | None = None
    #: That answer broke off before its end: what is shown is not the whole fleet.
    broke_off: bool = False
    #: Connected, polling, stale, paused, the last error (the controller's, shared).
    connection: ConnectionState = field(default_factory=ConnectionState)
    #: The shared desk in a few words ("desk ● 3 online"); "" without a desk.
    desk: str = ""
    desk_alert: bool = False


class Source(Protocol):
    """What the header is read from: the controller (`fleettui.monitor.controller.Monitor`)."""

    store: FleetStore
    marked: set[str]
    connection: ConnectionState
    read_only: bool
    push: PushControl
    cache: StartCache
    #: The shared desk (fleettui.monitor.desk_control.DeskControl), None without one.
    desk: Any

    @property
    def account_name(self) -> str: ...

    @property
    def environment(self) -> str: ...


class HeaderReader:
    """Reads a `HeaderState` from the monitor; remembers the view's VINs between reads
    (counting hidden marks at 100k rows needs them once per view, not once per tick)."""

    def __init__(self, monitor: Source) -> None:
        self.monitor = monitor
        self._shown_vins: tuple[object, set[str]] = (None, set())

    def read(self, wall: float) -> HeaderState:
        """The header now; `wall` is this machine's time.time() (the webhook ages)."""
        monitor, store = self.monitor, self.monitor.store
        push, push_alert = monitor.push.header(wall)
        first = monitor.cache.first_screen()
        arriving = monitor.cache.arriving()
        state = HeaderState(
            push=push,
            push_alert=push_alert,
            account=monitor.account_name,
            environment=monitor.environment,
            read_only=monitor.read_only,
            shown=store.counts_shown,
            total=store.counts_all,
            shown_count=len(store),
            total_count=store.total,
            loaded=(
                monitor.connection.connected_once
                or first is not None
                or arriving is not None
                or monitor.connection.cached_at is not None
            ),
            reading=first is not None and first[1],
            marked=len(monitor.marked),
            marked_hidden=self.hidden_marks(),
            connection=monitor.connection,
        )
        if monitor.desk is not None:
            state.desk, state.desk_alert = monitor.desk.header()
        if first is not None:  # the store holds the first screen: the counts of the whole
            page = first[0]
            state.shown, state.total = page.counts_shown, page.counts_all
            state.shown_count, state.total_count = page.shown, page.total
        if arriving is not None:  # the first rows of an answer: the counts of what arrived
            got, state.broke_off = arriving
            state.receiving = got.count
            state.total, state.total_count = got.counts, max(got.count, state.shown_count)
        return state

    def hidden_marks(self) -> int:
        """Marked vehicles the filter hides (still acted on by c / R: the header says)."""
        store, marked = self.monitor.store, self.monitor.marked
        if not marked or store.query.is_empty:
            return 0
        if len(marked) <= 8:  # a few: one scan each (~1 ms at 100k rows)
            return sum(1 for vin in marked if store.index_of(vin) is None)
        view = store.view
        if self._shown_vins[0] is not view:  # many: the view's VINs once per view
            self._shown_vins = (view, {r.vin for r in view.rows})
        return len(marked - self._shown_vins[1])
