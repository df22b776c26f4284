"""The live refresh's loop in the UI: a poll's worker, the timers that pace it, and the
work an `Update` hands to workers (the snapshot cache, the history).

One refresh: `poll` asks the controller whether a poll is due, a thread worker calls its
blocking `read_cache` / `fetch` and posts `CacheLoaded` / `FirstRowsRead` / `PollDone`;
the app hands each result back to the controller and carries out the returned `Update`
(`FleetApp.apply`), whose saving, recording and pacing land in `carry_out` here.
Composed by `FleetApp`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App
from textual.timer import Timer

from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import FirstRows, Update
from fleettui.ui.messages import CacheLoaded, FirstRowsRead, HistoryRecorded, PollDone

T = TypeVar("T")

#: While the data is stale (or an answer is awaited), the header's age ticks every second.
STALE_TICK = 1.0


def once(work: Callable[[T], object], arg: T) -> Callable[[], None]:
    """`work(arg)` for a thread worker, forgetting `arg` once it ran. A finished Worker
    lives on in a reference cycle until the collector's next full pass; a refresh's
    record job held its whole prepared snapshot (~3.7 MB at 100k) all that time."""
    held = [arg]

    def run() -> None:
        work(held.pop())

    return run


class PollLoop:
    def __init__(self, app: App[None], monitor: Monitor, update_header: Callable[[], None]) -> None:
        self.app = app
        self.monitor = monitor
        self.update_header = update_header
        #: The next poll, when one is scheduled (None: paused, or a poll under way).
        self.timer: Timer | None = None
        self._stale_timer: Timer | None = None

    def poll(self, force: bool = False) -> None:
        self.stop_timer()
        generation = self.monitor.start_poll(force)
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
            post(CacheLoaded(first))
        cached = self.monitor.cache.read_cache(generation)
        if cached is not None:
            post(CacheLoaded(cached))
        post(PollDone(self.monitor.fetch(generation, early=self._post_first)))

    def _post_first(self, first: FirstRows) -> None:
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
