"""Which terminals get native ANSI colours (see fleettui.ui.colours)."""

import pytest

from fleettui.ui.colours import wants_native_ansi


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"NO_COLOR": "1", "COLORTERM": "truecolor"}, True),
        ({"NO_COLOR": ""}, True),
        ({"TEXTUAL_COLOR_SYSTEM": "standard"}, True),
        ({"TEXTUAL_COLOR_SYSTEM": "truecolor", "TERM": "xterm"}, False),
        ({"TERM": "xterm"}, True),
        ({"TERM": "screen"}, True),
        ({"TERM": "linux"}, True),
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, False),
        ({"TERM": "dumb"}, False),
        ({}, False),
    ],
)
def test_wants_native_ansi(environ, expected):
    assert wants_native_ansi(environ) is expected
