"""`fleettui record --desk` rides out a desk outage: the poll that could not be stored is
recorded by the next one (a first load again, idempotent by key)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.cli.record_cmd import _poll_loop
from fleettui.desk.errors import DeskError
from fleettui.history.events import Event
from fleettui.history.store import HistoryStore


class FlakyDesk(HistoryStore):
    """A history whose first write fails as an unreachable desk does."""

    def __init__(self, path) -> None:  # noqa: ANN001
        super().__init__(path)
        self.failed = 0

    def record_events(self, events: Iterable[Event], now: datetime | None = None) -> int:
        batch = list(events)
        if not self.failed and batch:
            self.failed += 1
            raise DeskError(
                "desk x is offline (connection refused); start the PostgreSQL "
                "server or check the connection string",
                "offline",
            )
        return super().record_events(batch, now)


class TwoPolls:
    """The loop's stop: set after the second poll's wait begins."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal = None
        self.waits = 0
        real = self.event.wait

        def wait(timeout: float | None = None) -> bool:
            self.waits += 1
            if self.waits >= 2:
                self.event.set()
            return real(0)

        self.event.wait = wait  # type: ignore[method-assign]


def test_a_desk_outage_is_retried_and_nothing_seen_is_lost(sim, tmp_path, capsys) -> None:
    history = FlakyDesk(tmp_path / "h.sqlite3")
    stop = TwoPolls()
    with FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as client:
        failures = _poll_loop(client, history, stop, 5.0, once=False, quiet=True)  # type: ignore[arg-type]
    assert failures == 0 and history.failed == 1
    assert history.count() > 60  # the second poll recorded the whole first load
    assert "is offline" in capsys.readouterr().err
    history.close()
