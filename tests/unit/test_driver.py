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


def _keys(data: str) -> list[str]:
    from fleettui.ui.driver import BurstParser

    parser = BurstParser(False)
    events = [*parser.feed(data), *parser.feed("")]  # "" = end of input: waits are over
    return [event.key for event in events]


def test_esc_and_the_next_key_in_one_burst_are_both_keys():
    # A laggy link (or keys typed ahead) delivers Esc and the next key in one read:
    # Textual read it as an Alt chord, or lost the Esc (Esc Enter pressed the dialog's button).
    assert _keys("\x1bT") == ["escape", "T"]
    assert _keys("\x1b/") == ["escape", "slash"]
    assert _keys("\x1b\r") == ["escape", "enter"]
    assert _keys("\x1b?") == ["escape", "question_mark"]
    assert _keys("\x1bb") == ["escape", "b"]  # not ctrl+left (triage's b: by brand)
    assert _keys("\x1b1") == ["escape", "1"]  # not "¡" (1: only pending)
    assert _keys("t\x1bO") == ["t", "escape", "O"]


def test_escape_sequences_keep_their_meaning():
    assert _keys("\x1b") == ["escape"]
    assert _keys("\x1b[A") == ["up"]
    assert _keys("\x1bOA") == ["up"]
    assert _keys("\x1b[1;5C") == ["ctrl+right"]
    assert _keys("\x1b\x1b[A") == ["escape", "up"]
    assert _keys("\x1b[Z") == ["shift+tab"]


async def test_the_terminal_driver_reads_a_burst_as_its_keys():
    """The real input loop, fed Esc and T in one write through a pipe."""
    import asyncio
    import os
    import threading

    from textual.app import App

    read_end, write_end = os.pipe()
    driver = QuickEscapeDriver(App(), size=(80, 24))
    driver.fileno = read_end
    got: list[str] = []
    done = threading.Event()

    def process_message(message: object) -> None:
        got.append(getattr(message, "key", type(message).__name__))
        if len(got) == 2:
            done.set()

    driver.process_message = process_message  # type: ignore[method-assign]
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        os.write(write_end, b"\x1bT")
        assert await asyncio.to_thread(done.wait, 10), got
    finally:
        driver.exit_event.set()
        thread.join(10)
        os.close(write_end)
        os.close(read_end)
    assert got == ["escape", "T"]


def test_esc_then_backspace_in_one_read_is_marked_for_the_key_order():
    # The same bytes as Alt+Backspace: Textual's ctrl+w, marked so the key order can make
    # it Esc then Backspace where no text input has focus (tests/monitor: type-ahead).
    from fleettui.ui.driver import BurstParser
    from fleettui.ui.key_order import ESC_BACKSPACE, is_esc_backspace

    def one(data: str):  # noqa: ANN202
        parser = BurstParser(False)
        [key] = [*parser.feed(data), *parser.feed("")]
        return key

    key = one(ESC_BACKSPACE)
    assert key.key == "ctrl+w" and is_esc_backspace(key)
    typed = one("\x17")  # ctrl+w typed as itself
    assert typed.key == "ctrl+w" and not is_esc_backspace(typed)
    assert _keys("\x7f") == ["backspace"]
