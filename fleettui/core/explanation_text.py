"""An `Explanation` as plain text, for the CLI's `explain` and `show`."""

from __future__ import annotations

import textwrap

from fleettui.core.explanation import Explanation
from fleettui.core.text import sanitize


def printable(text: str) -> str:
    """API text made safe for a terminal (the one sanitiser, fleettui.core.text): an
    escape sequence or hidden character shows as one visible mark, so the reason read
    differs visibly from the documented one."""
    return sanitize(text, mark=True)


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=max(20, width),
        initial_indent=first or indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [first or indent]


def format_explanation_text(expl: Explanation, width: int = 80) -> str:
    """The explanation as plain text: reason, meaning, who acts, numbered steps, what
    happens next, and notes about the brand."""
    lines: list[str] = []
    if expl.reason is None:
        lines.append(f"State: {expl.state}")
    elif expl.known:
        canonical = expl.reason_info.reason if expl.reason_info else expl.reason
        lines.append(f'Reason: "{printable(canonical)}"')
    else:
        lines.append(f'Reason not in the catalogue: "{printable(expl.reason)}"')
    lines.append(printable(expl.title))
    context = [f"state {expl.state}"]
    if expl.brand:
        context.append(f"brand {printable(expl.brand_display or expl.brand)}")
    if expl.reason_info is not None and not expl.reason_info.documented:
        context.append("the simulator's own reason, not in the provider's guide")
    elif expl.reason_info is not None:
        context.append(f"documented for {expl.reason_info.groups_label()}")
    lines.append("(" + "; ".join(context) + ")")
    lines.append("")
    lines += _wrap(expl.meaning, width, "")
    lines.append("")
    lines.append(f"Who must act: {expl.actor.value}")
    lines.append(f"Provider keeps retrying: {'yes' if expl.provider_retries else 'no'}")
    lines.append("")
    lines.append("Next steps:")
    for i, step in enumerate(expl.steps, start=1):
        lines += _wrap(printable(step), width, "     ", f"  {i}. ")
    lines.append("")
    lines += _wrap(expl.next_happens, width, "  ", "What happens next: ")
    if expl.notes or expl.brand_notes:
        lines.append("")
        lines.append("Notes:")
        for note in (*expl.notes, *expl.brand_notes):
            lines += _wrap(printable(note), width, "    ", "  - ")
    return "\n".join(lines) + "\n"
