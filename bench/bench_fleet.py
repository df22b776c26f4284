"""Fleet-scale benchmark, IN-PROCESS (the store and a headless table in this process, not
the app users run: bench/bench_terminal.py measures that): prints the timing figures.

    python bench/bench_fleet.py                # 10,000 and 100,000 vehicles
    python bench/bench_fleet.py 100000

The app's real path: a simulator (its own process, so its memory is not counted) serves
the fleet over loopback HTTP; a worker thread calls FleetClient.list_vehicles_compact()
(HTTP answer parsed element by element into compact tuples), then FleetStore.prepare;
the UI thread applies and paints a headless Textual app (120x40). Printed per fleet size:
body received -> first rows painted; a refresh where 1% changed (UI-thread time, worst
UI stall, peak RSS during it); key press -> cursor moved; sort; filter; resident memory.
Targets (100k): first paint <= 0.5 s, 1% refresh UI thread <= 50 ms, cursor <= 50 ms,
sort/filter <= 300 ms, RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleettui.api import wire  # noqa: E402
from fleettui.api.auth import Credentials  # noqa: E402
from fleettui.api.client import FleetClient  # noqa: E402
from fleettui.core.store import FleetStore  # noqa: E402
from fleettui.ui.widgets.fleet_table import FleetTable  # noqa: E402

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def serve(n: int) -> None:
    """The simulator process: prints its URL, then on each stdin line `change F SEED`
    moves a fraction F of the vehicles to a new state and answers `ok`."""
    from fleettui.core.reasons import REJECT_REASONS
    from fleettui.sim import SimConfig, Simulator

    with Simulator(SimConfig(vehicles=n, seed=1, speed=0.0, start=NOW)) as sim:
        print(sim.base_url, flush=True)
        engine = sim.engine
        for line in sys.stdin:
            _cmd, fraction, seed = line.split()
            rng = random.Random(int(seed))
            vins = sorted(engine.vehicles)
            with engine.lock:
                at = engine.epoch()
                for vin in rng.sample(vins, int(len(vins) * float(fraction))):
                    rec = engine.record(vin)
                    if rec.status == "pending":
                        engine.transition(rec, "approved", at)
                    else:
                        engine.transition(rec, "rejected", at, rng.choice(REJECT_REASONS))
            print("ok", flush=True)


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MB, from /proc/self/status."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount, _unit = line.split()
            values[key] = int(amount) / 1024
    return values.get("VmRSS:", 0.0), values.get("VmHWM:", 0.0)


def reset_peak() -> None:
    """Start the peak-RSS count here."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class BodyTimer:
    """Wraps wire.read_vehicle_list: when the body had arrived, and how long parsing took."""

    def __init__(self) -> None:
        self.arrived = self.parsed = 0.0
        self._inner = wire.read_vehicle_list
        wire.read_vehicle_list = self

    def __call__(self, response, **kwargs):  # noqa: ANN001, ANN204
        self.arrived = time.perf_counter()
        try:
            return self._inner(response, **kwargs)
        finally:
            self.parsed = time.perf_counter()


class PaintProbe(FleetTable):
    """Records when a vehicle row was last painted."""

    painted_at = 0.0

    def render_line(self, y: int):
        strip = super().render_line(y)
        if y > 0:
            PaintProbe.painted_at = time.perf_counter()
        return strip


class BenchApp(App):
    def __init__(self, store: FleetStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield PaintProbe(self.store)


class StallProbe:
    """Measures the longest gap in the UI event loop while something else runs."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def during(self, awaitable):
        self.worst = 0.0
        task = asyncio.ensure_future(awaitable)
        while not task.done():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - start - 0.001)
        return task.result()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


async def paint(pilot) -> float:
    """Wait until the table has repainted; returns the paint time."""
    PaintProbe.painted_at = 0.0
    await pilot.pause()
    for _ in range(50):
        if PaintProbe.painted_at:
            break
        await asyncio.sleep(0.002)
    return PaintProbe.painted_at


def poll(client: FleetClient, store: FleetStore):  # noqa: ANN201
    """What the app's poll worker does (fleettui.ui.poller)."""
    raw = client.list_vehicles_compact()
    prepared = store.prepare(raw, NOW, consume=True)
    del raw
    return prepared


async def refresh(pilot, client, store, table, server, timer, seed: int) -> float:  # noqa: ANN001
    server.stdin.write(f"change 0.01 {seed}\n")
    server.stdin.flush()
    server.stdout.readline()
    gc.collect()
    rss_before = rss_mb()[0]
    probe = StallProbe()
    reset_peak()
    t0 = time.perf_counter()
    prepared = await probe.during(asyncio.to_thread(poll, client, store))
    t1 = time.perf_counter()
    store.apply(prepared)
    table.refresh_view()
    t2 = time.perf_counter()
    painted = await paint(pilot)
    diff = prepared.diff
    del prepared
    print(
        f"  request -> prepared (worker)    {ms(t1 - t0)}   "
        f"(HTTP {ms(timer.arrived - t0).strip()}, "
        f"parse {ms(timer.parsed - timer.arrived).strip()}, prepare "
        f"{ms(t1 - timer.parsed).strip()}; {len(diff.changed):,} changed)"
    )
    print(f"  worst UI stall while the worker runs {ms(probe.worst)}")
    print(f"  apply + refresh (UI)            {ms(t2 - t1)}")
    print(f"  UI until repainted              {ms(painted - t1)}   target <= 50 ms")
    await probe.during(asyncio.sleep(store.release_delay + 1.0))
    print(f"  worst UI stall while replaced rows are freed {ms(probe.worst)}")
    rss, peak = rss_mb()
    print(
        f"  RSS before {rss_before:4.0f} MB, after {rss:4.0f} MB, peak during it {peak:4.0f} MB"
        "   target <= 300 MB"
    )
    return rss


async def bench(n: int) -> None:
    print(
        f"\n== {n:,} vehicles (IN-PROCESS: store + headless table in this process; the simulator over loopback HTTP; for what users run see bench_terminal.py) =="
    )
    t = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, __file__, str(n), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    base_url = server.stdout.readline().strip()
    print(f"simulator up in {time.perf_counter() - t:.1f} s at {base_url}")
    timer = BodyTimer()
    client = FleetClient(Credentials(base_url, "demo-client", "demo-secret"), timeout=120)
    try:
        client.fetch_token()
        store = FleetStore()
        app = BenchApp(store)
        gc.collect()
        print(f"RSS before the first fetch: {rss_mb()[0]:6.0f} MB")
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.query_one(PaintProbe)
            table.focus()
            await pilot.pause()
            reset_peak()
            probe = StallProbe()
            t0 = time.perf_counter()
            prepared = await probe.during(asyncio.to_thread(poll, client, store))
            t1 = time.perf_counter()
            store.apply(prepared)
            table.refresh_view()
            painted = await paint(pilot)
            del prepared
            print("first load:")
            print(f"  HTTP answer (simulator)         {ms(timer.arrived - t0)}")
            print(f"  parse (list_vehicles_compact)   {ms(timer.parsed - timer.arrived)}")
            print(f"  prepare (worker)                {ms(t1 - timer.parsed)}")
            print(f"  parsed -> first rows painted    {ms(painted - timer.parsed)}")
            print(
                f"  body received -> first rows painted {ms(painted - timer.arrived)}"
                "   target <= 500 ms"
            )
            print(f"  worst UI stall while the worker runs {ms(probe.worst)}")
            rss, peak = rss_mb()
            print(f"  RSS {rss:4.0f} MB, peak during the load {peak:4.0f} MB")

            print("refresh, 1% changed (rows still from the first load):")
            await refresh(pilot, client, store, table, server, timer, 2)
            print("refresh, 1% changed (steady state):")
            await refresh(pilot, client, store, table, server, timer, 3)

            t0 = time.perf_counter()
            table.action_cursor_down()
            t1 = time.perf_counter()
            painted = await paint(pilot)
            print(f"key -> cursor moved (action)      {ms(t1 - t0)}")
            print(f"key -> cursor repainted           {ms(painted - t0)}   target <= 50 ms")
            for column, desc in (
                ("time", False),
                ("reason", True),
                ("brand", False),
                ("vin", True),
                ("state", False),
            ):
                t0, c0 = time.perf_counter(), time.thread_time()
                table.sort_by(column, desc)
                cpu = time.thread_time() - c0
                painted = await paint(pilot)
                arrow = "desc" if desc else "asc"
                print(
                    f"sort {column:6} {arrow:4} -> repainted      {ms(painted - t0)}   "
                    f"target <= 300 ms (sort CPU {ms(cpu).strip()})"
                )
            for query in ("bmw", "state:pending -tag:fleet=pool", "group:vw state:rejected", ""):
                t0, c0 = time.perf_counter(), time.thread_time()
                store.set_query(query)
                table.refresh_view()
                cpu = time.thread_time() - c0
                painted = await paint(pilot)
                print(
                    f"filter {query!r:32} {ms(painted - t0)}   {len(store):>7,} shown   "
                    f"target <= 300 ms (CPU {ms(cpu).strip()})"
                )
            gc.collect()
            rss, peak = rss_mb()
            print(f"RSS at the end {rss:6.0f} MB   target <= 300 MB")
    finally:
        client.close()
        server.stdin.close()
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.sizes[0])
    elif len(args.sizes) == 1:
        asyncio.run(bench(args.sizes[0]))
    else:
        for n in args.sizes:  # one process per size, so memory figures don't mix
            subprocess.run([sys.executable, __file__, str(n)], check=False)


if __name__ == "__main__":
    main()
