"""The provider load of one open monitor, today's full list every refresh beside delta
polling (issue 20), measured side by side in one run of the real process.

    python bench/bench_provider_load.py                  # 100,000 vehicles, 5% pending
    python bench/bench_provider_load.py --minutes 3      # a shorter look (no reconciliation)

Two simulators (`fleettui simulator --pending-share 0.05`, same seed, so the same fleet)
each in its own process; two real `fleettui` monitors at `--refresh 15`, each in its own
tmux terminal, one with `--full-refresh` (every refresh the whole list: the behaviour
before issue 20), one with the default (only what can change, a full list every 10
minutes). The bytes each simulator served come from its own counters (`GET
/_sim/traffic`: status line, headers and body of every answer), read once both monitors
are live and again `--minutes` later; per hour = bytes in the window x 3600 / window.
The default window (10 min 10 s) holds the delta monitor's first reconciling full list
after the one at start, so it counts what an hour holds: one full list in ten minutes.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_terminal import FLEETTUI, SECRET, Simulator, Terminal  # noqa: E402

MB = 1_000_000


def traffic(sim: Simulator) -> dict[str, dict[str, int]]:
    return httpx.get(f"{sim.url}/_sim/traffic", timeout=30).json()


def totals(counts: dict[str, dict[str, int]]) -> tuple[int, int]:
    return (sum(c["requests"] for c in counts.values()), sum(c["bytes"] for c in counts.values()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--pending-share", type=float, default=0.05)
    parser.add_argument("--minutes", type=float, default=10 + 1 / 6)
    parser.add_argument("--refresh", type=float, default=15.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fleettui-load-"))
    env = {
        "FLEETTUI_CONFIG_DIR": str(tmp / "config"),
        "FLEETTUI_CACHE_DIR": str(tmp / "cache"),
        "FLEETTUI_LOG_DIR": str(tmp / "log"),
        "FLEETTUI_DATA_DIR": str(tmp / "data"),
        "BENCH_SECRET": SECRET,
        "TERM": "tmux-256color",
        "LANG": "C.UTF-8",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp),
    }
    print(
        f"provider load bench: {args.vehicles:,} vehicles, {args.pending_share:.0%} pending, "
        f"--refresh {args.refresh:g}, window {args.minutes:.2f} min; "
        f"load {Path('/proc/loadavg').read_text().strip()}",
        flush=True,
    )
    extra = ("--pending-share", str(args.pending_share))
    sims = {"full": Simulator(args.vehicles, *extra), "delta": Simulator(args.vehicles, *extra)}
    terms: dict[str, Terminal] = {}
    try:
        for name, sim in sims.items():
            subprocess.run(
                [
                    FLEETTUI,
                    "profile",
                    "add",
                    name,
                    "--environment",
                    "custom",
                    "--base-url",
                    sim.url,
                    "--client-id",
                    sim.client_id,
                    "--client-secret-env",
                    "BENCH_SECRET",
                    "--replace",
                ],
                env={**os.environ, **env},
                check=True,
                capture_output=True,
            )
            terms[name] = Terminal(120, 40, tmp, name=name)
        for name, term in terms.items():
            flag = " --full-refresh" if name == "full" else ""
            term.run(
                f"{shlex.quote(FLEETTUI)} --profile {name} --refresh {args.refresh:g}{flag}", env
            )
        for name, term in terms.items():
            if term.wait_screen(r"● live", 300) is None:
                raise SystemExit(f"the {name} monitor did not go live")
        time.sleep(1)
        before = {name: totals(traffic(sim)) for name, sim in sims.items()}
        before_partial = sum(
            c["bytes"]
            for endpoint, c in traffic(sims["delta"]).items()
            if endpoint.startswith("GET /v1/fleets/vehicles?")
        )
        t0 = time.monotonic()
        fulls = [traffic(sims["delta"]).get("GET /v1/fleets/vehicles", {}).get("requests", 0)]
        while time.monotonic() - t0 < args.minutes * 60:
            time.sleep(min(5.0, max(0.0, args.minutes * 60 - (time.monotonic() - t0))))
            now = traffic(sims["delta"]).get("GET /v1/fleets/vehicles", {}).get("requests", 0)
            if now != fulls[-1]:
                print(f"  delta: a full list at {time.monotonic() - t0:.0f} s", flush=True)
            fulls.append(now)
        after = {name: totals(traffic(sim)) for name, sim in sims.items()}
        span = time.monotonic() - t0
        detail = {name: traffic(sim) for name, sim in sims.items()}
        rates = {}
        for name in sims:
            requests = after[name][0] - before[name][0]
            sent = after[name][1] - before[name][1]
            rates[name] = (requests * 3600 / span, sent * 3600 / span)
            print(
                f"  {name:<6} {requests:5d} requests, {sent / MB:9.1f} MB in {span:.0f} s "
                f"= {rates[name][0]:6.0f} req/h, {rates[name][1] / MB:8.1f} MB/h",
                flush=True,
            )
        ratio = rates["delta"][1] / rates["full"][1] if rates["full"][1] else float("nan")
        print(
            f"  delta / today: {ratio:.3f} of the bytes (target <= 0.100): "
            f"{'ok' if ratio <= 0.1 else 'MISSED'}"
        )
        # Today's monitor refreshes every 15 s plus the time a 100k refresh takes, which
        # grows with the machine's load (fewer refreshes, fewer bytes): the ratio at the
        # nominal rate of --refresh (3600 / 15 = 240 an hour), from the bytes of one full
        # list and one filtered refresh measured above:
        full = detail["full"].get("GET /v1/fleets/vehicles", {"requests": 1, "bytes": 0})
        filt = detail["delta"].get(
            "GET /v1/fleets/vehicles?filter=status", {"requests": 1, "bytes": 0}
        )
        per_full, per_filtered = full["bytes"] / full["requests"], filt["bytes"] / filt["requests"]
        n = 3600 / args.refresh
        reconciling = 3600 / 600
        same = (reconciling * per_full + (n - reconciling) * per_filtered) / (n * per_full)
        print(
            f"  one full list {per_full / MB:.1f} MB, one filtered refresh "
            f"{per_filtered / MB:.2f} MB; at {n:.0f} refreshes an hour each: "
            f"{same:.3f} of the bytes"
        )
        # A window shorter than the reconciliation period holds one full list or none
        # (a 5 min window: 0.06 or 0.3), so the measured ratio alone is no answer. The
        # delta monitor's own refreshes as measured (filtered and `vin` calls, its
        # refresh rate under this load), with its full lists counted at their rate (one
        # every 10 min), against today's monitor as measured:
        delta_detail = detail["delta"]
        partial = sum(
            c["bytes"]
            for endpoint, c in delta_detail.items()
            if endpoint.startswith("GET /v1/fleets/vehicles?")
        )
        amortised = (partial - before_partial) * 3600 / span + reconciling * per_full
        fair = amortised / rates["full"][1] if rates["full"][1] else float("nan")
        print(
            f"  the answer: delta's filtered calls as measured + one full list every 10 min "
            f"= {amortised / MB:.1f} MB/h against today's {rates['full'][1] / MB:.1f} MB/h: "
            f"{fair:.3f} of the bytes (target <= 0.100): {'ok' if fair <= 0.1 else 'MISSED'}"
        )
        for name, counts in detail.items():
            for endpoint, c in counts.items():
                print(
                    f"    {name:<6} {endpoint:<48} {c['requests']:6d} req {c['bytes'] / MB:10.1f} MB"
                )
        print(f"  load after: {Path('/proc/loadavg').read_text().strip()}")
    finally:
        for term in terms.values():
            term.close()
        for sim in sims.values():
            sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
