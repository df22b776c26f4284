"""The monitor's first frame loads what it paints, not what keys open later (issue 20: the
start-up cost above the floor's own Textual start was mostly imports).

The screens and dialogs a key opens, the palette's commands, the desk and the webhook
panel load when first used, or once the monitor is idle (fleettui/ui/warm_up.py). This
guards that they do not creep back into the start: a fresh interpreter imports the app
module as `fleettui` does and lists what came with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Modules the first frame does not need, each loaded by what first uses it.
LATER = (
    "fleettui.ui.commands",  # the palette's commands (ctrl+p), the help's key rows
    "fleettui.ui.screens.help",  # ?
    "fleettui.ui.screens.notifications",  # !
    "fleettui.ui.screens.sort_menu",  # s, and a sort's toast
    "fleettui.ui.screens.webhook_health",  # E
    "fleettui.ui.widgets.webhook_health",
    "fleettui.ui.widgets.cursor_list",  # the menus' lists
    "fleettui.ui.screens.triage",  # t
    "fleettui.ui.screens.stats",  # T
    "fleettui.ui.screens.add_form",  # a
    "fleettui.ui.screens.confirm",  # c, R
    "fleettui.ui.screens.export",  # x
    "fleettui.monitor.desk_handover",  # the desk's handover (--desk)
    "fleettui.desk",  # the desk (--desk)
    "textual.widgets._text_area",  # only dialogs have one (the add form)
    "textual.document._document",
    "httpx",  # the API's client: made once the cached screen is painted (monitor/prefetch)
    "fleettui.api.client",
    "fleettui.api.wire",
)

_PROBE = """
import json, sys
sys.modules.setdefault("httpx._main", None)  # as fleettui.cli.main does
import fleettui.cli.main, fleettui.cli.monitor_cmd
import fleettui.ui.app
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_by_the_app() -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_first_frame_does_not_import_what_keys_open_later() -> None:
    loaded = _loaded_by_the_app()
    assert "fleettui.ui.screens.monitor" in loaded  # the probe did load the app
    assert sorted(m for m in LATER if m in loaded) == []


def test_the_later_modules_exist() -> None:
    """Each name above is a real module (a renamed one would make the guard pass empty)."""
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)\n"
    done = subprocess.run(
        [sys.executable, "-c", code, *LATER], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


_PROFILE_PROBE = """
import argparse, json, sys
from fleettui.cli import monitor_cmd
assert monitor_cmd._profile_desk(argparse.Namespace(desk=False), "demo") is None
print(json.dumps(sorted(m for m in sys.modules if m.startswith("fleettui.desk"))))
"""


def test_a_start_without_a_desk_loads_none_of_it(tmp_path: Path) -> None:
    """Asking whether the profile wants a desk must not load the desk to find out."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _PROFILE_PROBE], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
