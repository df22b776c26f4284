"""The desk's Textual-free monitor parts that need no server: the `claimed:` filter
terms (read live through a lookup), the offline outbox on disk, the triage board's snoozes."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fleettui.core.query import parse_query
from fleettui.core.query_terms import NO_DESK
from fleettui.core.store import FleetStore
from fleettui.core.timefmt import short_local
from fleettui.desk.model import ClaimResult, iso
from fleettui.monitor.desk_notices import acted_notices
from fleettui.monitor.desk_outbox import Outbox, Pending, outbox_path
from fleettui.monitor.desk_results import DeskActed
from tests.support.fleets import NOW, small_fleet

VIN = "WBA00000000000001"


@dataclass
class Claims:
    me: str = "ann"
    held: dict[str, str] = field(default_factory=dict)

    def claimed_by(self, vin: str) -> str | None:
        return self.held.get(vin)


def ends(query: str, rows, claims: Claims) -> list[str]:
    q = parse_query(query, claims)
    assert q.error is None, q.error
    return [r.vin[-1] for r in q.filter(rows)]


def test_claimed_terms_ask_the_lookup_live(rows):
    claims = Claims(held={rows[0].vin: "ann", rows[2].vin: "Bob"})
    assert ends("claimed:me", rows, claims) == ["1"]
    assert ends("claimed:bob", rows, claims) == ["3"]  # case does not matter
    assert ends("claimed:any", rows, claims) == ["1", "3"]
    assert ends("claimed:none", rows, claims) == ["2", "4", "5", "6"]
    assert ends("claimed:me,bob", rows, claims) == ["1", "3"]
    assert ends("-claimed:none", rows, claims) == ["1", "3"]
    query = parse_query("claimed:me", claims)
    assert query.uses_claims and not parse_query("state:pending", claims).uses_claims
    claims.held[rows[1].vin] = "ann"  # a claim made meanwhile: no re-parse needed
    assert [r.vin[-1] for r in query.filter(rows)] == ["1", "2"]


def test_claimed_without_a_desk_says_how_to_get_one(rows):
    q = parse_query("claimed:me")
    assert q.error == NO_DESK and "--desk" in q.error
    assert parse_query("claimed:", Claims()).error.startswith("claimed: needs a value")


def test_the_store_refilters_only_a_claims_filter_when_claims_change(rows):
    store = FleetStore()
    claims = Claims()
    store.claims = claims
    store.apply(store.prepare(small_fleet(), NOW))
    assert store.set_query("claimed:me").error is None
    assert len(store.view.rows) == 0
    claims.held[rows[3].vin] = "ann"
    assert store.claims_changed() is True
    assert [r.vin for r in store.view.rows] == [rows[3].vin]
    store.set_query("state:pending")
    assert store.claims_changed() is False


def test_the_outbox_keeps_actions_across_a_restart_in_order(tmp_path):
    path = outbox_path("postgresql://ann@db/desk", "ann")
    assert "ann@db" not in path.name
    box = Outbox(path)
    now = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    assert box.add(Pending("note", ("WBA1",), text="called the driver, no answer"), now) is None
    box.add(Pending("claim", ("WBA1", "WBA2")), now)
    note = box.items()[0]
    assert note.typed_at == "2026-12-06T20:00:00+00:00"
    again = Outbox(path)  # a new monitor process
    assert [(p.kind, p.vins, p.text) for p in again.items()] == [
        ("note", ("WBA1",), "called the driver, no answer"),
        ("claim", ("WBA1", "WBA2"), ""),
    ]
    again.done(note.id)
    assert [p.kind for p in Outbox(path).items()] == ["claim"]
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_an_unreadable_outbox_is_moved_aside_and_said(tmp_path):
    path = outbox_path("desk", "ann")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    box = Outbox(path)
    assert len(box) == 0 and box.problem and "moved to" in box.problem
    assert path.with_name(path.name + ".unreadable").read_text() == "{not json"
    path.write_text(
        json.dumps(
            {
                "pending": [
                    {"kind": "claim", "vins": ["WBA1"], "id": "x"},
                    {"kind": "rm -rf", "vins": ["WBA1"]},
                ]
            }
        )
    )
    box = Outbox(path)
    assert [p.kind for p in box.items()] == ["claim"] and "1 entries" in (box.problem or "")


def test_a_pending_action_describes_itself_with_its_whole_text():
    note = Pending("note", ("WBA1",), text="line\x1b[31m one")
    assert note.describe() == 'note on WBA1: "line one"'  # no escape reaches the screen
    assert Pending("snooze", ("A", "B", "C", "D"), text="driver on holiday").describe() == (
        "snooze A, B, C +1 until its next state change (driver on holiday)"
    )
    assert Pending("hand", ("A",), to_user="bob").describe() == "hand A to bob"


def test_the_triage_board_leaves_snoozed_vehicles_out_and_says_who_holds_each(rows):
    from fleettui.core.states import State
    from fleettui.desk.model import DeskEvent
    from fleettui.monitor.desk_state import DeskMirror
    from fleettui.triage.queues import build_board

    pending = [r for r in rows if r.state is State.PENDING]
    assert len(pending) >= 2
    first, second = pending[0].vin, pending[1].vin
    mirror = DeskMirror("ann", clock=lambda: NOW)
    at = NOW
    mirror.apply(
        [
            DeskEvent(
                1,
                "snooze",
                first,
                "bob",
                at,
                {"until": None, "reason": "holiday", "state": "pending"},
            ),
            DeskEvent(
                2,
                "claim",
                second,
                "bob",
                at,
                {"claimed_by": "bob", "expires_at": "2099-01-01T00:00:00Z"},
            ),
        ]
    )
    plain = build_board(rows, NOW)
    board = build_board(rows, NOW, desk=mirror)
    assert board.snoozed == 1 and board.count() == plain.count() - 1
    items = {i.vin: i for q in board.queues for i in q.items}
    assert first not in items and items[second].claimed_by == "bob"
    # the snooze lasts until the next state change: a vehicle no longer pending is back
    assert mirror.snooze_of(first, "rejected") is None and mirror.snooze_of(first, "pending")


def test_a_snooze_end_is_a_duration_a_local_time_or_the_next_state_change():
    from datetime import timedelta

    from fleettui.core.timefmt import parse_until

    now = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    assert parse_until("", now) is None
    assert parse_until("4h", now) == now + timedelta(hours=4)
    assert parse_until("1d12h", now) == now + timedelta(hours=36)
    assert parse_until("2026-12-07T09:00:00+00:00", now) == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="next state change"):
        parse_until("tomorrowish", now)
    with pytest.raises(ValueError, match="already past"):
        parse_until("2026-12-01T09:00:00+00:00", now)


def test_times_on_this_machine_are_local_and_short():
    here = datetime(2026, 12, 7, 22, 10, tzinfo=timezone(timedelta(hours=1)))
    at = datetime(2026, 12, 7, 23, 5, tzinfo=UTC)  # 00:05 tomorrow, local
    assert short_local(at, here) == "tomorrow 00:05"
    assert short_local(here - timedelta(hours=2), here) == "20:10"
    assert short_local(here - timedelta(days=1), here) == "yesterday 22:10"
    assert short_local(here + timedelta(days=3), here) == "Thu 22:10"
    assert short_local(here + timedelta(days=30), here) == "6 Jan 2027 22:10"
    assert short_local(here - timedelta(days=20), here) == "17 Nov 22:10"


def test_a_refused_claim_names_the_holder_and_a_local_short_time():
    here = datetime(2026, 12, 7, 22, 10, tzinfo=timezone(timedelta(hours=1)))
    until = datetime(2026, 12, 8, 8, 30, tzinfo=UTC)
    lost = ClaimResult(VIN, False, "ana\x1b[2J", until, why=f"held by ana until {iso(until)}")
    done = DeskActed(Pending("claim", (VIN,)), results=(lost,))
    [notice] = acted_notices(done, here)
    assert notice.message == f"{VIN} not claimed: held by ana until tomorrow 09:30."
    assert "2026-12-08T" not in notice.message and "\x1b" not in notice.message
    # nobody holds it any more (released meanwhile): the desk's own words
    gone = ClaimResult(VIN, False, None, why="changed meanwhile; try again")
    [notice] = acted_notices(DeskActed(Pending("claim", (VIN,)), results=(gone,)), here)
    assert notice.message.endswith("not claimed: changed meanwhile; try again.")
