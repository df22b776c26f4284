"""Fleet-scale benchmark: prints (does not assert) the monitor's timing targets.

    python bench/bench_fleet.py                # 10,000 and 100,000 vehicles
    python bench/bench_fleet.py 100000 --source synthetic

For each fleet size: data arrived (a parsed list of API dicts) -> prepare -> apply ->
first rows painted in a headless Textual app (120x40); a refresh where 1% changed (the
prepare is a worker's job; the UI thread only applies and repaints); key press -> cursor
moved; sort; filter; resident memory. Targets (100k): first paint <= 0.5 s, 1% refresh
UI thread <= 50 ms, cursor <= 50 ms, sort/filter <= 300 ms, RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from payload import make_fleet, mutate  # noqa: E402

from fleettui.core.compact import compact_or_keep  # noqa: E402
from fleettui.core.memory import parse_json_list  # noqa: E402
from fleettui.core.store import FleetStore  # noqa: E402
from fleettui.ui.widgets.fleet_table import FleetTable  # noqa: E402

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MB, from /proc/self/status."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount, _unit = line.split()
            values[key] = int(amount) / 1024
    return values.get("VmRSS:", 0.0), values.get("VmHWM:", 0.0)


def fleet_payload(n: int, source: str) -> list[dict]:
    """The list call's parsed JSON: from the simulator's generator when available."""
    if source == "sim":
        try:
            from fleettui.sim import fleetgen
            from fleettui.sim.engine import Engine
        except ImportError:
            source = "synthetic"
        else:
            engine = Engine(start=NOW, speed=0, seed=1)
            fleetgen.generate(engine, n, 1)
            return json.loads(engine.list_blob())
    return json.loads(json.dumps(make_fleet(n)))


def reset_peak() -> None:
    """Start the peak-RSS count here (so generating the payload is not counted)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


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


async def paint(pilot, table: FleetTable) -> float:
    """Wait until the table has repainted; returns the paint time."""
    PaintProbe.painted_at = 0.0
    await pilot.pause()
    for _ in range(50):
        if PaintProbe.painted_at:
            break
        await asyncio.sleep(0.002)
    return PaintProbe.painted_at


async def bench(n: int, source: str) -> None:
    print(f"\n== {n:,} vehicles (payload: {source}) ==")
    payload = fleet_payload(n, source)
    gc.collect()
    reset_peak()
    print(f"RSS with the payload parsed, before the app: {rss_mb()[0]:6.0f} MB")
    store = FleetStore()
    app = BenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(PaintProbe)
        table.focus()
        await pilot.pause()

        t0 = time.perf_counter()                       # data arrived
        c0 = time.thread_time()
        prepared = store.prepare(payload, NOW, consume=False)  # the bench reuses the list
        t1 = time.perf_counter()
        cpu = time.thread_time() - c0
        store.apply(prepared)
        table.refresh_view()
        t2 = time.perf_counter()
        painted = await paint(pilot, table)
        print(f"prepare (worker)                  {ms(t1 - t0)}   (CPU {ms(cpu).strip()})")
        print(f"apply + refresh_view (UI)         {ms(t2 - t1)}")
        print(f"data arrived -> first rows painted {ms(painted - t0)}   target <= 500 ms")
        tw = time.perf_counter()
        prepared.warm()
        print(f"warm lazy fields (worker, after)  {ms(time.perf_counter() - tw)}")
        del prepared

        # The next poll: the worker parses the body and prepares; the UI loop keeps running.
        body = json.dumps(mutate(payload, 0.01))
        del payload
        gc.collect()
        probe = StallProbe()
        reset_peak()  # the peak below: old fleet + one parsed payload + its JSON text
        t0 = time.perf_counter()
        changed = await probe.during(asyncio.to_thread(parse_json_list, body, compact_or_keep))
        print(f"worker parse_json_list(each=compact_or_keep): worst UI stall {ms(probe.worst)} "
              f"(parse {ms(time.perf_counter() - t0).strip()})")
        rss, _peak = rss_mb()
        print(f"RSS with the fleet loaded + next payload parsed: {rss:6.0f} MB")
        c0 = time.thread_time()
        t0 = time.perf_counter()
        prepared = await probe.during(asyncio.to_thread(store.prepare, changed, NOW, consume=True))
        t1 = time.perf_counter()
        print(f"1% changed: prepare (worker)      {ms(t1 - t0)}   "
              f"({len(prepared.diff.changed):,} changed, "
              f"{len(prepared.diff.state_changes):,} state changes)")
        print(f"1% changed: worst UI stall while the worker prepares {ms(probe.worst)}")
        t1 = time.perf_counter()
        store.apply(prepared)
        table.refresh_view()
        t2 = time.perf_counter()
        painted = await paint(pilot, table)
        print(f"1% changed: apply + refresh (UI)  {ms(t2 - t1)}")
        print(f"1% changed: UI until repainted    {ms(painted - t1)}   target <= 50 ms")
        await probe.during(asyncio.sleep(store.release_delay + 1.0))
        print(f"worst UI stall while replaced rows are freed {ms(probe.worst)}")
        rss, peak = rss_mb()
        print(f"RSS after the refresh {rss:6.0f} MB; peak during it {peak:6.0f} MB "
              "(old fleet + new parsed payload + its JSON text)")
        # Steady state: the next 1% refresh (rows are compact copies by now).
        again = parse_json_list(json.dumps(mutate(json.loads(body), 0.01, seed=3)),
                                compact_or_keep)
        del prepared, changed
        t0 = time.perf_counter()
        prepared = await probe.during(asyncio.to_thread(store.prepare, again, NOW, consume=True))
        t1 = time.perf_counter()
        store.apply(prepared)
        table.refresh_view()
        t2 = time.perf_counter()
        painted = await paint(pilot, table)
        print(f"next 1% refresh: prepare {ms(t1 - t0).strip()}, worst UI stall "
              f"{ms(probe.worst).strip()}, apply+refresh {ms(t2 - t1).strip()}, "
              f"until repainted {ms(painted - t1).strip()}")
        del prepared, again
        await asyncio.sleep(store.release_delay + 0.5)

        t0 = time.perf_counter()
        table.action_cursor_down()
        t1 = time.perf_counter()
        painted = await paint(pilot, table)
        print(f"key -> cursor moved (action)      {ms(t1 - t0)}")
        print(f"key -> cursor repainted           {ms(painted - t0)}   target <= 50 ms")
        t0 = time.perf_counter()
        await pilot.press("pagedown")
        print(f"pilot.press(pagedown) round trip  {ms(time.perf_counter() - t0)}")

        for column, desc in (("time", False), ("reason", True), ("brand", False),
                             ("vin", True), ("state", False)):
            t0, c0 = time.perf_counter(), time.thread_time()
            table.sort_by(column, desc)
            cpu = time.thread_time() - c0
            painted = await paint(pilot, table)
            arrow = "desc" if desc else "asc"
            print(f"sort {column:6} {arrow:4} -> repainted      {ms(painted - t0)}   "
                  f"target <= 300 ms (sort CPU {ms(cpu).strip()})")
        for query in ("bmw", "state:pending -tag:fleet=pool", "group:vw state:rejected", ""):
            t0, c0 = time.perf_counter(), time.thread_time()
            store.set_query(query)
            table.refresh_view()
            cpu = time.thread_time() - c0
            painted = await paint(pilot, table)
            print(f"filter {query!r:32} {ms(painted - t0)}   {len(store):>7,} shown   "
                  f"target <= 300 ms (CPU {ms(cpu).strip()})")

        gc.collect()
        rss, peak = rss_mb()
        print(f"RSS now {rss:6.0f} MB, peak since data arrived {peak:6.0f} MB   target <= 300 MB")
        body = json.dumps(mutate(json.loads(body), 0.01, seed=4))
        gc.collect()
        parsed = await probe.during(asyncio.to_thread(json.loads, body))
        print(f"for comparison, a worker's plain json.loads: worst UI stall {ms(probe.worst)}")
        del parsed, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--source", choices=("sim", "synthetic"), default="sim")
    args = parser.parse_args()
    if len(args.sizes) == 1:
        asyncio.run(bench(args.sizes[0], args.source))
        return
    for n in args.sizes:  # one process per size, so memory figures don't mix
        subprocess.run([sys.executable, __file__, str(n), "--source", args.source], check=False)


if __name__ == "__main__":
    main()
