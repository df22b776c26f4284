"""Run `fleettui` commands as real child processes, cheaply: this interpreter imports
fleettui once, then forks one child per command. Each child gets its own stdin, stdout
and stderr pipes and environment, runs `fleettui.cli.main.main(argv)` with fresh
standard streams (UTF-8, strict on stdout like a real pipe), prints a traceback for an
uncaught exception as the interpreter would, and exits with the command's code.

Protocol (one JSON line each way): a list of requests {"argv": [...], "env": {...},
"stdin": str, "timeout": seconds}, run as concurrent children; the list of their results
{"code": int, "out": str, "err": str, "timed_out": bool} (out/err base64), in order.
Single-threaded, so forking is safe.
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import signal
import sys
import time
import traceback

import fleettui.api.client  # noqa: F401 - imported once, before any fork
import fleettui.cli.fleet_cmds  # noqa: F401
import fleettui.cli.profile_cmd  # noqa: F401
from fleettui.cli.main import main


def _child(argv: list[str], env: dict[str, str]) -> int:
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="strict"
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - what the interpreter would print
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - e.g. an encoding error on the last write
            traceback.print_exc(file=sys.__stderr__)
            code = 1
    return int(code or 0)


def _start(request: dict) -> tuple[int, int, int]:
    """Fork one child for a request; (pid, stdout fd, stderr fd) of the parent's ends."""
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
                os.close(fd)
            code = _child(request["argv"], request["env"])
        finally:
            os._exit(code)
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    os.write(in_w, request.get("stdin", "").encode())
    os.close(in_w)
    return pid, out_r, err_r


def run_all(requests: list[dict]) -> list[dict]:
    """Run the requests as concurrent children; their results in the same order."""
    started = [_start(r) for r in requests]
    chunks: dict[int, list[bytes]] = {}
    owner: dict[int, int] = {}
    for i, (_, out_r, err_r) in enumerate(started):
        for fd in (out_r, err_r):
            chunks[fd] = []
            owner[fd] = i
    ends = [time.monotonic() + float(r.get("timeout", 60)) for r in requests]
    timed_out = [False] * len(requests)
    open_fds = list(chunks)
    while open_fds:
        now = time.monotonic()
        for i, (pid, out_r, err_r) in enumerate(started):
            if not timed_out[i] and now >= ends[i] and (out_r in open_fds or err_r in open_fds):
                timed_out[i] = True
                os.kill(pid, signal.SIGKILL)
        wait = max(0.01, min(ends[owner[fd]] for fd in open_fds) - now)
        ready, _, _ = select.select(open_fds, [], [], wait)
        for fd in ready:
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                open_fds.remove(fd)
    results = []
    for i, (pid, out_r, err_r) in enumerate(started):
        _, status = os.waitpid(pid, 0)
        os.close(out_r)
        os.close(err_r)
        results.append(
            {
                "code": os.waitstatus_to_exitcode(status),
                "timed_out": timed_out[i],
                "out": base64.b64encode(b"".join(chunks[out_r])).decode(),
                "err": base64.b64encode(b"".join(chunks[err_r])).decode(),
            }
        )
    return results


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run_all(json.loads(line))), flush=True)
