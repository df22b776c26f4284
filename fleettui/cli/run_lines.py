"""The compiled reader of `list --json`'s usual vehicles (`fleettui/cli/_run_lines.c`),
when it was built.

`fleettui.cli.json_lines.JsonLines` hands it each run of the answer's text; it gives each
vehicle's line as the one-pass read and the compact encoder make it
(`list_items.fast_parts`, `json_codec`), byte for byte, without building the Python
objects in between: about a tenth of their time. A vehicle it does not cover gets None in
its place and goes the Python way; a run outside the strict compact form it reads gives
None whole. The extension is optional (setup.py): without a C compiler the install goes
on without it. `FLEETTUI_PURE_JSON` (everything in Python, the tests' fallback) and
`FLEETTUI_NO_COMPILED` switch it off, read when a listing begins.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from fleettui.cli.list_items import STATES
from fleettui.core.json_codec import PURE_VARIABLE

#: Set (to anything but empty) to read every vehicle the Python way.
OFF_VARIABLE = "FLEETTUI_NO_COMPILED"
#: The states a vehicle (and each history entry) may have, as the one-pass read knows them.
STATE_NAMES = tuple(sorted(STATES))

Reader = Callable[
    [str, int, tuple[str, ...]], tuple[list[str | None], list[datetime | None]] | None
]


def compiled_reader() -> Reader | None:
    """The compiled reader, or None: not built, or switched off."""
    if os.environ.get(OFF_VARIABLE) or os.environ.get(PURE_VARIABLE):
        return None
    try:
        from fleettui.cli import _run_lines
    except ImportError:
        return None
    read: Reader = _run_lines.read
    return read
