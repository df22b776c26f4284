"""Simulator benchmark: prints (does not assert) how fast the stand-in API answers at scale.

    python bench/bench_simulator.py                # 10,000 and 100,000 vehicles
    python bench/bench_simulator.py 100000 250000

Per fleet size: generation (fleet + start-up), the first and a repeated full list over real
loopback HTTP (body size), a filtered list, get-one latency, a 100-vehicle POST, one
simulated day of events applied, and resident memory. Target: full list of 100,000
vehicles well under 1 s; generation within a couple of seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleettui.sim import SimConfig, Simulator  # noqa: E402

START = datetime(2026, 11, 1, 12, tzinfo=UTC)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def timed(fn):  # noqa: ANN001, ANN201
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def bench(size: int) -> None:
    print(f"\n== {size:,} vehicles ==")
    sim, gen_s = timed(
        lambda: Simulator(
            SimConfig(vehicles=size, seed=1, speed=0.0, start=START, get_one_limit=10**9)
        )
    )
    print(f"generate fleet            {gen_s:8.3f} s")
    with sim:
        token = httpx.post(
            f"{sim.base_url}/v1/access_tokens",
            json={
                "grant_type": "client_credentials",
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
            },
        ).json()["access_token"]
        with httpx.Client(
            base_url=sim.base_url, timeout=60, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            r, first = timed(lambda: c.get("/v1/fleets/vehicles"))
            print(f"full list, first         {first:8.3f} s   ({len(r.content) / 1e6:.1f} MB)")
            _, again = timed(lambda: c.get("/v1/fleets/vehicles"))
            print(f"full list, again         {again:8.3f} s")
            _, parse = timed(lambda: json.loads(r.content))
            print(f"  (client json.loads     {parse:8.3f} s)")
            flt = json.dumps({"status": {"operator": "in", "value": ["pending", "rejected"]}})
            fr, filt = timed(lambda: c.get("/v1/fleets/vehicles", params={"filter": flt}))
            print(f"filtered list            {filt:8.3f} s   ({len(fr.json()):,} matches)")
            vins = [v["vin"] for v in r.json()[:50]]
            _, one = timed(lambda: [c.get(f"/v1/fleets/vehicles/{v}") for v in vins])
            print(f"get one (mean of 50)     {one / len(vins) * 1000:8.2f} ms")
            body = {
                "vehicles": [{"vin": f"VF1BENCH{n:09d}", "brand": "renault"} for n in range(100)]
            }
            _, post = timed(lambda: c.post("/v1/fleets/vehicles", json=body))
            print(f"POST 100 vehicles        {post:8.3f} s")
        before = sim.engine.pending_events()
        _, day = timed(lambda: sim.engine.advance(86400))
        print(
            f"advance 1 simulated day  {day:8.3f} s   ({before - sim.engine.pending_events():,}"
            " events applied)"
        )
    print(f"RSS                      {rss_mb():8.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    for size in parser.parse_args().sizes:
        bench(size)


if __name__ == "__main__":
    main()
