"""Fault soak: the real monitor in tmux against the simulator's faults, for a few minutes.

The simulator runs in this process (so its faults can change while the monitor runs);
`fleettui` runs in its own tmux session on a throwaway profile pointing at it. The soak
cycles through phases (all fine, a full outage, dropped connections, malformed bodies,
slow answers, a rate-limit burst with "retry after N s"), and watches the screen twice a
second. It prints: crashes (the process gone, or a traceback on screen), seconds stale,
recovery time after each fault ends (until the header says live again), input latency
(a key pressed -> the screen changed), and how long `q` takes to end the process.

    .venv/bin/python scripts/fault_soak.py --minutes 3 [--refresh 5] [--vehicles 300]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fleettui.sim import SimConfig, Simulator
from fleettui.sim.faults import FaultConfig

SESSION = f"fleettui-soak-{os.getpid()}"
#: (name, faults, share of the cycle).
PHASES = [
    ("fine", FaultConfig(), 0.25),
    ("outage (every request 500)", FaultConfig(error_rate=1.0), 0.15),
    ("fine", FaultConfig(), 0.1),
    ("dropped connections (60%)", FaultConfig(drop_rate=0.6), 0.1),
    ("malformed bodies (50%)", FaultConfig(malformed_rate=0.5), 0.1),
    ("slow answers (+4 s)", FaultConfig(latency=4.0), 0.1),
    ("rate limited (retry after 7 s)", FaultConfig(rate_limit_burst=3, retry_after=7), 0.1),
    ("fine", FaultConfig(), 0.1),
]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def alive() -> bool:
    out = tmux("list-panes", "-t", SESSION, "-F", "#{pane_dead} #{pane_pid}")
    return bool(out.strip()) and not out.startswith("1")


def header(text: str) -> str:
    """The header's first line (the connection state; the second holds the counts)."""
    lines = text.splitlines()
    return lines[0] if lines else ""


def state_of(text: str) -> str:
    top = header(text)
    if "STALE" in top or "✗" in top:
        return "stale"
    if "● live" in top:
        return "live"
    return "other"


def key_latency(key: str) -> float | None:
    """Seconds from a key press to a changed screen (None: no change within 3 s)."""
    before = screen()
    start = time.monotonic()
    tmux("send-keys", "-t", SESSION, key)
    while time.monotonic() - start < 3.0:
        if screen() != before:
            return time.monotonic() - start
        time.sleep(0.005)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--refresh", type=float, default=5.0)
    parser.add_argument("--vehicles", type=int, default=300)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("fault_soak: tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="fleettui-soak-"))
    fleettui = Path(sys.executable).with_name("fleettui")
    with Simulator(SimConfig(vehicles=args.vehicles, speed=600.0)) as sim:
        env = {
            **os.environ,
            "FLEETTUI_CONFIG_DIR": str(work / "config"),
            "FLEETTUI_CACHE_DIR": str(work / "cache"),
            "FLEETTUI_LOG_DIR": str(work / "log"),
            "FLEETTUI_DATA_DIR": str(work / "data"),
            "SOAK_SECRET": sim.client_secret,
        }
        subprocess.run(
            [
                str(fleettui),
                "profile",
                "add",
                "soak",
                "--base-url",
                sim.base_url,
                "--client-id",
                sim.client_id,
                "--client-secret-env",
                "SOAK_SECRET",
                "--deadline",
                "20",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        command = f"{fleettui} --profile soak --refresh {args.refresh:g} --read-only"
        exports = " ".join(
            f"{k}={v!r}" for k, v in env.items() if k.startswith(("FLEETTUI_", "SOAK_"))
        )
        tmux(
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            "100",
            "-y",
            "30",
            f"env {exports} {command}; echo SOAK-EXITED; sleep 600",
        )
        try:
            return soak(sim, args)
        finally:
            tmux("kill-session", "-t", SESSION)
            shutil.rmtree(work, ignore_errors=True)


def soak(sim: Simulator, args: argparse.Namespace) -> int:
    total = args.minutes * 60
    start = time.monotonic()
    while state_of(screen()) != "live" and time.monotonic() - start < 30:
        time.sleep(0.2)
    print(f"first rows live after {time.monotonic() - start:.1f} s")
    crashes, stale_seconds, recoveries, latencies = 0, 0.0, [], []
    begin = time.monotonic()
    prev_fault = False
    for name, faults, share in PHASES:
        sim.set_faults(faults)
        phase_end = time.monotonic() + share * total
        fault = name != "fine"
        print(f"[{time.monotonic() - begin:6.1f} s] {name}", flush=True)
        cleared_at = None if fault else time.monotonic()
        recovered = fault or not prev_fault  # a fine phase after a fault: measure
        last = time.monotonic()
        while time.monotonic() < phase_end:
            text = screen()
            now = time.monotonic()
            if not alive() or "Traceback" in text:
                crashes += 1
                print("  CRASH:\n" + text)
                return 1
            state = state_of(text)
            if state == "stale":
                stale_seconds += now - last
            if not recovered and state == "live":
                recovered = True
                if cleared_at is not None:
                    recoveries.append(now - cleared_at)
                    print(f"  live again {now - cleared_at:.1f} s after the fault ended")
            last = now
            if int(now * 2) % 10 == 0:  # every ~5 s: a key's latency (detail on/off)
                lat = key_latency("d")
                if lat is not None:
                    latencies.append(lat)
                key_latency("d")
            time.sleep(0.5)
        prev_fault = fault
        if fault:
            print(f"  header at the end: {header(screen()).strip()[:90]}")
    start_q = time.monotonic()
    tmux("send-keys", "-t", SESSION, "q")
    exited = None
    while time.monotonic() - start_q < 10:
        if "SOAK-EXITED" in screen():
            exited = time.monotonic() - start_q
            break
        time.sleep(0.02)
    print("\nfigures")
    print(f"  crashes: {crashes}")
    print(f"  time stale: {stale_seconds:.0f} s of {time.monotonic() - begin:.0f} s")
    print(
        "  recovery after a fault ended: "
        + (", ".join(f"{r:.1f} s" for r in recoveries) or "none measured")
        + f" (refresh every {args.refresh:g} s)"
    )
    if latencies:
        print(
            f"  input latency (key -> screen): median {statistics.median(latencies) * 1000:.0f} ms,"
            f" worst {max(latencies) * 1000:.0f} ms over {len(latencies)} presses"
        )
    print(
        f"  q -> process ended: {exited * 1000:.0f} ms"
        if exited is not None
        else "  q -> process ended: NOT within 10 s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
