"""`fleettui list` is a command for scripts: it loads what a listing needs, never the
terminal app's Textual (whose import alone costs more than a small fleet's listing), nor
what other commands and other listings need (each module's body is start-up time)."""

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
print("modules:", ",".join(sorted(sys.modules)), file=sys.stderr)
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
    assert done.stderr.splitlines()[-2] == "loaded: "
    loaded = set(done.stderr.splitlines()[-1].removeprefix("modules: ").split(","))
    assert "fleettui.cli.list_json" in loaded  # (the probe sees what was loaded)
    # Other commands' and other listings' modules: the desk (no desk in this profile),
    # the data states (no data: term), show's explanations, the JSON lines, the
    # secrets module (hmac, hashlib's HMAC) a temporary file's name once took, the
    # native JSON encoder (orjson: the JSON lines' only; the parse takes it for big
    # answers only, fleettui.api.list_stream); the client's eligibility and
    # data checks, the checks of --brand, --tag K=V and --vin (none given), the config's
    # writers, the snapshot cache (written by a child process, which loads it), and the
    # CA bundle (the simulator's URL is plain http: certifi.where() loads importlib.readers).
    unneeded = {
        "fleettui.desk",
        "fleettui.core.data_states",
        "fleettui.core.explanation",
        "fleettui.cli.fleet_write",
        "secrets",
        "fleettui.api.eligibility",
        "fleettui.api.vehicle_data",
        "fleettui.core.rules",
        "fleettui.cli.input_problems",
        "fleettui.core.vin",
        "tomli_w",
        "fleettui.config.toml_edit",
        "fleettui.config.cache",
        "importlib.readers",
    }
    if form != ["--json"]:
        unneeded |= {"fleettui.cli.json_lines", "fleettui.cli.json_runs", "orjson"}
    assert loaded & unneeded == set()
    if form == ["--json"]:
        assert len(json.loads(done.stdout)) == 60
    else:
        assert len(done.stdout.splitlines()) == 61  # a header and the 60 vehicles
