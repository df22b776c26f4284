"""The audit log: one JSON line per write, in ``audit.jsonl`` in the log directory.

Each line::

    {"time": "2026-11-01T12:00:00Z", "user": "alice", "profile": "sim",
     "action": "cancel", "vins": ["VIN1", "VIN2"],
     "results": [{"vin": "VIN1", "ok": true, "message": "canceling"},
                 {"vin": "VIN2", "ok": false, "message": "cancellation is not supported ..."}]}

Nothing secret goes in: callers pass only the profile name, VINs and result messages.
Lines are appended with one ``write`` on an ``O_APPEND`` descriptor, so concurrent
writers (the monitor and a shell) do not interleave; the file is created 0600.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fleettui.config.paths import audit_file, ensure_dir
from fleettui.core.localfile import read_regular
from fleettui.core.timefmt import format_ts, utcnow


@dataclass(frozen=True, slots=True)
class AuditResult:
    vin: str
    ok: bool
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"vin": self.vin, "ok": self.ok, "message": self.message}


def os_user() -> str:
    """The login name; falls back to the uid where the OS has no name for it."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getpass raises OSError/KeyError/ImportError by platform
        getuid = getattr(os, "getuid", None)
        return f"uid:{getuid()}" if getuid else "unknown"


def record_write(
    profile: str,
    action: str,
    vins: Sequence[str],
    results: Iterable[AuditResult],
    *,
    when: datetime | None = None,
    path: Path | None = None,
) -> Path:
    """Append one audit line; returns the file. Raises OSError when the log can't be written."""
    entry = {
        "time": format_ts(when or utcnow()),
        "user": os_user(),
        "profile": profile,
        "action": action,
        "vins": list(vins),
        "results": [r.to_json() for r in results],
    }
    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    target = path or audit_file()
    ensure_dir(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return target


#: The audit log is read back up to this size (it is rotated far below it).
MAX_AUDIT_READ = 64 * 1024 * 1024


def read_audit(path: Path | None = None) -> list[dict[str, Any]]:
    """Every readable entry, oldest first (unreadable lines are skipped)."""
    target = path or audit_file()
    try:
        text = read_regular(target, MAX_AUDIT_READ).decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out
