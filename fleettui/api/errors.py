"""Typed errors for the Fleet Clearance API, each with one line a person can act on.

Every HTTP error answer becomes one of these (its body read by `error_body`); errors with
no usable answer are in `network_errors`. Provider strings are data: control characters
are removed and long text shortened so `str(error)` stays one line. No error ever holds the client secret, a
token, or an httpx request (whose headers carry the token).
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from fleettui.api.error_body import clean_text, parse_error_body
from fleettui.api.retry_after import MAX_RETRY_AFTER, parse_retry_after, wait_text

SUPPORT = "support@high-mobility.com"


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
