"""Write outcomes, Textual-free: merging the provider's short answers into the rows we
show (optimistic update), and the one-line summaries the app notifies with."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from fleettui.core.states import Action, parse_state
from fleettui.core.vehicle import ChangelogEntry, Vehicle


@dataclass(frozen=True)
class WriteOutcome:
    vin: str
    ok: bool
    #: The vehicle as it should show now (merged), when ok.
    vehicle: Vehicle | None = None
    #: One actionable line when not ok.
    message: str = ""
    category: str = ""


def merge_answer(known: Vehicle | None, answer: Vehicle, now: datetime) -> Vehicle:
    """The DELETE/POST answer carries only vin, status and tags: keep what we knew
    (brand, history) and append the new state as a history step."""
    if known is None:
        entry = ChangelogEntry(now, answer.status, answer.state, None)
        return dataclasses.replace(answer, changelog=answer.changelog or (entry,))
    if answer.changelog:
        changelog = answer.changelog
    else:
        changelog = known.changelog + (ChangelogEntry(now, answer.status, answer.state, None),)
    return dataclasses.replace(
        known,
        status=answer.status or known.status,
        state=answer.state if answer.status else known.state,
        tags=answer.tags or known.tags,
        brand=answer.brand or known.brand,
        changelog=changelog,
    )


def new_vehicle(vin: str, brand: str, tags: dict[str, str], status: str, now: datetime,
                answer: Vehicle | None = None) -> Vehicle:
    """A just-added clearance as the table should show it before the next refresh."""
    base = Vehicle(vin=vin, brand=brand, status=status, state=parse_state(status), tags=dict(tags))
    if answer is not None:
        base = dataclasses.replace(base, tags=answer.tags or base.tags, status=answer.status or status,
                                   state=answer.state if answer.status else base.state)
    return dataclasses.replace(base, changelog=(ChangelogEntry(now, base.status, base.state, None),))


def summarise(action: Action, outcomes: list[WriteOutcome]) -> tuple[str, str]:
    """(message, severity) for the notification after a batch."""
    ok = [o for o in outcomes if o.ok]
    bad = [o for o in outcomes if not o.ok]
    verb = "Canceling" if action is Action.CANCEL else "Revoking"
    if len(outcomes) == 1:
        o = outcomes[0]
        if o.ok:
            return f"{verb} {o.vin}: the provider accepted; the row shows {o.vehicle.status if o.vehicle else ''}.", "information"
        return f"{o.vin}: {o.message}", "error"
    text = f"{verb} {len(ok)} of {len(outcomes)} vehicles."
    if bad:
        text += f" {len(bad)} failed: " + "; ".join(f"{o.vin}: {o.message}" for o in bad[:3])
        if len(bad) > 3:
            text += f"; and {len(bad) - 3} more (see the audit log)"
    return text, "warning" if bad else "information"
