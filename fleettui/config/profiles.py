"""A profile of ``config.toml``: which server, which client credentials (or where the
secret comes from), and the monitor's settings; read from and written to its TOML table
(every key documented in the README; keys this version does not know are kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fleettui.config.errors import InvalidConfig
from fleettui.config.profile_checks import (
    check_base_url,
    check_env_var_name,
    check_profile_name,
    check_seconds,
)

PRODUCTION_URL = "https://api.high-mobility.com"
SANDBOX_URL = "https://sandbox.api.high-mobility.com"
ENVIRONMENT_URLS = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
ENVIRONMENTS = ("production", "sandbox", "custom")
DEFAULT_REFRESH = 15.0
MIN_REFRESH = 5.0
#: Seconds between the monitor's reconciling full lists (fleettui.monitor.delta).
DEFAULT_FULL_LIST_EVERY = 600.0
#: Defaults of the API client's deadlines (fleettui.api.deadline), in seconds.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_DEADLINE = 300.0
_KNOWN_KEYS = frozenset(
    {
        "environment",
        "base_url",
        "client_id",
        "client_secret",
        "client_secret_env",
        "read_only",
        "refresh",
        "default_filter",
        "connect_timeout",
        "deadline",
        "full_refresh",
        "full_list_every",
    }
)


def mask_secret(value: str | None) -> str:
    """What a listing shows instead of a secret: nothing of the secret itself."""
    return "********" if value else "(none)"


@dataclass(frozen=True, repr=False)
class Profile:
    name: str
    environment: str = "production"
    base_url: str | None = None
    client_id: str = ""
    client_secret: str | None = None
    client_secret_env: str | None = None
    read_only: bool = False
    refresh: float = DEFAULT_REFRESH
    default_filter: str = ""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    #: The monitor asks the whole list every refresh (else only what can change).
    full_refresh: bool = False
    full_list_every: float = DEFAULT_FULL_LIST_EVERY
    #: Keys this version does not know, kept so a rewrite does not lose them.
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Profile(name={self.name!r}, environment={self.environment!r}, "
            f"base_url={self.effective_base_url!r}, client_id={self.client_id!r}, "
            f"secret={self.secret_source!r}, read_only={self.read_only}, refresh={self.refresh})"
        )

    __str__ = __repr__

    @property
    def effective_base_url(self) -> str:
        if self.environment == "custom":
            return self.base_url or ""
        return ENVIRONMENT_URLS.get(self.environment, PRODUCTION_URL)

    @property
    def secret_source(self) -> str:
        """Where the secret comes from, for listings (never the secret itself)."""
        if self.client_secret_env:
            return f"env {self.client_secret_env}"
        if self.client_secret:
            return "inline (config file)"
        return "none"

    @classmethod
    def from_toml(cls, name: str, data: Any, where: str = "config.toml") -> Profile:
        ctx = f"{where}, profile {name!r}"
        if not isinstance(data, dict):
            raise InvalidConfig(f"{ctx}: expected a table of settings")
        check_profile_name(name)

        def text(key: str, default: str | None = None) -> str | None:
            value = data.get(key, default)
            if value is not None and not isinstance(value, str):
                raise InvalidConfig(f"{ctx}: {key} must be a string")
            return value

        environment = (text("environment", "production") or "production").strip().lower()
        if environment not in ENVIRONMENTS:
            raise InvalidConfig(f"{ctx}: environment must be one of {', '.join(ENVIRONMENTS)}")
        base_url = text("base_url")
        if base_url is not None:
            base_url = check_base_url(base_url)
        if environment == "custom" and not base_url:
            raise InvalidConfig(f"{ctx}: environment 'custom' needs base_url")
        secret_env = text("client_secret_env")
        if secret_env:
            check_env_var_name(secret_env)
        read_only = data.get("read_only", False)
        if not isinstance(read_only, bool):
            raise InvalidConfig(f"{ctx}: read_only must be true or false")
        refresh = check_seconds("refresh", data.get("refresh", DEFAULT_REFRESH), ctx)
        full_refresh = data.get("full_refresh", False)
        if not isinstance(full_refresh, bool):
            raise InvalidConfig(f"{ctx}: full_refresh must be true or false")
        full_every = check_seconds(
            "full_list_every", data.get("full_list_every", DEFAULT_FULL_LIST_EVERY), ctx
        )
        connect = check_seconds(
            "connect_timeout", data.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT), ctx
        )
        deadline = check_seconds("deadline", data.get("deadline", DEFAULT_DEADLINE), ctx)
        return cls(
            name=name,
            environment=environment,
            base_url=base_url,
            client_id=(text("client_id", "") or "").strip(),
            client_secret=text("client_secret") or None,
            client_secret_env=secret_env or None,
            read_only=read_only,
            refresh=max(MIN_REFRESH, float(refresh)),
            default_filter=text("default_filter", "") or "",
            connect_timeout=connect,
            deadline=deadline,
            full_refresh=full_refresh,
            full_list_every=float(full_every),
            extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        )

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"environment": self.environment}
        if self.base_url:
            out["base_url"] = self.base_url
        out["client_id"] = self.client_id
        if self.client_secret_env:
            out["client_secret_env"] = self.client_secret_env
        if self.client_secret:
            out["client_secret"] = self.client_secret
        out["read_only"] = self.read_only
        out["refresh"] = int(self.refresh) if float(self.refresh).is_integer() else self.refresh
        if self.default_filter:
            out["default_filter"] = self.default_filter
        if self.full_refresh:
            out["full_refresh"] = True
        for key, value, default in (
            ("connect_timeout", self.connect_timeout, DEFAULT_CONNECT_TIMEOUT),
            ("deadline", self.deadline, DEFAULT_DEADLINE),
            ("full_list_every", self.full_list_every, DEFAULT_FULL_LIST_EVERY),
        ):
            if value != default:
                out[key] = int(value) if float(value).is_integer() else value
        out.update(self.extra)
        return out
