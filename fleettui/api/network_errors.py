"""Errors with no usable HTTP answer: the connection failed (NetworkError), the provider
was too slow to answer (ProviderTimeout) or to finish its answer (TooSlowAnswer)."""

from __future__ import annotations

from fleettui.api.error_body import clean_text
from fleettui.api.errors import ApiError


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
