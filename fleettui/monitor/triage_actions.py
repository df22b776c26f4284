"""The triage board's actions for the monitor: the table filter that shows a queue, and
the add-form draft that applies a queue's API fix (the form is the usual confirmation:
the user sees every line and the customer name before anything is sent)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fleettui.core.brands import VW_CUSTOMER_TAG
from fleettui.monitor.add_lines import AddDraft
from fleettui.monitor.updates import Notice

if TYPE_CHECKING:  # the triage board loads when it is first opened
    from fleettui.triage.board import Queue


def vins_filter(vins: Iterable[str]) -> str:
    """The `/` filter that shows exactly these vehicles."""
    return "vin:" + ",".join(dict.fromkeys(vins))


def queue_filter(queue: Queue) -> tuple[str, Notice]:
    what = f"{queue.count} vehicle{'s' if queue.count != 1 else ''}"
    return vins_filter(queue.vins), Notice(
        f'Showing the {what} of "{queue.title}" ({queue.brand_display}); Esc clears the '
        "filter, t goes back to the triage view.",
        title="Triage",
    )


def fix_draft(queue: Queue) -> AddDraft | None:
    """The add form, filled in to re-add the queue's vehicles with the fix's tags; None
    when the queue's fix is not a re-add."""
    fix = queue.fix
    if fix is None or fix.action != "re-add":
        return None
    customer = fix.tags.get(VW_CUSTOMER_TAG, "")
    other = ", ".join(f"{k}={v}" for k, v in fix.tags.items() if k != VW_CUSTOMER_TAG and v)
    lines = "\n".join(f"{i.vin},{i.brand}" for i in queue.items)
    return AddDraft(customer=customer, tags=other, many=lines)


def fix_notice(queue: Queue, read_only: bool) -> Notice:
    if read_only:
        return Notice("Read-only: the fix is not offered with this profile.", severity="warning")
    named = queue.fix is not None and bool(queue.fix.tags.get(VW_CUSTOMER_TAG))
    check = (
        "Check the lines and the Customer field"
        if named
        else "Type the fleet operator's name in the Customer field, check the lines"
    )
    return Notice(
        f"{check}, then ctrl+s re-adds the "
        f"{queue.count} vehicle{'s' if queue.count != 1 else ''} "
        "(Escape keeps it as a draft).",
        title="Triage fix",
        timeout=10,
    )
