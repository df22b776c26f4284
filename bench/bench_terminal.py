"""The monitor and the CLI as users run them: prints each target of issue 9 next to what
was measured and a floor measured in the same run.

    python bench/bench_terminal.py                 # 10,000 and 100,000 vehicles
    python bench/bench_terminal.py --with-300k     # and 300,000 (a few more minutes)
    python bench/bench_terminal.py --sizes 100000 --repeat 5
    python bench/bench_terminal.py --sizes 100000 --only-starts   # floor, cold, warm
    python bench/bench_terminal.py --sizes 100000 --only-running  # the running monitor's figures
    python bench/bench_terminal.py --sizes 100000 --only-sort --repeat 5  # sort, filter, Esc
    python bench/bench_terminal.py --sizes 100000 --only-running --warm-first 1  # started warm
    python bench/bench_terminal.py --sizes 100000 --only-running --skip keys  # fewer phases
    PYTHONPATH=/path/to/other/checkout python bench/bench_terminal.py ...  # an A/B

Every figure comes from real processes: the simulator (`fleettui simulator`) in its own
process serving real HTTP; the real `fleettui` monitor in a real terminal (a private tmux
server, 120x40 by default: `pipe-pane` counts the bytes the app writes, `capture-pane`
sees the screen, /proc/PID/status gives VmRSS/VmHWM); `fleettui list` as a child process.

Floors, measured in the same run on the same machine:
- start: bench/floor_app.py (a token, one GET, json.loads, a Textual Static with 40 VINs);
- SSH link: `htop -d 20` in the same terminal for the same 20 s;
- CLI: `curl` of the same answer piped into `python -c 'json.load(sys.stdin.buffer)'`.

Timings on a shared machine are noisy: each is repeated (--repeat) and reported as the
median and the best (latencies: median and worst). Needs tmux, curl and htop.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleettui.api.auth import Credentials  # noqa: E402
from fleettui.api.client import FleetClient  # noqa: E402

PY = sys.executable
FLEETTUI = str(Path(PY).with_name("fleettui"))
START = "2026-11-01T12:00:00Z"
SECRET = "bench-secret"
VIN_RE = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")
KB, MB = 1024, 1024 * 1024


# -- results ----------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    target: str
    measured: str
    floor: str = ""
    ok: bool | None = None


@dataclass
class Report:
    title: str
    figures: list[Figure] = field(default_factory=list)

    def add(
        self, name: str, target: str, measured: str, floor: str = "", ok: bool | None = None
    ) -> None:
        self.figures.append(Figure(name, target, measured, floor, ok))
        mark = {True: "ok", False: "MISSED", None: ""}[ok]
        print(f"  {name:<44} {target:<16} {measured:<26} {floor:<22} {mark}", flush=True)

    def header(self) -> None:
        print(f"\n== {self.title} ==")
        print(f"  {'figure':<44} {'target':<16} {'measured':<26} {'floor':<22}")


def clear_of_minute(seconds: float) -> None:
    """Wait, if need be, so the next `seconds` do not cross a minute of the wall clock: the
    header's "updated HH:MM" rewrites its line (~300 B) once a minute, which a byte figure
    of a few seconds would otherwise catch by chance (one run in eight)."""
    into = time.time() % 60
    if into < 1 or into + seconds > 59:
        time.sleep(61 - into if into >= 1 else 1 - into)


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def secs(xs: list[float]) -> str:
    return f"{med(xs):.2f} s (best {min(xs):.2f})" if xs else "n/a"


def ms(xs: list[float]) -> str:
    return f"{med(xs) * 1000:.0f} ms (worst {max(xs) * 1000:.0f})" if xs else "n/a"


# -- processes --------------------------------------------------------------------------


class Simulator:
    """`fleettui simulator` in its own process."""

    def __init__(self, n: int, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [
                FLEETTUI,
                "simulator",
                "--vehicles",
                str(n),
                "--seed",
                "1",
                "--speed",
                "0",
                "--port",
                "0",
                "--start",
                START,
                "--client-secret",
                SECRET,
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.url = self.proc.stdout.readline().strip()
        self.client_id = self.proc.stdout.readline().strip()
        self.proc.stdout.readline()
        if not self.url.startswith("http"):
            raise SystemExit(f"simulator did not start: {self.url!r}")

    def client(self) -> FleetClient:
        return FleetClient(Credentials(self.url, self.client_id, SECRET))

    def token(self) -> str:
        import httpx

        return httpx.post(
            f"{self.url}/v1/access_tokens",
            json={
                "client_id": self.client_id,
                "client_secret": SECRET,
                "grant_type": "client_credentials",
            },
            timeout=60,
        ).json()["access_token"]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Terminal:
    """One tmux pane on a private server: run a command, count its output, read it."""

    def __init__(self, width: int, height: int, workdir: Path, name: str = "") -> None:
        self.sock = f"fleettui-bench-{os.getpid()}{name}"
        self.width, self.height = width, height
        self.workdir = workdir
        self._tmux(
            "new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), "sleep 100000"
        )
        self._tmux("set-option", "-g", "default-terminal", "tmux-256color")
        self._tmux("set-option", "-g", "remain-on-exit", "on")
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("set-option", "-g", "escape-time", "10")
        self.pipe = workdir / f"pane{name}.out"

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.sock, *args], check=True, capture_output=True, text=True
        ).stdout

    def run(self, command: str, env: dict[str, str]) -> int:
        """Start `command` in the pane (replacing what ran there); its PID. The pane's
        output goes to a fresh pipe file from the first byte."""
        self.pipe.write_bytes(b"")
        assign = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self._tmux("respawn-pane", "-k", "-t", "b", f"exec env {assign} {command}")
        self._tmux("pipe-pane", "-t", "b", f"cat >> {shlex.quote(str(self.pipe))}")
        return int(self._tmux("display", "-p", "-t", "b", "#{pane_pid}").strip())

    def bytes(self) -> int:
        return self.pipe.stat().st_size

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "b")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "b", *keys)

    def wait_screen(
        self,
        pattern: re.Pattern[str] | str,
        timeout: float,
        since: float | None = None,
        step: float = 0.01,
    ) -> float | None:
        """Seconds from `since` until the screen matches; None on timeout."""
        t0 = since if since is not None else time.perf_counter()
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        while time.perf_counter() - t0 < timeout:
            if rx.search(self.screen()):
                return time.perf_counter() - t0
            time.sleep(step)
        return None

    def settle(self, t0: float, quiet: float = 0.15, timeout: float = 5.0) -> float | None:
        """Seconds from t0 to the last write before the output stayed quiet for `quiet`
        seconds (None if nothing was written)."""
        start = self.bytes_at_mark
        last_size, last_change = start, None
        while time.perf_counter() - t0 < timeout:
            size = self.bytes()
            now = time.perf_counter()
            if size != last_size:
                last_size, last_change = size, now
            elif last_change is not None and now - last_change >= quiet:
                break
            time.sleep(0.002)
        return None if last_change is None else last_change - t0

    def first_write(self, t0: float, timeout: float = 5.0) -> float | None:
        start = self.bytes_at_mark
        while time.perf_counter() - t0 < timeout:
            if self.bytes() != start:
                return time.perf_counter() - t0
            time.sleep(0.001)
        return None

    def mark(self) -> float:
        self.bytes_at_mark = self.bytes()
        return time.perf_counter()

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        return float("nan"), float("nan")
    return values.get("VmRSS", float("nan")), values.get("VmHWM", float("nan"))


def resident(pid: int, seconds: float, step: float = 0.1) -> tuple[float, float, float]:
    """(median VmRSS, highest VmRSS, VmHWM) in MB, VmRSS read every `step` s for `seconds`.

    One reading at a fixed time after going live lands inside a refresh or between two
    depending on how long a refresh takes (the next one starts --refresh s after the
    last one ended), and a refresh holds its answer beside the fleet for a second:
    up to 30 MB at 100,000 vehicles. Over a whole refresh cycle, the median is what the
    process holds between refreshes, the highest what it holds during one."""
    xs = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        xs.append(memory(pid)[0])
        time.sleep(step)
    hwm = memory(pid)[1]
    xs = [x for x in xs if x == x] or [float("nan")]
    return statistics.median(xs), max(xs), hwm


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return (
        Path(f"/proc/{pid}/status").exists()
        and "zombie" not in Path(f"/proc/{pid}/status").read_text()
    )


def table_vins(screen: str) -> list[str]:
    """The VINs of the table's rows on screen, top to bottom (not the detail pane's)."""
    lines = screen.splitlines()
    top = next((i for i, line in enumerate(lines) if re.search(r"\bVIN\b", line)), 0)
    vins = []
    for line in lines[top + 1 :]:
        if line.lstrip().startswith("─"):
            break  # the detail pane below
        m = VIN_RE.search(line)
        if m:
            vins.append(m.group(0))
    return vins


def detail_vin(screen: str) -> str | None:
    """The VIN the detail pane shows: the cursor's car."""
    lines = screen.splitlines()
    below = next((i for i, line in enumerate(lines) if line.lstrip().startswith("─")), None)
    m = VIN_RE.search(lines[below + 1]) if below is not None and below + 1 < len(lines) else None
    return m.group(0) if m else None


# -- the monitor ------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="fleettui-bench-"))
        self.env = {
            "FLEETTUI_CONFIG_DIR": str(self.tmp / "config"),
            "FLEETTUI_CACHE_DIR": str(self.tmp / "cache"),
            "FLEETTUI_LOG_DIR": str(self.tmp / "log"),
            "FLEETTUI_DATA_DIR": str(self.tmp / "data"),
            "BENCH_SECRET": SECRET,
            "FLOOR_SECRET": SECRET,
            "TERM": "tmux-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.tmp),
        }
        if os.environ.get("PYTHONPATH"):  # another checkout's fleettui (an A/B in one session)
            self.env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.term = Terminal(args.width, args.height, self.tmp)
        self.monitor_flags = self.refresh_flags()

    def refresh_flags(self) -> str:
        """`--full-refresh` when the fleettui under test has it (see `launch`); a tree from
        before delta polling (an A/B through PYTHONPATH) lists the whole fleet anyway."""
        helped = subprocess.run(
            [FLEETTUI, "--help"], env={**os.environ, **self.env}, capture_output=True, text=True
        )
        return " --full-refresh" if "--full-refresh" in helped.stdout else ""

    def close(self) -> None:
        self.term.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def add_profile(self, sim: Simulator) -> None:
        subprocess.run(
            [
                FLEETTUI,
                "profile",
                "add",
                "bench",
                "--environment",
                "custom",
                "--base-url",
                sim.url,
                "--client-id",
                sim.client_id,
                "--client-secret-env",
                "BENCH_SECRET",
                "--default",
                "--replace",
            ],
            env={**os.environ, **self.env},
            check=True,
            capture_output=True,
        )

    def clear_cache(self) -> None:
        shutil.rmtree(self.tmp / "cache", ignore_errors=True)

    def cache_files(self) -> list[Path]:
        return sorted((self.tmp / "cache").glob("snapshot-*"))

    # -- start ---------------------------------------------------------------------

    def floor_start(self, sim: Simulator) -> list[float]:
        times = []
        for _ in range(self.args.repeat):
            t0 = time.perf_counter()
            pid = self.term.run(
                f"{shlex.quote(PY)} {shlex.quote(str(ROOT / 'bench' / 'floor_app.py'))} "
                f"{sim.url} {sim.client_id}",
                self.env,
            )
            took = self.term.wait_screen(VIN_RE, 120, t0)
            if took is not None:
                times.append(took)
            os.kill(pid, signal.SIGTERM)
            time.sleep(0.5)
        return times

    def launch(self) -> tuple[int, float]:
        """Start the monitor; (pid, t0). With --full-refresh: the changes this bench makes
        are revokes from outside of approved cars, which only a full list shows at once
        (delta polling shows them at the next reconciliation); the terminal's bytes for a
        change are the same however it was fetched. bench_provider_load.py measures delta
        polling. A tree without the flag (before delta polling) is launched without it."""
        t0 = time.perf_counter()
        pid = self.term.run(
            f"{shlex.quote(FLEETTUI)} --profile bench --refresh 5{self.monitor_flags}", self.env
        )
        return pid, t0

    def quit(self, pid: int) -> None:
        self.term.keys("q")
        for _ in range(100):
            if not alive(pid):
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.3)

    def wait_live(self, t0: float, timeout: float = 180) -> float | None:
        return self.term.wait_screen(r"● live", timeout, t0, step=0.05)

    def starts(self, sim: Simulator) -> dict[str, list[float]]:
        """Cold (no cache) and warm (the cache the last run wrote) starts: launch -> first
        rows on screen, launch -> live answer on screen, and memory."""
        out: dict[str, list[float]] = {
            k: []
            for k in (
                "cold",
                "cold_live",
                "warm",
                "warm_live",
                "cold_hwm",
                "warm_hwm",
                "cold_rss",
                "warm_rss",
                "cold_during",
                "warm_during",
            )
        }
        for _ in range(self.args.repeat):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    self.clear_cache()
                pid, t0 = self.launch()
                first = self.term.wait_screen(VIN_RE, 180, t0)
                live = self.wait_live(t0)
                if first is not None:
                    out[kind].append(first)
                if live is not None:
                    out[f"{kind}_live"].append(live)
                if kind == "cold":  # the cache is written after the first good poll
                    for _ in range(200):
                        if self.cache_files():
                            break
                        time.sleep(0.1)
                time.sleep(5.5)  # two more refreshes (and the cache write) at --refresh 5,
                rss, during, hwm = resident(pid, 6.5)  # the second read over a whole cycle
                out[f"{kind}_rss"].append(rss)
                out[f"{kind}_during"].append(during)
                out[f"{kind}_hwm"].append(hwm)
                self.quit(pid)
        return out

    def warm_up(self) -> None:
        """--warm-first: one start as `starts` makes it (to the live answer, the cache
        written, two refreshes), so the running monitor starts warm as in the full run."""
        pid, t0 = self.launch()
        self.wait_live(t0)
        for _ in range(200):
            if self.cache_files():
                break
            time.sleep(0.1)
        time.sleep(12)
        self.quit(pid)

    # -- a running monitor ---------------------------------------------------------

    def running(self, sim: Simulator, report: Report, floors: dict[str, float]) -> None:
        term = self.term
        pid, t0 = self.launch()
        if self.wait_live(t0) is None:
            report.add("monitor did not go live", "", "", ok=False)
            return
        time.sleep(6)  # one quiet refresh after the first load
        # 20 s with nothing changing, at --refresh 5 (four refreshes)
        clear_of_minute(21)
        t = term.mark()
        time.sleep(20)
        idle20 = term.bytes() - term.bytes_at_mark
        del t
        htop = floors.get("htop20")
        per_refresh = idle20 / 4
        report.add(
            "refresh with no visible change (bytes)",
            "<= 200 B",
            f"{per_refresh:.0f} B (20 s: {idle20} B)",
            "",
            per_refresh <= 200,
        )
        report.add(
            "20 s idle at --refresh 5 vs htop -d 20",
            "<= 10% of htop",
            f"{idle20} B",
            f"htop {htop:.0f} B" if htop else "",
            None if not htop else idle20 <= 0.10 * htop,
        )
        # sort by VIN, so a changed row stays where it is
        for _ in range(len(("reason", "time", "tags", "vin")) + 2):
            if re.search(r"VIN\s*[▲▼]", term.screen()):
                break
            term.keys(">")  # the next column (s opens the sort menu)
            time.sleep(1.5)
        skip = set(self.args.skip.split(",")) if self.args.skip else set()
        if "one-row" not in skip:
            self.one_row_changed(sim, report)
        if "leave-filter" not in skip:
            self.row_leaves_filter(sim, report)
        if "keys" not in skip:
            self.key_latency(report)
        self.sort_filter(report)
        rss, _during, hwm = resident(pid, 6.5)
        limit_rss, limit_hwm = self.memory_limits(self.n)
        report.add(
            "resident after sorts, filters, refreshes",
            f"<= {limit_rss:.0f} MB",
            f"{rss:.0f} MB",
            "",
            rss <= limit_rss,
        )
        report.add(
            "peak resident over the whole run (VmHWM)",
            f"<= {limit_hwm:.0f} MB",
            f"{hwm:.0f} MB",
            "",
            hwm <= limit_hwm,
        )
        self.quit(pid)

    @staticmethod
    def memory_limits(n: int) -> tuple[float, float]:
        """Issue 9: 200 MB steady and 250 MB peak at 100k; beyond, linear (600 MB at 300k)."""
        return (200, 250) if n <= 100_000 else (2 * n / 1000, 2 * n / 1000)

    def one_row_changed(self, sim: Simulator, report: Report) -> None:
        term = self.term
        screen = term.screen()
        lines = screen.splitlines()
        on_screen = [m.group(0) for line in lines[3:30] for m in VIN_RE.finditer(line)]
        target = None
        for line in lines[4:30]:  # not the cursor's row (the first)
            m = VIN_RE.search(line)
            if m and "approved" in line:
                target = m.group(0)
                break
        if target is None:
            report.add(
                "one visible row changed (bytes)", "<= 1.5 KB", "no approved row on screen", ok=None
            )
            return
        time.sleep(1)
        clear_of_minute(12)
        term.mark()
        with sim.client() as client:
            client.delete_vehicle(target)  # approved -> revoking
        took = term.wait_screen(re.escape(target) + r".*revoking", 30, step=0.05)
        time.sleep(6)  # and the quiet refresh after it
        written = term.bytes() - term.bytes_at_mark
        report.add(
            "one visible row changed (bytes, 2 refreshes)",
            "<= 1.5 KB",
            f"{written} B" + ("" if took is not None else " (change not seen!)"),
            f"{len(on_screen)} rows on screen",
            written <= 1536 and took is not None,
        )

    def row_leaves_filter(self, sim: Simulator, report: Report) -> None:
        """Filter `state:approved` and revoke a shown row from outside (it becomes
        revoking and leaves the view): the bytes written for that one change (issue 20),
        for the last row on screen, then for the cursor's row (the rows below it move
        up, and the detail pane shows the car now under the cursor). Until 7 Dec the
        last-row figure took the cursor's car by mistake (the detail pane's VIN was the
        last one on screen): its 15 KB were the cursor's-row case."""
        term = self.term
        term.keys("/")
        time.sleep(0.5)
        term.keys("-l", "state:approved")
        time.sleep(0.5)
        term.keys("Enter")
        time.sleep(2)
        for which in ("last row on screen", "the cursor's row"):
            screen = term.screen()
            rows = table_vins(screen)
            last = rows[-1] if rows else None
            target = last if which.startswith("last") else detail_vin(screen)
            name = f"a row leaves a filtered view: {which} (bytes, 2 refreshes)"
            if target is None:
                report.add(name, "<= 1.5 KB", "no row", ok=None)
                continue
            time.sleep(6)  # past the refresh under way
            clear_of_minute(12)
            term.mark()
            with sim.client() as client:
                client.delete_vehicle(target)  # approved -> revoking: out of the view
            gone = self.until(lambda t=target: t not in term.screen(), time.perf_counter(), 30)
            time.sleep(7)  # the quiet refresh after it, and the cursor's toast (6 s) going
            written = term.bytes() - term.bytes_at_mark
            seen = "" if gone is not None else " (change not seen!)"
            if which.startswith("last"):  # issue 20's figure: only that row changes
                report.add(
                    name, "<= 1.5 KB", f"{written} B{seen}", "", written <= 1536 and seen == ""
                )
            else:  # every row below the cursor moves up: a figure to watch, not a target
                report.add(
                    name,
                    "",
                    f"{written} B{seen}",
                    "rows below move up",
                    None if seen == "" else False,
                )
        term.keys("Escape")
        time.sleep(1)

    def key_latency(self, report: Report) -> None:
        """Key -> screen while a refresh fetches and parses: `r` starts a refresh, then
        a cursor key is sent at delays spread over the refresh."""
        term = self.term
        lat = []
        delays = [0.05 * i for i in range(0, 30, 2)]
        for i, delay in enumerate(delays * max(1, self.args.repeat // 2)):
            term.keys("r")
            time.sleep(delay)
            t0 = term.mark()
            term.keys("j" if i % 2 == 0 else "k")
            took = term.first_write(t0, timeout=5)
            if took is not None:
                lat.append(took)
            time.sleep(max(0.0, 2.5 - delay))
        report.add(
            "key -> screen during a refresh",
            "<= 50 ms worst",
            ms(lat),
            "",
            bool(lat) and max(lat) <= 0.050,
        )
        quiet = []
        for i in range(10):
            t0 = term.mark()
            term.keys("j" if i % 2 == 0 else "k")
            took = term.first_write(t0, timeout=5)
            if took is not None:
                quiet.append(took)
            time.sleep(0.3)
        report.add("key -> screen, idle", "", ms(quiet))

    def sorts_only(self, report: Report) -> None:
        """--only-sort: a cold start, one quiet refresh, then `sort_filter` --repeat times
        (6 sorts, 3 filters and 3 Esc each), every sample in one figure per key."""
        pid, t0 = self.launch()
        if self.wait_live(t0) is None:
            report.add("monitor did not go live", "", "", ok=False)
            return
        time.sleep(6)
        self.sort_filter(report, rounds=self.args.repeat)
        self.quit(pid)

    def sort_filter(self, report: Report, rounds: int = 1) -> None:
        """Key -> the result on screen (the sort arrow moved, the header's shown count
        changed), read from the screen itself."""
        term = self.term
        arrow = re.compile(r"^.*(VIN|Brand|State|Reason|In state|Tags)\s*[▲▼].*$", re.M)
        counts = re.compile(r"(\d+)/(\d+) shown")

        def sorted_by() -> str:
            m = arrow.search(term.screen())
            return m.group(0) if m else ""

        sorts: list[float] = []
        by_column: dict[str, list[float]] = {}
        for _ in range(6 * rounds):
            before = sorted_by()
            t0 = term.mark()
            term.keys(">")  # the next column (s opens the sort menu)
            took = self.until(lambda b=before: sorted_by() not in ("", b), t0)
            if took is not None:
                sorts.append(took)
                column = arrow.search(term.screen())
                by_column.setdefault(column.group(1) if column else "?", []).append(took)
            time.sleep(0.6)
        report.add(
            "sort on screen", "<= 150 ms", ms(sorts), "", bool(sorts) and max(sorts) <= 0.150
        )
        report.add(
            "  by column (median ms)",
            "",
            " ".join(f"{c} {med(t) * 1000:.0f}" for c, t in by_column.items()),
        )

        def shown() -> tuple[int, int] | None:
            m = counts.search(term.screen())
            return (int(m.group(1)), int(m.group(2))) if m else None

        filters, clears = [], []
        for _ in range(3 * rounds):
            term.keys("/")
            time.sleep(0.5)
            term.keys("-l", "bmw")
            time.sleep(0.5)
            t0 = term.mark()
            term.keys("Enter")
            took = self.until(lambda: (c := shown()) is not None and c[0] != c[1], t0)
            if took is not None:
                filters.append(took)
            time.sleep(0.8)
            t0 = term.mark()
            term.keys("Escape")
            took = self.until(lambda: (c := shown()) is not None and c[0] == c[1], t0)
            if took is not None:
                clears.append(took)
            time.sleep(0.8)
        report.add(
            "filter on screen (Enter)",
            "<= 150 ms",
            ms(filters),
            "",
            bool(filters) and max(filters) <= 0.150,
        )
        report.add(
            "Esc (clear filter) on screen",
            "<= 100 ms",
            ms(clears),
            "",
            bool(clears) and max(clears) <= 0.100,
        )

    @staticmethod
    def until(condition, t0: float, timeout: float = 5.0) -> float | None:
        while time.perf_counter() - t0 < timeout:
            if condition():
                return time.perf_counter() - t0
            time.sleep(0.003)
        return None

    def htop(self) -> float:
        term = self.term
        pid = term.run("htop -d 20", self.env)
        time.sleep(2)
        term.mark()
        time.sleep(20)
        written = term.bytes() - term.bytes_at_mark
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.3)
        return written

    # -- the command line ----------------------------------------------------------

    def wait_background(self) -> None:
        """Let a listing's detached cache writer finish before the next measurement."""
        for _ in range(300):
            busy = False
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    cmd = (proc / "cmdline").read_bytes()
                except OSError:
                    continue
                if b"fleettui\x00list" in cmd:
                    busy = True
                    break
            if not busy:
                return
            time.sleep(0.1)

    def timed(
        self, argv: list[str], shell: bool = False, env: dict[str, str] | None = None
    ) -> tuple[float, float, float]:
        """(seconds, seconds to the first byte of output, peak RSS MB of the process or
        pipeline). `self.last_output` is the wall-clock time the output ended."""
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **self.env, **(env or {})},
            shell=shell,
        )
        first = None
        while True:
            chunk = (
                proc.stdout.read1(1 << 16)
                if hasattr(proc.stdout, "read1")
                else proc.stdout.read(1 << 16)
            )
            if not chunk:
                break
            self.last_output = time.time()
            if first is None:
                first = time.perf_counter() - t0
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        return took, first if first is not None else took, usage.ru_maxrss / 1024

    def cli(self, sim: Simulator, report: Report) -> None:
        token = sim.token()
        url = f"{sim.url}/v1/fleets/vehicles"
        floor_cmd = (
            f"curl -s -H 'Authorization: Bearer {token}' {shlex.quote(url)} | "
            f"{shlex.quote(PY)} -c 'import json,sys; json.load(sys.stdin.buffer)'"
        )
        floor_t, floor_m = [], []
        for _ in range(self.args.repeat):
            took, _first, peak = self.timed(floor_cmd, shell=True)
            floor_t.append(took)
            floor_m.append(peak)
        fbest, fmem = min(floor_t), med(floor_m)
        report.add("curl + json.load (the CLI floor)", "", secs(floor_t), f"{fmem:.0f} MB peak")
        # The JSON listing twice: with the native encoder (orjson) and with the pure-Python
        # fallback a machine without orjson runs (fleettui.core.json_codec).
        for label, extra, factor, env in (
            ("list --json", ["--json"], 1.5, {}),
            ("list --json, pure-Python JSON", ["--json"], 1.5, {"FLEETTUI_PURE_JSON": "1"}),
            ("list --csv", ["--csv"], 2.0, {}),
            ("list (table)", [], 3.0, {}),
        ):
            times, firsts, peaks, fg_writes = [], [], [], []
            for _ in range(self.args.repeat):
                self.wait_background()
                took, first, peak = self.timed(
                    [FLEETTUI, "list", "--profile", "bench", *extra], env=env
                )
                self.wait_background()
                # written before the last of the output: the listing waited for it
                fg_writes.append(
                    any(
                        p.stat().st_mtime < self.last_output - 0.05
                        for p in self.cache_files()
                        if p.stat().st_mtime > self.last_output - took
                    )
                )
                times.append(took)
                firsts.append(first)
                peaks.append(peak)
            best = min(times)
            report.add(
                f"{label}: time",
                f"<= {factor:g}x floor",
                f"{secs(times)} = {best / fbest:.2f}x",
                f"{fbest:.2f} s",
                best <= factor * fbest,
            )
            report.add(
                f"{label}: peak memory",
                "<= 1.5x floor",
                f"{med(peaks):.0f} MB = {med(peaks) / fmem:.2f}x",
                f"{fmem:.0f} MB",
                med(peaks) <= 1.5 * fmem,
            )
            report.add(
                f"{label}: first output / end",
                "first << end",
                f"{med(firsts):.2f} s / {med(times):.2f} s",
                "",
                med(firsts) < med(times),
            )
            report.add(
                f"{label}: cache written before the output ended",
                "never",
                "yes" if any(fg_writes) else "no",
                "",
                not any(fg_writes),
            )
        self.wait_background()

    # -- one fleet size ------------------------------------------------------------

    def size(self, n: int) -> Report:
        report = Report(
            f"{n:,} vehicles (simulator in its own process, "
            f"{self.args.width}x{self.args.height} tmux terminal)"
        )
        report.header()
        sim = Simulator(n)
        self.n = n
        try:
            self.add_profile(sim)
            with sim.client() as client:  # warm the simulator's own caches
                client.list_vehicles_raw()
            if self.args.only_cli:
                self.cli(sim, report)
                return report
            if self.args.only_sort:
                self.sorts_only(report)
                return report
            if self.args.only_running:
                for _ in range(self.args.warm_first):
                    self.warm_up()
                floors = {"htop20": self.htop()} if shutil.which("htop") else {}
                self.running(sim, report, floors)
                return report
            floor = self.floor_start(sim)
            fbest = min(floor) if floor else float("nan")
            report.add("floor app: launch -> 40 VINs", "", secs(floor))
            starts = self.starts(sim)
            cold, warm = starts["cold"], starts["warm"]
            report.add(
                "cold start: launch -> first rows",
                "<= 1.0x floor",
                f"{secs(cold)} = {min(cold) / fbest:.2f}x" if cold else "n/a",
                f"{fbest:.2f} s",
                bool(cold) and min(cold) <= 1.0 * fbest,
            )
            report.add(
                "warm start: launch -> cached rows",
                "<= 0.4x floor",
                f"{secs(warm)} = {min(warm) / fbest:.2f}x" if warm else "n/a",
                f"{fbest:.2f} s",
                bool(warm) and min(warm) <= 0.4 * fbest,
            )
            report.add("warm start: launch -> live answer", "", secs(starts["warm_live"]))
            if self.args.only_starts:
                return report
            limit_rss, limit_hwm = self.memory_limits(n)
            for kind in ("cold", "warm"):
                rss, hwm = starts[f"{kind}_rss"], starts[f"{kind}_hwm"]
                report.add(
                    f"{kind} start: resident after 2 refreshes",
                    f"<= {limit_rss:.0f} MB",
                    f"{med(rss):.0f} MB",
                    "",
                    med(rss) <= limit_rss,
                )
                report.add(
                    f"{kind} start: resident during a refresh",
                    "",
                    f"{med(starts[f'{kind}_during']):.0f} MB",
                )
                report.add(
                    f"{kind} start: peak resident (VmHWM)",
                    f"<= {limit_hwm:.0f} MB",
                    f"{max(hwm):.0f} MB",
                    "",
                    max(hwm) <= limit_hwm,
                )
            floors = {"htop20": self.htop()} if shutil.which("htop") else {}
            self.running(sim, report, floors)
            if not self.args.no_cli:
                self.cli(sim, report)
        finally:
            sim.stop()
        return report


def byte_compile() -> str:
    """The fleettui the monitor will import (this checkout, or PYTHONPATH's), byte-compiled
    as an install is (pip compiles what it installs). A checkout run with
    PYTHONDONTWRITEBYTECODE=1, as on the shared machine, otherwise compiles every module
    changed since its last .pyc again at every start: on 7 Dec 146 of main's 305 modules,
    about a tenth of a second of each start that no user's start pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    where = subprocess.run(
        [PY, "-c", "import fleettui, os; print(os.path.dirname(fleettui.__file__))"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    ).stdout.strip()
    if where:
        subprocess.run([PY, "-m", "compileall", "-q", where], env=env, capture_output=True)
    return where or "(fleettui not found)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="fleet sizes, comma-separated")
    parser.add_argument("--with-300k", action="store_true", help="also 300,000 vehicles")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI figures")
    parser.add_argument(
        "--only-cli",
        action="store_true",
        help="only the CLI figures (no monitor: a minute, not ten)",
    )
    parser.add_argument(
        "--only-starts",
        action="store_true",
        help="only the floor and the cold/warm start figures (a few minutes, not ten)",
    )
    parser.add_argument(
        "--only-running",
        action="store_true",
        help="only the running monitor's figures (bytes, keys, sort, filter, memory)",
    )
    parser.add_argument(
        "--only-sort",
        action="store_true",
        help="only sort / filter / Esc on screen, --repeat rounds in one monitor",
    )
    parser.add_argument(
        "--warm-first",
        type=int,
        default=0,
        metavar="N",
        help="with --only-running: N starts first, so the monitor starts warm (as in a full run)",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="running phases to leave out before the sort: one-row,leave-filter,keys",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    for tool in ("tmux", "curl"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install -y {tool})")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.with_300k:
        sizes.append(300_000)
    print(
        f"fleettui terminal bench: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"python {sys.version.split()[0]}",
        flush=True,
    )
    print(f"measured: {byte_compile()}", flush=True)
    bench = Bench(args)
    reports = []
    try:
        for n in sizes:
            reports.append(bench.size(n))
    finally:
        bench.close()
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{"title": r.title, "figures": [f.__dict__ for f in r.figures]} for r in reports],
                indent=1,
            )
        )
    missed = [
        f"{r.title.split(' (')[0]}: {f.name}" for r in reports for f in r.figures if f.ok is False
    ]
    print("\nall targets met" if not missed else "\nmissed:\n  " + "\n  ".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
