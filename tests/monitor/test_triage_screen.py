"""The triage and statistics screens through Textual's Pilot, in a small app of their own."""

from __future__ import annotations

import csv
from datetime import UTC, timedelta

from textual.widgets import Input, OptionList, Static

from fleettui.core import reasons as R
from fleettui.triage.messages import message_text
from fleettui.triage.stats import stats_from_changelogs
from fleettui.ui.screens.stats import StatsScreen
from fleettui.ui.screens.triage import TriageChoice, TriageScreen
from tests.support.fleets import seeded
from tests.support.pilot import wait_for
from tests.support.screen_app import ScreenApp


async def stats_shown(pilot) -> None:  # noqa: ANN001
    """Until the statistics screen has its numbers (computed on a worker thread)."""
    app = pilot.app
    await wait_for(
        pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None
    )


def _stats_title(app) -> str:  # noqa: ANN001
    screen = app.screen
    if not isinstance(screen, StatsScreen) or not screen.is_mounted:
        return ""
    return str(screen.query_one("#stats-title", Static).render())


def triage_app(**kwargs):  # noqa: ANN201
    engine, store = seeded(300)
    app = ScreenApp(lambda: TriageScreen(store.snapshot.order, engine.now(), **kwargs))
    return app, engine


async def ready(pilot) -> TriageScreen:  # noqa: ANN001
    """The triage screen once its worker has grouped the fleet (no count of pauses: at
    load 20-40 grouping 300 vehicles can take longer than any fixed number of them)."""
    app = pilot.app
    await wait_for(
        pilot, lambda: isinstance(app.screen, TriageScreen) and app.screen.board is not None
    )
    await pilot.pause()
    return app.screen


async def test_enter_asks_the_app_to_filter_to_the_highlighted_queue():
    app, _ = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        first = screen.current_queue()
        assert first is screen.board.queues[0]
        await pilot.press("down")
        second = screen.current_queue()
        assert second is not None and second.id != first.id
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == TriageChoice("filter", second)


async def test_y_copies_the_full_message_and_the_preview_shows_it():
    app, engine = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        q = screen.current_queue()
        preview = str(screen.query_one("#triage-message", Static).render())
        assert q.title in preview and "What to do in the car:" in preview
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(app.clipboard))
        assert app.clipboard == message_text(q, engine.now())
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_b_regroups_by_brand_and_s_sorts_within_each_actor():
    app, _ = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        joined = len(screen.board.queues)
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.board.by_brand)
        assert screen.board.by_brand and len(screen.board.queues) > joined
        assert all(q.brand for q in screen.board.queues)
        olist = screen.query_one(OptionList)
        assert olist.option_count == len(screen.board.queues) + len(screen.board.by_actor())
        await pilot.press("s", "s")
        await pilot.pause()
        assert screen.sort_mode == "size"
        counts = [q.count for q in screen._queues if q.actor is screen._queues[0].actor]
        assert counts == sorted(counts, reverse=True)


async def test_f_offers_the_vw_fix_only_where_there_is_one(tmp_path, monkeypatch):
    app, _ = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")  # the first queue (a driver's) has no API fix
        await pilot.pause()
        assert app.result == "not dismissed"
        assert any("no fix the API can do" in told for told in app.told)
        olist = screen.query_one(OptionList)
        target = next(q for q in screen._queues if q.reason == R.CUSTOMER_NAME_TAG_MISSING)
        olist.highlighted = olist.get_option_index(target.id)
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
    assert app.result == TriageChoice("fix", target)


async def test_read_only_does_not_offer_the_fix():
    app, _ = triage_app(can_fix=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        olist = screen.query_one(OptionList)
        target = next(q for q in screen._queues if q.fix is not None)
        olist.highlighted = olist.get_option_index(target.id)
        await pilot.press("f")
        await pilot.pause()
        assert app.result == "not dismissed"
        assert any("Read-only" in told for told in app.told)


async def test_e_exports_the_queue_as_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("FLEETTUI_EXPORT_DIR", str(tmp_path / "exports"))
    app, _ = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        q = screen.current_queue()
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        assert box.value.startswith(str(tmp_path / "exports" / "triage-"))  # not the cwd
        box.value = str(tmp_path / "queue.csv")
        await pilot.press("enter")
        # written on a worker (not atomically): until that worker has ended
        await wait_for(
            pilot,
            lambda: (
                (tmp_path / "queue.csv").exists()
                and not any(w.group == "triage-export" and not w.is_finished for w in app.workers)
            ),
        )
    rows = list(csv.DictReader((tmp_path / "queue.csv").open()))
    assert [r["vin"] for r in rows] == list(q.vins)


async def test_80x24_shows_queues_message_and_keys():
    app, _ = triage_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        olist = screen.query_one(OptionList)
        preview = screen.query_one("#triage-preview")
        assert olist.size.height >= 5 and preview.size.height >= 5
        assert olist.region.bottom <= preview.region.y


async def test_stats_screen_draws_for_the_width():
    engine, store = seeded(300)
    rows = store.snapshot.order
    app = ScreenApp(lambda: StatsScreen(lambda: stats_from_changelogs(rows, engine.now())))
    async with app.run_test(size=(80, 24)) as pilot:
        await stats_shown(pilot)
        body = str(app.screen.query_one("#stats-body", Static).render())
        assert "Transitions per day" in body and "✓ approved" in body
        assert max(len(line) for line in body.splitlines()) <= 77
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_stats_title_names_the_provider_clock_beside_the_local_one_when_they_differ():
    # The demo's simulator runs fast: "as of 03:35 UTC" beside the header's "updated 00:59"
    # read as a contradiction; the title names the provider's clock and the local time.
    engine, store = seeded(30)
    rows = store.snapshot.order
    ahead = engine.now() + timedelta(hours=2, minutes=36)
    here = engine.now()
    app = ScreenApp(
        lambda: StatsScreen(lambda: stats_from_changelogs(rows, ahead), here=lambda: here)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await stats_shown(pilot)
        title = app.screen.query_one("#stats-title", Static)
        text = str(title.render())
        assert f"{ahead.astimezone(UTC):%H:%M} UTC provider clock" in text
        assert f"here {here:%H:%M}" in text
        assert "…" not in text and title.size.width <= 80


async def test_stats_title_is_one_time_when_the_clocks_agree():
    engine, store = seeded(30)
    rows = store.snapshot.order
    now = engine.now()
    app = ScreenApp(lambda: StatsScreen(lambda: stats_from_changelogs(rows, now), here=lambda: now))
    async with app.run_test(size=(80, 24)) as pilot:
        await stats_shown(pilot)
        text = str(app.screen.query_one("#stats-title", Static).render())
        assert f"as of {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in text and "here" not in text


async def test_stats_screen_shows_a_failure_instead_of_crashing():
    def broken():  # noqa: ANN202
        raise OSError("disk gone")

    app = ScreenApp(lambda: StatsScreen(broken))
    async with app.run_test(size=(80, 24)) as pilot:
        # the loader fails on a worker thread: until the title says so (or the deadline)
        await wait_for(pilot, lambda: "could not be computed" in _stats_title(app))
        assert "could not be computed: disk gone" in _stats_title(app)


async def test_r_groups_again_with_the_latest_fleet():
    engine, store = seeded(300)
    _, bigger = seeded(400, seed=2)
    latest = lambda: (bigger.snapshot.order, engine.now())  # noqa: E731
    app = ScreenApp(lambda: TriageScreen(store.snapshot.order, engine.now(), latest=latest))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.board.total == 300
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.board.total == 400)
        assert screen.board.total == 400


async def test_the_simulators_own_reasons_are_labelled_in_the_preview():
    """The demo's 'waiting for OTA update' (and the two other strings the guide does not
    document) say they are the simulator's own where the queue is explained."""
    app, _ = triage_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        olist = screen.query_one(OptionList)
        seen = set()
        for q in screen._queues:
            olist.highlighted = olist.get_option_index(q.id)
            await pilot.pause()
            preview = str(screen.query_one("#triage-message", Static).render())
            assert (R.SIMULATOR_NOTE in preview) is (q.reason in R.SIMULATOR_ONLY), q.title
            seen.add(q.reason in R.SIMULATOR_ONLY)
        assert seen == {True, False}
