"""Typed errors for the Fleet Clearance API, each with one line a person can act on.

Every error shape (FleetErrors envelope, bare list, OAuth shape, empty or non-JSON body)
becomes one of these. Provider strings are data: control characters are removed and long
text shortened so `str(error)` stays one line. No error ever holds the client secret, a
token, or an httpx request (whose headers carry the token).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from fleettui.core.text import one_line

# One way to match each text (no two adjacent `\s*` around an optional colon): linear.
_RETRY_AFTER = re.compile(
    r"retry\s+after\s*(?::\s*)?(\d{1,12}(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)?\b",
    re.IGNORECASE,
)
MAX_TEXT = 240
#: An error body is read this far and no further: every error shape the provider uses fits
#: in a few hundred bytes, and an HTML error page names itself in its <title> near the top.
#: Bounding the text before any parse keeps each parse's cost fixed, whatever is sent.
MAX_ERROR_BODY = 16_384
SUPPORT = "support@high-mobility.com"


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


#: The longest wait for the provider that fleettui accepts, in seconds. The provider
#: documents one rate limit, 60 calls per minute, so an honest "retry after" is at most
#: a minute; five minutes is five such windows, which a desk accepts as "a while" while
#: the screen says why. A longer (or absurd: 10^10 s, a date in year 9999) wait is cut
#: to this; polling then goes on, one request per five minutes, harmless to the provider.
MAX_RETRY_AFTER = 300.0


def parse_retry_after(
    detail: str | None, header: str | None = None, cap: float = MAX_RETRY_AFTER
) -> float | None:
    """Seconds to wait, from a Retry-After header (seconds or an HTTP date) or the
    documented "retry after 10s" in the error's detail. Nonsense (negative, not finite,
    unreadable) is ignored; a longer wait is cut to `cap`."""
    seconds = _header_seconds(header[:64]) if header else None
    if seconds is None and detail:
        found = _RETRY_AFTER.search(detail[:MAX_TEXT])
        if found:
            unit = (found.group(2) or "s").lower()
            scale = 0.001 if unit.startswith(("ms", "milli")) else 60.0 if unit[0] == "m" else 1.0
            seconds = float(found.group(1)) * scale
    if seconds is None or not math.isfinite(seconds):
        return None  # "inf" or "nan" is no wait the provider means: the back-off decides
    return min(cap, max(0.0, seconds))


def wait_text(seconds: float) -> str:
    """A wait in words: "45 s", "5 min", "3 h", "40 years"."""
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:g} s"
    for size, unit in ((86_400 * 365, "years"), (86_400, "days"), (3600, "h"), (60, "min")):
        if seconds >= 1.5 * size or unit == "min":
            shown = seconds / size
            return f"{shown:.0f} {unit}" if shown < 1e6 else f"more than a million {unit}"
    return f"{seconds:.0f} s"


def _header_seconds(header: str) -> float | None:
    text = header.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) and value >= 0 else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if seconds > 0 else None  # a date gone by (clocks differ) says nothing


class ApiError(Exception):
    """Base of every fleettui API error. `str(e)` is one line: what happened, the provider's
    own words in brackets, then what to do."""

    category = "client"
    headline = "High Mobility refused the request"
    default_hint = "Check the input and try again."

    def __init__(
        self,
        headline: str | None = None,
        *,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.title = clean_text(title)
        self.detail = clean_text(detail)
        self.source = clean_text(source)
        self.hint = hint or self.default_hint
        self.headline = headline or self.headline
        super().__init__(self._line())

    def _provider_words(self) -> str:
        if self.status is None:
            return self.detail or ""
        title = self.title
        if not title:
            try:
                title = HTTPStatus(self.status).phrase
            except ValueError:
                title = "HTTP error"
        words = f"{self.status} {title}"
        return f"{words}: {self.detail}" if self.detail else words

    def _line(self) -> str:
        words = self._provider_words()
        head = f"{self.headline} ({words})" if words else self.headline
        return f"{head}. {self.hint}" if self.hint else f"{head}."

    __str__ = _line

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, title={self.title!r}, detail={self.detail!r})"


class CredentialsRejected(ApiError):
    category = "auth"
    headline = "High Mobility rejected the client credentials"
    default_hint = (
        "Check the client ID and secret of this profile (and that they belong to "
        "this environment), then try again."
    )


class Unauthorized(ApiError):
    category = "auth"
    headline = "The access token was not accepted"
    default_hint = "Try again; if it keeps happening, check the profile's credentials."


class Forbidden(ApiError):
    category = "auth"
    headline = "This client has no fleet access"
    default_hint = "Ask High Mobility to link the app to your fleet."


class NotFound(ApiError):
    headline = "No clearance for this VIN in the fleet"
    default_hint = "Check the VIN, or refresh: the vehicle may never have been added."


class Conflict(ApiError):
    """409 on DELETE: `.kind` is "removed", "transition" or "other"."""

    headline = "The clearance cannot be changed now"
    default_hint = "Refresh to see the vehicle's current state."

    def __init__(self, headline: str | None = None, **kw: Any) -> None:
        text = f"{kw.get('title') or ''} {kw.get('detail') or ''}".lower()
        if "already removed" in text:
            self.kind = "removed"
            headline = headline or "The clearance is already removed"
            kw.setdefault("hint", "Nothing left to do; refresh to see its final state.")
        elif "transition" in text:
            self.kind = "transition"
            headline = headline or "The clearance is being revoked or cancelled already"
            kw.setdefault("hint", "Wait for that to finish; it changes by itself.")
        else:
            self.kind = "other"
        super().__init__(headline, **kw)


class Unprocessable(ApiError):
    """422: `.kind` is "not_supported", "too_early" or "invalid"."""

    def __init__(self, headline: str | None = None, **kw: Any) -> None:
        text = f"{kw.get('title') or ''} {kw.get('detail') or ''}".lower()
        if "not supported" in text:
            self.kind = "not_supported"
            headline = headline or "This brand does not support cancelling a pending clearance"
            kw.setdefault("hint", "Wait until it is approved (then revoke) or rejected.")
        elif "too early" in text or "after 1 day" in text:
            self.kind = "too_early"
            headline = headline or "Too early to cancel this clearance"
            kw.setdefault(
                "hint",
                "A pending clearance can be cancelled only once it is a day "
                "old; wait until 1 day after it was added, then try again.",
            )
        else:
            self.kind = "invalid"
            headline = headline or "High Mobility refused the request as invalid"
            kw.setdefault(
                "hint",
                "Check the input, and that the app is configured for the "
                "fleet clearance in the High Mobility console.",
            )
        super().__init__(headline, **kw)


class RateLimited(ApiError):
    """429. `retry_after`: the seconds fleettui will wait (the provider's wait, cut to
    MAX_RETRY_AFTER); `asked`: what the provider asked for, when it said."""

    category = "rate_limit"
    headline = "Too many requests to High Mobility"

    def __init__(
        self,
        headline: str | None = None,
        *,
        retry_after: float | None = None,
        asked: float | None = None,
        **kw: Any,
    ) -> None:
        self.asked = retry_after if asked is None else asked
        self.retry_after = None if retry_after is None else min(retry_after, MAX_RETRY_AFTER)
        if (
            self.retry_after is not None
            and self.asked is not None
            and self.asked > self.retry_after
        ):
            kw.setdefault(
                "hint",
                f"The provider asked to wait {wait_text(self.asked)}; "
                f"fleettui waits {wait_text(self.retry_after)} at most "
                "(the provider's documented limit is per minute), then "
                "tries again.",
            )
        elif self.retry_after is not None:
            kw.setdefault("hint", f"Wait {self.retry_after:g}s and try again.")
        else:
            kw.setdefault("hint", "Wait a minute and try again.")
        super().__init__(headline, **kw)


class ServerError(ApiError):
    category = "server"
    headline = "High Mobility had a server error"
    default_hint = f"Try again in a minute; if it persists, contact {SUPPORT}."


class NetworkError(ApiError):
    """No usable HTTP answer. `.kind`: timeout, refused, dns, tls, dropped or other.
    `.maybe_sent` is True for a write that may have reached the provider."""

    category = "network"
    _KINDS = {  # kind: (headline with {host}, what to do)
        "timeout": ("{host} did not answer in time", "Check the network and try again."),
        "refused": (
            "The connection to {host} was refused",
            "Check the base URL and that the service is running.",
        ),
        "dns": (
            "The server name {host} could not be resolved",
            "Check the base URL and the network (DNS).",
        ),
        "tls": (
            "The secure connection to {host} could not be verified",
            "Check the base URL and the system's certificates (they are always checked).",
        ),
        "dropped": (
            "The connection to {host} was dropped before an answer arrived",
            "Check the network and try again.",
        ),
        "other": ("The request to {host} failed", "Check the network and try again."),
    }

    def __init__(
        self,
        kind: str,
        *,
        host: str | None = None,
        detail: str | None = None,
        maybe_sent: bool = False,
        hint: str | None = None,
    ) -> None:
        self.kind = kind if kind in self._KINDS else "other"
        self.host = clean_text(host)
        self.maybe_sent = maybe_sent
        template, default_hint = self._KINDS[self.kind]
        headline = template.format(host=self.host or "the server")
        headline = headline[0].upper() + headline[1:]
        if hint is None:
            hint = (
                (
                    "The request may or may not have reached High Mobility; refresh to see "
                    "the current state before retrying."
                )
                if maybe_sent
                else default_hint
            )
        super().__init__(headline, detail=detail, hint=hint)


class ProviderTimeout(NetworkError):
    """Connected, but no complete answer in time: the overall deadline (`kind`
    "deadline") or a long silence on the connection ("timeout"). Distinct from
    "cannot connect": the provider (or the link) is slow, not unreachable."""

    category = "timeout"

    def __init__(
        self,
        seconds: float,
        *,
        host: str | None = None,
        deadline: bool = True,
        maybe_sent: bool = False,
        setting: str | None = "deadline",
    ) -> None:
        self.seconds = seconds
        shown = clean_text(host) or "the provider"
        if shown != "the provider":
            shown = f"the provider ({shown})"
        if maybe_sent:
            hint = (
                "The request may or may not have reached High Mobility; refresh to see "
                "the current state before retrying."
            )
        else:
            hint = "The link or the provider is slow; try again"
            hint += f", or raise `{setting}` in the profile (seconds)." if setting else "."
        super().__init__("timeout", host=host, maybe_sent=maybe_sent, hint=hint)
        self.kind = "deadline" if deadline else "timeout"
        self.headline = f"{shown[0].upper()}{shown[1:]} did not answer within {seconds:g} s"
        self.args = (self._line(),)


class TooSlowAnswer(ProviderTimeout):
    """The answer came, but slower than the low-speed limit (`api.deadline.SpeedFloor`):
    cut after a whole period instead of waiting for the deadline. Not retried."""

    def __init__(
        self,
        received: int,
        seconds: float,
        limit: int,
        *,
        host: str | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(seconds, host=host, deadline=False, maybe_sent=maybe_sent, setting=None)
        shown = clean_text(host) or "the provider"
        if shown != "the provider":
            shown = f"the provider ({shown})"
        self.kind = "slow"
        self.headline = (
            f"{shown[0].upper()}{shown[1:]} sent its answer too slowly "
            f"({received} bytes in {seconds:.0f} s, under {limit} bytes a second)"
        )
        if not maybe_sent:
            self.hint = (
                "The link or the provider is too slow to finish the answer; check "
                "the network and try again."
            )
        self.args = (self._line(),)


class WrongBaseUrl(ApiError):
    """404 where the API always answers (the fleet list, the token): the URL is wrong."""

    headline = "Nothing answers the Fleet Clearance API at this address"

    def __init__(self, base_url: str, **kw: Any) -> None:
        self.base_url = clean_text(base_url)
        kw.setdefault(
            "hint",
            f"The base URL {self.base_url} is likely wrong: give the server "
            "root (e.g. https://sandbox.api.high-mobility.com), no path; "
            "check the profile's base_url or environment.",
        )
        super().__init__(**kw)


class BadResponse(ApiError):
    category = "server"
    headline = "High Mobility sent an answer fleettui cannot read"
    default_hint = f"Try again; if it persists, contact {SUPPORT}."


def error_from_response(
    status: int,
    body: bytes | None,
    *,
    retry_after_header: str | None = None,
    redact: tuple[str, ...] = (),
) -> ApiError:
    """The typed error for an HTTP error response (status >= 400). Any `redact` string (the
    secret, the token) a provider might echo back is replaced before anything is kept."""
    if body and redact:
        text = body.decode("utf-8", "replace")
        for secret in redact:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "****")
        body = text.encode()
    parsed = parse_error_body(body)

    def make(kind: type[ApiError]) -> ApiError:
        return kind(status=status, title=parsed.title, detail=parsed.detail, source=parsed.source)

    if status == 401:
        return make(Unauthorized)
    if status == 403:
        return make(Forbidden)
    if status == 404:
        return make(NotFound)
    if status == 409:
        return make(Conflict)
    if status in (400, 422):
        return make(Unprocessable)
    if status == 429:
        asked = parse_retry_after(parsed.detail, retry_after_header, cap=math.inf)
        return RateLimited(
            retry_after=asked,
            asked=asked,
            status=status,
            title=parsed.title,
            detail=parsed.detail,
            source=parsed.source,
        )
    if status >= 500:
        return make(ServerError)
    return make(ApiError)


def error_category(error: BaseException) -> str:
    """ "auth", "network", "rate_limit", "server" or "client" (anything else)."""
    return getattr(error, "category", "client") if isinstance(error, ApiError) else "client"
