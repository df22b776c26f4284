"""How long a claim typed in one monitor takes to show in another on the same desk.

    python bench/bench_desk_claims.py                # both measures, 200 + 20 claims
    python bench/bench_desk_claims.py --only-inprocess --claims 500

A throwaway PostgreSQL (fleettui.desk.local_server) on this machine, loopback TCP.

1. In-process (labelled so): two monitors' desk halves (`DeskControl`: link thread,
   follower, mirror) in one Python process, as two people. Each claim is timed from
   `act("claim")` on ann's to bob's mirror naming ann as the holder: the outbox write,
   the claim's transaction, NOTIFY, bob's follower reading the event by id, and the
   mirror applying it. Also the claim round trip alone (ann's link: the outbox, the
   transaction, the answer back).
2. Real processes: two `fleettui --demo --desk` monitors in a private tmux server (the
   second joins the first's desk). Each claim is timed from sending `m` to ann's
   terminal to bob's screen showing ann in that row (`capture-pane` every 5 ms, so the
   figure includes up to 5 ms of polling and both monitors' painting).

Prints p50 / p99 / max and the machine's load (many people share these cores).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleettui.desk.local_server import LocalPostgres  # noqa: E402
from fleettui.desk.settings import DeskSettings  # noqa: E402
from fleettui.desk.store import init_desk  # noqa: E402
from fleettui.monitor.desk_control import DeskControl  # noqa: E402
from fleettui.monitor.desk_outbox import Outbox  # noqa: E402
from fleettui.monitor.desk_results import DeskActed, DeskResult  # noqa: E402


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def line(name: str, xs: list[float]) -> str:
    ms = [x * 1000 for x in xs]
    return (
        f"{name:<46} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   "
        f"p99 {pct(ms, 99):7.1f} ms   max {max(ms):7.1f} ms"
    )


class Person:
    def __init__(self, settings: DeskSettings, user: str, tmp: Path) -> None:
        self.results: queue.Queue[DeskResult] = queue.Queue()
        s = replace(settings, user=user, host=f"{user}-pc")
        self.control = DeskControl(s, Outbox(tmp / f"{user}.json"))
        self.control.start(self.results.put)

    def until(self, done, timeout: float = 30.0) -> None:  # noqa: ANN001
        end = time.perf_counter() + timeout
        while not done():
            self.control.took(self.results.get(timeout=max(0.01, end - time.perf_counter())))


def in_process(settings: DeskSettings, n: int, tmp: Path) -> None:
    ann, bob = Person(settings, "ann", tmp), Person(settings, "bob", tmp)
    for p in (ann, bob):
        p.until(lambda p=p: p.control.mirror.loaded)
    shown: list[float] = []
    round_trip: list[float] = []
    for i in range(n):
        vin = f"BENCH{i:012d}"
        t0 = time.perf_counter()
        ann.control.act("claim", [vin])
        bob.until(lambda vin=vin: bob.control.mirror.claimed_by(vin) == "ann")
        shown.append(time.perf_counter() - t0)
        acted: list[float] = []

        def took_claim(vin: str = vin, acted: list[float] = acted) -> bool:
            while True:
                try:
                    result = ann.results.get_nowait()
                except queue.Empty:
                    return bool(acted)
                ann.control.took(result)
                if isinstance(result, DeskActed) and result.pending.vins == (vin,):
                    acted.append(time.perf_counter())

        while not took_claim():
            time.sleep(0.0005)
        round_trip.append(acted[0] - t0)
    ann.control.stop()
    bob.control.stop()
    print(line("claim in ann -> bob's mirror (in-process)", shown))
    print(line("claim round trip in ann's link (in-process)", round_trip))


def real_monitors(n: int, tmp: Path) -> None:
    sock = f"bench-desk-{uuid.uuid4().hex[:6]}"

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", sock, *args], check=True, capture_output=True, text=True
        ).stdout

    base = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "TERM": "tmux-256color"}
    try:
        for i, name in enumerate(("ann", "bob")):
            home = tmp / name
            env = {
                **base,
                "HOME": str(home),
                "FLEETTUI_DESK_USER": name,
                "FLEETTUI_DATA_DIR": str(tmp / "data"),  # the demo desk's file is shared
                "FLEETTUI_CONFIG_DIR": str(home / "config"),
                "FLEETTUI_CACHE_DIR": str(home / "cache"),
            }
            assign = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
            cmd = f"{shlex.quote(sys.executable)} -m fleettui --demo --desk --demo-speed 0"
            tmux(
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "150",
                "-y",
                "40",
                f"exec env -i {assign} {cmd}",
            )
            wait = "desk ● 1 online" if i == 0 else "desk ● 2 online"
            until_screen(tmux, name, wait)
        until_screen(tmux, "ann", "desk ● 2 online")
        times: list[float] = []
        for _ in range(n):
            screen = tmux("capture-pane", "-p", "-t", "ann")
            vin = cursor_vin(screen)
            t0 = time.perf_counter()
            tmux("send-keys", "-t", "ann", "m")
            until_screen(tmux, "bob", rf"{vin}\S*\s.*\bann\b", step=0.005)
            times.append(time.perf_counter() - t0)
            tmux("send-keys", "-t", "ann", "j")
            time.sleep(0.3)
        print(line("claim key in ann -> bob's screen (real processes)", times))
        for name in ("bob", "ann"):
            tmux("send-keys", "-t", name, "q")
            time.sleep(1.0)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)


VIN_RE = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")


def cursor_vin(screen: str) -> str:
    """The VIN of the detail pane's first line (the cursor's vehicle)."""
    for row in screen.splitlines():
        if "VIN" in row and VIN_RE.search(row.split("VIN", 1)[1]):
            return VIN_RE.findall(row.split("VIN", 1)[1])[0]
    found = VIN_RE.findall(screen)
    return found[0]


def until_screen(
    tmux,
    name: str,
    pattern: str,
    timeout: float = 120.0,  # noqa: ANN001
    step: float = 0.05,
) -> None:
    rx = re.compile(pattern)
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if rx.search(tmux("capture-pane", "-p", "-t", name)):
            return
        time.sleep(step)
    raise SystemExit(f"{name}: {pattern!r} never showed:\n{tmux('capture-pane', '-p', '-t', name)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=200, help="claims in-process")
    ap.add_argument("--screen-claims", type=int, default=20, help="claims between processes")
    ap.add_argument("--only-inprocess", action="store_true")
    args = ap.parse_args()
    print(f"load before: {load()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp, LocalPostgres.start() as pg:
        settings = DeskSettings(pg.dsn("postgres"), "ann", "bench")
        init_desk(settings)
        in_process(settings, args.claims, Path(tmp))
    if not args.only_inprocess:
        with tempfile.TemporaryDirectory(prefix="bench-desk-tmux-") as tmp:
            real_monitors(args.screen_claims, Path(tmp))
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
