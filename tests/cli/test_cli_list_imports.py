"""`fleettui list` is a command for scripts: it loads what a listing needs, never the
terminal app's Textual (whose import alone costs more than a small fleet's listing)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import sys
from fleettui.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in ("textual", "rich", "fleettui.ui") if m in sys.modules)
print("loaded:", ",".join(loaded), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("form", [["--json"], ["--csv"], []])
def test_list_never_loads_the_terminal_app(sim_profile, form):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "list", *form],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "loaded: "
    if form == ["--json"]:
        assert len(json.loads(done.stdout)) == 60
    else:
        assert len(done.stdout.splitlines()) == 61  # a header and the 60 vehicles
