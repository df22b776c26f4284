"""In-process: key → first frame of ctrl+p, `t`, `T` and `!`, measured through Textual's
Pilot on the real FleetApp (headless) against the simulator in its own process.

    python bench/bench_first_frames.py --sizes 10000,100000 --repeat 5

For each key: the UI thread's CPU time and the wall time from the key to the first
frame of the new screen that shows what the key opened (its title; the palette's search
box), the frame's bytes rendered as they would be for a terminal. The UI-thread CPU is
the app's own work and varies little with the machine's load; the wall time is printed
beside the load. The screens are warmed up first as the real app does once idle
(fleettui.ui.warm_up), so these are the opens after the first one. No refresh runs
during the tries (the refresh interval is an hour); bench_screens.py measures the real
terminal with refreshes running.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_terminal import SECRET, Simulator  # noqa: E402

from fleettui.monitor.accounts import account_for_simulator  # noqa: E402
from fleettui.ui import warm_up  # noqa: E402
from fleettui.ui.app import FleetApp  # noqa: E402

#: key → (its name, text the first frame must hold: the title, the palette's box)
KEYS = {
    "ctrl+p": ("ctrl+p (palette)", "earch for commands"),  # the S carries the cursor
    "t": ("t (triage)", "Triage: "),  # "Triage: grouping…" (the footer says "Triage")
    "T": ("T (statistics)", "Statistics: "),
    "exclamation_mark": ("! (notifications)", "kept"),
}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Frames:
    """Wraps the app's display: notes the first frame of a screen other than the main
    view that holds the wanted text, after `start`."""

    def __init__(self, app: FleetApp) -> None:
        self.app = app
        self.want = ""
        self.t0 = self.c0 = 0.0
        self.got: tuple[float, float] | None = None
        self._display = app._display
        app._display = self.display  # type: ignore[method-assign]

    def start(self, want: str) -> None:
        self.want, self.got = want, None
        self.c0, self.t0 = time.thread_time(), time.perf_counter()

    def display(self, screen: Any, renderable: Any) -> None:
        if renderable is not None and self.want and screen is not self.app.monitor_screen:
            text = renderable.render_segments(self.app.console)  # what a terminal gets
            if self.got is None and self.want in text:
                self.got = (time.perf_counter() - self.t0, time.thread_time() - self.c0)
        self._display(screen, renderable)


async def one_size(n: int, repeat: int) -> None:
    sim = Simulator(n)
    creds = SimpleNamespace(base_url=sim.url, client_id=sim.client_id, client_secret=SECRET)
    app = FleetApp(account_for_simulator(creds, refresh=3600), watch_terminal=False)
    frames = Frames(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while app.monitor.store.total < n or app.monitor.connection.polling:
                await pilot.pause(0.05)
            for name in warm_up.MODULES:  # as the app does once idle in a terminal
                importlib.import_module(name)
            warm_up._styles(app)
            await pilot.pause(1.0)
            print(f"\n== {n:,} vehicles, 120x40, in-process (Pilot, headless), load {load()} ==")
            for key, (label, want) in KEYS.items():
                cpu: list[float] = []
                wall: list[float] = []
                for _ in range(repeat):
                    frames.start(want)
                    await pilot.press(key)
                    for _ in range(2000):
                        if frames.got is not None:
                            break
                        await pilot.pause(0.005)
                    if frames.got is not None:
                        wall.append(frames.got[0] * 1000)
                        cpu.append(frames.got[1] * 1000)
                    frames.want = ""
                    await pilot.pause(0.3)
                    await pilot.press("escape")
                    await pilot.pause(0.5)
                print(f"  {label:<20} UI-thread CPU  {summary(cpu)}")
                print(f"  {'':<20} wall           {summary(wall)}")
            print(f"  load after: {load()}")
    finally:
        sim.proc.terminate()


def summary(xs: list[float]) -> str:
    if not xs:
        return "(no frame)"
    return f"median {statistics.median(xs):5.1f} ms  best {min(xs):5.1f}  worst {max(xs):5.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        asyncio.run(one_size(n, args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
