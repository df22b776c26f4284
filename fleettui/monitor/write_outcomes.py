"""Write outcomes, Textual-free: merging the provider's short answers into the rows we
show (optimistic update), and the one-line summaries the app notifies with."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fleettui.core.states import Action, parse_state
from fleettui.core.vehicle import ChangelogEntry, Vehicle
from fleettui.monitor.accounts import Account

#: How a notification is shown (Textual's severities).
Severity = Literal["information", "warning", "error"]


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


def new_vehicle(
    vin: str,
    brand: str,
    tags: dict[str, str],
    status: str,
    now: datetime,
    answer: Vehicle | None = None,
) -> Vehicle:
    """A just-added clearance as the table should show it before the next refresh."""
    base = Vehicle(vin=vin, brand=brand, status=status, state=parse_state(status), tags=dict(tags))
    if answer is not None:
        base = dataclasses.replace(
            base,
            tags=answer.tags or base.tags,
            status=answer.status or status,
            state=answer.state if answer.status else base.state,
        )
    return dataclasses.replace(
        base, changelog=(ChangelogEntry(now, base.status, base.state, None),)
    )


#: The category of an outcome that was never sent (skipped by the confirmation).
SKIPPED = "skipped"


def group_failures(outcomes: list[WriteOutcome]) -> list[tuple[str, list[str]]]:
    """Failed VINs grouped by their message, largest group first (input order within);
    skipped ones (never sent) are not failures: see `group_skipped`."""
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        if not o.ok and o.category != SKIPPED:
            groups.setdefault(o.message or "no answer", []).append(o.vin)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


def group_skipped(outcomes: list[WriteOutcome]) -> list[tuple[str, list[str]]]:
    """The VINs a batch skipped (not sent), grouped by why, largest group first."""
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        if o.category == SKIPPED:
            groups.setdefault(o.message or "not sent", []).append(o.vin)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


def vin_list(vins: list[str], limit: int) -> str:
    shown = ", ".join(vins[:limit])
    return shown + (f" and {len(vins) - limit} more" if len(vins) > limit else "")


def _short(message: str, limit: int = 170) -> str:
    """The message without its technical parenthesis (status code and provider wording,
    shown in the results dialog), so the part a person acts on fits."""
    message = re.sub(r" \([^()]*\)", "", message, count=1) or message
    return message if len(message) <= limit else message[: limit - 1].rstrip() + "…"


def summarise(action: Action, outcomes: list[WriteOutcome]) -> tuple[str, Severity]:
    """(message, severity) for the notification after a batch: failures grouped by their
    message, each message once, a few VINs per group (the results dialog lists them all)."""
    ok = [o for o in outcomes if o.ok]
    bad = [o for o in outcomes if not o.ok]
    verb = "Canceling" if action is Action.CANCEL else "Revoking"
    if len(outcomes) == 1:
        o = outcomes[0]
        if o.ok:
            return (
                f"{verb} {o.vin}: the provider accepted; the row shows {o.vehicle.status if o.vehicle else ''}.",
                "information",
            )
        return f"{o.vin}: {o.message}", "error"
    text = f"{verb} {len(ok)} of {len(outcomes)} vehicles."
    if not bad:
        return text, "information"
    groups = group_failures(outcomes)
    for message, vins in groups[:3]:
        text += f"\n{len(vins)} refused: {_short(message).rstrip('.')} — {vin_list(vins, 4)}"
    if len(groups) > 3:
        rest = sum(len(v) for _, v in groups[3:])
        text += f"\n{rest} refused for {len(groups) - 3} other reason(s)."
    return text, "warning"


def audit_write(
    account: Account | None, action: str, vins: list[str], outcomes: list[tuple[str, bool, str]]
) -> str | None:
    """Record a write in the audit log, unless the account is the demo simulator (its
    writes are not real and must not mix with real ones). A problem to show, or None."""
    from fleettui.config.audit import AuditResult, record_write

    if account is None or not account.audit:
        return None
    try:
        record_write(
            account.name, action, vins, [AuditResult(v, ok, msg) for v, ok, msg in outcomes]
        )
    except OSError as exc:
        return f"The audit log could not be written: {exc}"
    return None
