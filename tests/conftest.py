"""Fixtures every folder uses: an isolated machine (temp config, cache, log and data dirs), a
simulator, a CLI profile on it, and the monitor on it through Pilot."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.support.cli import add_sim_profile
from tests.support.sim import SIM_START

# Property tests judge behaviour, not speed: on a loaded 2-core machine one example can take
# seconds, and Hypothesis's default 200 ms per-example deadline (and its too-slow health
# check) then fail a correct run. Per-test @settings still add their own limits on top.
settings.register_profile("fleettui", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fleettui")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Hypothesis times the garbage collector with a `gc.callbacks` hook. An xdist worker
    still busy 5 s after the run ended (its teardown on a loaded machine) is sent SIGINT
    by execnet, and a KeyboardInterrupt raised inside that hook became a
    PytestUnraisableExceptionWarning at the end of the run. The tests are over by now
    (this runs before the worker reports back): the hook goes, so that cannot happen."""
    gc.callbacks[:] = [
        hook
        for hook in gc.callbacks
        if not getattr(hook, "__module__", "").startswith("hypothesis.")
    ]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch) -> dict[str, str]:
    """Keep every test away from the real user's config, cache, logs, history and credentials."""
    dirs = {}
    for name in ("CONFIG", "CACHE", "LOG", "DATA", "EXPORT"):
        path = tmp_path / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"FLEETTUI_{name}_DIR", str(path))
        dirs[name.lower()] = str(path)
    for var in (
        "FLEETTUI_PROFILE",
        "FLEETTUI_BASE_URL",
        "FLEETTUI_CLIENT_ID",
        "FLEETTUI_CLIENT_SECRET",
    ):
        monkeypatch.delenv(var, raising=False)
    # The colour theme follows the terminal (fleettui.ui.colours): pin one, so screens and
    # snapshots don't depend on the TERM of whoever runs the tests. Tests that need
    # NO_COLOR or 16 colours set them themselves.
    monkeypatch.setenv("TERM", "xterm-256color")
    for var in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)
    return dirs


@pytest.fixture
def sim() -> Iterator:
    """A simulator on loopback: 60 vehicles, seed 1, a frozen clock (advance it by hand)."""
    from fleettui.sim import SimConfig, Simulator

    with Simulator(SimConfig(vehicles=60, seed=1, speed=0.0, start=SIM_START)) as running:
        yield running


@pytest.fixture
async def pilot(sim, request):
    """The monitor on the simulator, its first refresh done, through Textual's Pilot
    (`pilot.app` is the app). 120x36 unless the test says `@pytest.mark.size(80, 24)`;
    `@pytest.mark.test_vehicles` seeds the four test vehicles of tests.support.pilot first."""
    from tests.support.pilot import loaded, make_app, seed_test_vehicles

    if request.node.get_closest_marker("test_vehicles"):
        seed_test_vehicles(sim)
    size = request.node.get_closest_marker("size")
    app = make_app(sim)
    async with app.run_test(size=tuple(size.args) if size else (120, 36)) as running:
        await loaded(running)
        yield running


@pytest.fixture(params=["native", "native-python-lines", "pure"])
def json_path(request, monkeypatch) -> str:
    """The test runs three times: with the native JSON encoder (orjson, a dependency) and
    the compiled reader of the usual vehicles (fleettui.cli.run_lines, built by setup.py)
    as a user has them; with the encoder but the reader off (an install without a C
    compiler); and with the pure-Python fallback of both (fleettui.core.json_codec). Set
    through the environment, so forked CLI children follow it too."""
    from fleettui.cli.run_lines import OFF_VARIABLE
    from fleettui.core.json_codec import PURE_VARIABLE

    monkeypatch.delenv(OFF_VARIABLE, raising=False)
    if request.param == "pure":
        monkeypatch.setenv(PURE_VARIABLE, "1")
    else:
        pytest.importorskip("orjson")
        monkeypatch.delenv(PURE_VARIABLE, raising=False)
        if request.param == "native-python-lines":
            monkeypatch.setenv(OFF_VARIABLE, "1")
    return request.param


@pytest.fixture
def sim_profile(sim, capsys, monkeypatch):
    """A default profile 'sim' pointing at the running simulator, secret via env var."""
    add_sim_profile(capsys, monkeypatch, sim)
    return sim


@pytest.fixture(scope="module")
def rows() -> list:
    """The rows of tests.support.fleets.small_fleet(), as the store builds them (the filter
    language's tests and the desk's `claimed:` terms read them)."""
    from fleettui.core.rows import build_row
    from tests.support.fleets import small_fleet

    return [build_row(o, i) for i, o in enumerate(small_fleet())]
