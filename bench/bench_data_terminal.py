"""The data checker (issue 19) as users run it: the real monitor at 100,000 vehicles in a
real terminal, with data checks on beside the same monitor with them off.

    python bench/bench_data_terminal.py                       # 100,000 vehicles, 1 min each
    python bench/bench_data_terminal.py --vehicles 10000 --minutes 2 --per-second 4

The simulator (`fleettui simulator`, its own process, 70% of a seeded fleet approved) and
the monitor (`fleettui --profile bench`, a private tmux server: `pipe-pane` counts the
bytes it writes) are bench_terminal.py's. For each run, after the monitor is live:
- bytes written per minute, idle (no key), with the refresh at its default and nothing
  else changing (the checks' results repaint the lines whose Data cell changed);
- then UI-thread stalls seen from outside: a cursor key every 0.5 s, the time to the
  first byte the terminal gets back (median, p90, worst, and how many over 50 ms);
- the monitor's resident memory at the end (/proc VmRSS).
Checks on use the profile keys `data_checks = true` and `data_checks_per_second` (default
1, the default budget). Say the machine's load beside the figures (printed with them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_terminal import Bench, Simulator, alive, memory  # noqa: E402

KEY_EVERY = 0.5


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def enable_checks(bench: Bench, per_second: float) -> None:
    """The profile's data check keys, in its table of config.toml."""
    path = bench.tmp / "config" / "config.toml"
    lines = path.read_text().splitlines()
    at = next(
        i
        for i, line in enumerate(lines)
        if line.strip() == '[profiles."bench"]' or line.strip() == "[profiles.bench]"
    )
    lines[at + 1 : at + 1] = ["data_checks = true", f"data_checks_per_second = {per_second}"]
    path.write_text("\n".join(lines) + "\n")


def run(args: argparse.Namespace, checks: bool) -> dict[str, object]:
    bench = Bench(argparse.Namespace(width=args.width, height=args.height, repeat=1))
    sim = Simulator(args.vehicles)
    try:
        bench.add_profile(sim)
        if checks:
            enable_checks(bench, args.per_second)
        term = bench.term
        pid = term.run(f"{sys.executable.rsplit('/', 1)[0]}/fleettui --profile bench", bench.env)
        t0 = time.perf_counter()
        if bench.wait_live(t0, timeout=300) is None:
            raise SystemExit("the monitor did not go live")
        time.sleep(8)  # the first load settled, the checker started
        loads = [load()]
        term.mark()  # idle: only the refresh and the checks' results write
        time.sleep(args.minutes * 60)
        per_minute = (term.bytes() - term.bytes_at_mark) / args.minutes
        lat: list[float] = []
        for i in range(args.keys):
            t_key = term.mark()
            term.keys("j" if i % 2 == 0 else "k")
            took = term.first_write(t_key, timeout=5)
            if took is not None:
                lat.append(took)
            time.sleep(max(0.0, KEY_EVERY - (took or 0.0)))
        data_column = " Data " in term.screen()
        loads.append(load())
        rss, _ = memory(pid) if alive(pid) else (float("nan"), float("nan"))
        bench.quit(pid)
        lat.sort()
        return {
            "checks": "on" if checks else "off",
            "data_column": data_column,
            "idle_bytes_per_minute": round(per_minute),
            "key_median_ms": round(statistics.median(lat) * 1000) if lat else None,
            "key_p90_ms": round(lat[int(0.9 * (len(lat) - 1))] * 1000) if lat else None,
            "key_worst_ms": round(lat[-1] * 1000) if lat else None,
            "keys_over_50ms": sum(t > 0.050 for t in lat),
            "keys": len(lat),
            "rss_mb": round(rss),
            "load": " → ".join(loads),
        }
    finally:
        sim.stop()
        bench.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--per-second", type=float, default=1.0, help="checks on: calls/s")
    parser.add_argument("--keys", type=int, default=60, help="cursor keys sent, 0.5 s apart")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    args = parser.parse_args()
    print(f"{args.vehicles:,} vehicles, {args.minutes:g} min each, {args.width}x{args.height}")
    for checks in (False, True):
        row = run(args, checks)
        print("  " + "  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
