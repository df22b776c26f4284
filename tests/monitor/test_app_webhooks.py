"""Webhook push in the monitor, end to end over loopback: the simulator signs a delivery,
the in-process receiver verifies it, and the row changes at once (Pilot); the list then
confirms it or wins; health in the header and the panel; attaching to another receiver."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fleettui.core import reasons as R
from fleettui.core.states import State
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.push_feeds import AttachedFeed, ReceiverFeed, open_feed
from fleettui.sim import SimConfig, Simulator
from fleettui.ui.app import FleetApp
from fleettui.ui.screens.webhook_health import WebhookHealthScreen
from fleettui.ui.widgets.fleet_columns import PUSH_GLYPH
from fleettui.webhooks.receiver import WebhookReceiver
from fleettui.webhooks.receiver_config import ReceiverConfig
from fleettui.webhooks.store import WebhookStore
from tests.support.pilot import filter_to, header_text, loaded, refresh, wait_for
from tests.support.sim import SIM_START
from tests.support.webhooks import SECRET, change_body, post_signed

PEUGEOT = "VF3AAAAA0NC000001"
BMW = "WBAAAAAA0NC000002"


@pytest.fixture
def pushed_sim(tmp_path):  # noqa: ANN201
    """A frozen simulator whose webhooks go to an in-process receiver (as --demo --webhooks 0)."""
    sims: list[Simulator] = []
    feed = ReceiverFeed(
        ReceiverConfig(secret=SECRET), tmp_path / "push.sqlite3", now=lambda: sims[0].engine.now()
    )
    sims.append(
        Simulator(
            SimConfig(
                vehicles=20, speed=0.0, start=SIM_START, webhook_url=feed.url, webhook_secret=SECRET
            )
        )
    )
    with sims[0] as sim:
        sim.engine.seed_vehicle(PEUGEOT, "peugeot", "pending", age_seconds=3 * 86400, hold=True)
        sim.engine.seed_vehicle(BMW, "bmw", "pending", age_seconds=3 * 86400, hold=True)
        yield sim, feed
    feed.close()


def _app(sim, feed, **kw) -> FleetApp:  # noqa: ANN001, ANN003
    account = account_for_simulator(sim, push=lambda now=None: feed, reconcile=600)
    return FleetApp(account, clock=lambda: SIM_START, watch_terminal=False, **kw)


def _state(app, vin: str):  # noqa: ANN001, ANN202
    v = app.monitor.store.vehicle(vin)
    return v.state if v is not None else None


async def test_a_simulator_change_shows_at_once_via_webhook(pushed_sim):
    sim, feed = pushed_sim
    app = _app(sim, feed)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await wait_for(
            pilot,
            lambda: (
                app.monitor.push.snapshot() is not None and app.monitor.push.snapshot().pings == 1
            ),
        )
        polls = app.monitor.connection.last_ok_mono
        with sim.engine.lock:  # the provider rejects it now; no list call in between
            sim.engine.transition(
                sim.engine.record(PEUGEOT),
                "rejected",
                sim.engine.epoch(),
                R.ACTIVATION_TIMEOUT_NO_DATA,
            )
        await wait_for(pilot, lambda: _state(app, PEUGEOT) is State.REJECTED)
        assert app.monitor.connection.last_ok_mono == polls  # it came by push, not a poll
        assert app.monitor.store.vehicle(PEUGEOT).reason == R.ACTIVATION_TIMEOUT_NO_DATA
        assert PEUGEOT in app.monitor.push.pushed
        told = app.monitor.notices.entries()  # the notification path: logged, shown unless muted
        assert any("was rejected" in n.text and not n.muted for n in told)
        await filter_to(pilot, PEUGEOT)
        line = app.table.render_line(1).text
        assert line.startswith(" " + PUSH_GLYPH) and "rejected" in line
        await wait_for(pilot, lambda: "push ✓" in header_text(app))
        # The next list refresh confirms it: the marker goes, no disagreement.
        await refresh(pilot)
        assert PEUGEOT not in app.monitor.push.pushed
        assert app.monitor.push.snapshot().disagreements == 0
        assert _state(app, PEUGEOT) is State.REJECTED


async def test_the_list_wins_a_disagreement_and_it_is_counted(pushed_sim):
    sim, feed = pushed_sim
    app = _app(sim, feed)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        # A signed delivery the provider's list will not bear out.
        body = change_body(BMW, "approved", sim.engine.now())
        assert post_signed(feed.url, body).status_code == 202
        await wait_for(pilot, lambda: _state(app, BMW) is State.APPROVED)
        await refresh(pilot)
        assert _state(app, BMW) is State.PENDING  # the list wins
        assert app.monitor.push.snapshot().disagreements == 1
        assert BMW not in app.monitor.push.pushed


async def test_refused_deliveries_change_nothing(pushed_sim):
    sim, feed = pushed_sim
    app = _app(sim, feed)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        delivery = "same-delivery"
        assert (
            post_signed(
                feed.url,
                change_body(BMW, "rejected", sim.engine.now(), R.INELIGIBLE_VIN),
                delivery=delivery,
            ).status_code
            == 202
        )
        await wait_for(pilot, lambda: _state(app, BMW) is State.REJECTED)
        assert (
            post_signed(
                feed.url, change_body(BMW, "approved", sim.engine.now()), delivery=delivery
            ).status_code
            == 202
        )  # a replay: applied once
        await wait_for(pilot, lambda: app.monitor.push.snapshot().duplicates == 1)
        assert _state(app, BMW) is State.REJECTED
        body = change_body(BMW, "approved", sim.engine.now())
        assert post_signed(feed.url, body, secret="wrong-secret").status_code == 401
        await wait_for(pilot, lambda: "push ! 1 bad sig" in header_text(app))
        # Push is not trusted now: the list is asked at once (and wins over the push).
        await wait_for(pilot, lambda: _state(app, BMW) is State.PENDING)
        assert app.monitor.push.next_delay(15.0) == 15.0


async def test_healthy_push_relaxes_the_refresh_and_a_dead_one_restores_it(pushed_sim):
    sim, feed = pushed_sim
    app = _app(sim, feed, refresh=5)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: app.monitor.push.snapshot().pings == 1)
        assert app.monitor.push.next_delay(5.0) == 600
        await refresh(pilot)
        assert app.poll_loop.timer is not None
        # The receiver goes away: health says down, the poll comes back to the usual pace.
        feed.receiver.stop()
        app.monitor.push.took_health(feed.health().__class__())
        assert app.monitor.push.next_delay(5.0) == 5.0


async def test_webhook_panel_opens_with_w_and_updates(pushed_sim):
    sim, feed = pushed_sim
    app = _app(sim, feed)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: app.monitor.push.snapshot().pings == 1)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WebhookHealthScreen)
        assert "(in-process)" in app.screen.panel.text
        assert (
            post_signed(feed.url, change_body(BMW, "approved", sim.engine.now())).status_code == 202
        )
        await wait_for(pilot, lambda: "Last delivery: never" not in app.screen.panel.text)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WebhookHealthScreen)


@pytest.mark.size(80, 24)
async def test_without_webhooks_w_explains_how(pilot):
    from tests.support.pilot import told

    app = pilot.app
    await pilot.press("w")
    await pilot.pause()
    assert any("--webhooks" in n for n in told(app))
    assert "push" not in header_text(app)


async def test_a_monitor_attaches_to_a_receiver_running_elsewhere(tmp_path, sim):
    """A desk's receiver (another process in real life) writes the profile's database;
    the monitor follows it and its rows change as events arrive."""
    db = tmp_path / "desk.sqlite3"
    store = WebhookStore(db)
    with WebhookReceiver(
        ReceiverConfig(secret=SECRET, heartbeat=0.2), store, now=sim.engine.now
    ) as rx:
        feed = open_feed("attach", "desk", None, db=db)
        assert isinstance(feed, AttachedFeed)
        vin = next(iter(sim.engine.vehicles))
        app = FleetApp(
            account_for_simulator(sim, push=lambda now=None: feed),
            clock=lambda: SIM_START,
            watch_terminal=False,
        )
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(pilot)
            target = "revoked" if _state(app, vin) is not State.REVOKED else "approved"
            assert (
                post_signed(rx.url, change_body(vin, target, sim.engine.now())).status_code == 202
            )
            await wait_for(pilot, lambda: _state(app, vin) is State(target))
            await wait_for(pilot, lambda: app.monitor.push.session.health.accepted == 1)
            assert "push ✓" in header_text(app)
    store.close()


def test_a_taken_port_of_a_live_receiver_is_attached_to(tmp_path):
    db = tmp_path / "p.sqlite3"
    store = WebhookStore(db)
    with WebhookReceiver(ReceiverConfig(secret=SECRET, heartbeat=0.2), store) as rx:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not WebhookStoreHealth(db):
            time.sleep(0.05)
        feed = open_feed(str(rx.port), "p", SECRET, db=db)
        assert isinstance(feed, AttachedFeed)
        feed.close()
    store.close()
    with pytest.raises(ValueError, match="secret"):
        open_feed("0", "p", None, db=db)


def WebhookStoreHealth(db: Path) -> bool:  # noqa: N802
    from fleettui.webhooks.tail import WebhookTail

    tail = WebhookTail(db)
    try:
        return tail.health().alive(time.time())
    finally:
        tail.close()


def test_a_push_that_arrives_during_a_list_fetch_is_kept_and_judged_next_time(pushed_sim):
    """The list may predate a push that came while it was fetched: the list is shown, the
    push is applied again right after, and only the next list judges it."""
    from fleettui.monitor.controller import Monitor
    from fleettui.webhooks.events import WebhookEvent

    sim, feed = pushed_sim
    monitor = Monitor(
        account_for_simulator(sim, push=lambda now=None: feed), clock=lambda: SIM_START
    )
    monitor.connect(monitor.account)
    try:
        assert monitor.push.start().push_worker
        monitor.refreshes.took(monitor.refreshes.fetch(monitor.refreshes.start_poll()))
        generation = monitor.refreshes.start_poll()  # a refresh starts...
        event = WebhookEvent("d-1", "fleet_clearance_changed", SIM_START, BMW, "approved")
        monitor.push.took(monitor.push.prepare([event], monitor.generation))  # ...a push lands
        assert monitor.store.vehicle(BMW).status == "approved"
        # ...and the list (still pending) arrives
        monitor.refreshes.took(monitor.refreshes.fetch(generation))
        assert monitor.store.vehicle(BMW).status == "pending"
        assert BMW in monitor.push.pushed and monitor.push.snapshot().disagreements == 0
        again = monitor.push.wait(0)
        assert [e.delivery for e in again if e.is_change] == ["d-1"]  # (and the ping)
        monitor.push.took(monitor.push.prepare(again, monitor.generation))
        assert monitor.store.vehicle(BMW).status == "approved"
        # a later list judges it
        monitor.refreshes.took(monitor.refreshes.fetch(monitor.refreshes.start_poll()))
        assert monitor.push.snapshot().disagreements == 1 and BMW not in monitor.push.pushed
    finally:
        monitor.close()


def test_list_changes_no_delivery_announced_make_push_silent(sim, tmp_path):
    """The list shows changes, no delivery came for a while: the header alerts and the
    refresh stops relaxing (push and list disagree; e.g. the webhook was removed)."""
    from fleettui.monitor.controller import Monitor

    feed = ReceiverFeed(
        ReceiverConfig(secret=SECRET), tmp_path / "silent.sqlite3", now=sim.engine.now
    )
    mono = [1000.0]
    monitor = Monitor(
        account_for_simulator(sim, push=lambda now=None: feed),
        clock=lambda: SIM_START,
        monotonic=lambda: mono[0],
    )
    monitor.connect(monitor.account)
    try:
        monitor.push.start()
        assert post_signed(feed.url, json_ping(sim)).status_code == 202
        assert feed.receiver.wait_idle()
        monitor.push.took_health(feed.health())
        monitor.refreshes.took(monitor.refreshes.fetch(monitor.refreshes.start_poll()))
        assert monitor.push.next_delay(15.0) == 600  # healthy: relaxed
        vin = next(v for v, x in sim.engine.vehicles.items() if x["status"] == "approved")
        with sim.engine.lock:
            sim.engine.transition(sim.engine.record(vin), "revoked", sim.engine.epoch())
        mono[0] += 1000  # no delivery for longer than the silence window
        monitor.refreshes.took(monitor.refreshes.fetch(monitor.refreshes.start_poll()))
        text, alert = monitor.push.header(time.time())
        assert text == "push ! silent" and alert
        assert monitor.push.next_delay(15.0) == 15.0
    finally:
        monitor.close()


def json_ping(sim) -> bytes:  # noqa: ANN001
    import json

    return json.dumps(
        {"event": {"type": "ping", "received_at": sim.engine.now().isoformat()}}
    ).encode()
