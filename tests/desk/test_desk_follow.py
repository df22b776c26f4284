"""DeskFollower: LISTEN first, catch up by id, through a real PostgreSQL restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest

from fleettui.desk.errors import DeskError
from fleettui.desk.follow import DeskFollower
from fleettui.desk.local_server import LocalPostgres
from fleettui.desk.model import DeskEvent, DeskStatus
from fleettui.desk.pg_binaries import NoPostgres
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk, init_desk
from tests.support.pg_server import no_server, settings_for


class Collected:
    """What a follower handed on, with a condition to wait for it (no sleeps)."""

    def __init__(self) -> None:
        self.events: list[DeskEvent] = []
        self.states: list[str] = []
        self.cond = threading.Condition()

    def __call__(self, events: Sequence[DeskEvent], status: DeskStatus) -> None:
        with self.cond:
            self.events.extend(events)
            if not self.states or self.states[-1] != status.state:
                self.states.append(status.state)
            self.cond.notify_all()

    def wait_for(self, test: object, timeout: float = 60.0) -> bool:
        with self.cond:
            return self.cond.wait_for(test, timeout)  # type: ignore[arg-type]


def test_follower_hands_on_every_change_in_order(pg_desk: DeskSettings) -> None:
    got = Collected()
    with Desk.connect(pg_desk) as desk:
        desk.claim(["VIN1"])  # before the follower: handed on from after_id=0
        follower = DeskFollower(pg_desk, got, after_id=0).start()
        try:
            assert got.wait_for(lambda: len(got.events) == 1)
            desk.note("VIN1", "hello")
            desk.release(["VIN1"])
            assert got.wait_for(lambda: len(got.events) == 3)
            assert [e.kind for e in got.events] == ["claim", "note", "release"]
            assert got.events[1].payload["text"] == "hello"
            assert follower.status.state == "online" and follower.last_id == got.events[-1].id
        finally:
            follower.stop()
    assert got.states[0] == "online" and got.states[-1] == "offline"


def test_follower_from_now_skips_the_past(pg_desk: DeskSettings) -> None:
    got = Collected()
    with Desk.connect(pg_desk) as desk:
        desk.claim(["OLD"])
        follower = DeskFollower(pg_desk, got).start()
        try:
            assert got.wait_for(lambda: got.states == ["online"])
            desk.claim(["NEW"])
            assert got.wait_for(lambda: len(got.events) == 1)
            assert got.events[0].vin == "NEW"
        finally:
            follower.stop()


def test_follower_says_offline_when_the_desk_is_down(pg_desk: DeskSettings) -> None:
    from fleettui.desk.pg_binaries import free_port

    dead = replace(pg_desk, dsn=f"postgresql://tester:pw@127.0.0.1:{free_port()}/none")
    got = Collected()
    follower = DeskFollower(dead, got, after_id=0, backoff=(0.05,)).start()
    try:
        assert got.wait_for(lambda: got.states[:1] == ["offline"])
        assert "offline" in follower.status.why and "pw" not in follower.status.why
    finally:
        follower.stop()


@pytest.fixture
def own_server() -> Iterator[LocalPostgres]:
    """A server of this test's own: it is restarted, which must not disturb the others."""
    try:
        server = LocalPostgres.start()
    except NoPostgres as e:
        no_server(str(e))
        raise
    try:
        yield server
    finally:
        server.stop()


def test_a_postgresql_restart_loses_nothing_and_applies_nothing_twice(
    own_server: LocalPostgres,
) -> None:
    settings = settings_for(own_server, "postgres")
    init_desk(settings)
    got = Collected()
    follower = DeskFollower(settings, got, after_id=0, backoff=(0.05, 0.1, 0.2)).start()
    assert got.wait_for(lambda: "online" in got.states)
    written = 0
    restarted = threading.Event()
    desk = Desk(settings)

    def write(n: int) -> None:
        nonlocal written
        while written < n:
            try:
                desk.note(f"VIN{written % 7}", f"note {written}")
                written += 1
            except DeskError as e:
                assert e.offline, e
                restarted.wait(0.05)

    try:
        write(30)
        assert got.wait_for(lambda: len(got.events) >= 30)
        writer = threading.Thread(target=write, args=(120,))
        writer.start()
        own_server.restart()  # fast shutdown: every connection is cut
        restarted.set()
        writer.join(120)
        assert written == 120
        with desk.conn.tx() as cur:
            cur.execute("SELECT id FROM desk_events ORDER BY id")
            stored = [r[0] for r in cur.fetchall()]
        assert got.wait_for(lambda: len(got.events) >= len(stored))
        applied = [e.id for e in got.events]
        assert applied == stored  # none lost, none twice, in order
        assert "reconnecting" in got.states and got.states[-1] == "online"
        assert follower.status.reconnects >= 1
    finally:
        follower.stop()
        desk.close()
