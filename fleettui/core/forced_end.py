"""What a process ended by force must still do: remove its throwaway folders.

The exit guard (`fleettui.term.exit_guard`) ends a process that has not finished within
a second of `q` with `os._exit`, which skips every cleanup: `finally` blocks, context
managers, atexit. A throwaway folder made for this run would then stay in the temporary
directory for good, one more each time. Such a folder is registered here while it exists
(`remove_at_forced_end`, `forget` once it is removed the usual way), and the forced end
removes what is left (`remove_left_folders`) just before the process goes. (The demo's
history database is unlinked as soon as it is open, so even a SIGKILL leaves nothing;
its folder is registered here only for the instant between making and removing it.)
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

_lock = threading.Lock()
_folders: set[Path] = set()


def remove_at_forced_end(folder: Path) -> None:
    """`folder` is this run's alone: remove it if the process is ended by force."""
    with _lock:
        _folders.add(folder)


def forget(folder: Path) -> None:
    """`folder` was removed the usual way (or is kept after all)."""
    with _lock:
        _folders.discard(folder)


def remove_left_folders() -> None:
    """Remove every registered folder: the process is about to end by force. Never waits
    long for a thread that is registering one (the end must come), never raises."""
    got = _lock.acquire(timeout=0.2)
    try:
        left = list(_folders)
        _folders.clear()
    finally:
        if got:
            _lock.release()
    for folder in left:
        shutil.rmtree(folder, ignore_errors=True)
