"""The monitor's UI thread gets the interpreter back quickly from a busy worker (issue 21:
keys answer while a refresh is parsed), and the process's own setting comes back after."""

from __future__ import annotations

import sys

from fleettui.ui.switch_interval import UI_SWITCH_INTERVAL, favour_ui_thread


def test_the_switch_interval_is_shortened_for_the_app_and_restored_after():
    before = sys.getswitchinterval()
    assert before > UI_SWITCH_INTERVAL  # CPython's 5 ms, unless someone changed it
    restore = favour_ui_thread()
    try:
        assert sys.getswitchinterval() == UI_SWITCH_INTERVAL
    finally:
        restore()
    assert sys.getswitchinterval() == before
