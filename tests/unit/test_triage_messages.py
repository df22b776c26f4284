"""The message each queue needs: in-car steps for drivers, the fix for the operator, what
the provider's support asks for (as text and CSV); provider text stays data."""

from __future__ import annotations

import csv
import io

from fleettui.core import reasons as R
from fleettui.core.reasons import Actor
from fleettui.core.store import FleetStore
from fleettui.triage.board import STUCK
from fleettui.triage.messages import CSV_HEADERS, message_csv, message_text, subject
from fleettui.triage.queues import build_board
from tests.support.fleets import NOW, seeded, vdict


def board_of(*vehicles):  # noqa: ANN201
    store = FleetStore()
    store.apply(store.prepare(list(vehicles), NOW))
    return build_board(store.snapshot.order, NOW)


def test_driver_message_says_what_to_do_in_the_car_and_by_when():
    board = board_of(
        vdict(
            "WVW00000000000001",
            "pending",
            "volkswagen",
            reason=R.PRIVACY_MODE,
            tags={"depot": "Berlin"},
            log=[
                ("2026-10-25T12:00:00Z", "pending", None),
                ("2026-10-25T14:00:00Z", "pending", R.PRIVACY_MODE),
            ],
        ),
        vdict(
            "WAU00000000000002",
            "pending",
            "audi",
            reason=R.PRIVACY_MODE,
            log=[
                ("2026-10-28T12:00:00Z", "pending", None),
                ("2026-10-28T13:00:00Z", "pending", R.PRIVACY_MODE),
            ],
        ),
    )
    [q] = board.queues
    assert q.actor is Actor.DRIVER
    text = message_text(q, NOW)
    assert text.startswith("To the drivers of 2 vehicles (Volkswagen, Audi): ")
    assert "Switch privacy mode off in the car's settings" in text
    assert "before 2026-11-04 (an estimate)" in text  # added 25 Oct + ~10 days
    lines = text.splitlines()
    first = lines.index("The vehicles:") + 1
    assert lines[first].startswith("  - WVW00000000000001  volkswagen  rejects in ~3 d")
    assert "depot=Berlin" in lines[first]
    assert lines[first + 1].startswith("  - WAU00000000000002")


def test_support_message_has_every_field_their_guide_asks_for():
    board = board_of(
        vdict(
            "VF100000000000001",
            "rejected",
            "renault",
            reason=R.INVALID_OEM_STATE,
            log=[
                ("2026-10-20T09:00:00Z", "pending", None),
                ("2026-10-21T10:30:00Z", "rejected", R.INVALID_OEM_STATE),
            ],
        )
    )
    [q] = board.queues
    assert q.actor is Actor.HM_SUPPORT
    text = message_text(q, NOW)
    assert text.startswith(
        "To: support@high-mobility.com\nSubject: Fleet clearance: 1 "
        'Renault vehicle rejected with "invalid OEM state"\n'
    )
    for line in (
        "VIN:     VF100000000000001",
        "Brand:   renault",
        "Added:   2026-10-20T09:00:00Z",
        "State:   rejected since 2026-10-21T10:30:00Z",
        "Reason:  invalid OEM state",
        "History: 2026-10-20T09:00:00Z pending | 2026-10-21T10:30:00Z rejected invalid OEM state",
    ):
        assert line in text.splitlines()
    assert subject(q) in text


def test_readded_vehicle_reports_the_latest_added_date():
    board = board_of(
        vdict(
            "VF100000000000001",
            "rejected",
            "dacia",
            reason=R.INVALID_OEM_STATE,
            log=[
                ("2026-09-01T09:00:00Z", "pending", None),
                ("2026-09-02T09:00:00Z", "rejected", R.UNSPECIFIED),
                ("2026-10-20T09:00:00Z", "pending", None),
                ("2026-10-21T10:30:00Z", "rejected", R.INVALID_OEM_STATE),
            ],
        )
    )
    rows = list(csv.DictReader(io.StringIO(message_csv(board.queues[0]))))
    assert rows[0]["added"] == "2026-10-20T09:00:00Z"
    assert rows[0]["changelog"].count(" | ") == 3


def test_operator_message_names_the_fix_and_stuck_queue_asks_support():
    board = board_of(
        vdict("WVW00000000000001", "rejected", "volkswagen", reason=R.CUSTOMER_NAME_TAG_MISSING),
        vdict("WVW00000000000002", "approved", "volkswagen", tags={R.VW_CUSTOMER_TAG: "ACME"}),
        vdict(
            "WBA00000000000003", "pending", "bmw", log=[("2026-10-25T12:00:00Z", "pending", None)]
        ),
    )
    tag, stuck = (
        next(q for q in board.queues if q.reason == R.CUSTOMER_NAME_TAG_MISSING),
        next(q for q in board.queues if q.kind == STUCK),
    )
    text = message_text(tag, NOW)
    assert "vw-group-customer-name" in text
    assert (
        "fleettui can do this: Re-add these vehicles with the tag vw-group-customer-name = ACME."
        in text
    )
    stuck_text = message_text(stuck, NOW)
    assert "pending with no reason" in stuck_text and "WBA00000000000003" in stuck_text
    assert stuck.actor is Actor.HM_SUPPORT


def test_csv_has_the_documented_header_and_quotes_formula_cells():
    board = board_of(
        vdict(
            "=HYPERLINK(1)", "rejected", "bmw", reason="+cmd|' /C calc'!A0", tags={"depot": "@home"}
        )
    )
    out = message_csv(board.queues[0])
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_HEADERS
    vin, reason, tags = rows[1][0], rows[1][4], rows[1][8]
    assert vin == "'=HYPERLINK(1)" and reason.startswith("'+cmd") and tags == "depot=@home"


def test_control_characters_never_reach_the_message():
    board = board_of(
        vdict("WBA0000000000000\x1b", "rejected", "bmw", reason="evil\x1b]52;c;AAAA\x07\nreason")
    )
    text = message_text(board.queues[0], NOW) + message_csv(board.queues[0])
    assert "\x1b" not in text and "\x07" not in text


def test_a_preview_shows_the_first_vehicles_and_counts_the_rest():
    engine, store = seeded(300)
    board = build_board(store.snapshot.order, engine.now())
    q = max(board.queues, key=lambda q: q.count)
    preview = message_text(q, engine.now(), limit=3)
    full = message_text(q, engine.now())
    assert preview.endswith(f"… and {q.count - 3} more vehicles\n")
    assert all(v in full for v in q.vins)
    assert sum(v in preview for v in q.vins) == 3
