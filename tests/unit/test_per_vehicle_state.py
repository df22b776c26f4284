"""What the monitor keeps per vehicle, counted in objects (not bytes): the store shares one
string per status and brand and one row per unchanged vehicle across refreshes; the data
checks, the delta-polling set and the data state keep something only for the vehicles
they concern (issue 17's memory criterion: 100,000 vehicles times a stray object each is
megabytes)."""

from __future__ import annotations

import gc
import json

from fleettui.config.data_checks import DataCheckSettings
from fleettui.core.compact import reusing
from fleettui.core.data_answer import DataReading
from fleettui.core.data_states import DataRecord
from fleettui.core.rows import Row
from fleettui.core.states import State
from fleettui.core.store import FleetStore
from fleettui.history.data_records import DataRecords
from fleettui.monitor.data_checker import Approved, DataChecker
from fleettui.monitor.data_monitor import MonitorData
from fleettui.monitor.delta import MOVING_STATES, Answer, moving_after
from tests.support.fleets import NOW, vdict

STATUSES = ("approved", "pending", "rejected", "revoking", "approved", "canceled")
BRANDS = ("bmw", "mini", "mercedes-benz")
N = 600


def fleet_json(prefix: str = "WMZ9P") -> str:
    """N vehicles as the provider's answer body (each parse gives new objects); VINs of
    their own (`prefix`), so objects counted are this test's, whatever else is alive."""
    return json.dumps(
        [
            vdict(
                f"{prefix}{i:012d}",
                STATUSES[i % len(STATUSES)],
                BRANDS[i % len(BRANDS)],
                tags={"fleet": "north" if i % 2 else "south"},
            )
            for i in range(N)
        ]
    )


def parsed(body: str) -> list:
    """The answer as the list call hands it over: each entry compacted as it is parsed,
    an unchanged vehicle given back as the store's own tuple."""
    each = reusing()
    return [each(obj) for obj in json.loads(body)]


def loaded(prefix: str = "WMZ9P") -> FleetStore:
    store = FleetStore()
    assert store.apply(store.prepare(parsed(fleet_json(prefix)), NOW))
    return store


def alive(kind: type, prefix: str) -> int:
    """Objects of `kind` alive for this test's vehicles (other tests' may come and go)."""
    gc.collect()
    return sum(type(o) is kind and o.vin.startswith(prefix) for o in gc.get_objects())


def test_rows_share_one_string_per_status_brand_and_tag_set():
    rows = loaded().snapshot.order
    assert len(rows) == N
    assert len({id(r.status) for r in rows}) == len(set(STATUSES))
    assert len({id(r.brand) for r in rows}) == len(BRANDS)
    assert len({id(r.src[3]) for r in rows}) == 2  # one tags dict per distinct set
    assert len({id(r.vin) for r in rows}) == N


def test_an_unchanged_refresh_builds_no_row_and_keeps_no_second_copy():
    store = loaded("WMZ9R")
    before = store.snapshot
    rows_before = alive(Row, "WMZ9R")
    assert rows_before == N
    assert store.apply(store.prepare(parsed(fleet_json("WMZ9R")), NOW, consume=True))
    after = store.snapshot
    assert after.order is before.order
    assert all(after.by_vin[r.vin] is r and after.by_vin[r.vin].src is r.src for r in before.order)
    assert alive(Row, "WMZ9R") == N  # not one Row more for 600 unchanged vehicles


def test_data_checks_off_keep_nothing_per_vehicle():
    rows = loaded("WMZ9S").snapshot.order
    data = MonitorData()
    data.feed(rows)
    for row in rows:
        data.row_cell(row)  # the Data column read for every row
        data.state_of(row.vin, row.brand, NOW)
    assert alive(Approved, "WMZ9S") == 0
    assert alive(DataRecord, "WMZ9S") == 0
    assert len(data.records) == 0


class OneAnswer:
    def vehicle_data(self, vin: str) -> DataReading:
        return DataReading(200, newest=NOW)


def test_data_checks_keep_an_entry_per_approved_car_and_a_record_only_once_checked():
    rows = loaded("WMZ9T").snapshot.order
    records = DataRecords(None)
    checker = DataChecker(
        OneAnswer(), DataCheckSettings(enabled=True, per_second=20.0), records, now=lambda: NOW
    )
    data = MonitorData()
    data.checker = checker
    data.feed(rows)
    approved = [r for r in rows if r.state is State.APPROVED]
    assert 0 < len(approved) < N
    assert alive(Approved, "WMZ9T") == len(approved)  # none for the others
    assert len(records) == 0
    checker.check(Approved(approved[0].vin, approved[0].brand, None))
    assert len(records) == 1


def test_the_delta_set_holds_only_moving_vehicles_with_the_rows_own_vins():
    store = loaded()
    rows = store.snapshot.order
    moving = moving_after(Answer(list(rows), True), store.snapshot.by_vin, rows)
    expected = [r for r in rows if r.state in MOVING_STATES]
    assert 0 < len(moving) == len(expected) < N
    by_vin = store.snapshot.by_vin
    assert all(vin is by_vin[vin].vin for vin in moving)  # no copy of a VIN


def test_an_answer_parsed_while_the_cached_fleet_goes_in_shares_it_from_then_on():
    """A warm start: the first answer's parse begins before the UI thread has put the
    cached fleet in the store; once it is in, the rest of the answer is its tuples, not
    a second copy of the fleet."""
    body = fleet_json()
    store = FleetStore()
    assert store.apply(store.prepare(parsed(body)[:40], NOW))  # the cache's first screen
    prepared = store.prepare(parsed(body), NOW, replace=True)  # the whole cache, read
    each = reusing()  # the call begins
    entries = json.loads(body)
    head = [each(obj) for obj in entries[:100]]
    assert store.apply(prepared)  # the cached fleet goes in meanwhile
    rest = [each(obj) for obj in entries[100:]]
    by_vin = store.snapshot.by_vin
    assert not any(c is by_vin[c[0]].src for c in head[40:])
    fresh = sum(c is not by_vin[c[0]].src for c in rest)
    assert fresh < 256  # at most one look's worth parsed before it was seen
