"""Key → first frame of a screen, in a real terminal: ctrl+p (the command palette), `t`
(triage), `T` (statistics) and `!` (the notification log), target ≤ 100 ms (issue 21).

    python bench/bench_screens.py                    # 10,000 vehicles, 5 tries per key
    python bench/bench_screens.py --sizes 300,100000 --repeat 7

The real `fleettui` monitor runs in a private tmux server (as bench/bench_terminal.py
runs it) against the simulator in its own process. For each key: the time from sending
it to the first byte the app writes after it, and to the screen showing the new screen's
title (tmux capture-pane; the first frame), and for `t` and `T` to the screen filled
(queues grouped, statistics computed). Then Esc, and the monitor is left to go quiet
before the next try. The machine's load is printed beside the figures.

    python bench/bench_screens.py --probe            # where the time went, per key

With --probe the monitor runs under bench/screen_probe.py, which logs (on the app's UI
thread) when the key reached the app, when the new screen's first frame was handed to
the terminal, and the UI thread's CPU time between the two: the "in-process" lines. The
rest of the wall time is the machine (waiting for a core, or for the GIL held by a
refresh's worker), not the app's own work.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_terminal import FLEETTUI, PY, Bench, Simulator  # noqa: E402

PROBE = Path(__file__).resolve().with_name("screen_probe.py")

#: key → (what the screen shows first, what it shows once filled)
SCREENS: dict[str, tuple[str, str]] = {
    "C-p": (r"Search for commands", r"Search for commands"),
    "t": (r"^ ?Triage", r"^ ?Triage · \d"),
    "T": (r"^ ?Statistics", r"^ ?Statistics(?!: computing)"),
    "!": (r"Notifications.*kept", r"Notifications.*kept"),
}
NAMES = {
    "C-p": "ctrl+p (palette)",
    "t": "t (triage)",
    "T": "T (statistics)",
    "!": "! (notifications)",
}
MAIN = re.compile(r"● live")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def probed(log: Path | None, t0: float) -> dict[str, float]:
    """From screen_probe.py's log, after `t0`: when the key reached the app, when the new
    screen's first frame went to the terminal, the UI thread's CPU time between them."""
    if log is None or not log.exists():
        return {}
    key = frame = None
    for line in log.read_text().splitlines():
        wall, cpu, what = line.split(" ", 2)
        if float(wall) < t0:
            continue
        if key is None and what.startswith("key "):
            key = (float(wall), float(cpu))
        elif key is not None and what.startswith("frame "):
            frame = (float(wall), float(cpu))
            break
    if key is None or frame is None:
        return {}
    return {
        "key_in": key[0] - t0,
        "frame_out": frame[0] - t0,
        "ui_cpu": frame[1] - key[1],
    }


def one_key(bench: Bench, key: str, repeat: int, log: Path | None = None) -> dict[str, list[float]]:
    term = bench.term
    first_rx, full_rx = (re.compile(p, re.M) for p in SCREENS[key])
    out: dict[str, list[float]] = {
        "byte": [],
        "frame": [],
        "filled": [],
        "key_in": [],
        "frame_out": [],
        "ui_cpu": [],
    }
    for _ in range(repeat):
        t0 = term.mark()
        term.keys(key)
        byte = term.first_write(t0, timeout=10)
        frame = term.wait_screen(first_rx, 10, t0, step=0.002)
        filled = term.wait_screen(full_rx, 30, t0, step=0.005)
        for name, value in (("byte", byte), ("frame", frame), ("filled", filled)):
            if value is not None:
                out[name].append(value)
        for name, value in probed(log, t0).items():
            out[name].append(value)
        term.settle(term.mark(), quiet=0.3)
        term.keys("Escape")
        term.wait_screen(MAIN, 10)
        time.sleep(0.6)  # the main view repaints and goes quiet
    return out


def fmt(xs: list[float]) -> str:
    """The first open (modules and styles loaded then, unless warmed up) apart from the
    ones after it."""
    if not xs:
        return "(none)"
    first, rest = xs[0], xs[1:] or xs
    return (
        f"first open {first * 1000:4.0f} ms; then median {statistics.median(rest) * 1000:4.0f}"
        f"  best {min(rest) * 1000:4.0f}  worst {max(rest) * 1000:4.0f}"
    )


def run_size(args: argparse.Namespace, n: int) -> None:
    bench = Bench(args)
    sim = Simulator(n)
    try:
        bench.add_profile(sim)
        log = bench.tmp / "probe.log" if args.probe else None
        if log is not None or args.refresh != 5 or args.delta:
            program = f"{PY} {PROBE}" if log is not None else FLEETTUI
            env = {**bench.env, "FLEETTUI_PROBE": str(log)} if log is not None else bench.env
            if args.switch is not None:
                env = {**env, "PROBE_SWITCH_INTERVAL": str(args.switch / 1000)}
            t0 = time.perf_counter()
            pid = bench.term.run(
                f"{program} --profile bench --refresh {args.refresh:g}"
                + ("" if args.delta else " --full-refresh"),
                env,
            )
        else:
            pid, t0 = bench.launch()
        if bench.wait_live(t0) is None:
            raise SystemExit("the monitor did not go live")
        time.sleep(args.settle)  # background passes (and the warm-up) after the first paint
        switch = f", switch interval {args.switch:g} ms" if args.switch is not None else ""
        print(
            f"\n== {n:,} vehicles, {args.width}x{args.height}, a "
            f"{'delta-polled' if args.delta else 'full'} refresh every "
            f"{args.refresh:g} s{switch}, load {load()} =="
        )
        for key in args.keys.split(","):
            got = one_key(bench, key, args.repeat, log)
            print(f"  {NAMES[key]:<20} first byte   {fmt(got['byte'])}")
            print(f"  {'':<20} first frame  {fmt(got['frame'])}")
            if key in ("t", "T"):
                print(f"  {'':<20} filled       {fmt(got['filled'])}")
            if log is not None:
                print(f"  {'':<20} in-process: key reached the app  {fmt(got['key_in'])}")
                print(f"  {'':<20} in-process: frame to terminal   {fmt(got['frame_out'])}")
                print(f"  {'':<20} in-process: UI-thread CPU       {fmt(got['ui_cpu'])}")
        bench.quit(pid)
        print(f"  load after: {load()}")
    finally:
        sim.stop()
        bench.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keys", default="C-p,t,T,!")
    parser.add_argument(
        "--settle",
        type=float,
        default=4.0,
        help="seconds between the first answer on screen and the first key",
    )
    parser.add_argument(
        "--refresh",
        type=float,
        default=5.0,
        help="seconds between the monitor's full refreshes (a key can land in one)",
    )
    parser.add_argument(
        "--delta",
        action="store_true",
        help="refresh as the monitor does by default (delta polling), not a full list each time",
    )
    parser.add_argument(
        "--probe",
        action="store_true",
        help="run the monitor under bench/screen_probe.py: where each key's time went",
    )
    parser.add_argument(
        "--switch",
        type=float,
        help="with --probe: the interpreter's switch interval in ms instead of fleettui's",
    )
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        run_size(args, n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
