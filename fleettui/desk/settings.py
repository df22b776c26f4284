"""Where the desk is and who you are on it.

The desk is a PostgreSQL connection string (DSN) read from an environment variable: the
one the profile names (``desk_dsn_env = "VAR"`` in its table of config.toml), else
``FLEETTUI_DESK_DSN``. It is never read from the command line or the config file itself
(it may hold a password). Who you are: the profile's ``desk_user``, else
``FLEETTUI_DESK_USER``, else the login name. Claim expiry: the profile's
``desk_claim_hours`` (default 72, i.e. 3 days).

Only `redacted(dsn)` is ever shown: the same string with the password replaced.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV_DSN = "FLEETTUI_DESK_DSN"
ENV_USER = "FLEETTUI_DESK_USER"
DEFAULT_CLAIM_TTL = timedelta(days=3)
#: The LISTEN/NOTIFY channel every change is announced on (payload: the event id).
CHANNEL = "fleettui_desk"
_ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KV_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)", re.IGNORECASE)
MAX_USER = 64


class DeskSettingsError(ValueError):
    """The desk cannot be configured as asked; the message names the fix."""


@dataclass(frozen=True)
class DeskSettings:
    dsn: str = field(repr=False)
    user: str
    #: Where the DSN came from, e.g. "env FLEETTUI_DESK_DSN" (for messages).
    source: str = f"env {ENV_DSN}"
    claim_ttl: timedelta = DEFAULT_CLAIM_TTL
    #: This machine's name (receiver holder, presence).
    host: str = field(default_factory=socket.gethostname)
    #: Seconds to wait for a connection before saying the desk is offline.
    connect_timeout: float = 5.0

    @property
    def shown(self) -> str:
        """The DSN for display: the password replaced by ***."""
        return redacted(self.dsn)

    def __repr__(self) -> str:
        return f"DeskSettings(dsn={self.shown!r}, user={self.user!r}, source={self.source!r})"


def redacted(text: str) -> str:
    """`text` (a DSN, or a message that may quote one) with every password replaced.

    Handles URL DSNs (``postgresql://u:SECRET@h/db``) and key/value DSNs
    (``host=h password=SECRET``), quoted or not."""
    if "://" in text and "@" in text:
        try:
            parts = urlsplit(text)
        except ValueError:
            parts = None
        if parts is not None and parts.password is not None and text.strip() == text:
            host = parts.hostname or ""
            if parts.port is not None:
                host = f"{host}:{parts.port}"
            user = parts.username or ""
            text = urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    text = _URL_PASSWORD.sub(r"\1***\3", text)
    return _KV_PASSWORD.sub(r"\1***", text)


def clean_user(name: str) -> str:
    """A desk user name: one line, printable, at most MAX_USER characters."""
    text = "".join(c for c in str(name) if c.isprintable()).strip()
    return text[:MAX_USER]


def login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def load_desk_settings(
    profile_extra: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    required: bool = True,
) -> DeskSettings | None:
    """The desk of a profile (its unknown keys, `Profile.extra`) and the environment.

    None when no desk is configured and `required` is False; DeskSettingsError (naming
    the variable to set) when it is required, or when the profile names a variable that
    is not set."""
    env = os.environ if environ is None else environ
    extra = profile_extra or {}
    var = extra.get("desk_dsn_env")
    if var is not None:
        if not isinstance(var, str) or not _ENV_VAR_RE.match(var):
            raise DeskSettingsError(f"desk_dsn_env must name an environment variable, not {var!r}")
        dsn = (env.get(var) or "").strip()
        if not dsn:
            raise DeskSettingsError(
                f"the profile's desk_dsn_env names {var}, which is not set; "
                f"export the desk's PostgreSQL connection string in it"
            )
        source = f"env {var}"
    else:
        dsn = (env.get(ENV_DSN) or "").strip()
        source = f"env {ENV_DSN}"
        if not dsn:
            if not required:
                return None
            raise DeskSettingsError(
                f"no desk configured: export {ENV_DSN}='postgresql://USER@HOST/DB' (or set "
                f"desk_dsn_env in the profile), then run `fleettui desk init` once"
            )
    raw_user = extra.get("desk_user")
    if raw_user is not None and not isinstance(raw_user, str):
        raise DeskSettingsError("desk_user must be a string")
    user = clean_user(raw_user or env.get(ENV_USER) or login_name()) or "unknown"
    hours = extra.get("desk_claim_hours", DEFAULT_CLAIM_TTL.total_seconds() / 3600)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 365:
        raise DeskSettingsError("desk_claim_hours must be a number of hours from 0 to 8760")
    return DeskSettings(dsn, user, source, timedelta(hours=float(hours)))
