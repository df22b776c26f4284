"""The clearance state machine on the simulated clock.

Everything the provider does by itself is an event on a heap keyed by simulated time;
`apply_due()` applies the ones whose time has come (called before every request and by the
server's ticker thread). One re-entrant lock guards the records, the heap and the clocks.

Decisions where the provider documents nothing:
- POST of a VIN that is already present: while its clearance is active (pending,
  approved, revoking, canceling) the current entry is returned unchanged and nothing is
  scheduled; when it has ended (rejected, revoked, canceled) a new pending clearance
  starts on the same record, its changelog continuing. A Ford VIN re-added within an hour
  of its revocation is rejected with "invalid OEM state: VIN revoke in progress".
- DELETE on a rejected clearance answers 409 "Clearance is already removed", like revoked
  and canceled: there is nothing left to withdraw.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fleettui.core import reasons as R
from fleettui.core.brands import brand_info
from fleettui.sim import outcomes
from fleettui.sim.clock import STYLES, SessionClock, SimClock
from fleettui.sim.eligibility import EligibilityModel
from fleettui.sim.history import build_history
from fleettui.sim.records import Record, VehiclesView
from fleettui.sim.validation import validate

ACTIVE = frozenset({"pending", "approved", "revoking", "canceling"})
ENDED = frozenset({"rejected", "revoked", "canceled"})
DAY = 86400.0

#: on_change(vin, status, reason, epoch) — called under the lock; must not block.
ChangeListener = Callable[[str, str, "str | None", float], None]


def _conflict(detail: str) -> tuple[int, dict[str, Any]]:
    return 409, {"errors": [{"title": "Conflict", "source": "vin", "detail": detail}]}


class Engine:
    def __init__(
        self, *, start: datetime | None = None, speed: float = 3600.0, seed: int = 1
    ) -> None:
        self.lock = threading.RLock()
        self.clock = SimClock(start, speed)
        self.session = SessionClock()
        self.rng = random.Random(f"engine:{seed}")
        #: Per-VIN traits: eligibility answers and the rejections they foretell.
        self.eligibility = EligibilityModel(seed)
        self._records: dict[str, Record] = {}
        self._heap: list[tuple[float, int, str, int, str, str | None]] = []
        self._seq = itertools.count()
        #: Generation numbers are global so a re-created record never revives old events.
        self._gens = itertools.count(1)
        self._listeners: list[ChangeListener] = []
        self.vehicles = VehiclesView(self._records, self.lock)

    # -- time ------------------------------------------------------------------------

    def now(self) -> datetime:
        with self.lock:
            return self.clock.now()

    def epoch(self) -> float:
        with self.lock:
            return self.clock.epoch()

    def advance(self, seconds: float) -> None:
        """Move the simulated clock (and token/rate-limit time) forward, applying events."""
        with self.lock:
            self.clock.advance(seconds)
            self.session.advance(seconds)
            self.apply_due()

    def add_listener(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    # -- events ----------------------------------------------------------------------

    def schedule(self, rec: Record, at: float, status: str, reason: str | None) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), rec.vin, rec.gen, status, reason))

    def schedule_plan(self, rec: Record, base: float, plan: list[outcomes.Step]) -> None:
        for delay, status, reason in plan:
            self.schedule(rec, base + delay, status, reason)

    def pending_events(self) -> int:
        return len(self._heap)

    def apply_due(self) -> int:
        """Apply every event due by now; returns how many changed a record."""
        applied = 0
        with self.lock:
            now = self.clock.epoch()
            heap = self._heap
            while heap and heap[0][0] <= now:
                at, _, vin, gen, status, reason = heapq.heappop(heap)
                rec = self._records.get(vin)
                if rec is None or rec.gen != gen:
                    continue
                self.transition(rec, status, at, reason)
                applied += 1
        return applied

    def transition(
        self, rec: Record, status: str, at: float, reason: str | None = None, *, notify: bool = True
    ) -> None:
        rec.append(status, at, reason)
        if notify:
            for listener in self._listeners:
                listener(rec.vin, status, reason, at)

    # -- reads -----------------------------------------------------------------------

    def get_blob(self, vin: str) -> bytes | None:
        with self.lock:
            rec = self._records.get(vin)
            return rec.blob if rec is not None else None

    def list_blob(self, predicate: Callable[[Record], bool] | None = None) -> bytes:
        with self.lock:
            recs = self._records.values()
            parts = (
                [r.blob for r in recs]
                if predicate is None
                else [r.blob for r in recs if predicate(r)]
            )
        return b"[" + b",".join(parts) + b"]"

    def record(self, vin: str) -> Record | None:
        return self._records.get(vin)

    # -- writes ----------------------------------------------------------------------

    def new_record(self, vin: str, brand: str, tags: dict[str, str], style: int) -> Record:
        rec = Record(vin, brand, tags, style)
        rec.gen = next(self._gens)
        self._records[vin] = rec
        return rec

    def create(self, vin: str, brand: str, tags: dict[str, str]) -> dict[str, Any]:
        """Add one validated vehicle (see the module docstring for VINs already present)."""
        with self.lock:
            now = self.clock.epoch()
            rec = self._records.get(vin)
            if rec is not None and rec.status in ACTIVE:
                return rec.short()
            revoked_at = self._revoked_at(rec)
            if rec is None:
                rec = self.new_record(vin, brand, dict(tags), self.rng.choice(STYLES))
            else:
                rec.gen = next(self._gens)
                rec.brand, rec.tags = brand, dict(tags)
            self.transition(rec, "pending", now)
            doomed = self.eligibility.rejection(vin, brand, rec.tags)
            plan: list[outcomes.Step]
            if brand == "ford" and revoked_at is not None and now - revoked_at < 3600:
                plan = [(self.rng.uniform(1, 5) * 60, "rejected", R.FORD_REVOKE_IN_PROGRESS)]
            elif doomed is not None:
                plan = doomed
            else:
                plan = outcomes.plan_activation(brand, rec.tags, self.rng)
            self.schedule_plan(rec, now, plan)
            return rec.short()

    def add_vehicle(
        self, vin: str, brand: str, tags: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Add a vehicle exactly as a POST entry would (same validation, same answer)."""
        checked = validate({"vin": vin, "brand": brand, "tags": tags or {}})
        return checked if isinstance(checked, dict) else self.create(*checked)

    @staticmethod
    def _revoked_at(rec: Record | None) -> float | None:
        return rec.changed if rec is not None and rec.status == "revoked" else None

    def delete(self, vin: str) -> tuple[int, dict[str, Any]]:
        """Revoke an approved clearance or cancel a pending one; (status code, body)."""
        with self.lock:
            rec = self._records.get(vin)
            if rec is None:
                return 404, {
                    "errors": [
                        {"title": "Not found", "source": "vin", "detail": "Vehicle not found"}
                    ]
                }
            now = self.clock.epoch()
            if rec.status in ("revoking", "canceling"):
                return _conflict("Clearance is in transition mode")
            if rec.status in ENDED:
                return _conflict("Clearance is already removed")
            if rec.status == "approved":
                rec.gen = next(self._gens)
                self.transition(rec, "revoking", now)
                self.schedule(
                    rec, now + outcomes.revoke_delay(rec.brand, self.rng), "revoked", None
                )
                return 200, rec.short()
            if not brand_info(rec.brand).cancelable:
                return 422, {
                    "errors": [
                        {
                            "title": "not supported",
                            "detail": "cancellation is not supported for this vin",
                        }
                    ]
                }
            if now - rec.created < DAY:
                return 422, {
                    "errors": [
                        {
                            "title": "too early",
                            "source": "status",
                            "detail": "the pending status could only be canceled after 1 day it's created",
                        }
                    ]
                }
            rec.gen = next(self._gens)
            self.transition(rec, "canceling", now)
            self.schedule(rec, now + outcomes.cancel_delay(self.rng), "canceled", None)
            return 200, rec.short()

    def seed_vehicle(
        self,
        vin: str,
        brand: str,
        status: str = "pending",
        age_seconds: float = 0.0,
        reason: str | None = None,
        tags: dict[str, str] | None = None,
        *,
        hold: bool = False,
    ) -> dict[str, Any]:
        """Insert a vehicle in a given state, its clearance created `age_seconds` ago, with a
        plausible changelog. Transitional states get their next step scheduled, as does a
        pending one unless `hold=True` (then it stays pending until someone acts)."""
        with self.lock:
            self._records.pop(vin, None)
            rec = self.new_record(vin, brand, dict(tags or {}), self.rng.choice(STYLES))
            build_history(self, rec, status, age_seconds, reason, self.rng, hold=hold)
            return rec.to_api()
