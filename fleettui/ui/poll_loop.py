"""The live refresh's loop in the UI: a poll's worker, the timers that pace it (and the
header's and the data checks' ticks), and the work an `Update` hands to workers (the
snapshot cache, the history).

One refresh: `poll` asks the controller whether a poll is due, a thread worker calls its
blocking `read_cache` / `fetch` and posts `CacheLoaded` / `FirstRowsRead` / `PollDone`;
the app hands each result back to the controller and carries out the returned `Update`
(`FleetApp.apply`), whose saving, recording and pacing land in `carry_out` here.
Composed by `FleetApp`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.app import App
from textual.timer import Timer

from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Arriving, FirstRows, Update
from fleettui.ui.messages import CacheLoaded, FirstRowsRead, HistoryRecorded, PollDone

if TYPE_CHECKING:
    from fleettui.ui.screens.monitor import MonitorScreen

T = TypeVar("T")

#: The header's clock ticks this often (while the data is stale, every STALE_TICK).
HEADER_TICK = 5.0
#: The longest the whole cache waits for the frame of its first screen (seconds).
FIRST_FRAME_WAIT = 1.0
#: While the data is stale (or an answer is awaited), the header's age ticks every second.
STALE_TICK = 1.0
#: How often the data checks' results are taken in and applied (one Update a tick).
DATA_TICK = 1.0


def once(work: Callable[[T], object], arg: T) -> Callable[[], None]:
    """`work(arg)` for a thread worker, forgetting `arg` once it ran. A finished Worker
    lives on in a reference cycle until the collector's next full pass; a refresh's
    record job held its whole prepared snapshot (~3.7 MB at 100k) all that time."""
    held = [arg]

    def run() -> None:
        work(held.pop())

    return run


class PollLoop:
    """`apply` is the app's one applier of an Update; `screen` the main view."""

    def __init__(
        self,
        app: App[None],
        monitor: Monitor,
        screen: MonitorScreen,
        apply: Callable[[Update | None], None],
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.update_header = screen.update_header
        self.apply = apply
        #: The next poll, when one is scheduled (None: paused, or a poll under way).
        self.timer: Timer | None = None
        self._stale_timer: Timer | None = None
        #: Set once the frame after a cached first screen went out (`first_painted`).
        self.painted = threading.Event()

    def start_ticks(self) -> None:
        self.app.set_interval(HEADER_TICK, self.update_header, name="header-age")
        self.app.set_interval(DATA_TICK, self._data_tick, name="data-checks")

    def _data_tick(self) -> None:
        """The data checks' results since the last tick, through the one applier."""
        data, table = self.monitor.data, self.screen.table
        if data.shown and table.data_cell is None:  # records loaded after connect
            table.show_data(data.row_cell)
        self.apply(self.monitor.took_data())

    def poll(self, force: bool = False) -> None:
        self.stop_timer()
        generation = self.monitor.refreshes.start_poll(force)
        if generation is None:
            return
        self.update_header()
        self.tick_every_second()
        self.app.run_worker(
            lambda: self._fetch(generation),
            name="poll",
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="poll",
        )

    def _fetch(self, generation: int) -> None:  # on the worker's thread
        post = self.app.post_message
        first = self.monitor.cache.read_first(generation)
        if first is not None:
            self.painted.clear()
            post(CacheLoaded(first))
            # Reading the whole cache holds the interpreter for most of a second; the
            # first screen's frame goes out first (bounded: a frame that never comes
            # costs at most FIRST_FRAME_WAIT).
            self.painted.wait(FIRST_FRAME_WAIT)
        cached = self.monitor.cache.read_cache(generation)
        if cached is not None:
            post(CacheLoaded(cached))
        post(PollDone(self.monitor.refreshes.fetch(generation, early=self._post_first)))

    def first_painted(self) -> None:
        """The frame after a cached first screen went out (the app's call_after_refresh)."""
        self.painted.set()

    def _post_first(self, first: FirstRows | Arriving) -> None:  # the exchange's thread
        self.app.post_message(FirstRowsRead(first))

    def carry_out(self, update: Update) -> None:
        """An Update's work after the screen painted it and its notices went out: the
        snapshot cache and the history written on workers, then the next poll."""
        app, monitor = self.app, self.monitor
        if update.save is not None:
            app.run_worker(
                once(monitor.cache.save, update.save),
                thread=True,
                exclusive=True,
                group="cache",
                exit_on_error=False,
            )
        if update.record is not None:
            app.run_worker(
                once(
                    lambda job: app.post_message(HistoryRecorded(monitor.record(job))),
                    update.record,
                ),
                thread=True,
                group="history",
                exit_on_error=False,
            )
        if update.stale:
            self.tick_every_second()
        if update.stop_polling:
            self.stop_timer()
        if update.next_poll is not None:
            self.stop_timer()
            self.timer = app.set_timer(update.next_poll, self.poll, name="poll")
        if update.poll:
            self.poll(force=update.force)

    def stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def tick_every_second(self) -> None:
        if self._stale_timer is None:
            self._stale_timer = self.app.set_interval(
                STALE_TICK, self._stale_tick, name="stale-age"
            )

    def _stale_tick(self) -> None:
        """Keep the stale age and the wait for an answer on screen current; stops once a
        refresh works and none is under way (the ordinary header tick is enough again)."""
        conn = self.monitor.connection
        if not conn.stale and not conn.polling and self._stale_timer is not None:
            self._stale_timer.stop()
            self._stale_timer = None
        self.update_header()
