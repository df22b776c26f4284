"""The add form's live checks and its two special widgets: the brand field with
type-ahead (→ or Tab completes) and the results box (focusable only when there is
something to scroll, and then it shows its focus)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from fleettui.core.brands import BRAND_CODES, brand_info, is_known_brand, suggest_brands
from fleettui.core.text import clean
from fleettui.core.vin import check_vin


def brand_completion(value: str) -> str | None:
    """The brand code the typed text is the start of, if any (what → or Tab completes to)."""
    typed = value.strip().lower()
    if not typed:
        return None
    return next(
        (code for code in suggest_brands(typed) if code.startswith(typed)),
        next((code for code in BRAND_CODES if code.startswith(typed)), None),
    )


class BrandSuggester(Suggester):
    """Type-ahead over the brand codes, in `suggest_brands` order (prefix matches first)."""

    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        return brand_completion(value)


class LineInput(Input):
    """A one-line field of the add form. A paste with a newline or a comma is a list of
    vehicles: it is posted (cleaned of escapes) as `LinesPasted` for the Many box rather
    than cut to its first line here; it never submits the form."""

    @dataclass
    class LinesPasted(Message):
        """A paste into a one-line field that holds several vehicles (a newline or a
        comma): its lines, cleaned of escapes, for the Many box."""

        lines: list[str]

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text or ""
        if "\n" in text or "\r" in text or "," in text:
            event.prevent_default()
            event.stop()
            lines = [clean(part).strip() for part in text.replace("\r", "\n").split("\n")]
            self.post_message(self.LinesPasted([line for line in lines if line]))
            return
        cleaned = clean(text)
        if cleaned != text:
            event.prevent_default()
            event.stop()
            self.insert_text_at_cursor(cleaned)


class BrandInput(LineInput):
    """Tab completes a brand that is typed in part (as → does); otherwise it moves on."""

    BINDINGS = [Binding("tab", "complete_or_next", "Complete", show=False)]

    def action_complete_or_next(self) -> None:
        completion = brand_completion(self.value)
        if (
            completion
            and completion != self.value.strip().lower()
            and not is_known_brand(self.value)
        ):
            self.value = completion
            self.cursor_position = len(self.value)
            return
        self.screen.focus_next()


class ResultsBox(VerticalScroll):
    """Per-VIN results. Only a tab stop when it can scroll, and visibly focused then."""

    DEFAULT_CSS = """
    ResultsBox { border-left: blank; }
    ResultsBox:focus { border-left: thick $accent; }
    """

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0


def vin_feedback(value: str) -> Text:
    if not value.strip():
        return Text("17 characters; letters I, O and Q are never used", style="dim")
    check = check_vin(value)
    if not check.ok:
        return Text("✗ " + "; ".join(check.problems), style="bold red")
    out = Text("✓ looks like a VIN", style="green")
    if check.warnings:
        out.append("  ⚠ " + "; ".join(check.warnings), style="yellow")
    return out


def brand_feedback(value: str) -> Text:
    if not value.strip():
        return Text("type to search: " + ", ".join(suggest_brands("", 6)) + " …", style="dim")
    if not is_known_brand(value):
        completion = brand_completion(value)
        if completion:
            return Text(f"→ {completion} (press → or Tab to complete)", style="cyan")
        hints = suggest_brands(value, 5)
        more = f"; did you mean {', '.join(hints)}?" if hints else ""
        return Text(f"✗ unknown brand{more}", style="bold red")
    b = brand_info(value)
    parts = [
        f"{b.display} ({b.group})",
        "can cancel" if b.cancelable else "cannot cancel while pending",
    ]
    if b.required_tags:
        parts.append("needs tag " + ", ".join(b.required_tags))
    return Text("✓ " + " · ".join(parts), style="green")
