"""Since you last looked, and the statistics: on the simulator's clock, from the history
and from the changelogs (which must agree), drawn so they read without colour."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from fleettui.core.states import State
from fleettui.core.timings import usual_approval_seconds
from fleettui.history.recorder import Recorder
from fleettui.history.store import HistoryStore
from fleettui.triage.render import bar, sparkline, stats_lines
from fleettui.triage.since import mark_looked, since_last_look, when_words
from fleettui.triage.stats import percentile, stats_from_changelogs, stats_from_history
from tests.support.fleets import refresh_store, seeded

DAY = 86400.0


def test_since_last_look_counts_what_changed_while_away(tmp_path):
    engine, store = seeded(300)
    history = HistoryStore(tmp_path / "h.sqlite3")
    recorder = Recorder(history)
    recorder.record_rows(store.snapshot.order, engine.now())
    assert since_last_look(history, store.snapshot.order, engine.now()) is None  # first time
    looked = engine.now()
    mark_looked(history, looked, datetime(2026, 11, 30, 17, 40, tzinfo=UTC))
    engine.advance(DAY)
    prepared = refresh_store(engine, store)
    recorder.record(prepared.snapshot, prepared.diff, engine.now())
    summary = since_last_look(history, store.snapshot.order, engine.now())
    expected = Counter(c.new.value for c in prepared.diff.state_changes)
    assert summary.counts == expected and sum(expected.values()) > 5
    assert set(summary.changes) == {c.vin for c in prepared.diff.state_changes}
    for vin in summary.newly_stuck:
        row = store.row_for(vin)
        crossed = row.since_dt() + timedelta(seconds=usual_approval_seconds(row.brand))
        assert row.state is State.PENDING and not row.reason and looked < crossed <= engine.now()
    text = summary.sentence(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert text.endswith(" since yesterday 17:40")
    assert f"{expected['approved']} approved" in text
    # Looking again resets it.
    mark_looked(history, engine.now())
    assert since_last_look(history, store.snapshot.order, engine.now()).empty
    history.close()


def test_when_words():
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert when_words(datetime(2026, 12, 3, 7, 5, tzinfo=UTC), now) == "today 07:05"
    assert when_words(datetime(2026, 12, 2, 17, 40, tzinfo=UTC), now) == "yesterday 17:40"
    assert when_words(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), now) == "Mon 08:00"
    assert when_words(datetime(2026, 11, 1, 8, 0, tzinfo=UTC), now) == "1 Nov 08:00"


def test_history_and_changelog_statistics_agree(tmp_path):
    engine, store = seeded(300)
    with HistoryStore(tmp_path / "h.sqlite3") as history:
        Recorder(history).record_rows(store.snapshot.order, engine.now())
        a = stats_from_history(history, store.snapshot.order, engine.now())
    b = stats_from_changelogs(store.snapshot.order, engine.now())
    assert (a.source, b.source) == ("history", "changelogs")
    assert a.brands == b.brands and a.daily == b.daily and a.pending_ages == b.pending_ages
    assert sum(n for _, n in a.pending_ages) == store.counts_all[State.PENDING]


def test_the_history_keeps_vehicles_the_fleet_no_longer_has(tmp_path):
    engine, store = seeded(300)
    rows = store.snapshot.order
    with HistoryStore(tmp_path / "h.sqlite3") as history:
        Recorder(history).record_rows(rows, engine.now())
        kept = rows[:100]
        a = stats_from_history(history, kept, engine.now())
    b = stats_from_changelogs(kept, engine.now())
    assert sum(x.approved for x in a.brands) > sum(x.approved for x in b.brands)


def test_approval_time_per_brand_from_a_known_fleet():
    from fleettui.core.store import FleetStore
    from tests.support.fleets import NOW, vdict

    fleet = [
        vdict(
            f"WBA0000000000000{i}",
            "approved",
            "bmw",
            log=[
                ("2026-10-01T00:00:00Z", "pending", None),
                (f"2026-10-01T{h:02d}:00:00Z", "approved", None),
            ],
        )
        for i, h in enumerate((1, 2, 3, 4, 10))
    ]
    fleet.append(vdict("WBA00000000000009", "rejected", "bmw", reason="invalid VIN"))
    store = FleetStore()
    store.apply(store.prepare(fleet, NOW))
    [bmw] = stats_from_changelogs(store.snapshot.order, NOW).brands
    assert (bmw.median, bmw.p90, bmw.samples) == (3 * 3600, 10 * 3600, 5)
    assert (bmw.approved, bmw.rejected) == (5, 1) and round(bmw.approval_rate, 3) == 0.833


def test_percentile_and_drawing_read_without_colour():
    assert percentile([], 90) is None and percentile([1.0, 2.0, 3.0], 90) == 3.0
    assert percentile([float(i) for i in range(1, 11)], 90) == 9.0
    assert bar(10, 10, 5) == "█████" and bar(1, 100, 5) == "▏" and bar(0, 10, 5) == ""
    assert bar(5, 10, 5) == "██▌"
    assert sparkline([0, 1, 8]) == "·▁█" and sparkline([0, 0]) == "··"
    engine, store = seeded(300)
    lines = stats_lines(stats_from_changelogs(store.snapshot.order, engine.now()), 80)
    assert all(len(line) <= 80 for line in lines)
    text = "\n".join(lines)
    assert "Transitions per day, last 28 days" in text and "Pending vehicles by age" in text
    assert "✓ approved" in text and "%" in text and "\x1b" not in text
