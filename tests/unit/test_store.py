"""FleetStore: diffs, state changes, recent marks, sort, filter, counts, stale settings."""

from __future__ import annotations

import pytest

import fleettui.core.store as store_module
from fleettui.core.compact import compact, kept, same
from fleettui.core.rows import _UNSET, build_row, expand
from fleettui.core.sorting import SORT_COLUMNS
from fleettui.core.states import State
from fleettui.core.store import FleetStore
from fleettui.core.vehicle import Vehicle
from tests.support.fleets import NOW, small_fleet, vdict


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def loaded(fleet=None, **kw) -> FleetStore:
    store = FleetStore(**kw)
    assert store.apply(store.prepare(fleet or small_fleet(), NOW))
    return store


def shown(store: FleetStore) -> list[str]:
    return [store.row(i).vin[-1] for i in range(len(store))]


def test_first_load_counts_and_default_state_order():
    store = loaded()
    assert store.total == len(store) == 6
    assert shown(store) == ["2", "4", "1", "3", "5", "6"]  # life-cycle order, then VIN
    assert store.counts_all == {
        State.APPROVED: 1,
        State.PENDING: 2,
        State.REJECTED: 1,
        State.REVOKED: 1,
        State.CANCELING: 1,
    }
    assert store.now == NOW


def test_diff_reports_added_removed_changed_and_state_changes():
    clock = FakeClock()
    store = loaded(clock=clock, recent_seconds=30)
    fleet = small_fleet()
    fleet[1] = vdict("WBA00000000000002", "rejected", "mini", reason="consent declined")
    fleet[0] = {**fleet[0], "tags": {"fleet": "east"}}  # data change, same state
    del fleet[4]  # removed
    fleet.append(vdict("WBA00000000000007", "pending"))  # added
    first_rows = {v: store.row_for(v) for v in ("WVW00000000000004", "ZFA00000000000006")}
    p = store.prepare(fleet, NOW)
    d = p.diff
    assert d.added == ("WBA00000000000007",)
    assert d.removed == ("1FT00000000000005",)
    assert set(d.changed) == {"WBA00000000000001", "WBA00000000000002"}
    assert [(c.vin, c.old, c.new, c.reason) for c in d.state_changes] == [
        ("WBA00000000000002", State.PENDING, State.REJECTED, "consent declined")
    ]
    assert [c.vin for c in d.newly_rejected] == ["WBA00000000000002"]
    assert store.total == 6 and store.row_for("1FT00000000000005") is not None  # not applied yet
    store.apply(p)
    assert store.row_for("1FT00000000000005") is None
    for vin, row in first_rows.items():  # unchanged rows keep their version, compacted
        assert store.row_for(vin).version == row.version
        assert type(store.row_for(vin).src) is tuple
    assert store.is_recent("WBA00000000000002") and store.is_recent("WBA00000000000007")
    assert not store.is_recent("WBA00000000000001")  # changed, but not its state
    clock.t += 31
    assert not store.is_recent("WBA00000000000002")
    assert store.next_recent_expiry() is None


def test_first_load_marks_nothing_recent():
    store = loaded(clock=FakeClock())
    assert store.next_recent_expiry() is None
    assert not any(store.is_recent(store.row(i).vin) for i in range(len(store)))


def test_unchanged_refresh_reuses_rows_and_order():
    store = loaded()
    first = store.prepare(small_fleet(), NOW)  # first refresh: compact copies
    assert first.diff.changed == ()
    assert all(first.snapshot.by_vin[r.vin] is r for r in first.snapshot.order)
    assert all(type(r.src) is tuple for r in first.view.rows)
    store.apply(first)
    before = store.snapshot.order
    p = store.prepare(small_fleet(), NOW)
    assert p.diff.changed == () and p.diff.added == () and p.diff.removed == ()
    assert p.snapshot.order is before


def test_rows_keep_nothing_of_a_later_payload():
    store = loaded()
    payload = small_fleet()
    payload[1] = vdict("WBA00000000000002", "approved", "mini", tags={"k": "v"})
    store.apply(store.prepare(payload, NOW))
    kept = {id(x) for obj in payload for x in (obj, obj["vin"], obj["status"], obj["brand"])}
    for row in store.snapshot.order:
        assert type(row.src) is tuple
        assert not {id(row.src[0]), id(row.vin), id(row.src[1]), id(row.src[2])} & kept
        assert store.vehicle(row.vin) == Vehicle.from_api(
            next(o for o in payload if o["vin"] == row.vin)
        )


def test_partial_update_merges_into_the_fleet():
    store = loaded()
    p = store.prepare([vdict("ZFA00000000000006", "canceled", "fiat")], NOW, partial=True)
    store.apply(p)
    assert store.total == 6
    assert store.row_for("ZFA00000000000006").state is State.CANCELED
    assert p.diff.state_changes[0].old is State.CANCELING


def test_objects_without_vin_are_skipped_and_vehicles_accepted():
    objs = [
        *small_fleet()[:2],
        {"status": "pending"},
        "junk",
        Vehicle.from_api(vdict("SAL00000000000009", "approved", "tesla")),
    ]
    store = loaded(objs)
    assert store.total == 3
    assert loaded(objs).snapshot.by_vin["SAL00000000000009"].state is State.APPROVED
    fresh = FleetStore()
    assert fresh.prepare(objs, NOW).diff.skipped == 2


def test_row_fields_match_the_vehicle_model():
    odd = [
        vdict("WBA00000000000001", "pending", reason="waiting"),
        {
            "vin": " wba0000000000000x ",
            "status": "Approved",
            "brand": " BMW ",
            "changelog": [
                {"timestamp": "2026-10-02T10:00:00+02:00", "status": "approved"},
                {"timestamp": "2026-10-01T10:00:00", "status": "pending"},
            ],
        },
        {
            "vin": "WBA00000000000003",
            "status": "rejected",
            "brand": "bmw",
            "changelog": [
                {"timestamp": "2026-10-01T10:00:00.123456Z", "status": "pending"},
                {"timestamp": "2026-10-03T10:00:00", "status": "rejected", "reason": "no consent"},
            ],
        },
        {"vin": "WBA00000000000004", "status": "mystery", "brand": "bmw"},
        {
            "vin": "WBA00000000000005",
            "status": "approved",
            "brand": "bmw",
            "changelog": [
                {"timestamp": "2026-10-03T10:00:00Z", "status": "pending", "reason": "old"}
            ],
        },
    ]
    for obj in odd:
        row, v = build_row(obj, 1), Vehicle.from_api(obj)
        assert (row.vin, row.brand, row.state, row.reason) == (v.vin, v.brand, v.state, v.reason)
        assert row.since_dt() == v.state_since
        assert row.vehicle == v


@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_sort_every_column_both_directions(column):
    store = loaded([*small_fleet(), vdict("AAA00000000000000", "approved", log=[])])
    store.set_sort(column, False)
    up = [store.row(i) for i in range(len(store))]
    store.set_sort(column, True)
    down = [store.row(i) for i in range(len(store))]
    assert sorted(r.vin for r in up) == sorted(r.vin for r in down)
    key = {
        "vin": lambda r: r.vin,
        "brand": lambda r: r.brand_display.lower(),
        "state": lambda r: list(State).index(r.state),
        "reason": lambda r: (r.reason or "").lower(),
        "time": lambda r: r.since or "",
        "tags": lambda r: r.tags_text.lower(),
    }[column]
    optional = column in ("reason", "tags", "time")
    present_up = [key(r) for r in up if not optional or key(r)]
    present_down = [key(r) for r in down if not optional or key(r)]
    if column == "time":  # ascending time in state = latest start first
        assert present_up == sorted(present_up, reverse=True)
        assert present_down == sorted(present_down)
    else:
        assert present_up == sorted(present_up)
        assert present_down == sorted(present_down, reverse=True)
    if optional:  # rows without a value last both ways
        assert not key(up[-1]) and not key(down[-1])
        assert key(up[0]) and key(down[0])


def test_brand_sort_reads_accented_names_as_a_reader_does():
    """Škoda sorts among the S's: before Volvo, after Seat and Renault; an unknown brand
    with an accent is folded the same way."""
    fleet = [
        vdict(f"TMB0000000000000{i}", "approved", brand)
        for i, brand in enumerate(("volvo-cars", "skoda", "seat", "renault", "Émile", "zeta"))
    ]
    store = loaded(fleet)
    store.set_sort("brand", False)
    assert [store.row(i).brand for i in range(len(store))] == [
        "émile",
        "renault",
        "seat",
        "skoda",
        "volvo-cars",
        "zeta",
    ]


def test_sort_ties_keep_vin_order_and_toggle_flips():
    store = loaded()
    store.set_sort("state")
    pending = [store.row(i).vin for i in range(len(store)) if store.row(i).state is State.PENDING]
    assert pending == sorted(pending)
    store.toggle_sort("state")
    assert store.sort == ("state", True)
    store.toggle_sort("brand")
    assert store.sort == ("brand", False)
    with pytest.raises(ValueError):
        store.set_sort("colour")


def test_filter_counts_follow_and_bad_query_keeps_previous():
    store = loaded()
    store.set_query("state:pending")
    assert shown(store) == ["2", "4"]
    assert store.counts_shown == {State.PENDING: 2}
    assert store.counts_all[State.APPROVED] == 1
    q = store.set_query("state:nonsense")
    assert q.error and store.query_error == q.error
    assert shown(store) == ["2", "4"]
    store.set_query("")
    assert len(store) == 6 and store.query_error is None


def test_lookups():
    store = loaded()
    vin = store.row(3).vin
    assert store.index_of(vin) == 3
    assert store.vehicle(vin).vin == vin
    assert store.index_of("NOPE") is None and store.vehicle("NOPE") is None
    store.set_query("state:approved")
    assert store.index_of(vin) is None


def test_apply_recomputes_when_sort_or_query_changed_during_prepare():
    store = loaded()
    p = store.prepare(small_fleet() + [vdict("AAA00000000000008", "pending")], NOW)
    store.set_sort("vin", True)
    store.set_query("state:pending")
    store.apply(p)
    assert shown(store) == ["4", "2", "8"]
    assert store.view.sort == "vin" and store.view.descending


def test_an_older_prepare_never_replaces_newer_data():
    store = loaded()
    older = store.prepare(small_fleet()[:2], NOW)
    newer = store.prepare(small_fleet()[:3], NOW)
    assert store.apply(newer)
    assert not store.apply(older)
    assert store.total == 3


def test_warm_precomputes_lazy_fields():
    store = FleetStore()
    p = store.prepare(small_fleet(), NOW)
    p.warm()
    row = p.snapshot.by_vin["WBA00000000000002"]
    assert row._search is not None and "privacy" in row._search


# -- compact copies -------------------------------------------------------------------


def test_round_trip_and_same():
    for obj in small_fleet():
        c = compact(obj)
        assert c is not None and same(c, obj)
        assert Vehicle.from_api(expand(c)) == Vehicle.from_api(obj)
        changed = {
            **obj,
            "changelog": [
                *obj["changelog"],
                {"timestamp": "2026-11-02T00:00:00Z", "status": "approved"},
            ],
        }
        assert not same(c, changed)
        assert not same(c, {**obj, "tags": {"x": "y"}})
        assert not same(c, {**obj, "extra": 1})


def test_odd_shapes_are_not_compacted_but_still_become_rows():
    odd = {
        "vin": "WBA00000000000001",
        "status": "approved",
        "brand": "bmw",
        "tags": {"n": 3},
        "changelog": [],
    }
    assert compact(odd) is None
    row = build_row(kept(odd), 1)
    assert row.vin == "WBA00000000000001" and row.tags == {"n": "3"}  # as JSON text
    assert row.src is not odd


def test_compact_rows_match_dict_rows():
    fleet = [
        *small_fleet(),
        vdict(
            "WBA00000000000009",
            "pending",
            reason="x",
            log=[
                ("2026-10-02T10:00:00Z", "pending", "x"),
                ("2026-10-01T10:00:00Z", "pending", None),
            ],
        ),
    ]
    for obj in fleet:
        a, b = build_row(obj, 1), build_row(kept(obj), 1)
        assert (a.vin, a.brand, a.state, a.reason, a.since, a.tags_text, a.search) == (
            b.vin,
            b.brand,
            b.state,
            b.reason,
            b.since,
            b.tags_text,
            b.search,
        )
        assert a.vehicle == b.vehicle


def test_consume_empties_the_payload_and_replaced_rows_are_released(monkeypatch):
    released = []
    monkeypatch.setattr(
        "fleettui.core.store.release_later",
        lambda items, delay: released.append((len(items), delay)),
    )
    monkeypatch.setattr("fleettui.core.store.FREEZE_AT", 5)
    real_paused = store_module.collector_paused
    monkeypatch.setattr(
        store_module, "collector_paused", lambda freeze, collect=True: real_paused(False)
    )
    store = FleetStore(release_delay=0.5)
    payload = small_fleet()
    store.apply(store.prepare(payload, NOW, consume=True))
    assert payload == [] and store.total == 6
    store.apply(store.prepare(small_fleet()[:4], NOW))
    assert released == [(6, 0.5)]
    store.apply(store.prepare(small_fleet()[:3], NOW))  # small snapshots are just dropped
    assert released == [(6, 0.5)]


def test_memory_helpers():
    import gc

    from fleettui.core.memory import clear_in_slices, collector_paused

    items = list(range(5_001))
    clear_in_slices(items)
    assert items == []
    was = gc.isenabled()
    with collector_paused(freeze=False):
        assert not gc.isenabled()
    assert gc.isenabled() == was


def test_row_to_api_for_every_source():
    payload = small_fleet()
    store = loaded(payload)
    store.apply(store.prepare(small_fleet(), NOW))  # rows become compact copies
    vehicle = Vehicle.from_api(vdict("SAL00000000000009", "approved", "tesla"))
    store.apply(store.prepare([vehicle], NOW, partial=True))
    for obj in [*small_fleet(), vehicle.to_api()]:
        assert Vehicle.from_api(store.row_for(obj["vin"]).to_api()) == Vehicle.from_api(obj)


def test_parse_json_list_matches_json_loads():
    import json

    from fleettui.core.memory import parse_json_list

    big = json.dumps([*small_fleet() * 200, 1, "x", None, [], {}])
    assert len(big) > 100_000
    assert parse_json_list(big) == json.loads(big)
    assert parse_json_list(big.encode()) == json.loads(big)
    assert parse_json_list(" \n[ ]" + " " * 100_000) == []
    assert parse_json_list('{"a": 1}') == {"a": 1}
    pad = " " * 100_000
    for bad in ("[1,,2]", "[1 2]", "[1,]", "[1] x", "[1", "[{]"):
        with pytest.raises(json.JSONDecodeError):
            parse_json_list(bad + pad)


def test_compact_payloads_diff_like_dicts():
    import json

    from fleettui.core.compact import compact_or_keep
    from fleettui.core.memory import parse_json_list

    store = loaded()  # rows over the first payload's dicts
    fleet = small_fleet()
    fleet[2] = vdict("VF300000000000003", "approved", "peugeot")
    fleet.append({**vdict("WBA00000000000008", "pending"), "odd": True})
    body = json.dumps(fleet + [1] * 30_000)[:-1] + "]"
    parsed = parse_json_list(body, each=compact_or_keep)[: len(fleet)]
    assert type(parsed[0]) is tuple and type(parsed[-1]) is dict
    p = store.prepare(parsed, NOW)
    assert p.diff.changed == ("VF300000000000003",) and p.diff.added == ("WBA00000000000008",)
    store.apply(p)
    again = store.prepare([compact_or_keep(o) for o in fleet], NOW)
    assert again.diff.changed == () and again.diff.added == ()
    assert store.vehicle("VF300000000000003").state is State.APPROVED


def test_first_load_from_compact_copies():
    from fleettui.core.compact import compact_or_keep

    store = loaded([compact_or_keep(o) for o in small_fleet()])
    assert store.total == 6 and shown(store) == ["2", "4", "1", "3", "5", "6"]
    assert store.row_for("WBA00000000000002").reason == "privacy mode is enabled"
    assert store.vehicle("VF300000000000003") == Vehicle.from_api(small_fleet()[2])


def test_random_refreshes_keep_snapshot_view_and_index_consistent():
    import random

    from fleettui.core.compact import compact_or_keep

    rng = random.Random(7)
    statuses = ["pending", "approved", "rejected", "revoked", "canceling"]
    fleet = {f"WBA{i:014d}": vdict(f"WBA{i:014d}", rng.choice(statuses)) for i in range(40)}
    store = FleetStore()
    for step in range(30):
        for vin in rng.sample(sorted(fleet), 5):
            fleet[vin] = vdict(vin, rng.choice(statuses), reason=rng.choice([None, "r1", "r2"]))
        if rng.random() < 0.3:
            fleet.pop(rng.choice(sorted(fleet)))
        if rng.random() < 0.3:
            vin = f"NEW{step:014d}"
            fleet[vin] = vdict(vin, "pending")
        objs = [compact_or_keep(o) if rng.random() < 0.5 else o for o in fleet.values()]
        if rng.random() < 0.2:
            store.set_query(rng.choice(["", "state:pending", "-r1", "wba"]))
        if rng.random() < 0.2:
            store.set_sort(rng.choice(SORT_COLUMNS), rng.random() < 0.5)
        store.apply(store.prepare(objs, NOW))
        snap = store.snapshot
        assert [r.vin for r in snap.order] == sorted(fleet)
        assert all(snap.by_vin[r.vin] is r for r in snap.order)
        for vin, obj in fleet.items():
            assert store.vehicle(vin) == Vehicle.from_api(obj)
        for i, row in enumerate(store.view.rows):
            assert store.index_of(row.vin) == i and snap.by_vin[row.vin] is row
            assert store.query.matches(row)
        assert sum(store.counts_all.values()) == len(fleet)


def test_compact_rows_read_the_changelog_lazily_and_match_dict_rows():
    odd = vdict(
        "WBA00000000000007",
        "pending",
        reason="x",
        log=[
            ("2026-10-25T12:00:00.250Z", "pending", None),
            ("2026-10-25T13:00:00+00:00", "pending", "waiting for OTA update"),
        ],
    )
    for obj in [*small_fleet(), odd]:
        from_dict = build_row(obj, 1)
        row = build_row(compact(obj), 1)
        assert row._since is row._reason is _UNSET  # nothing read yet
        assert (row.reason, row.since) == (from_dict.reason, from_dict.since)
        assert (row.reason, row.since) == (row.vehicle.reason, from_dict.since)


def test_big_loads_warm_rows_in_the_background(monkeypatch):
    import threading

    monkeypatch.setattr(store_module, "FREEZE_AT", 5)
    started = []
    real = store_module.warm_in_background

    def spy(rows):
        started.append(rows)
        real(rows)

    monkeypatch.setattr(store_module, "warm_in_background", spy)
    store = FleetStore()
    store.apply(store.prepare([compact(v) for v in small_fleet()], NOW))
    assert len(started) == 1 and started[0] is store.snapshot.order
    for t in threading.enumerate():
        if t.name == "fleettui-warm":
            t.join(60)  # a hang guard: the warm-up must finish; load only slows it
    assert all(r._search is not None and r._since is not _UNSET for r in store.snapshot.order)
    store.apply(store.prepare([compact(v) for v in small_fleet()], NOW))  # nothing changed
    changed = [compact(v) for v in small_fleet()]
    changed[1] = compact(vdict("WBA00000000000002", "approved", "mini"))
    store.apply(store.prepare(changed, NOW))  # changed rows are warmed by the prepare
    assert len(started) == 1 and store.row_for("WBA00000000000002")._search is not None


def test_copied_compact_is_equal_and_shares_no_per_vehicle_strings():
    from fleettui.core.compact import copied

    c = compact(small_fleet()[1])
    d = copied(c)
    assert d == c and d is not c
    assert d[0] is not c[0] and all(a[0] is not b[0] for a, b in zip(d[4], c[4], strict=True))


def test_refresh_rows_do_not_keep_the_payloads_tuples():
    def fleet():
        extra = (vdict(f"WBZ0000000000{i:04}", "approved") for i in range(30))
        return [compact(v) for v in (*small_fleet(), *extra)]

    store = loaded(fleet())
    changed = fleet()
    changed[0] = compact(vdict("WBA00000000000001", "revoked", "bmw", tags={"fleet": "north"}))
    store.apply(store.prepare(list(changed), NOW))
    row = store.row_for("WBA00000000000001")
    assert row.src == changed[0] and row.src is not changed[0]


def test_vehicle_list_body_is_freed_with_its_response():
    import gc
    import json
    import weakref

    import httpx

    from fleettui.api.wire import read_vehicle_list

    body = json.dumps(small_fleet()).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    was = gc.isenabled()
    gc.disable()
    try:
        with httpx.Client(transport=transport, base_url="http://fleet.test") as http:
            response = http.get("/v1/fleets/vehicles")
            good, skipped = read_vehicle_list(response, compact=True)
            gone = weakref.ref(response)
            del response
            assert gone() is None  # freed by reference counting, no collector pass needed
    finally:
        if was:
            gc.enable()
    assert len(good) == 6 and skipped == 0 and good == [compact(v) for v in small_fleet()]


def test_parsing_a_refresh_reuses_the_stores_unchanged_tuples():
    import json

    import httpx

    from fleettui.api.wire import read_vehicle_list

    store = loaded([compact(v) for v in small_fleet()])
    fleet = small_fleet()
    fleet[1] = vdict("WBA00000000000002", "approved", "mini")
    fleet[2]["extra"] = 1  # not the plain API shape: kept as a dict
    response = httpx.Response(200, content=json.dumps(fleet).encode() + b" " * 100_000)
    good, skipped = read_vehicle_list(response, compact=True)
    assert skipped == 0 and [type(v) for v in good].count(dict) == 1
    old = store.snapshot.by_vin
    assert [v is old[v[0]].src for v in good if type(v) is tuple] == [True, False, True, True, True]
    assert good[1] == compact(fleet[1])
    diff = store.prepare(good, NOW).diff
    assert diff.changed == ("WBA00000000000002", "VF300000000000003") and not diff.added


def test_parse_json_list_gives_json_loads_results_and_errors_around_whitespace():
    import json

    from fleettui.core.memory import parse_json_list

    def outcome(parse, text):
        try:
            return parse(text)
        except json.JSONDecodeError as exc:
            return (exc.msg, exc.pos)

    pad = "\t\r\n " * 25_000
    cases = [
        "[1,2]",
        "[ 1 , 2 ]",
        "[1\n,\t2\r]",
        "[\n]",
        "[1,\n]",
        "[1 ,,2]",
        "[1\n2]",
        "[1, ]",
        "[1]\n x",
        "[1 ,",
        "[1,",
        "[ {]",
        '[{"a": [1, 2]} , "x" ]',
        "[1 ] ",
    ]
    for case in cases:
        for text in (pad + case, case + pad, pad + case.replace(" ", pad)):
            assert outcome(parse_json_list, text) == outcome(json.loads, text), case


def test_compact_without_copy_keeps_the_objects_strings():
    for obj in small_fleet():
        kept = compact(obj, copy=False)
        assert kept == compact(obj) and kept[0] is obj["vin"]
        assert compact(obj)[0] is not obj["vin"]


def test_presort_makes_the_next_sort_and_the_reverse_ready(monkeypatch):
    from fleettui.core import sorted_orders
    from tests.support.fleets import NOW, vdict

    fleet = [
        vdict(
            f"WBA{i:014d}",
            ("pending", "approved", "rejected")[i % 3],
            reason=f"r{i % 7}" if i % 3 != 1 else None,
        )
        for i in range(6_000)
    ]
    store = store_module.FleetStore(clock=lambda: 0.0)
    monkeypatch.setattr(store, "presort_in_background", lambda **_: None)  # run in line below
    store.apply(store.prepare(fleet, NOW))
    store.presort()
    calls = []
    real = sorted_orders.sort_rows
    monkeypatch.setattr(sorted_orders, "sort_rows", lambda *a: calls.append(a[1:]) or real(*a))
    store.set_sort("reason")  # state -> reason: ready
    assert calls == [] and store.view.rows == real(store.snapshot.order, "reason", False)
    store.presort()
    assert calls == [
        ("time", True),
        ("reason", True),
    ]  # the next column (its first way), the reverse
    calls.clear()
    store.set_sort("reason", True)  # the reverse: ready
    assert calls == [] and store.view.rows == real(store.snapshot.order, "reason", True)
    store.set_sort("vin")  # not asked for next (it is "time"): sorted there and then
    assert calls == [("vin", False)]
    store.apply(store.prepare(list(fleet), NOW))  # rows copied compactly: new row lists
    store.set_sort("vin")
    calls.clear()
    before = store.snapshot.order
    store.apply(store.prepare(list(fleet), NOW))  # nothing changed: same rows, orders kept
    assert store.snapshot.order is before and calls == []


def test_only_a_load_that_built_many_rows_freezes_them():
    """A quiet refresh keeps the frozen rows and freezes nothing: whatever the app held at
    that moment would otherwise be frozen with them and leak when it dies in a cycle."""
    import gc

    from tests.support.fleets import NOW, vdict

    fleet = [vdict(f"WBA{i:014d}", "pending") for i in range(6_000)]
    store = FleetStore()
    store.apply(store.prepare(fleet, NOW))  # a first load: its rows are frozen
    frozen = gc.get_freeze_count()
    assert frozen >= 6_000
    store.apply(store.prepare([dict(v) for v in fleet], NOW))  # nothing changed
    assert gc.get_freeze_count() <= frozen
    store.apply(store.prepare([{**v, "status": "approved"} for v in fleet], NOW))  # all new
    assert gc.get_freeze_count() > frozen
    gc.unfreeze()
