"""Cancel and revoke from the monitor: which vehicles a key press targets, what is
skipped and why, and sending the batch.

`plan_deletes` decides before anything is shown: the marked vehicles (or the one under
the cursor), checked by the domain rules; a refusal says why nothing will be sent, a plan
says what the confirmation asks. `send_deletes` runs on a worker: one DELETE per VIN,
under the controller's write lock, a 429 waited out once (the provider did nothing), the
answers merged into what the table showed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from fleettui.api.errors import ApiError, RateLimited, error_category
from fleettui.core.brands import brand_info
from fleettui.core.rules import check_action, plan_bulk
from fleettui.core.states import Action
from fleettui.core.store import FleetStore
from fleettui.core.text import clean
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.clients import Deleter
from fleettui.monitor.updates import DeletesSent, Notice
from fleettui.monitor.write_outcomes import WriteOutcome, merge_answer, summarise, vin_list

#: Where the full outcome of a batch with refusals is.
OPEN_HINT = "Every VIN: ctrl+p → Write results."
#: Longest wait for a rate-limited DELETE before it is asked once more.
MAX_RATE_LIMIT_WAIT = 30.0


@dataclass(frozen=True)
class DeletePlan:
    """What a cancel / revoke key leads to: a refusal (nothing sent, say why), or a
    confirmation of `vins`."""

    action: Action
    refusal: Notice | None = None
    #: Marked vehicles (one confirmation for all) rather than the one under the cursor.
    bulk: bool = False
    #: The VINs the confirmation sends.
    vins: list[str] = field(default_factory=list)
    #: How many vehicles were targeted (marked ones for a bulk plan).
    targets: int = 0
    #: The one vehicle of a plan that is not bulk.
    vehicle: Vehicle | None = None
    #: (vin, why, brand, state) of the marked vehicles that are not sent.
    skipped: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: What will probably be refused though sent, with how many it concerns (cleaned).
    warnings: list[tuple[str, int]] = field(default_factory=list)
    #: What the user types to confirm (a revoke): the VIN's last four, or the count.
    require: str | None = None


def no_target() -> Notice:
    return Notice("No vehicle under the cursor.", severity="warning")


def plan_deletes(
    action: Action, marked: Iterable[Vehicle], current: Vehicle | None, now: datetime
) -> DeletePlan:
    """Marked vehicles are the targets when there are any, else the one under the cursor."""
    targets = list(marked)
    if not targets:
        if current is None:
            return DeletePlan(action, refusal=no_target())
        return _plan_one(action, current, now)
    plan = plan_bulk(targets, action, now)
    skipped = [(v.vin, why, brand_info(v.brand).display, str(v.state)) for v, why in plan.skip]
    if not plan.send:
        reasons = "; ".join(sorted({clean(why) for _, why, *_ in skipped}))[:300]
        return DeletePlan(
            action,
            bulk=True,
            targets=len(targets),
            refusal=Notice(
                f"Nothing to {action.value}: all {len(skipped)} marked were skipped ({reasons}). "
                "Nothing was sent.",
                severity="warning",
                timeout=8,
                vins=tuple(vin for vin, *_ in skipped),
            ),
        )
    warned: dict[str, int] = {}
    for _, warning in plan.warnings:
        warned[clean(warning)] = warned.get(clean(warning), 0) + 1
    vins = [v.vin for v in plan.send]
    return DeletePlan(
        action,
        bulk=True,
        vins=vins,
        targets=len(targets),
        skipped=skipped,
        warnings=list(warned.items()),
        require=str(len(vins)) if action is Action.REVOKE else None,
    )


def _plan_one(action: Action, vehicle: Vehicle, now: datetime) -> DeletePlan:
    check = check_action(vehicle, action, now)
    vin = clean(vehicle.vin)
    if not check.allowed:
        return DeletePlan(
            action,
            targets=1,
            vehicle=vehicle,
            refusal=Notice(
                f"Cannot {action.value} {vin}: {clean(check.reason).rstrip('.')}. Nothing was sent.",
                title=f"{action.value.capitalize()} refused",
                severity="warning",
                timeout=8,
                vins=(vehicle.vin,),
            ),
        )
    return DeletePlan(
        action,
        vins=[vehicle.vin],
        targets=1,
        vehicle=vehicle,
        warnings=[(clean(w), 1) for w in check.warnings],
        require=vin[-4:] if action is Action.REVOKE else None,
    )


def delete_one(writer: Deleter, vin: str, sleep: Callable[[float], None]) -> WriteOutcome:
    for attempt in range(2):
        try:
            return WriteOutcome(vin, True, vehicle=writer.delete_vehicle(vin))
        except RateLimited as exc:
            # 429 means the provider did nothing: waiting and asking once more is safe.
            if attempt == 0:
                sleep(min(MAX_RATE_LIMIT_WAIT, exc.retry_after or 5.0))
                continue
            return WriteOutcome(vin, False, message=str(exc), category=error_category(exc))
        except ApiError as exc:
            return WriteOutcome(vin, False, message=str(exc), category=error_category(exc))
        except Exception as exc:  # noqa: BLE001 - never let a write kill the app
            return WriteOutcome(vin, False, message=f"Unexpected failure: {clean(exc)}")
    return WriteOutcome(vin, False, message="not sent")


def send_deletes(
    writer: Deleter,
    lock: threading.Lock,
    store: FleetStore,
    action: Action,
    vins: list[str],
    generation: int,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None],
    skipped: tuple[tuple[str, str], ...] = (),
) -> DeletesSent:
    """Blocking: one DELETE per VIN, then the store update for the accepted ones (built
    here, so a 100k fleet's re-sort never runs on the UI thread)."""
    with lock:
        sent = [delete_one(writer, vin, sleep) for vin in vins]
    now = clock()
    outcomes = [
        WriteOutcome(o.vin, True, vehicle=merge_answer(store.vehicle(o.vin), o.vehicle, now))
        if o.ok and o.vehicle is not None
        else o
        for o in sent
    ]
    merged = [o.vehicle for o in outcomes if o.ok and o.vehicle is not None]
    prepared = store.prepare(merged, now, partial=True) if merged else None
    return DeletesSent(action, outcomes, prepared, generation, tuple(skipped))


def summary_notice(result: DeletesSent, worth_opening: bool) -> Notice:
    """The notification after a batch: failures grouped by reason (see `summarise`),
    and where to see every VIN when some were refused."""
    text, severity = summarise(result.action, result.outcomes)
    if result.skipped:
        vins = [vin for vin, _ in result.skipped]
        text += f"\n{len(vins)} skipped (not sent): {vin_list(vins, 4)}"
        severity = "warning" if severity == "information" else severity
    if worth_opening:
        text += "\n" + OPEN_HINT
    named = (*(o.vin for o in result.outcomes), *(vin for vin, _ in result.skipped))
    return Notice(
        clean(text, keep_newlines=True),
        severity=severity,
        timeout=10 if severity != "information" else 5,
        vins=named,
    )


def audit_lines(outcomes: list[WriteOutcome]) -> list[tuple[str, bool, str]]:
    return [(o.vin, o.ok, o.vehicle.status if o.ok and o.vehicle else o.message) for o in outcomes]
