"""Choosing what the monitor watches: the setup screen (first start, nothing configured),
the demo simulator it can start, switching profiles without a restart, and the (re)connect
each of them ends in. A helper the app composes (not a mixin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from fleettui.config import ConfigError, ResolvedProfile, resolve_profile
from fleettui.monitor.accounts import Account, account_for_simulator, account_from_profile
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Notice, Update

if TYPE_CHECKING:
    from fleettui.sim import Simulator
    from fleettui.ui.screens.monitor import MonitorScreen


class AccountFlow:
    """`apply` is the app's one applier of an Update, `notify` its notification path for a
    controller notice, `poll` the poll loop's poll now; `screen` the main view."""

    def __init__(
        self,
        app: App[None],
        monitor: Monitor,
        screen: MonitorScreen,
        apply: Callable[[Update | None], None],
        notify: Callable[[Notice], None],
        poll: Callable[[], None],
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.apply = apply
        self.notify = notify
        self.poll = poll
        #: A simulator the app started itself (demo chosen on the setup screen).
        self.owned_sim: Simulator | None = None

    def connect(self, account: Account) -> None:
        """(Re)connect: new clients, empty fleet, first poll now."""
        self.monitor.connect(account)
        data = self.monitor.data
        self.screen.table.show_data(data.row_cell if data.settings.enabled else None)
        self.screen.reset(account.default_filter or "")
        self.apply(self.monitor.view_changed(by_user=True))  # nothing of the last "left"
        self.app.refresh_bindings()
        self.poll()
        self.apply(self.monitor.push.start())

    def switch_profile(self) -> None:
        refusal = self.monitor.switch_refusal()
        if refusal is not None:
            self.notify(refusal)
            return
        from fleettui.ui.screens.profile_switch import ProfileSwitchScreen

        self.app.push_screen(
            ProfileSwitchScreen(current=self.monitor.account_name), callback=self.profile_chosen
        )

    def close(self) -> None:
        if self.owned_sim is not None:
            self.owned_sim.stop()

    def start(self, expect_input: Callable[[], None]) -> None:
        """The app's first account: connected to, or with none yet the setup screen (its
        fields take the keys typed meanwhile: `expect_input`)."""
        if self.monitor.account is None:
            expect_input()
            self.open_setup()
        else:
            self.connect(self.monitor.account)

    def open_setup(self) -> None:
        from fleettui.ui.screens.setup import SetupScreen

        self.app.push_screen(SetupScreen(), callback=self._setup_done)

    def _setup_done(self, result: object) -> None:
        from fleettui.ui.screens.setup import SetupResult

        if not isinstance(result, SetupResult):
            if self.monitor.account is None:
                self.app.exit(
                    message="No account configured; run `fleettui --demo` or "
                    "`fleettui profile add`."
                )
            return
        if result.kind == "demo":
            from fleettui.config.demo import DEMO_DATA_LIMIT, DEMO_SPEED, DEMO_VEHICLES
            from fleettui.sim import SimConfig, Simulator

            self.owned_sim = Simulator(
                SimConfig(vehicles=DEMO_VEHICLES, speed=DEMO_SPEED, data_limit=DEMO_DATA_LIMIT)
            ).start()
            self.connect(
                account_for_simulator(
                    self.owned_sim, read_only=self.monitor.read_only_flag, data_checks=True
                )
            )
        elif result.profile is not None:
            self.connect_profile(result.profile)
        self.app.notify(f"Connected to {self.monitor.account_name}.", markup=False)

    def connect_profile(self, profile: ResolvedProfile) -> None:
        self.connect(account_from_profile(profile, read_only=self.monitor.read_only_flag))

    def profile_chosen(self, name: str | None) -> None:
        if name is None:
            return
        try:
            profile = resolve_profile(name, read_only=self.monitor.read_only_flag or None)
        except (ConfigError, ValueError) as exc:
            self.app.notify(str(exc), title="Profile not switched", severity="error", markup=False)
            return
        # The last profile's toasts ("left the view", "since you last looked") are not
        # about what is shown now: they go (the `!` log keeps them). Toasts arrive as
        # messages: the ones already on their way go too.
        self.app.call_later(self.app.clear_notifications)
        self.connect_profile(profile)
        self.app.notify(f"Switched to profile {self.monitor.account_name}.", markup=False)
