"""The monitor's desk half (Textual-free) on a real PostgreSQL: two people's controllers on
one desk see each other's claims, notes and presence through the follower's events; what
is typed while the desk is down is kept and sent when it is back; a restart is survived;
a wrong password or schema is one line naming the fix."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from fleettui.core.store import FleetStore
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk
from fleettui.monitor.desk_control import DeskControl
from fleettui.monitor.desk_detail import event_line
from fleettui.monitor.desk_handover import read_handover
from fleettui.monitor.desk_link import DeskLink
from fleettui.monitor.desk_outbox import Outbox, outbox_path
from fleettui.monitor.desk_results import DeskActed, DeskResult
from fleettui.monitor.updates import Update
from tests.support.fleets import NOW, small_fleet

#: How long a test waits for something to arrive before it fails (a deadline against a
#: hang, not a speed assertion: on a loaded machine the wait is usually milliseconds).
DEADLINE = 30.0
VIN = "WBA00000000000001"


class Person:
    """One monitor's desk half, with the UI thread played by `until`."""

    def __init__(self, settings: DeskSettings, user: str) -> None:
        self.settings = replace(settings, user=user, host=f"{user}-pc")
        self.results: queue.Queue[DeskResult] = queue.Queue()
        self.control = DeskControl(
            self.settings, link=lambda s, p, o, v: DeskLink(s, p, o, backoff=(0.2, 0.5), viewing=v)
        )
        self.store = FleetStore()
        self.store.claims = self.control.mirror
        self.control.store = self.store
        self.store.apply(self.store.prepare(small_fleet(), NOW))
        self.updates: list[Update] = []

    def start(self) -> Person:
        self.updates.append(self.control.start(self.results.put))
        return self

    def until(self, done: Callable[[], bool], what: str) -> None:
        """Take results in (as the app's UI thread does) until `done()`."""
        while not done():
            try:
                result = self.results.get(timeout=DEADLINE)
            except queue.Empty:
                raise AssertionError(
                    f"{self.settings.user}: no desk result while waiting for {what}"
                ) from None
            self.updates.append(self.control.took(result))

    def notices(self) -> list[str]:
        return [n.message for u in self.updates for n in u.notices]

    def online(self) -> bool:
        status = self.control.mirror.status
        return self.control.mirror.loaded and status is not None and status.state == "online"


@pytest.fixture
def people(pg_desk: DeskSettings) -> Iterator[tuple[Person, Person]]:
    ann, bob = Person(pg_desk, "ann").start(), Person(pg_desk, "bob").start()
    try:
        ann.until(ann.online, "ann online")
        bob.until(bob.online, "bob online")
        yield ann, bob
    finally:
        ann.control.stop()
        bob.control.stop()


def test_a_claim_in_one_monitor_shows_in_the_other(people) -> None:
    ann, bob = people
    ann.control.act("claim", [VIN])
    bob.until(lambda: bob.control.mirror.claimed_by(VIN) == "ann", "ann's claim")
    assert bob.control.mirror.claim_cell(VIN) == "ann"
    ann.until(lambda: any("Claimed 1 vehicle" in m for m in ann.notices()), "ann's notice")
    ann.until(lambda: ann.control.mirror.claim_cell(VIN) == "me", "ann's own claim")
    # bob's "claimed:ann" filter shows it without a refresh of the fleet
    assert bob.store.set_query("claimed:ann").error is None
    assert [r.vin for r in bob.store.view.rows] == [VIN]
    # ann presses m again on her own claim: it is renewed, and she is told so
    ann.control.act("claim", [VIN])
    ann.until(
        lambda: any("Renewed your claim on 1 vehicle until" in m for m in ann.notices()),
        "the renewal",
    )
    # bob tries to claim it too: told who holds it
    bob.control.act("claim", [VIN])
    bob.until(
        lambda: any(isinstance(n, str) and "held by ann" in n for n in bob.notices()),
        "the lost claim",
    )
    # ann hands it to bob: bob is told, and his column says "me"
    ann.control.act("hand", [VIN], to_user="bob")
    bob.until(lambda: bob.control.mirror.claim_cell(VIN) == "me", "the hand-over")
    assert any("ann handed you" in m for m in bob.notices())
    assert [r.vin for r in bob.store.view.rows] == []  # no longer ann's: the filter follows


def test_notes_snoozes_and_presence_reach_the_other_monitor(people) -> None:
    ann, bob = people
    ann.control.act("note", [VIN], text="called the driver\nno answer")
    bob.until(lambda: bob.control.mirror.notes_of(VIN) == 1, "ann's note")
    last = bob.control.mirror.work[VIN].last_note
    assert last is not None and last.author == "ann" and last.text == "called the driver\nno answer"
    ann.control.act("snooze", [VIN], text="driver on holiday", states={VIN: "pending"})
    bob.until(lambda: bob.control.mirror.snooze_of(VIN, "pending") is not None, "the snooze")
    assert bob.control.mirror.snooze_of(VIN, "approved") is None  # a state change ends it
    ann.control.viewing(VIN)
    bob.until(lambda: bob.control.mirror.viewers(VIN) == ["ann"], "ann looking at it")
    assert ann.control.mirror.viewers(VIN) == []  # bob looks at nothing; ann is not "else"
    assert bob.control.header()[0].startswith("desk ● 2 online")
    # bob looks at it too: his detail pane gets its desk timeline, then a new note live
    bob.control.viewing(VIN)
    bob.until(lambda: VIN in bob.control.timelines, "the vehicle's desk timeline")
    detail = bob.control.detail(VIN, "pending")
    lines = [event_line(e, "bob") for e in detail.events]
    assert lines == [
        "ann: called the driver\nno answer",
        "ann snoozed it until its next state change: driver on holiday",
    ]
    assert detail.viewers == ("ann",) and detail.notes == 1 and detail.holder == ""
    ann.control.act("note", [VIN], text="driver back monday")
    bob.until(lambda: len(bob.control.detail(VIN, "pending").events) == 3, "the new note")


def test_typed_while_the_desk_is_down_is_kept_then_sent(pg_session) -> None:
    from fleettui.desk.local_server import LocalPostgres
    from tests.support.pg_server import settings_for

    server = LocalPostgres.start()
    try:
        admin_settings = settings_for(server, "postgres")
        from fleettui.desk.store import init_desk

        init_desk(admin_settings)
        server.stop_server()
        ann = Person(admin_settings, "ann").start()
        ann.until(lambda: ann.control.mirror.status is not None, "the first status")
        text, alert = ann.control.header()
        assert alert and text.startswith("desk ✗ offline")
        assert "offline" in ann.notices()[-1] and server.password not in " ".join(ann.notices())
        ann.control.act("note", [VIN], text="tried twice, voicemail")
        ann.control.act("claim", [VIN])
        ann.until(lambda: sum("offline: kept" in n for n in ann.notices()) == 2, "both kept")
        assert ann.control.header()[0].endswith("· 2 to send")
        on_disk = Outbox(outbox_path(ann.settings.shown, "ann")).items()
        assert [(p.kind, p.text) for p in on_disk] == [
            ("note", "tried twice, voicemail"),
            ("claim", ""),
        ]
        server.start_server()
        ann.until(
            lambda: any("Sent from the outbox: Claimed" in n for n in ann.notices()),
            "the outbox sent",
        )
        assert len(Outbox(outbox_path(ann.settings.shown, "ann"))) == 0
        with Desk.connect(replace(admin_settings, user="bob")) as desk:
            state = desk.work_state([VIN])[VIN]
            assert state.claimed_by == "ann" and state.last_note is not None
            assert state.last_note.text == "tried twice, voicemail"

        # A restart mid-session: the header says so, then that it is back; a claim made
        # by someone else after it reaches this monitor.
        def backs() -> int:
            return sum("The desk is back" in n for n in ann.notices())

        before = backs()
        server.restart()
        ann.until(lambda: any("Lost the desk" in n for n in ann.notices()), "the desk lost")
        ann.until(lambda: backs() == before + 1, "back after the restart")
        assert " · back " in ann.control.header()[0]
        with Desk.connect(replace(admin_settings, user="bob")) as desk:
            desk.claim(["WBA00000000000002"])
        ann.until(
            lambda: ann.control.mirror.claimed_by("WBA00000000000002") == "bob",
            "bob's claim after the restart",
        )
        ann.control.stop()
    finally:
        server.stop()


def _first_status(settings: DeskSettings) -> tuple[str, str]:
    person = Person(settings, "ann").start()
    try:
        person.until(lambda: person.control.mirror.status is not None, "the first status")
        status = person.control.mirror.status
        assert status is not None
        return status.why, person.control.header()[0]
    finally:
        person.control.stop()


def test_a_wrong_password_is_one_line_without_the_password(pg_session) -> None:
    from tests.support.pg_server import settings_for

    good = settings_for(pg_session.server, "postgres")
    bad = replace(good, dsn=pg_session.server.dsn("postgres", password="not-it-9f3"))
    why, header = _first_status(bad)
    assert "password was refused" in why and "not-it-9f3" not in why
    assert pg_session.server.password not in why and "\n" not in why
    assert header == "desk ✗ password refused"


@pytest.mark.parametrize(
    "version,expect",
    [(None, "fleettui desk init"), (0, "fleettui desk init"), (99, "upgrade fleettui")],
)
def test_a_missing_older_or_newer_schema_names_the_fix(
    pg_session, pg_desk, pg_empty, version, expect
) -> None:
    import psycopg

    settings = pg_empty if version is None else pg_desk
    if version is not None:
        with psycopg.connect(settings.dsn, autocommit=True) as conn:
            conn.execute(
                "UPDATE desk_meta SET value = %s WHERE key = 'schema_version'", (str(version),)
            )
    why, header = _first_status(settings)
    assert expect in why and "\n" not in why and "Traceback" not in why
    assert header in ("desk ✗ needs `fleettui desk init`", "desk ✗ schema newer than this fleettui")


def test_an_action_refused_by_the_desk_keeps_its_text() -> None:
    from fleettui.monitor.desk_outbox import Pending

    control = DeskControl(DeskSettings("postgresql://x@127.0.0.1:1/none", "ann"))
    pending = Pending("note", (VIN,), text="the whole text of my note")
    update = control.took(DeskActed(pending, refused="desk …: a note needs some text"))
    [notice] = update.notices
    assert "the whole text of my note" in notice.message and notice.severity == "error"


def test_the_handover_says_who_did_what_and_what_is_urgent_and_unclaimed(pg_desk) -> None:
    ann = Person(pg_desk, "ann")
    with Desk.connect(replace(pg_desk, user="bob")) as desk:
        desk.claim([VIN])
        desk.note(VIN, "rang the fleet operator")
    rows = list(ann.store.snapshot.order)
    read = read_handover(ann.control.settings, ann.control.mirror, 12, rows, NOW)
    assert read.problem == "" and read.report is not None
    assert "bob: claimed 1" in read.text and "rang the fleet operator" in read.text
    assert VIN in read.report.claimed
    urgent = read.report.unclaimed_urgent
    assert urgent and VIN not in urgent  # bob holds it: not "unclaimed and urgent"
    bad = Person(replace(pg_desk, dsn="postgresql://x:y@127.0.0.1:1/none"), "ann")
    down = read_handover(bad.control.settings, bad.control.mirror, 12, rows, NOW)
    assert down.text == "" and "offline" in down.problem and "y@" not in down.problem


def test_the_handover_reads_its_period_on_the_desks_clock(pg_desk: DeskSettings) -> None:
    """A monitor on a fixed clock (the screenshots) reads the handover of its own last
    12 h, and what it writes to the desk is dated by that clock: same input, same text."""
    from datetime import timedelta

    fixed = NOW - timedelta(days=30)
    control = DeskControl(replace(pg_desk, user="ann"), clock=lambda: fixed)
    with Desk.connect(replace(pg_desk, user="bob"), clock=lambda: fixed) as bob:
        bob.claim([VIN])
        bob.note(VIN, "rang the fleet operator")
    read = read_handover(control.settings, control.mirror, 12, [], NOW)
    assert read.problem == "" and read.report is not None
    assert (read.report.since, read.report.until) == (fixed - timedelta(hours=12), fixed)
    assert "bob: claimed 1" in read.text and "rang the fleet operator" in read.text


def test_the_demo_desk_starts_a_server_that_a_second_demo_joins(pg_session, monkeypatch) -> None:
    from fleettui.monitor.demo_desk import demo_desk, shared_dsn_file

    monkeypatch.delenv("FLEETTUI_DESK_DSN", raising=False)
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ann")
    with demo_desk() as first:
        path = shared_dsn_file()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        monkeypatch.setenv("FLEETTUI_DESK_USER", "bob")
        with demo_desk() as second:
            assert second.dsn == first.dsn and (first.user, second.user) == ("ann", "bob")
        with Desk.connect(first) as desk:  # the schema is there
            assert desk.work_state() == {}
    assert not path.exists()
