"""The desk's outbox: what a person did on the desk while it could not be reached.

A claim, release, hand-over, note or snooze typed while the desk is offline is written
here first (an atomic file under the data directory, one per desk and person), so it
survives a crash or a restart of the monitor. When the desk is back the monitor sends
them in the order they were typed; each one sent is taken out. One the desk refuses (a
claim someone else won meanwhile) is taken out too, and the monitor says so with its
whole text (a note's words are never lost: they are in the notice and the log).

The file holds no secret (the DSN's password never reaches it: the file is named by a
hash of the redacted DSN and the user).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.paths import data_dir
from fleettui.core.text import clean

Kind = Literal["claim", "release", "hand", "note", "snooze", "unsnooze"]
KINDS: tuple[str, ...] = ("claim", "release", "hand", "note", "snooze", "unsnooze")
#: The file's format; a newer one is left alone (moved aside is for unreadable files).
FORMAT = 1


@dataclass(frozen=True)
class Pending:
    """One desk action typed by this person, not yet on the desk."""

    kind: Kind
    vins: tuple[str, ...]
    #: The note's text, or why a vehicle is snoozed.
    text: str = ""
    #: The person a claim is handed to.
    to_user: str = ""
    #: A snooze's end (ISO 8601, UTC); None: until the next state change.
    until: str | None = None
    #: A snooze's vehicles' states when it was typed (the next change clears it).
    states: tuple[tuple[str, str], ...] = ()
    #: When it was typed (ISO 8601, UTC).
    typed_at: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def describe(self) -> str:
        """The action in a few words, its text whole ("note on WBA…: 'called the driver'")."""
        vins = ", ".join(self.vins[:3]) + (f" +{len(self.vins) - 3}" if len(self.vins) > 3 else "")
        if self.kind == "note":
            return f'note on {vins}: "{clean(self.text)}"'
        if self.kind == "hand":
            return f"hand {vins} to {clean(self.to_user)}"
        if self.kind == "snooze":
            until = f" until {self.until}" if self.until else " until its next state change"
            why = f" ({clean(self.text)})" if self.text else ""
            return f"snooze {vins}{until}{why}"
        return f"{self.kind} {vins}"


def outbox_path(desk_label: str, user: str) -> Path:
    """The outbox file of one desk (its redacted DSN) and one person."""
    digest = hashlib.sha256(f"{desk_label}\n{user}".encode()).hexdigest()[:16]
    return data_dir() / "desk" / f"outbox-{digest}.json"


def _pending(raw: Any) -> Pending | None:
    """One entry of the file, or None when it is not one (a file edited by hand)."""
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        return None
    vins = raw.get("vins")
    if not isinstance(vins, list) or not vins or not all(isinstance(v, str) for v in vins):
        return None
    text, to_user, until = raw.get("text", ""), raw.get("to_user", ""), raw.get("until")
    typed_at, pid = raw.get("typed_at", ""), raw.get("id")
    if not isinstance(pid, str) or not all(isinstance(x, str) for x in (text, to_user, typed_at)):
        return None
    if until is not None and not isinstance(until, str):
        return None
    states = raw.get("states") or []
    if not isinstance(states, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(x, str) for x in s) for s in states
    ):
        states = []
    return Pending(
        kind=raw["kind"],
        vins=tuple(vins),
        text=text,
        to_user=to_user,
        until=until,
        states=tuple((v, s) for v, s in states),
        typed_at=typed_at,
        id=pid,
    )


class Outbox:
    """The pending actions of one desk and person, kept on disk as they change.

    Used from the UI thread (`add`) and a worker (`items`, `done` while sending): a lock
    keeps the list and the file in step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        #: What could not be read from the file (moved aside), to tell the user once.
        self.problem: str | None = None
        self._items: list[Pending] = self._load()

    def _load(self) -> list[Pending]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.problem = f"the desk outbox {self.path} could not be read: {exc.strerror or exc}"
            return []
        try:
            doc = json.loads(data)
            raw = doc["pending"] if isinstance(doc, dict) else None
            if not isinstance(raw, list):
                raise ValueError("no list of pending actions")
        except (ValueError, KeyError, TypeError) as exc:
            aside = self.path.with_name(self.path.name + ".unreadable")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            self.problem = (
                f"the desk outbox could not be read ({clean(str(exc))[:80]}); "
                f"it was moved to {aside}"
            )
            return []
        items = [p for p in map(_pending, raw) if p is not None]
        if len(items) != len(raw):
            self.problem = (
                f"{len(raw) - len(items)} entries of the desk outbox {self.path} "
                "were not actions and were left out"
            )
        return items

    def _save(self) -> None:
        doc = {"format": FORMAT, "pending": [asdict(p) for p in self._items]}
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode()
        atomic_write_bytes(self.path, data, mode=0o600)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Pending]:
        with self._lock:
            return list(self._items)

    def add(self, pending: Pending, now: datetime | None = None) -> str | None:
        """Keep `pending` (on disk before this returns). When the file cannot be
        written it is kept in memory all the same (still sent) and the problem is
        returned, for the caller to tell the user."""
        if not pending.typed_at and now is not None:
            pending = replace(pending, typed_at=now.isoformat(timespec="seconds"))
        with self._lock:
            self._items.append(pending)
            try:
                self._save()
            except OSError as exc:
                return (
                    f"the desk outbox {self.path} could not be written "
                    f"({exc.strerror or exc}); kept in memory only"
                )
        return None

    def done(self, pending_id: str) -> None:
        """Sent or refused: out of the outbox (and the file)."""
        with self._lock:
            before = len(self._items)
            self._items = [p for p in self._items if p.id != pending_id]
            if len(self._items) != before:
                # Unwritable: the file keeps it and it is sent again next start (a note
                # twice at worst; nothing lost).
                with contextlib.suppress(OSError):
                    self._save()
