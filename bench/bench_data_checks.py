"""The data checker at fleet scale (issue 19), IN-PROCESS: its cost, its memory, and how
long a full pass over the approved cars takes at the default budget.

    python bench/bench_data_checks.py            # 100,000 vehicles, 70% approved
    python bench/bench_data_checks.py 10000

Printed:
- feeding the approved vehicles to the checker after a refresh (`set_fleet`, on the
  worker that records the refresh, never the UI thread);
- the checker's own CPU per check (choosing the car, reading the answer, the next state,
  storing it, its history event), with the HTTP call replaced by a canned answer;
- the UI thread's cost per result (the Data column's cell for the row: state as of now
  and its text), and for a whole 100k table's column;
- the memory the records and the queue hold (tracemalloc);
- a real call's round trip against the simulator in its own process (HTTP on loopback);
- the full pass at the default budget (1 call/s, 1800/hour), run on a fake clock.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleettui.config.data_checks import data_check_settings  # noqa: E402
from fleettui.core.data_answer import read_answer  # noqa: E402
from fleettui.core.data_states import cell_text, current_state  # noqa: E402
from fleettui.history.data_records import DataRecords  # noqa: E402
from fleettui.monitor.data_checker import Approved, DataChecker  # noqa: E402

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
BRANDS = ("bmw", "volkswagen", "mercedes-benz", "peugeot", "ford", "renault", "kia")


class CannedClient:
    """Answers like the provider, without the network: 80% data, the rest the errors."""

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.n = 0
        ts = "2026-11-01T10:00:00.000000Z"
        self.bodies = [
            (
                200,
                json.dumps(
                    {
                        "request_id": "r",
                        "diagnostics": {
                            "odometer": {
                                "data": {"unit": "kilometers", "value": 1},
                                "timestamp": ts,
                            }
                        },
                        "ignition": {"state": {"data": "off", "timestamp": ts}},
                    }
                ).encode(),
            ),
            (
                403,
                b'{"errors":[{"title":"Forbidden","detail":"Privacy mode is active"}],'
                b'"request_id":"2c85d1f9a23623ac5deeb7eecba61a5f"}',
            ),
            (
                422,
                b'{"errors":[{"title":"Pending","detail":"Vehicle data is not available yet"}],'
                b'"request_id":"a8306c7c-9f57-453c-8189-d06118944770"}',
            ),
        ]

    def vehicle_data(self, vin: str):  # noqa: ANN201
        self.n += 1
        status, body = self.bodies[0 if self.n % 5 else 1 + self.n % 2]
        return read_answer(status, body, self.now())

    def now(self) -> datetime:
        return NOW + timedelta(seconds=self.clock[0])


def fleet(n: int) -> list[Approved]:
    approved = int(n * 0.7)
    return [
        Approved(
            f"WBA{i:014d}",
            BRANDS[i % len(BRANDS)],
            NOW - timedelta(hours=1 + (i * 7919) % (24 * 60)),
        )
        for i in range(approved)
    ]


def rtt_against_simulator(calls: int = 200) -> tuple[float, float]:
    """(median, p90) ms of a real data call to the simulator in its own process."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleettui.cli.main",
            "simulator",
            "--port",
            "0",
            "--vehicles",
            "300",
            "--speed",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        client_id, secret = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        from fleettui.api.auth import Credentials
        from fleettui.api.client import FleetClient

        with FleetClient(Credentials(base, client_id, secret)) as client:
            vins = [v.vin for v in client.list_vehicles() if v.status == "approved"]
            times = []
            for i in range(calls):
                t = time.perf_counter()
                client.vehicle_data(vins[i % len(vins)])
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return times[len(times) // 2], times[int(len(times) * 0.9)]
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vehicles", nargs="?", type=int, default=100_000)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]}  cores: {os.cpu_count()}")
    cars = fleet(args.vehicles)
    print(f"{args.vehicles:,} vehicles, {len(cars):,} approved (in-process figures)")

    clock = [0.0]
    client = CannedClient(clock)
    settings = data_check_settings({"data_checks": True})
    records = DataRecords(None)
    checker = DataChecker(client, settings, records, now=client.now, clock=lambda: clock[0])
    t = time.perf_counter()
    checker.set_fleet(cars)
    fed = time.perf_counter() - t
    t = time.perf_counter()
    checker.set_fleet(cars)
    refed = time.perf_counter() - t
    print(
        f"set_fleet (worker thread): first {fed * 1000:.0f} ms, "
        f"each refresh after {refed * 1000:.0f} ms"
    )

    t = time.process_time()
    while checker.calls < len(cars):
        wait = checker.step()
        assert wait is not None
        clock[0] += wait
    cpu = time.process_time() - t
    print(
        f"checker CPU per check (no HTTP, steps and waits included): {cpu / len(cars) * 1e6:.0f} µs"
    )
    print(
        f"full pass at the default budget (1 call/s, 1800 an hour), fake clock: "
        f"{clock[0] / 3600:.1f} h for {len(cars):,} cars "
        f"({len(cars) / 3600:.1f} h at 1 call/s alone)"
    )
    gc.collect()
    tracemalloc.start()
    records2 = DataRecords(None)
    checker2 = DataChecker(client, settings, records2, now=client.now, clock=lambda: clock[0])
    checker2.set_fleet(cars)
    for r in records.snapshot().values():
        records2.put(r)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"memory: records + queue {current / 1e6:.1f} MB (peak {peak / 1e6:.1f} MB) "
        f"for {len(records2):,} records"
    )

    now = client.now()
    snap = records.snapshot()
    t = time.perf_counter()
    for a in cars:
        r = snap.get(a.vin)
        cell_text(current_state(r, a.brand, now), r, a.approved, now)
    whole = time.perf_counter() - t
    print(
        f"UI thread per result (Data cell): {whole / len(cars) * 1e6:.1f} µs; "
        f"a whole column of {len(cars):,}: {whole * 1000:.0f} ms"
    )
    if not args.no_http:
        median, p90 = rtt_against_simulator()
        print(
            f"one real call to the simulator (own process, loopback): median {median:.1f} ms, "
            f"p90 {p90:.1f} ms"
        )


if __name__ == "__main__":
    main()
