"""The desk's store on a real PostgreSQL: claims (exactly one winner), notes, snoozes,
presence, handover, export, and the events every change writes."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fleettui.desk.errors import DeskError
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk

VIN = "WBA00000000000001"
VIN2 = "WBA00000000000002"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def as_user(settings: DeskSettings, user: str, host: str = "testhost") -> DeskSettings:
    return replace(settings, user=user, host=host)


def test_claim_then_someone_else_is_told_who_holds_it(pg_desk: DeskSettings) -> None:
    with Desk.connect(as_user(pg_desk, "ana")) as ana, Desk.connect(as_user(pg_desk, "ben")) as ben:
        [won] = ana.claim([VIN.lower()])
        assert won.ok and won.holder == "ana" and not won.already
        [lost] = ben.claim([VIN])
        assert not lost.ok and lost.holder == "ana" and "held by ana" in lost.why
        [again] = ana.claim([VIN])
        assert again.ok and again.already
        assert ben.work_state()[VIN].claimed_by == "ana"
        [refused] = ben.release([VIN])
        assert not refused.ok and refused.holder == "ana"
        [freed] = ana.release([VIN])
        assert freed.ok and freed.holder is None
        assert VIN not in ben.work_state()
        [now_ben] = ben.claim([VIN])
        assert now_ben.ok and now_ben.holder == "ben"
        kinds = [e.kind for e in ana.events_after(0)]
        assert kinds == ["claim", "renew", "release", "claim"]


def test_two_connections_racing_for_one_vin_exactly_one_wins(pg_desk: DeskSettings) -> None:
    """Many rounds of two threads on two connections claiming the same VIN at once."""
    desks = [Desk.connect(as_user(pg_desk, name)) for name in ("ana", "ben")]
    try:
        for round_ in range(40):
            vin = f"RACE{round_:013d}"
            barrier = threading.Barrier(2)
            results: dict[str, bool] = {}
            holders: dict[str, str | None] = {}

            def go(
                desk: Desk,
                vin: str = vin,
                barrier: threading.Barrier = barrier,
                results: dict[str, bool] = results,
                holders: dict[str, str | None] = holders,
            ) -> None:
                barrier.wait()
                [r] = desk.claim([vin])
                results[desk.user] = r.ok
                holders[desk.user] = r.holder

            threads = [threading.Thread(target=go, args=(d,)) for d in desks]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(results.values()) == [False, True], (round_, results)
            winner = next(u for u, ok in results.items() if ok)
            assert set(holders.values()) == {winner}  # the loser is told who won
        events = desks[0].events_after(0, limit=1000)
        assert [e.kind for e in events] == ["claim"] * 40
    finally:
        for d in desks:
            d.close()


def test_overlapping_multi_vin_claims_do_not_deadlock_and_split_cleanly(
    pg_desk: DeskSettings,
) -> None:
    vins = [f"MULTI{i:012d}" for i in range(30)]
    desks = [Desk.connect(as_user(pg_desk, name)) for name in ("ana", "ben")]
    try:
        barrier = threading.Barrier(2)
        got: dict[str, list[str]] = {}

        def go(desk: Desk, order: list[str]) -> None:
            barrier.wait()
            got[desk.user] = [r.vin for r in desk.claim(order) if r.ok]

        threads = [
            threading.Thread(target=go, args=(desks[0], vins)),
            threading.Thread(target=go, args=(desks[1], vins[::-1])),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(got["ana"] + got["ben"]) == vins
        assert not set(got["ana"]) & set(got["ben"])
    finally:
        for d in desks:
            d.close()


def test_claims_expire_unless_renewed(pg_desk: DeskSettings) -> None:
    clock = Clock()
    with (
        Desk.connect(as_user(pg_desk, "ana"), clock=clock) as ana,
        Desk.connect(as_user(pg_desk, "ben"), clock=clock) as ben,
    ):
        assert pg_desk.claim_ttl == timedelta(days=3)
        [r] = ana.claim([VIN, VIN2])[:1]
        assert r.expires_at == clock.now + timedelta(days=3)
        clock.now += timedelta(days=2)
        [renewed] = ana.renew([VIN])
        assert renewed.ok and renewed.expires_at == clock.now + timedelta(days=3)
        [not_mine] = ben.renew([VIN])
        assert not not_mine.ok and not_mine.holder == "ana"
        clock.now += timedelta(days=1, hours=1)  # VIN2 expired, VIN renewed
        state = ben.work_state()
        assert VIN in state and VIN2 not in state
        [taken] = ben.claim([VIN2])
        assert taken.ok and taken.holder == "ben"
        [lost] = ben.claim([VIN])
        assert not lost.ok


def test_hand_gives_a_claim_to_a_named_person_and_not_someone_elses(pg_desk: DeskSettings) -> None:
    with Desk.connect(as_user(pg_desk, "ana")) as ana, Desk.connect(as_user(pg_desk, "ben")) as ben:
        ana.claim([VIN])
        [handed] = ana.hand([VIN], "cleo")
        assert handed.ok and handed.holder == "cleo"
        [refused] = ben.hand([VIN], "ben")
        assert not refused.ok and refused.holder == "cleo"
        ev = ana.events_after(0)[-1]
        assert (ev.kind, ev.payload["claimed_by"], ev.payload["from"]) == ("hand", "cleo", "ana")
        with pytest.raises(DeskError):
            ana.hand([VIN2], "  ")


def test_notes_are_append_only_with_author_and_time(pg_desk: DeskSettings) -> None:
    clock = Clock()
    with Desk.connect(as_user(pg_desk, "ana"), clock=clock) as ana:
        first = ana.note(VIN, "called the owner\x1b[31m, no answer")
        clock.now += timedelta(minutes=5)
        ana.note(VIN, "correction: they answered")
        notes = ana.notes(VIN)
        assert [(n.author, n.at, n.text) for n in notes] == [
            ("ana", first.at, "called the owner [31m, no answer"),
            ("ana", clock.now, "correction: they answered"),
        ]
        ws = ana.work_state([VIN])[VIN]
        assert (
            ws.notes == 2
            and ws.last_note is not None
            and ws.last_note.text.startswith("correction")
        )
        with pytest.raises(DeskError, match="append-only"), ana.conn.tx() as cur:
            cur.execute("UPDATE desk_notes SET text = 'edited'")
        with pytest.raises(DeskError, match="append-only"), ana.conn.tx() as cur:
            cur.execute("DELETE FROM desk_notes")
        assert len(ana.notes(VIN)) == 2
        with pytest.raises(DeskError, match="needs some text"):
            ana.note(VIN, " \n ")


def test_snooze_until_a_time_or_the_next_state_change(pg_desk: DeskSettings) -> None:
    clock = Clock()
    with Desk.connect(as_user(pg_desk, "ana"), clock=clock) as ana:
        ana.snooze(
            [VIN], clock.now + timedelta(hours=2), "waiting for the dealer", states={VIN: "pending"}
        )
        ana.snooze([VIN2], None, "owner on holiday", states={VIN2: "pending"})
        ws = ana.work_state()
        assert ws[VIN].snooze is not None and ws[VIN].snooze.by == "ana"
        assert ws[VIN].snooze.reason == "waiting for the dealer"
        ana.state_changed([(VIN2, "pending")])  # a repeat, not a change
        assert ana.work_state()[VIN2].snooze is not None
        ana.state_changed([(VIN2, "approved")])
        assert VIN2 not in ana.work_state()
        assert ana.events_after(0)[-1].payload == {"why": "state changed to approved"}
        clock.now += timedelta(hours=3)
        assert VIN not in ana.work_state()


def test_presence_counts_people_and_who_looks_at_a_vehicle(pg_desk: DeskSettings) -> None:
    clock = Clock()
    with (
        Desk.connect(as_user(pg_desk, "ana"), clock=clock) as ana,
        Desk.connect(as_user(pg_desk, "ben", "laptop"), clock=clock) as ben,
    ):
        ana.heartbeat(VIN)
        ben.heartbeat(VIN)
        before = len(ana.events_after(0))
        ben.heartbeat(VIN)  # nothing changed: no event
        assert len(ana.events_after(0)) == before
        assert [p.user for p in ana.people_online()] == ["ana", "ben"]
        assert [(p.user, p.host) for p in ana.who_views(VIN)] == [("ben", "laptop")]
        clock.now += timedelta(minutes=5)
        ana.heartbeat(None)
        assert [p.user for p in ana.people_online()] == ["ana"]
        ana.leave()
        assert ana.people_online() == []


def test_handover_reports_the_period_and_export_has_every_action(pg_desk: DeskSettings) -> None:
    clock = Clock()
    with (
        Desk.connect(as_user(pg_desk, "ana"), clock=clock) as ana,
        Desk.connect(as_user(pg_desk, "ben"), clock=clock) as ben,
    ):
        ana.claim([VIN])
        ana.note(VIN, "old news")
        clock.now += timedelta(hours=13)
        start = clock.now - timedelta(hours=12)
        ben.claim([VIN2])
        ben.note(VIN2, "line one\nline two")
        ana.snooze(["VIN3"], None, "later")
        ana.release([VIN])
        report = ana.handover(start, urgent=[VIN, VIN2, "VIN4"])
        assert report.by_person == {
            "ana": {"snooze": ("VIN3",), "release": (VIN,)},
            "ben": {"claim": (VIN2,), "note": (VIN2,)},
        }
        assert [n.text for n in report.notes] == ["line one\nline two"]
        assert set(report.claimed) == {VIN2}
        assert report.unclaimed_urgent == (VIN, "VIN4")
        text = ana.handover_text(start, urgent=[VIN])
        assert "ben: claimed 1" in text and "Still unclaimed and urgent: 1" in text
        assert report.to_json()["claimed"][VIN2]["by"] == "ben"
        rows = ana.export()
        assert [(r["kind"], r["by"], r["vin"]) for r in rows] == [
            ("claim", "ana", VIN),
            ("note", "ana", VIN),
            ("claim", "ben", VIN2),
            ("note", "ben", VIN2),
            ("snooze", "ana", "VIN3"),
            ("release", "ana", VIN),
        ]
        assert rows[1]["text"] == "old news"


def test_event_ids_notify_and_read_in_order(pg_desk: DeskSettings) -> None:
    import psycopg

    with psycopg.connect(pg_desk.dsn, autocommit=True) as listener, Desk.connect(pg_desk) as desk:
        listener.execute("LISTEN fleettui_desk")
        desk.claim([VIN, VIN2])
        notes = list(listener.notifies(timeout=10, stop_after=1))
        ids = [e.id for e in desk.events_after(0)]
        assert notes and notes[0].payload == str(ids[-1])  # the id only
        assert ids == sorted(ids) and len(ids) == 2
