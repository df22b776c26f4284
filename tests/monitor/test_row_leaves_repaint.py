"""A row leaves a filtered view in the running monitor (the bench's case: filter
`state:approved`, the cursor's car is revoked from outside): only what shows something new
is repainted. Before, the table's scrollbar column was repainted twice though its thumb
did not move, every changed table line took the scrollbar's cell with it, and the detail
pane was repainted whole for the next car, then again with the same text when that car's
timeline loaded (15 KB to the terminal at 100,000 vehicles; bench/bench_terminal.py)."""

from __future__ import annotations

from textual.scrollbar import ScrollBar
from textual.visual import Visual, visualize
from textual.widget import Widget

from fleettui.sim import SimConfig, Simulator
from fleettui.ui.triage_flow import TriageFlow
from fleettui.ui.widgets.detail import DetailPane
from tests.support.pilot import filter_to, loaded, make_app, refresh, wait_for
from tests.support.screen import screen_lines
from tests.support.sim import SIM_START


async def test_the_cursors_row_leaving_repaints_only_what_shows_something_new(monkeypatch):
    # enough approved cars that one fewer does not move the scrollbar's thumb
    with Simulator(SimConfig(vehicles=1500, seed=1, speed=0.0, start=SIM_START)) as sim:
        app = make_app(sim)
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(pilot)
            await _row_leaves(sim, pilot, monkeypatch)


async def _row_leaves(sim, pilot, monkeypatch) -> None:  # noqa: ANN001
    app = pilot.app
    await filter_to(pilot, "state:approved")
    table = app.table
    shown = len(table.rows)
    assert shown > table.visible_row_count + 1  # the scrollbar stays: no layout needed
    vin = table.cursor_vin
    assert vin is not None
    refreshed: list[tuple[Widget, tuple, dict]] = []
    real = Widget.refresh

    def spy(self, *regions, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        refreshed.append((self, regions, kw))
        return real(self, *regions, **kw)

    loaded: list[str] = []
    real_loaded = TriageFlow.timeline_loaded

    def timeline_loaded(self, vin):  # noqa: ANN001, ANN202
        loaded.append(vin)
        return real_loaded(self, vin)

    monkeypatch.setattr(Widget, "refresh", spy)
    monkeypatch.setattr(TriageFlow, "timeline_loaded", timeline_loaded)
    engine = sim.engine
    with engine.lock:
        engine.transition(engine.record(vin), "revoking", engine.epoch(), None)
    await refresh(pilot)
    new = table.cursor_vin
    assert len(table.rows) == shown - 1 and new != vin and table.gone_vin == vin
    # the detail pane's second look (the new car's recorded timeline) has come and gone
    await wait_for(pilot, lambda: new in loaded)
    await pilot.pause()

    bars = [r for r in refreshed if isinstance(r[0], ScrollBar)]
    assert bars == []  # one row in many does not move the thumb
    body = app.monitor_screen.query_one("#detail-body")
    # the new car, once, and only its lines that differ from the last car's (the VIN
    # and time, the tags): not the pane's other lines, nor again when its timeline loaded
    drawn = [regions for w, regions, _ in refreshed if w is body]
    assert drawn and all(len(regions) == 1 and regions[0].height == 1 for regions in drawn)
    assert len(drawn) < body.size.height / 2
    assert len({regions[0].y for regions in drawn}) == len(drawn)
    # and what is on screen is the new car's whole text, no line left from the last one
    pane = app.monitor_screen.query_one(DetailPane)
    x, y, width = body.region.x, body.region.y, body.size.width
    fresh = Visual.to_strips(body, visualize(body, pane.text), width, None, body.visual_style)
    rows = screen_lines(app)[y : min(body.region.bottom, pane.region.bottom)]
    shown = [row[x : x + width].rstrip() for row in rows]
    assert shown == [strip.text.rstrip() for strip in fresh][: len(shown)]
    assert new in shown[0] and vin not in "".join(shown)
    lines = [(w, regions) for w, regions, _ in refreshed if w is table]
    assert lines and all(regions for _, regions in lines)  # never the whole table
    width = table.scrollable_content_region.width
    painted = [region for _, regions in lines for region in regions]
    assert all(region.right <= width for region in painted)  # not the scrollbar's column
    # the lines from the cursor's place down shifted up: a screenful at most, once
    assert sum(region.height for region in painted) <= table.visible_row_count
