"""First-run setup and profile switch screens, driven with Pilot in a tiny test app."""

from __future__ import annotations

import os
import stat

from textual.widgets import Input, OptionList, Select, Static

from fleettui.config import Profile, load_config, save_config
from fleettui.config.paths import config_file
from fleettui.ui.screens.profile_switch import ProfileSwitchScreen
from fleettui.ui.screens.setup import SetupResult, SetupScreen
from tests.support.screen_app import Host


def _fill(screen: SetupScreen, **values: str) -> None:
    for key, value in values.items():
        screen.query_one(f"#setup-{key}", Input).value = value


async def _wait_for(pilot, condition, tries: int = 300) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met")


async def test_demo_choice():
    app = Host(SetupScreen())
    async with app.run_test() as pilot:
        await pilot.click("#setup-demo")
        await pilot.pause()
    assert app.results == [SetupResult("demo")]
    assert not config_file().exists()


async def test_escape_backs_out():
    app = Host(SetupScreen())
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_connect_against_the_simulator_tests_then_saves(sim):
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.click("#setup-connect")
        await pilot.pause()
        assert screen.query_one("#setup-form").display
        screen.query_one("#setup-environment", Select).value = "custom"
        await pilot.pause()
        assert not screen.query_one("#setup-base-url", Input).disabled
        _fill(
            screen,
            **{
                "base-url": sim.base_url,
                "client-id": sim.client_id,
                "secret": sim.client_secret,
                "name": "mysim",
            },
        )
        assert screen.query_one("#setup-secret", Input).password
        await pilot.click("#setup-save")
        await _wait_for(pilot, lambda: app.results)
    result = app.results[0]
    assert result.kind == "profile" and result.profile_name == "mysim"
    assert (
        result.profile.base_url == sim.base_url
        and result.profile.client_secret == sim.client_secret
    )
    cfg = load_config()
    assert cfg.default_profile == "mysim"
    assert cfg.profiles["mysim"].client_secret == sim.client_secret
    assert stat.S_IMODE(os.stat(config_file()).st_mode) == 0o600


async def test_wrong_secret_is_reported_and_nothing_saved(sim):
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.click("#setup-connect")
        screen.query_one("#setup-environment", Select).value = "custom"
        await pilot.pause()
        _fill(
            screen,
            **{"base-url": sim.base_url, "client-id": sim.client_id, "secret": "not-the-secret"},
        )
        await pilot.click("#setup-save")
        status = screen.query_one("#setup-status", Static)
        await _wait_for(pilot, lambda: "credentials" in str(status.render()))
        assert "not-the-secret" not in str(status.render())
        assert app.results == []
    assert not config_file().exists()


async def test_secret_env_name_keeps_the_secret_out_of_the_file(sim):
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.click("#setup-connect")
        screen.query_one("#setup-environment", Select).value = "custom"
        await pilot.pause()
        _fill(
            screen,
            **{
                "base-url": sim.base_url,
                "client-id": sim.client_id,
                "secret": sim.client_secret,
                "secret-env": "MY_SIM_SECRET",
            },
        )
        await pilot.click("#setup-save")
        await _wait_for(pilot, lambda: app.results)
    assert app.results[0].profile.client_secret == sim.client_secret
    assert sim.client_secret not in config_file().read_text()
    assert load_config().profiles["default"].client_secret_env == "MY_SIM_SECRET"


async def test_bad_input_is_refused_before_any_test():
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.click("#setup-connect")
        screen.query_one("#setup-environment", Select).value = "custom"
        await pilot.pause()
        _fill(screen, **{"base-url": "ftp://x", "client-id": "c", "secret": "s"})
        await pilot.click("#setup-save")
        await pilot.pause()
        assert "invalid base URL" in str(screen.query_one("#setup-status", Static).render())
        assert not screen.query_one("#setup-save").disabled


def _two_profiles() -> None:
    cfg = load_config()
    cfg = cfg.with_profile(Profile(name="alpha", client_id="a", client_secret="alpha-SECRET-1"))
    cfg = cfg.with_profile(
        Profile(
            name="beta", environment="sandbox", client_id="b", client_secret_env="BETA_SECRET_VAR"
        )
    )
    save_config(cfg)


async def test_profile_switch_lists_masked_and_picks(monkeypatch):
    _two_profiles()
    monkeypatch.setenv("BETA_SECRET_VAR", "x")
    app = Host(ProfileSwitchScreen(current="alpha"))
    async with app.run_test(size=(120, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        shown = " ".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        assert "alpha" in shown and "beta" in shown and "env BETA_SECRET_VAR" in shown
        assert "alpha-SECRET-1" not in shown
        assert options.highlighted == 0
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == ["beta"]


async def test_profile_switch_stays_open_when_the_secret_is_missing(monkeypatch):
    _two_profiles()
    monkeypatch.delenv("BETA_SECRET_VAR", raising=False)
    app = Host(ProfileSwitchScreen(current="alpha"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "BETA_SECRET_VAR" in str(app.screen.query_one("#switch-status", Static).render())
        assert app.results == []
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_profile_switch_reports_a_corrupt_file():
    config_file().write_text("[profiles\n")
    app = Host(ProfileSwitchScreen())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "cannot read" in str(app.screen.query_one("#switch-status", Static).render())
    assert config_file().read_text() == "[profiles\n"


async def test_plain_http_to_another_machine_is_refused_in_the_form(monkeypatch):
    import fleettui.ui.screens.setup as setup_mod

    tested: list = []
    monkeypatch.setattr(setup_mod, "check_connection", lambda *a: tested.append(a))
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.click("#setup-connect")
        screen.query_one("#setup-environment", Select).value = "custom"
        await pilot.pause()
        _fill(screen, **{"base-url": "http://fleet.example.com", "client-id": "c", "secret": "s"})
        await pilot.click("#setup-save")
        await pilot.pause(0.2)
        status = str(screen.query_one("#setup-status", Static).render())
        assert "plain http" in status and "https://fleet.example.com" in status
        assert tested == [] and app.results == []
        assert not config_file().exists()


async def test_environment_select_opens_on_enter_and_every_stop_is_visible():
    screen = SetupScreen()
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#setup-connect")
        await pilot.pause()
        stops = []
        for _ in range(12):
            await pilot.press("shift+tab")
            await pilot.pause()
            stops.append(app.focused)
        assert all(w is not None and w.id != "setup-box" for w in stops), stops
        select = screen.query_one("#setup-environment", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert select.expanded
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert select.value == "custom"
        assert app.focused is screen.query_one("#setup-base-url", Input)
