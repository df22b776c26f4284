"""FleetTable through Pilot: painting, cursor keys, marks, sort, refresh, NO_COLOR, safety."""

from __future__ import annotations

from fleettui.core.store import FleetStore
from fleettui.ui.widgets.fleet_columns import layout_columns
from fleettui.ui.widgets.fleet_table import FleetTable
from tests.support.fleets import NOW, small_fleet, vdict
from tests.support.table import TableApp, lines, many, store_of


async def test_header_and_rows_fit_80_columns():
    app = TableApp(store_of(small_fleet()))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        out = lines(table, 8)
        assert out[0].split() == ["VIN", "Brand", "State", "▲", "Reason", "In", "state"]
        assert "WBA00000000000002" in out[1] and "MINI" in out[1] and "pending" in out[1]
        assert "privacy mode is enabled" in out[1] and "7d 00h" in out[1]  # pending since 25 Oct
        assert "✗ rejected" in out[4] and "Peugeot" in out[4]
        assert {len(line) for line in out} == {80}
        assert out[7].strip() == ""


def test_layout_drops_tags_first_and_keeps_essentials():
    keys = [c.key for c in layout_columns(79)]
    assert keys == ["vin", "brand", "state", "reason", "time"]
    assert "tags" in [c.key for c in layout_columns(120)]
    narrow = [c.key for c in layout_columns(50)]
    assert narrow[:1] == ["vin"] and "state" in narrow and "reason" in narrow
    for width in (40, 60, 79, 100, 200):
        last = layout_columns(width)[-1]
        assert last.x + last.width <= max(width, 40)


async def test_cursor_keys_scroll_and_post_messages():
    app = TableApp(store_of(many(100)))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.press("down", "j")
        assert table.cursor == 2
        await pilot.press("k")
        assert table.cursor == 1
        await pilot.press("end")
        assert table.cursor == 99 and table.cursor_vin == table.store.row(99).vin
        await pilot.pause()
        assert table.cursor_vin in table.render_line(11).text
        await pilot.press("g")
        assert table.cursor == 0 and table.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert table.cursor == 10
        await pilot.press("G", "pageup")
        assert table.cursor == 89
        await pilot.pause()
        assert ("cursor", table.store.row(89).vin) in app.messages


async def test_marks_toggle_and_mark_all():
    app = TableApp(store_of(small_fleet()))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        first = table.cursor_vin
        await pilot.press("space")  # marks and moves down
        assert table.marked == {first} and table.cursor == 1
        assert table.render_line(1).text.startswith("●")
        await pilot.press("k", "space")
        assert table.marked == set() and table.cursor == 1
        table.store.set_query("state:pending")
        table.refresh_view()
        table.mark_all_shown()
        assert table.marked == {"WBA00000000000002", "WVW00000000000004"}
        table.clear_marks()
        await pilot.pause()
        assert ("marks", 1) in app.messages and app.messages[-1] == ("marks", 0)


async def test_cursor_keeps_its_vin_through_refresh_sort_and_filter():
    store = store_of(small_fleet())
    app = TableApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        assert table.move_cursor_to("VF300000000000003")
        await pilot.press("greater_than_sign")  # sort by the next column (reason)
        assert store.sort == ("reason", False)
        assert table.cursor_vin == "VF300000000000003"
        await pilot.press("S")
        assert store.sort == ("reason", True)
        assert table.cursor_vin == "VF300000000000003"
        fleet = small_fleet()
        fleet.insert(0, vdict("AAA00000000000000", "pending", reason="a"))
        store.apply(store.prepare(fleet, NOW))
        table.refresh_view()
        assert table.cursor_vin == "VF300000000000003"
        assert table.store.row(table.cursor).vin == "VF300000000000003"
        store.set_query("state:approved")  # the VIN is filtered out: nearest row
        table.refresh_view()
        assert table.cursor_vin == "WBA00000000000001"


async def test_recent_rows_show_a_glyph():
    store = FleetStore(clock=lambda: 0.0)
    store.apply(store.prepare(small_fleet(), NOW))
    fleet = small_fleet()
    fleet[0] = vdict("WBA00000000000001", "revoking", "bmw")
    store.apply(store.prepare(fleet, NOW))
    app = TableApp(store)
    async with app.run_test(size=(80, 24)):
        table = app.query_one(FleetTable)
        row = store.index_of("WBA00000000000001")
        assert table.render_line(row + 1).text[:2] == " *"


async def test_api_strings_are_rendered_literally_and_sanitised():
    fleet = [
        vdict(
            "[red]X[/red]00000001",
            "rejected",
            "bmw",
            reason="[b]bad[/b] \x1b[2Jwipe",
            tags={"k": "v\x07"},
        )
    ]
    app = TableApp(store_of(fleet))
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        text = app.query_one(FleetTable).render_line(1).text
        assert "[red]X[/red]" in text and "[b]bad[/b]" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "[b]bad[/b] wipe" in text and "[2J" not in text


async def test_no_color_keeps_glyphs_and_labels(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TableApp(store_of(small_fleet()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        table = app.query_one(FleetTable)
        strip = table.render_line(1)
        assert any(seg.style and seg.style.reverse for seg in strip)  # cursor still visible
        out = lines(table, 7)
        for glyph_label in ("… pending", "✓ approved", "✗ rejected", "⊘ revoked", "↩ canceling"):
            assert any(glyph_label in line for line in out)


async def test_header_click_sorts():
    store = store_of(small_fleet())
    app = TableApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click(FleetTable, offset=(3, 0))
        assert store.sort == ("vin", False)
        await pilot.click(FleetTable, offset=(3, 0))
        assert store.sort == ("vin", True)
        assert "VIN ▼" in app.query_one(FleetTable).render_line(0).text


async def test_wide_characters_keep_every_line_exactly_the_width():
    fleet = [
        vdict(
            "WBA00000000000001",
            "rejected",
            "bmw",
            reason="車両が見つかりません" * 5,
            tags={"所有者": "山田太郎" * 6},
        )
    ]
    app = TableApp(store_of(fleet))
    async with app.run_test(size=(121, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(FleetTable)
        width = table.scrollable_content_region.width
        for y in range(4):
            assert table.render_line(y).cell_length == width
        assert "…" in table.render_line(1).text


async def test_marks_of_vanished_vehicles_are_dropped_but_filtered_ones_kept():
    store = store_of(small_fleet())
    app = TableApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        table.marked.update({"WBA00000000000001", "1FT00000000000005"})
        store.set_query("state:pending")
        table.refresh_view()
        assert table.marked == {"WBA00000000000001", "1FT00000000000005"}
        store.apply(store.prepare([o for o in small_fleet() if o["vin"][-1] != "5"], NOW))
        table.refresh_view()
        await pilot.pause()
        assert table.marked == {"WBA00000000000001"}
        assert app.messages[-1] == ("marks", 1)


def test_sort_arrow_survives_a_narrow_column():
    """The arrow is what tells the sort column and direction: the title gives way."""
    from fleettui.ui.widgets.fleet_columns import header_text

    assert header_text("time", "time", False, 8).endswith("…▲")  # the space goes first
    assert header_text("time", "time", True, 8).endswith("…▼")
    assert len(header_text("time", "time", True, 8)) == 8
    assert header_text("vin", "time", True, 8) == "VIN"


async def test_a_refresh_repaints_only_the_lines_that_changed(monkeypatch):
    fleet = many(60)
    store = store_of(fleet)
    app = TableApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        dirty: list = []
        real = FleetTable.refresh

        def spy(self, *regions, **kw):
            dirty.append(regions)
            return real(self, *regions, **kw)

        monkeypatch.setattr(FleetTable, "refresh", spy)
        store.apply(store.prepare(list(fleet), NOW))  # nothing changed
        table.refresh_view()
        assert dirty == []
        shown = table.render_line(3).text.split()[0]  # the third row on screen
        changed = [dict(v) for v in fleet]
        i = next(i for i, v in enumerate(changed) if v["vin"] == shown)
        changed[i] = vdict(shown, changed[i]["status"], reason="privacy mode is enabled")
        store.apply(store.prepare(changed, NOW))
        table.refresh_view()
        assert [(r.y, r.height) for regions in dirty for r in regions] == [(3, 1)]
        await pilot.pause()
        assert "privacy mode is enabled" in table.render_line(3).text  # not a stale strip
        dirty.clear()
        table.clear_marks()  # there were no marks: nothing to repaint
        assert dirty == []
        table.mark_all_shown()  # every row on screen changed: one region, all of them
        assert [(r.y, r.height) for regions in dirty for r in regions] == [(1, 23)]


async def test_a_row_leaving_a_filtered_view_repaints_the_line_it_left_not_the_table(monkeypatch):
    fleet = many(120)
    store = store_of(fleet)
    store.set_query("state:approved")
    app = TableApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        assert table.virtual_size.height == 81  # 80 approved rows and the header line
        last = table.render_line(23).text.split()[0]  # the last row on screen
        dirty: list = []
        real = FleetTable.refresh

        def spy(self, *regions, **kw):
            dirty.append((regions, kw))
            return real(self, *regions, **kw)

        monkeypatch.setattr(FleetTable, "refresh", spy)
        changed = [vdict(v["vin"], "revoking") if v["vin"] == last else dict(v) for v in fleet]
        store.apply(store.prepare(changed, NOW))  # revoked elsewhere: it leaves the view
        table.refresh_view()
        # the line it left shows the next row; nothing else is repainted (a layout
        # refresh for the new row count repainted every line: ~5.7 KB at 100k)
        assert [(r.y, r.height) for regions, _ in dirty for r in regions] == [(23, 1)]
        assert all(regions and not kw.get("layout") for regions, kw in dirty)
        assert table.virtual_size.height == 80
        await pilot.pause()
        assert last not in table.render_line(23).text
        await pilot.press("end")  # the scroll range follows the new row count
        assert table.cursor == 78 and table.cursor_vin == store.row(78).vin


async def test_a_toast_elsewhere_does_not_repaint_the_tables_scrollbar(monkeypatch):
    # A toast (a data check's "1 car: privacy mode blocks data") lays the screen out
    # again; Textual then re-sized every scroll view and repainted its scrollbar, whole
    # column, though neither the table's size nor its rows changed: at 1 check a
    # second that column was most of the ~300 B/s an idle monitor wrote.
    app = TableApp(store_of(many(120)))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        bar = table.vertical_scrollbar
        painted: list[int] = []
        real = type(bar).refresh

        def spy(self, *regions, **kw):
            if self is bar:
                painted.append(1)
            return real(self, *regions, **kw)

        monkeypatch.setattr(type(bar), "refresh", spy)
        app.screen.refresh(layout=True)  # what a toast coming or going does
        await pilot.pause()
        assert painted == []
        await pilot.press("end")  # the thumb still follows the cursor
        assert painted
