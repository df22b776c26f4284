"""Pilot tests of what the monitor tells the user: read-only mode answers the write keys
and the palette instead of staying mute."""

from __future__ import annotations

from tests.app_helpers import (
    KIA_APPROVED,
    filter_to,
    loaded,
    make_app,
    notes,
    seed_test_vehicles,
    sim_status,
)

READ_ONLY_NOTE = "Read-only: fleettui will not send writes with this profile (started with --read-only)"


async def test_read_only_keys_and_palette_say_why_nothing_happens(sim):
    seed_test_vehicles(sim)
    app = make_app(sim, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, KIA_APPROVED)
        app.table.focus()
        footer_actions = {ab.binding.action for ab in app.screen.active_bindings.values()}
        assert not {"add", "cancel", "revoke"} & footer_actions
        for key in ("a", "c", "R"):
            before = len(notes(app))
            await pilot.press(key)
            await pilot.pause()
            assert any(READ_ONLY_NOTE in n for n in notes(app)[before:]), key
        assert app.writer.requests_sent == 0
        assert sim_status(sim, KIA_APPROVED) == "approved"
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        revoke = next(c for title, c in commands.items() if title.startswith("Revoke"))
        assert "read-only" in revoke.title
        before = len(notes(app))
        revoke.callback()
        await pilot.pause()
        assert any(READ_ONLY_NOTE in n for n in notes(app)[before:])


async def test_write_keys_still_work_when_not_read_only(sim):
    seed_test_vehicles(sim)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        from fleettui.ui.screens.add_form import AddScreen

        assert isinstance(app.screen, AddScreen)
        assert not any("Read-only" in n for n in notes(app))
        assert not any(c.title.endswith("(read-only: not available)")
                       for c in app.get_system_commands(app.screen))
