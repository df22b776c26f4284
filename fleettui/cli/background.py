"""Work a command does after its output is out, without making the shell wait for it.

`in_background(job)` runs `job` in a detached grandchild process (double fork: the
command's process goes on at once and never leaves a zombie; the job works on its own
copy-on-write copy of memory as it was at the fork), niced, with its
standard streams on /dev/null; the job's errors are its own (logged, never printed over
the next command's output). Where there is no fork (Windows), the job runs in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Seconds a job may take; then it is stopped, its own cleanups run (a half-written
#: file is removed), and if they hang too it is killed `_GRACE` seconds later.
JOB_SECONDS = 120
_GRACE = 5


class _OutOfTime(BaseException):
    """Raised in the job when its time is up (not an Exception: nothing in it catches it)."""


def _out_of_time(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(_GRACE)
    raise _OutOfTime


def in_background(job: Callable[[], Any], *, last: bool = False) -> None:
    """Run `job` detached from this process (see the module docstring). With `last`
    (this process ends as soon as the command returns), one fork and no wait: the
    process's exit hands the child to init, which reaps it. The middle child's fork of a
    big process, and the wait for it, cost the command 30-110 ms (measured with 100,000
    vehicles in memory, loaded machine)."""
    if not hasattr(os, "fork"):
        job()
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    pid = os.fork()
    if pid:
        if not last:
            os.waitpid(pid, 0)  # the middle child exits at once
        return
    try:  # the middle child: start the grandchild, then leave
        if not last and os.fork():
            os._exit(0)
        os.setsid()
        # Whatever happens, the job does not outlive its time (killed outright, it left
        # its temporary file behind).
        with contextlib.suppress(ValueError):  # (only the main thread may; then killed)
            signal.signal(signal.SIGALRM, _out_of_time)
        signal.alarm(JOB_SECONDS)
        _detach_streams()
        with contextlib.suppress(OSError):
            os.nice(19)
        try:
            job()
        except _OutOfTime:
            log.warning("background job stopped after %d s", JOB_SECONDS)
            os._exit(1)
        except Exception:  # noqa: BLE001 - nobody is left to tell but the log
            log.exception("background job failed")
            os._exit(1)
        os._exit(0)
    except BaseException:  # noqa: BLE001 - a forked child must never return into the command
        os._exit(1)


def _detach_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
