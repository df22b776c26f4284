"""What a provider's error body says, read from any of its shapes (FleetErrors envelope,
bare list, OAuth shape, empty, HTML or non-JSON body). Provider strings are data: control
characters are removed and long text shortened so each stays one line."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fleettui.core.text import one_line

MAX_TEXT = 240
#: An error body is read this far and no further: every error shape the provider uses fits
#: in a few hundred bytes, and an HTML error page names itself in its <title> near the top.
#: Bounding the text before any parse keeps each parse's cost fixed, whatever is sent.
MAX_ERROR_BODY = 16_384


def clean_text(value: object, limit: int = MAX_TEXT) -> str | None:
    """Provider text made safe for one line: no control or bidi characters, short."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return one_line(text, limit) or None


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """What a provider error body says, whichever shape it came in."""

    title: str | None = None
    detail: str | None = None
    source: str | None = None


def parse_error_body(body: bytes | str | None) -> ErrorBody:
    """Read any of the provider's error shapes; never raises. Only the first
    `MAX_ERROR_BODY` characters are looked at (a longer body is not JSON the provider
    sends, and its text is cut to one line anyway)."""
    if not body:
        return ErrorBody()
    head = body[:MAX_ERROR_BODY]
    raw = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        text = raw.strip()
        if text.startswith("<"):
            return ErrorBody(detail=clean_text(html_title(text)))
        return ErrorBody(detail=clean_text(text, 160))
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        items = data["errors"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict) and ("error" in data or "error_description" in data):
        return ErrorBody(
            title=clean_text(data.get("error")), detail=clean_text(data.get("error_description"))
        )
    elif isinstance(data, dict):
        items = [data]
    else:
        return ErrorBody(detail=clean_text(data))
    items = [i for i in items if isinstance(i, dict)]
    if not items:
        return ErrorBody()
    details: list[str] = []
    for item in items:
        d = clean_text(item.get("detail") or item.get("message") or item.get("description"))
        if d and d not in details:
            details.append(d)
    first = items[0]
    return ErrorBody(
        title=clean_text(first.get("title") or first.get("error")),
        detail=clean_text("; ".join(details)) if details else None,
        source=clean_text(first.get("source")),
    )


def html_title(text: str) -> str | None:
    """What the first <title> element holds, found by two plain searches (one pass over
    the text: a regex with a lazy `.*?` went over the rest of the text again for every
    `<title>`, quadratic in a page of many)."""
    lower = text.lower()
    start = lower.find("<title>")
    if start < 0:
        return None
    start += len("<title>")
    end = lower.find("</title>", start)
    return text[start:end] if end >= 0 else None
