"""Which profile and credentials a command or the monitor runs with.

Precedence, highest first: command-line flags > environment (``FLEETTUI_PROFILE``,
``FLEETTUI_BASE_URL``, ``FLEETTUI_CLIENT_ID``, ``FLEETTUI_CLIENT_SECRET``,
``FLEETTUI_CONNECT_TIMEOUT``, ``FLEETTUI_DEADLINE``) > the config
file > defaults. With no profile in the file, the environment alone is enough
(``FLEETTUI_CLIENT_ID`` + ``FLEETTUI_CLIENT_SECRET`` [+ ``FLEETTUI_BASE_URL``]); the
result is then named ``"env"``.

Profile selection: ``name`` flag > ``FLEETTUI_PROFILE`` > ``default_profile`` > the only
profile when there is exactly one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:  # httpx and the client load when a call is first made
    from fleettui.api.auth import Credentials

from fleettui.config.config_file import Config, load_config
from fleettui.config.errors import InvalidConfig, MissingSecret, NoProfile, ProfileNotFound
from fleettui.config.profile_checks import check_base_url, check_seconds
from fleettui.config.profiles import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_FULL_LIST_EVERY,
    DEFAULT_REFRESH,
    ENVIRONMENT_URLS,
    MIN_REFRESH,
    PRODUCTION_URL,
    Profile,
    mask_secret,
)

ENV_PROFILE = "FLEETTUI_PROFILE"
ENV_BASE_URL = "FLEETTUI_BASE_URL"
ENV_CLIENT_ID = "FLEETTUI_CLIENT_ID"
ENV_CLIENT_SECRET = "FLEETTUI_CLIENT_SECRET"
ENV_CONNECT_TIMEOUT = "FLEETTUI_CONNECT_TIMEOUT"
ENV_DEADLINE = "FLEETTUI_DEADLINE"
ENV_PROFILE_NAME = "env"


class ClientOptions(TypedDict):
    """The FleetClient keyword arguments a profile sets."""

    connect_timeout: float
    deadline: float


@dataclass(frozen=True, repr=False)
class ResolvedProfile:
    name: str
    environment: str
    base_url: str
    client_id: str
    client_secret: str
    read_only: bool
    refresh: float
    default_filter: str
    #: Where the settings came from, in words (for `profile list` and error messages).
    source: str
    #: Where the secret came from ("env VAR", "inline (config file)", "flag"...).
    secret_source: str = ""
    #: Seconds to connect, and for a whole API call (see fleettui.api.deadline).
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    #: The monitor's polling: the whole list every refresh, or only what can change with
    #: a full list every `full_list_every` seconds (fleettui.monitor.delta).
    full_refresh: bool = False
    full_list_every: float = DEFAULT_FULL_LIST_EVERY
    #: Warnings about the config file to show the user (a secret others can read...).
    warnings: tuple[str, ...] = ()
    #: The profile's keys Profile does not read itself (data_checks..., see
    #: fleettui.config.data_checks).
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"ResolvedProfile(name={self.name!r}, environment={self.environment!r}, "
            f"base_url={self.base_url!r}, client_id={self.client_id!r}, "
            f"client_secret={mask_secret(self.client_secret)!r}, read_only={self.read_only}, "
            f"refresh={self.refresh}, source={self.source!r})"
        )

    __str__ = __repr__

    def client_options(self) -> ClientOptions:
        """The FleetClient keyword arguments this profile sets (its deadlines)."""
        return {"connect_timeout": self.connect_timeout, "deadline": self.deadline}

    def credentials(self) -> Credentials:
        from fleettui.api.auth import Credentials

        return Credentials(self.base_url, self.client_id, self.client_secret)


def _env(environ: Mapping[str, str], key: str) -> str | None:
    value = environ.get(key, "")
    return value.strip() or None


def _env_seconds(environ: Mapping[str, str], var: str, key: str) -> float | None:
    value = _env(environ, var)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidConfig(f"{var}={value!r} is not a number of seconds") from None
    return check_seconds(key, number, var)


def _environment_for(url: str) -> str:
    for env, env_url in ENVIRONMENT_URLS.items():
        if url.rstrip("/") == env_url:
            return env
    return "custom"


def _choose(name: str | None, env: Mapping[str, str], cfg: Config, notes: list[str]) -> str | None:
    """The profile name picked (flag > FLEETTUI_PROFILE > default > the only one)."""
    chosen = name or _env(env, ENV_PROFILE)
    if name:
        notes.append("chosen with --profile")
    elif chosen:
        notes.append(f"chosen by {ENV_PROFILE}")
    elif cfg.default_profile:
        chosen = cfg.default_profile
        notes.append("default profile")
    elif len(cfg.profiles) == 1:
        chosen = next(iter(cfg.profiles))
        notes.append("the only profile")
    return chosen


#: The name local files are kept under when there is no profile and no credentials.
NO_PROFILE_NAME = "default"


def profile_identity(
    name: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> tuple[str, str]:
    """(name, base_url) of the profile `resolve_profile` would pick, without needing its
    secret: the identity a profile's local files (history, webhook database) are kept
    under. Every process resolves it the same way whatever the source of the
    credentials: with credentials from the environment alone it is ("env", their URL),
    as for the monitor; with nothing at all, ("default", "")."""
    env = os.environ if environ is None else environ
    cfg = config if config is not None else load_config()
    chosen = _choose(name, env, cfg, [])
    profile = cfg.profiles.get(chosen) if chosen else None
    url = _env(env, ENV_BASE_URL) or (profile.effective_base_url if profile else None)
    if chosen:
        return chosen, (url or PRODUCTION_URL) if profile is not None or url else ""
    if _env(env, ENV_CLIENT_ID):
        return ENV_PROFILE_NAME, url or PRODUCTION_URL
    return NO_PROFILE_NAME, ""


def resolve_profile(
    name: str | None = None,
    *,
    base_url: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    read_only: bool | None = None,
    refresh: float | None = None,
    environ: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> ResolvedProfile:
    """Combine flags (the keyword arguments), environment and config file into one profile.

    Raises ConfigError subclasses: ProfileNotFound (names the available profiles),
    MissingSecret (names the unset variable), NoProfile, ConfigParseError, InvalidConfig.
    """
    env = os.environ if environ is None else environ
    cfg = config if config is not None else load_config()
    notes: list[str] = []

    chosen = _choose(name, env, cfg, notes)

    profile: Profile | None = None
    if chosen:
        profile = cfg.profiles.get(chosen)
        if profile is None:
            raise ProfileNotFound(chosen, cfg.names)
        source = f"profile {chosen!r} in {cfg.path} ({', '.join(notes)})"
    else:
        if not (client_id or _env(env, ENV_CLIENT_ID)):
            raise NoProfile(cfg.path)
        source = "environment variables"

    overrides: list[str] = []

    def pick(flag: str | None, var: str, from_file: str | None, what: str) -> str | None:
        if flag:
            overrides.append(f"{what} from flag")
            return flag
        value = _env(env, var)
        if value is not None:
            if profile is not None:
                overrides.append(f"{what} from {var}")
            return value
        return from_file

    url = pick(base_url, ENV_BASE_URL, profile.effective_base_url if profile else None, "base_url")
    url = check_base_url(url) if url else PRODUCTION_URL
    cid = pick(client_id, ENV_CLIENT_ID, profile.client_id if profile else None, "client_id")
    label = profile.name if profile else ENV_PROFILE_NAME
    if not cid:
        raise InvalidConfig(
            f"profile {label!r} has no client_id; set it in the profile or FLEETTUI_CLIENT_ID"
        )

    if client_secret:
        secret, secret_source = client_secret, "flag"
    elif _env(env, ENV_CLIENT_SECRET) is not None:
        secret, secret_source = env[ENV_CLIENT_SECRET].strip(), f"env {ENV_CLIENT_SECRET}"
    elif profile is not None and profile.client_secret_env:
        var = profile.client_secret_env
        secret = (env.get(var) or "").strip()
        if not secret:
            raise MissingSecret(label, var)
        secret_source = f"env {var}"
    elif profile is not None and profile.client_secret:
        secret, secret_source = profile.client_secret, "inline (config file)"
    else:
        raise MissingSecret(label, None)

    if overrides:
        source += "; " + ", ".join(overrides)
    environment = _environment_for(url)
    every = refresh if refresh is not None else (profile.refresh if profile else DEFAULT_REFRESH)
    return ResolvedProfile(
        name=label,
        environment=environment,
        base_url=url,
        client_id=cid,
        client_secret=secret,
        read_only=bool(read_only) or bool(profile and profile.read_only),
        refresh=max(MIN_REFRESH, float(every)),
        default_filter=profile.default_filter if profile else "",
        source=source,
        secret_source=secret_source,
        connect_timeout=_env_seconds(env, ENV_CONNECT_TIMEOUT, "connect_timeout")
        or (profile.connect_timeout if profile else DEFAULT_CONNECT_TIMEOUT),
        deadline=_env_seconds(env, ENV_DEADLINE, "deadline")
        or (profile.deadline if profile else DEFAULT_DEADLINE),
        full_refresh=bool(profile and profile.full_refresh),
        full_list_every=profile.full_list_every if profile else DEFAULT_FULL_LIST_EVERY,
        warnings=cfg.warnings,
        extra=dict(profile.extra) if profile else {},
    )
