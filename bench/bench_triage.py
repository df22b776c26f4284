"""Triage desk benchmark: prints (does not assert) the issue's targets.

    python bench/bench_triage.py              # 100,000 vehicles, a year of history
    python bench/bench_triage.py 10000

Printed:
- triage: the board built from 100k warm rows (what opening the view costs on its
  worker), regrouped by brand, the first message preview, the full message of the
  largest queue;
- recording: the first refresh's changelogs (every entry of every vehicle), a restart
  (nothing new, the file already knows every VIN), one day later (the refresh's diff);
- a year of history for 100k vehicles (synthetic, ~10 events per vehicle): file size,
  one VIN's events, since-last-look for a day, fleet statistics.
Targets: board open/regroup well under 1 s; one VIN < 1 s; fleet stats < a few seconds;
recording never on the UI thread (it runs on the worker, one transaction per refresh).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleettui.core.store import FleetStore  # noqa: E402
from fleettui.history.events import Event  # noqa: E402
from fleettui.history.recorder import Recorder  # noqa: E402
from fleettui.history.settings import HistorySettings  # noqa: E402
from fleettui.history.store import HistoryStore  # noqa: E402
from fleettui.sim.engine import Engine  # noqa: E402
from fleettui.sim.fleetgen import generate  # noqa: E402
from fleettui.triage.messages import message_csv, message_text  # noqa: E402
from fleettui.triage.queues import build_board  # noqa: E402
from fleettui.triage.since import mark_looked, since_last_look  # noqa: E402
from fleettui.triage.stats import stats_from_history  # noqa: E402

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
DAY = 86400.0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def timed(label: str, fn, note: str = ""):  # noqa: ANN001, ANN201
    t = time.perf_counter()
    out = fn()
    print(f"  {label:<44} {ms(time.perf_counter() - t)}  {note}")
    return out


def fleet(n: int) -> tuple[Engine, FleetStore]:
    engine = Engine(start=NOW, speed=0.0, seed=1)
    generate(engine, n, 1)
    store = FleetStore()
    prepared = store.prepare(json.loads(engine.list_blob()), engine.now())
    store.apply(prepared)
    prepared.warm()  # the monitor warms rows on its worker after a first load
    return engine, store


def bench_triage(engine: Engine, store: FleetStore) -> None:
    rows = store.snapshot.order
    now = engine.now()
    print(f"\n== triage over {len(rows):,} vehicles ==")
    board = timed("open: build the board", lambda: build_board(rows, now))
    timed("regroup by brand", lambda: build_board(rows, now, by_brand=True))
    timed("regroup back", lambda: build_board(rows, now))
    print(f"  {len(board.queues)} queues, {board.count():,} vehicles in them")
    big = max(board.queues, key=lambda q: q.count)
    timed(
        "preview of the largest queue (12 vehicles)",
        lambda: message_text(big, now, 12),
        f"({big.count:,} vehicles)",
    )
    text = timed("full message of the largest queue", lambda: message_text(big, now))
    timed("its CSV", lambda: message_csv(big), f"({len(text) // 1024} KiB text)")


def bench_recording(engine: Engine, n: int, folder: Path) -> None:
    print(f"\n== recording, {n:,} vehicles ==")
    store = FleetStore()
    prepared = store.prepare(json.loads(engine.list_blob()), engine.now())
    store.apply(prepared)
    with HistoryStore(folder / "record.sqlite3") as history:
        rec = Recorder(history)
        r = timed(
            "first refresh: every changelog entry",
            lambda: rec.record(prepared.snapshot, prepared.diff, engine.now()),
        )
        print(f"  ({r.stored:,} events stored)")
    with HistoryStore(folder / "record.sqlite3") as history:
        rec = Recorder(history)
        fresh = FleetStore()
        again = fresh.prepare(json.loads(engine.list_blob()), engine.now())
        fresh.apply(again)
        r = timed(
            "restart: first refresh, all known",
            lambda: rec.record(again.snapshot, again.diff, engine.now()),
        )
        print(f"  ({r.stored:,} new, {r.offered:,} offered)")
        engine.advance(DAY)
        later = fresh.prepare(json.loads(engine.list_blob()), engine.now())
        fresh.apply(later)
        r = timed(
            "a day later: the refresh's diff batch",
            lambda: rec.record(later.snapshot, later.diff, engine.now()),
            f"({len(later.diff.state_changes):,} state changes)",
        )
        print(f"  ({r.stored:,} events stored in one transaction)")


def synthetic_year(history: HistoryStore, n: int) -> None:
    """~10 events per vehicle over a year: added, pending reasons, verdicts, revokes,
    re-adds; brands from the simulator's mix."""
    from fleettui.sim.fleetgen import BRAND_WEIGHTS

    rng = random.Random(7)
    brands = list(BRAND_WEIGHTS)
    weights = list(BRAND_WEIGHTS.values())
    start = NOW - timedelta(days=365)
    batch: list[Event] = []
    for i in range(n):
        vin = f"SYN{i:014d}"
        brand = rng.choices(brands, weights)[0]
        t = start + timedelta(seconds=rng.uniform(0, 200 * DAY))
        prev = None
        for _cycle in range(3):
            for new, reason, gap in (
                ("pending", None, rng.uniform(1, 96) * 3600),
                ("pending", "vehicle not driven", rng.uniform(1, 48) * 3600),
                (rng.choice(("approved", "approved", "rejected")), None, rng.uniform(10, 60) * DAY),
                ("revoking", None, 600),
                ("revoked", None, 5 * DAY),
            ):
                if t >= NOW:
                    break
                batch.append(Event(vin, new, t, t, prev, reason, brand, "changelog"))
                prev = new
                t += timedelta(seconds=gap)
                if new == "rejected":
                    break
        if len(batch) >= 200_000:
            history.record_events(batch)
            batch = []
    history.record_events(batch)


def bench_year(n: int, folder: Path) -> None:
    print(f"\n== a year of history, {n:,} vehicles ==")
    path = folder / "year.sqlite3"
    settings = HistorySettings(retention_days=400, max_events=5_000_000)
    with HistoryStore(path, settings=settings) as history:
        timed(
            "write it (batches of 200k, one transaction each)", lambda: synthetic_year(history, n)
        )
        count = history.count()
        history.query("PRAGMA wal_checkpoint(TRUNCATE)")
        size = sum(p.stat().st_size for p in folder.glob("year.sqlite3*")) / 2**20
        print(f"  {count:,} events, {size:.0f} MB on disk")
        vin = f"SYN{n // 2:014d}"
        events = timed("one VIN's events", lambda: history.events(vin=vin))
        print(f"  ({len(events)} events)")
        mark_looked(history, NOW - timedelta(days=1))
        summary = timed("since last look (one day)", lambda: since_last_look(history, [], NOW))
        print(f"  ({len(summary.changes):,} vehicles changed)")
        stats = timed("fleet statistics", lambda: stats_from_history(history, [], NOW))
        print(
            f"  ({len(stats.brands)} brands, {sum(b.samples for b in stats.brands):,} "
            "approval times)"
        )
    with HistoryStore(path, settings=settings) as history:
        timed("open the file again", lambda: history.count())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    engine, store = fleet(n)
    print(f"fleet of {n:,} generated and loaded in {time.perf_counter() - t:.1f} s")
    bench_triage(engine, store)
    with tempfile.TemporaryDirectory(prefix="fleettui-bench-") as tmp:
        bench_recording(engine, n, Path(tmp))
        bench_year(n, Path(tmp))


if __name__ == "__main__":
    main()
