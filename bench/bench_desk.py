"""The shared desk under load (issue 18): prints (does not assert) the figures.

    python bench/bench_desk.py                       # 1,000 deliveries/min for 5 minutes
    python bench/bench_desk.py --minutes 1 --rate 1000

Set up: a throwaway local PostgreSQL (fleettui.desk.local_server; or --dsn / FLEETTUI_DESK_DSN
for an existing desk, which gets the schema), the real receiver as its own process
(`fleettui webhooks listen --desk`), ten headless monitors — each its own process running a
`DeskFollower` that applies every batch to the monitor's work-state mirror (`DeskMirror`,
or a dict by VIN in a checkout without it; not the Textual app) — and a sender posting signed
deliveries at a steady rate over one keep-alive connection (1 in 100 repeated with its
delivery id, as a provider's retry).

Printed:
- fan-out latency: from the sender receiving the 202 to each monitor applying the event
  (p50 / p99 / max over every monitor x delivery; the desk notifies on commit, just
  before the 202 is written, so a monitor can apply it before the sender reads the 202:
  such values count as 0 and their share is printed);
- events lost (a 202'd delivery some monitor never applied) and duplicates applied (an
  event applied twice by one monitor, or a repeated delivery applied at all): both must be 0;
- the desk's size per million events (desk_events + desk_deliveries + desk_history, with
  their indexes, over the events stored);
- a claim's round trip (claim one VIN + its event + NOTIFY, commit), p50 / p99;
- the machine's load (/proc/loadavg) before and after: the figures are shared-machine ones.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleettui.desk.settings import DeskSettings  # noqa: E402

SECRET = "bench-desk-secret-0123"


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0:3].__str__()


def pct(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def mirror_kind() -> str:
    try:
        import fleettui.monitor.desk_state  # noqa: F401
    except ImportError:
        return "a dict by VIN standing in for the monitor's mirror"
    return "the monitor's DeskMirror"


def monitor_mirror(name: str) -> Any:
    """What a monitor applies each batch to: the monitor's own `DeskMirror` (its work
    state, people and status) where this checkout has it, else a dict by VIN."""
    try:
        from fleettui.monitor.desk_state import DeskMirror
    except ImportError:
        mirror: dict[str, str] = {}

        def apply(events: Sequence[Any], status: Any) -> None:
            for e in events:
                if e.kind == "webhook":
                    mirror[e.vin or ""] = str(e.payload.get("action"))

        return apply
    state = DeskMirror(me=name)

    def apply_state(events: Sequence[Any], status: Any) -> None:
        state.set_status(status)
        state.apply(events)

    return apply_state


def monitor(dsn: str, name: str, ready: mp.Event, done: mp.Event, out: Connection) -> None:
    """One headless monitor: DeskFollower -> a mirror by VIN; sends (delivery, applied at,
    event id) of every webhook event it applied when `done` is set."""
    from fleettui.desk.follow import DeskFollower
    from fleettui.desk.model import DeskEvent, DeskStatus

    applied: list[tuple[str, float, int]] = []
    mirror_apply = monitor_mirror(name)

    def on_desk(events: Sequence[DeskEvent], status: DeskStatus) -> None:
        mirror_apply(events, status)
        now = time.time()
        for e in events:
            if e.kind == "webhook":
                applied.append((str(e.payload.get("delivery")), now, e.id))
        if status.state == "online":
            ready.set()

    settings = DeskSettings(dsn, name, "bench")
    follower = DeskFollower(settings, on_desk).start()
    done.wait()
    time.sleep(2.0)  # the last deliveries' fan-out
    follower.stop()
    out.send(applied)
    out.close()


def start_receiver(dsn: str) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "FLEETTUI_DESK_DSN": dsn,
        "FLEETTUI_DESK_USER": "receiver",
        "BENCH_SECRET": SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleettui",
            "webhooks",
            "listen",
            "--desk",
            "--port",
            "0",
            "--secret-env",
            "BENCH_SECRET",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        raise SystemExit(f"the receiver did not start: {url!r}")
    return proc, url


def send_all(url: str, rate: float, seconds: float) -> tuple[dict[str, float], int, int]:
    """Deliveries at `rate` per second for `seconds`: {delivery: time of its 202},
    repeats sent, refusals."""
    import httpx

    from fleettui.webhooks import sender

    answered: dict[str, float] = {}
    repeats = refused = 0
    states = ("approved", "rejected", "pending")
    total = int(rate * seconds)
    start = time.monotonic()
    last = None
    with httpx.Client(timeout=10, trust_env=False) as client:
        for i in range(total):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if last is not None and i % 100 == 99:
                repeats += 1
                r = sender.send(url, SECRET, last, client=client)
                refused += r.status != 202
                continue
            d = sender.change_delivery(f"BENCH{i % 5000:012d}", states[i % 3], "bench")
            r = sender.send(url, SECRET, d, client=client)
            if r.status == 202:
                answered[d.delivery] = time.time()
            else:
                refused += 1
            last = d
    return answered, repeats, refused


def claim_round_trips(settings: DeskSettings, n: int = 300) -> list[float]:
    from fleettui.desk.store import Desk

    times = []
    with Desk.connect(settings) as desk:
        for i in range(n):
            t = time.perf_counter()
            desk.claim([f"CLAIM{i:012d}"])
            times.append(time.perf_counter() - t)
    return times


def desk_size(settings: DeskSettings) -> tuple[int, int]:
    from fleettui.desk.store import Desk

    with Desk.connect(settings) as desk, desk.conn.tx() as cur:
        cur.execute(
            "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['desk_events', "
            "'desk_deliveries', 'desk_history']::regclass[]) AS c"
        )
        size = int(cur.fetchone()[0])
        cur.execute("SELECT count(*) FROM desk_events")
        return size, int(cur.fetchone()[0])


def size_at_scale(settings: DeskSettings, n: int) -> float:
    """Bytes per event after adding `n` synthetic deliveries shaped like the real ones
    (a webhook event with its JSON payload, a dedupe row and a history row each)."""
    from fleettui.desk.store import Desk

    before, events_before = desk_size(settings)
    with Desk.connect(settings) as desk, desk.conn.tx() as cur:
        cur.execute(
            "INSERT INTO desk_deliveries (id, seen) SELECT gen_random_uuid()::text, now() "
            "FROM generate_series(1, %(n)s)",
            {"n": n},
        )
        cur.execute(
            "INSERT INTO desk_history (key, vin, at, seen_at, new_state, reason, source) "
            "SELECT -i, 'SYNTH' || lpad(i::text, 12, '0'), extract(epoch FROM now()), "
            "extract(epoch FROM now()), 'approved', 'bench', 'webhook' "
            "FROM generate_series(1, %(n)s) AS i",
            {"n": n},
        )
        cur.execute(
            "INSERT INTO desk_events (kind, vin, actor, payload) SELECT 'webhook', "
            "'SYNTH' || lpad(i::text, 12, '0'), 'receiver@bench', jsonb_build_object("
            "'delivery', gen_random_uuid()::text, 'type', 'fleet_clearance_changed', "
            "'received_at', '2026-12-06T20:00:00Z', 'vin', 'SYNTH' || lpad(i::text, 12, '0'), "
            "'action', 'approved', 'detail', 'bench', 'accepted_at', 1796000000.123) "
            "FROM generate_series(1, %(n)s) AS i",
            {"n": n},
        )
        cur.execute("ANALYZE desk_events")
        split = []
        for table in ("desk_events", "desk_deliveries", "desk_history"):
            cur.execute(f"SELECT pg_total_relation_size('{table}'), count(*) FROM {table}")
            size, rows = cur.fetchone()
            split.append(f"{table} {size / max(1, rows):.0f}")
        print("  bytes per row with its indexes: " + ", ".join(split))
    after, events_after = desk_size(settings)
    return (after - before) / max(1, events_after - events_before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="deliveries per minute")
    parser.add_argument("--monitors", type=int, default=10)
    parser.add_argument("--dsn", default=os.environ.get("FLEETTUI_DESK_DSN"))
    parser.add_argument(
        "--no-feed", action="store_true", help="only the size at scale and the claim round trip"
    )
    args = parser.parse_args()
    from fleettui.desk.store import init_desk

    server = None
    if args.dsn:
        dsn = args.dsn
    else:
        from fleettui.desk.local_server import LocalPostgres

        server = LocalPostgres.start(durable=True)  # fsync and synchronous commit on
        dsn = server.dsn("postgres")
        print(
            f"local PostgreSQL (durable: fsync, synchronous commit) started in "
            f"{server.startup:.2f} s"
        )
    settings = DeskSettings(dsn, "bench", "bench")
    init_desk(settings)
    print(f"load before: {load()}")
    receiver = None
    if not args.no_feed:
        receiver = feed(args, dsn, settings)
    per_event = size_at_scale(settings, 200_000)
    print(
        f"desk size at scale (+200,000 synthetic deliveries like the real ones): "
        f"{per_event:.0f} bytes per event -> {per_event * 1e6 / 1e9:.2f} GB per million"
    )
    trips = claim_round_trips(settings)
    print(
        f"claim round trip (claim + event + NOTIFY + commit, {len(trips)} claims): "
        f"p50 {statistics.median(trips) * 1000:.2f} ms, p99 {pct(trips, 99) * 1000:.2f} ms"
    )
    print(f"load at the end: {load()}")
    if receiver is not None:
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(20)
    if server is not None:
        server.stop()


def feed(args: argparse.Namespace, dsn: str, settings: DeskSettings) -> subprocess.Popen[str]:
    """The receiver, the monitors and the sender; prints the fan-out figures."""
    receiver, url = start_receiver(dsn)
    ctx = mp.get_context("spawn")
    done = ctx.Event()
    monitors = []
    for i in range(args.monitors):
        ready = ctx.Event()
        mine, theirs = ctx.Pipe(duplex=False)
        p = ctx.Process(target=monitor, args=(dsn, f"m{i}", ready, done, theirs), daemon=True)
        p.start()
        monitors.append((p, ready, mine))
    for _, ready, _ in monitors:
        ready.wait(60)
    seconds = args.minutes * 60
    print(
        f"sending {args.rate:g} deliveries/min for {args.minutes:g} min to {url} "
        f"({args.monitors} headless monitors, one process each: DeskFollower + "
        f"{mirror_kind()})"
    )
    began = time.time()
    answered, repeats, refused = send_all(url, args.rate / 60, seconds)
    took = time.time() - began
    done.set()
    results = [mine.recv() for _, _, mine in monitors]
    for p, _, _ in monitors:
        p.join(10)
    print(f"load after:  {load()}")
    latencies: list[float] = []
    early = lost = dupes = 0
    for applied in results:
        seen: dict[str, int] = {}
        for delivery, at, _ in applied:
            seen[delivery] = seen.get(delivery, 0) + 1
            if delivery in answered:
                gap = at - answered[delivery]
                early += gap < 0
                latencies.append(max(0.0, gap))
        dupes += sum(n - 1 for n in seen.values())
        lost += sum(1 for d in answered if d not in seen)
    ordered = all(
        [e for _, _, e in applied] == sorted(e for _, _, e in applied) for applied in results
    )
    print(
        f"deliveries answered 202: {len(answered)} (+{repeats} repeats answered 202 and "
        f"deduplicated; {refused} refused) in {took:.0f} s"
    )
    print(
        f"fan-out latency 202 -> applied, over {len(latencies)} (monitor, delivery) pairs: "
        f"p50 {pct(latencies, 50) * 1000:.1f} ms, p99 {pct(latencies, 99) * 1000:.1f} ms, "
        f"max {max(latencies, default=0) * 1000:.1f} ms "
        f"({early / max(1, len(latencies)):.0%} applied before the sender read its 202)"
    )
    print(f"events lost: {lost}; duplicates applied: {dupes}; order kept: {ordered}")
    size, events = desk_size(settings)
    print(
        f"desk size: {size / 1e6:.1f} MB for {events} events -> "
        f"{size / max(1, events) * 1e6 / 1e9:.2f} GB per million events"
    )
    return receiver


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
