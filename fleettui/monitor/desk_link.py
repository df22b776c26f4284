"""The monitor's link to the shared desk: one thread that talks to PostgreSQL, and the
follower that brings every change made elsewhere.

    link = DeskLink(settings, post)      # post(result) is called on the link's threads
    link.start()
    link.submit(Pending("claim", (vin,)))  # UI thread: returns at once
    link.viewing(vin)                      # the vehicle on screen (presence)
    link.stop()

The thread (`desk-link`): reads the desk's state once it can be reached (the id of the
newest event first, then the work state and who is online, then the follower starts from
that id: nothing missed between), sends what the person typed (each action's call on the
desk is in `fleettui.monitor.desk_calls`), beats the presence every `PRESENCE_EVERY`
seconds (and soon after the vehicle on screen changes), and says goodbye at exit. Until the desk is reached it retries with back-off, saying why.

Everything typed goes through the outbox first (`fleettui.monitor.desk_outbox`): kept on
disk, sent in order, taken out when the desk took it or refused it. While the desk is
offline it waits there and is sent when the follower says the desk is back; nothing
typed is dropped.

Results reach the monitor as plain values through `post` (the app posts them to the UI
thread as messages): `DeskLoaded`, `DeskFollowed` (a follower batch), `DeskActed`,
`DeskPeople`, `DeskUnreachable`, `DeskTimeline` (fleettui.monitor.desk_results). No Textual.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk.errors import DeskError
from fleettui.desk.model import DeskEvent, DeskStatus
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.desk_calls import connect_desk, follow_desk, read_timeline, sent
from fleettui.monitor.desk_outbox import Outbox, Pending
from fleettui.monitor.desk_results import (
    DeskActed,
    DeskFollowed,
    DeskLoaded,
    DeskPeople,
    DeskTimeline,
    DeskUnreachable,
    Post,
)

log = logging.getLogger("fleettui.desk")

PRESENCE_EVERY = 20.0
#: The vehicle on screen is told this long after the cursor stops on it.
VIEW_SETTLE = 0.5
#: Reaching the desk again after a failure: these waits, then the last one.
BACKOFF = (0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass
class _Wake:
    kind: str
    pending: Pending | None = None
    vin: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


class DeskLink:
    """See the module docstring."""

    def __init__(
        self,
        settings: DeskSettings,
        post: Post,
        outbox: Outbox,
        *,
        connect: Callable[[DeskSettings], Any] = connect_desk,
        follow: Callable[..., Any] = follow_desk,
        clock: Callable[[], datetime] = utcnow,
        presence_every: float = PRESENCE_EVERY,
        backoff: Sequence[float] = BACKOFF,
        viewing: Callable[[], str | None] | None = None,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self._post = post
        self._connect = connect
        self._follow = follow
        self._clock = clock
        self._every = presence_every
        self._backoff = tuple(backoff) or BACKOFF
        self._queue: queue.Queue[_Wake] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._desk: Any = None
        self._follower: Any = None
        self._viewing: str | None = None
        #: Where the vehicle on screen is read (the table's cursor), every VIEW_SETTLE.
        self._on_screen = viewing
        #: The follower's last status was "online" (set on the follower's thread).
        self._online = False
        #: The follower has said anything yet.
        self._reported = False
        self._stopping = False

    # -- UI thread ----------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="desk-link", daemon=True)
            self._thread.start()

    def submit(self, pending: Pending) -> None:
        """Send `pending` (after writing it to the outbox); the result is posted."""
        self._queue.put(_Wake("act", pending))

    def viewing(self, vin: str | None) -> None:
        if vin != self._viewing:
            self._viewing = vin
            self._queue.put(_Wake("view", vin=vin))

    def stop(self, timeout: float = 0.5) -> None:
        """Say goodbye (presence) and stop both threads (daemons: a desk that does not
        answer never holds the monitor's exit longer than `timeout` each)."""
        self._stopping = True
        wake = _Wake("stop")
        self._queue.put(wake)
        if self._thread is not None:
            self._thread.join(timeout)
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.stop(timeout)

    # -- the link's thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self._reach():
                self._serve()
        except Exception:  # noqa: BLE001 - a bug here must not take the monitor down
            log.exception("desk link failed")
        finally:
            desk, self._desk = self._desk, None
            if desk is not None:
                with contextlib.suppress(Exception):
                    desk.close()

    def _wait(self, seconds: float) -> _Wake | None:
        """The next thing to do, or None after `seconds` (a typed action meanwhile goes to
        the outbox at once: it is on disk even while the desk is unreachable)."""
        try:
            wake = self._queue.get(timeout=max(0.0, seconds))
        except queue.Empty:
            return None
        if wake.kind == "act" and wake.pending is not None:
            self._keep(wake.pending)
        return wake

    def _keep(self, pending: Pending) -> None:
        problem = self.outbox.add(pending, self._clock())
        starting = self._desk is not None and not self._reported  # sent in a moment
        if problem is not None or not (self._online or starting):
            # Offline (or not on disk: in memory, still sent): the person is told.
            self._post(
                DeskActed(pending, kept=True, waiting=len(self.outbox), refused=problem or "")
            )

    def _is_online(self) -> bool:
        """The desk was read and the follower's last word is that it is online."""
        return self._desk is not None and self._online

    def _reach(self) -> bool:
        """Read the desk's state and start the follower; False when stopped first."""
        failures = 0
        last_why = None
        while not self._stopping:
            try:
                desk = self._connect(self.settings)
                after = desk.last_event_id()
                work = desk.work_state()
                people = desk.people_online()
            except DeskError as exc:
                why = str(exc)
                if why != last_why:
                    status = DeskStatus("offline", self._clock(), why)
                    self._post(DeskUnreachable(status, exc.kind))
                    last_why = why
                delay = self._backoff[min(failures, len(self._backoff) - 1)]
                failures += 1
                wake = self._wait(delay)
                while wake is not None and wake.kind != "stop":
                    wake = self._wait(0)  # several typed at once: all kept, then retry
                continue
            self._desk = desk
            self._post(DeskLoaded(work, people, DeskStatus("online", self._clock())))
            self._follower = self._follow(self.settings, self._followed, after)
            return True
        return False

    def _followed(self, events: Sequence[DeskEvent], status: DeskStatus) -> None:
        """The follower's callback (its thread): pass the batch on; wake the link when the
        desk is back, to send what was kept."""
        came_back = status.state == "online" and not self._online
        self._online = status.state == "online"
        self._reported = True
        self._post(DeskFollowed(tuple(events), status))
        if came_back:
            self._queue.put(_Wake("flush"))

    def _serve(self) -> None:
        beat_at = time.monotonic() + self._every
        looked: str | None = None
        while True:
            left = max(0.0, beat_at - time.monotonic())
            wake = self._wait(min(left, VIEW_SETTLE) if self._on_screen is not None else left)
            if wake is None and time.monotonic() < beat_at:
                # The vehicle on screen, read twice VIEW_SETTLE apart: only the one the
                # cursor stopped on is told (presence) and read (its desk timeline).
                vin = self._on_screen() if self._on_screen is not None else None
                if vin == looked and vin != self._viewing:
                    self._viewing = vin
                    self._beat()
                    self._timeline(vin)
                looked = vin
                continue
            if wake is None:
                follower = self._follower
                if follower is not None and follower.status.state == "online":
                    self._online = True  # a send failed but the follower never lost it
                self._beat(people=True)
                self._flush(replayed=True)  # anything a lost wake-up left behind
                beat_at = time.monotonic() + self._every
                continue
            if wake.kind == "stop":
                self._leave()
                return
            if wake.kind == "view":
                # Let the cursor settle: only the vehicle it stops on is told and read.
                settled = self._wait(VIEW_SETTLE)
                if settled is not None and settled.kind != "view":
                    self._queue.put(settled)
                elif settled is not None:
                    self._queue.put(settled)  # moved on: that one is read instead
                    continue
                self._beat()
                self._timeline(self._viewing)
            elif wake.kind == "flush":  # the follower is (back) online
                self._beat()
                self._flush(replayed=True)
            elif wake.kind == "act":
                self._flush(replayed=False)

    def _beat(self, people: bool = False) -> None:
        desk = self._desk
        if desk is None or not self._is_online():
            return
        try:
            desk.heartbeat(self._viewing)
            if people:
                self._post(DeskPeople(desk.people_online(), desk.receiver(), desk.receivers()))
        except DeskError:
            pass  # the follower says the desk is gone; the next beat tries again

    def _timeline(self, vin: str | None) -> None:
        desk = self._desk
        if desk is None or vin is None or not self._is_online():
            return
        try:
            events = read_timeline(desk, vin)
        except DeskError:
            return  # offline: the pane shows the mirror's summary meanwhile
        self._post(DeskTimeline(vin, events))

    def _leave(self) -> None:
        desk = self._desk
        if desk is not None and self._is_online():
            with contextlib.suppress(DeskError):
                desk.leave()

    def _flush(self, replayed: bool) -> None:
        """Send the outbox in order; stop at the first that cannot reach the desk."""
        if not self._is_online():
            return
        for pending in self.outbox.items():
            result = self._send(pending, replayed)
            if result is None:
                return  # offline again: everything left waits for the next wake-up
            self.outbox.done(pending.id)
            self._post(result)

    def _send(self, pending: Pending, replayed: bool) -> DeskActed | None:
        try:
            return sent(self._desk, pending, len(self.outbox) - 1, replayed)
        except DeskError:  # offline
            self._online = False  # the follower's next "online" sends the rest
            if not replayed:
                self._post(DeskActed(pending, kept=True, waiting=len(self.outbox)))
            return None
