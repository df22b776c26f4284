"""The terminal driver's input loop wakes when a lone Esc's wait is over (fleettui.ui.driver)."""

from __future__ import annotations

from textual.drivers.linux_driver import LinuxDriver

from fleettui.ui.app import FleetApp
from fleettui.ui.driver import IDLE_SELECT, QuickEscapeDriver, quick_escape_driver, select_timeout


def test_the_select_waits_only_until_the_escape_wait_ends():
    assert select_timeout(None, 50.0) == IDLE_SELECT  # nothing pending: Textual's 100 ms
    assert abs(select_timeout(50.025, 50.0) - 0.025) < 1e-9  # an Esc waiting 25 ms more
    assert select_timeout(49.0, 50.0) == 0.0  # overdue: at once
    assert select_timeout(51.0, 50.0) == IDLE_SELECT  # never longer than the idle wait


def test_only_textuals_own_terminal_driver_is_replaced():
    assert quick_escape_driver(LinuxDriver) is QuickEscapeDriver
    from textual.drivers.headless_driver import HeadlessDriver

    assert quick_escape_driver(HeadlessDriver) is HeadlessDriver
    assert issubclass(QuickEscapeDriver, LinuxDriver)


def test_the_monitor_asks_for_it(monkeypatch):
    from textual import constants

    monkeypatch.setattr(constants, "DRIVER", None)
    assert FleetApp(None).get_driver_class() is QuickEscapeDriver
    # a driver named by the environment (textual-serve's web driver) is left alone
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
    from textual.drivers.headless_driver import HeadlessDriver

    assert FleetApp(None).get_driver_class() is HeadlessDriver
