"""How the `fleettui` process ends after a command that built a big fleet in memory.

A 100,000-vehicle `list` holds ~600,000 objects when its output is out; freeing them one
by one as the command returns costs ~0.3 s (measured), and the cyclic collector, back on,
would walk them all once more, all to give memory back to a process that is exiting.
`keep` leaves such objects to the end: when `main` runs as the process's command, it then
flushes the standard streams and the logs and ends the process without freeing them
(`os._exit`; the command's own cleanups have run by then: its files are closed, its
background job started). Where main is called in a process that goes on (the tests),
`keep` does nothing and the objects go as usual.

The monitor is one such command: after its app has exited, the interpreter's own
finalization of Textual's ~75,000 objects kept a SIGTERM'd monitor (a `serve` tab)
alive 0.6-0.8 s past its last line of work on a loaded 2-core machine, until the exit
guard ended it; `run_to_end` leaves them to the end of the process too.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any, NoReturn

_kept: list[Any] = []
_owner = [False]


def own_process(owner: bool) -> None:
    """Whether the command about to run is this process's last work (main sets it)."""
    _owner[0] = owner
    _kept.clear()


def owned() -> bool:
    """Whether the command running is this process's last work."""
    return _owner[0]


def keep(*objects: Any) -> None:
    """Leave `objects` to the end of the process (see the module docstring)."""
    if _owner[0]:
        _kept.extend(objects)
        gc.freeze()  # out of the collector's way until the end


def run_to_end(app: Any) -> None:
    """Run a Textual app; once it has exited, its objects are left to the process's end."""
    app.run()
    keep(app)


def anything_kept() -> bool:
    return bool(_kept)


def output_out(code: int) -> int:
    """Flush the standard output before the process ends; the exit code to end with.
    Output that could not be written (`fleettui list > file` on a full disk) is lost: a
    success becomes exit 1 with the reason on stderr, where the flush at the process's
    end would have dropped it (exit 0) or printed a traceback (exit 120). A reader that
    went away (`| head`) is no error. Either way the standard output then points at
    /dev/null, so nothing tries the failed write again."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        stdout_to_null()
    except OSError as exc:
        stdout_to_null()
        if code == 0:
            print(
                f"fleettui: the output could not be written: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return 1
    except (ValueError, AttributeError):  # closed, or no standard output at all
        pass
    return code


def stdout_to_null() -> None:
    """Point the standard output at /dev/null, so nothing more is attempted on it (not
    even the interpreter's last flush)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def end(code: int) -> NoReturn:
    """Flush what is written and end the process now, with `code`."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()  # a reader that went away (`| head`) is no error here
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    os._exit(code)
