"""Profiles in ``config.toml``: read with tomllib, written atomically with tomli-w.

File format (every key documented in the README)::

    default_profile = "sim"

    [profiles.sim]
    environment = "custom"                  # production | sandbox | custom
    base_url = "http://127.0.0.1:8765"      # required for custom, ignored otherwise
    client_id = "demo-client"
    client_secret_env = "FLEETTUI_SIM_SECRET"   # preferred: the secret stays out of the file
    # client_secret = "..."                 # inline alternative (the file is kept 0600)
    read_only = false
    refresh = 10                            # seconds between monitor refreshes, at least 5
    default_filter = "state:pending"        # the monitor's starting `/` query
    full_refresh = false                    # true: every refresh asks the whole list
    full_list_every = 600                   # seconds between reconciling full lists

Rules: a file that does not parse is never overwritten (:class:`ConfigParseError` names
the file and the line); the file is always written with mode 0600 through a temp file in
the same directory; keys this version does not know are kept on rewrite.
"""

from __future__ import annotations

import math
import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from fleettui.config import toml_edit
from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.errors import ConfigParseError, ConfigWriteError, InvalidConfig
from fleettui.config.paths import config_file
from fleettui.core.localfile import NotAFile, TooBig, open_regular

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
#: (smallest, largest) accepted value of each setting in seconds; a refresh under the
#: minimum is raised to it, anything outside these bounds is refused with the key's name.
SECONDS_LIMITS = {
    "refresh": (0.0, 86_400.0),
    "connect_timeout": (0.1, 600.0),
    "deadline": (1.0, 86_400.0),
    "full_list_every": (0.0, 86_400.0),
}
#: A config file is a few KB; anything this big is not one (and is not read whole).
MAX_CONFIG_BYTES = 1_000_000

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
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


def check_seconds(key: str, value: object, where: str = "") -> float:
    """A number of seconds for `key`, refused (InvalidConfig naming the key) when it is
    not a number, not finite (inf, nan) or outside SECONDS_LIMITS."""
    ctx = f"{where}: " if where else ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidConfig(f"{ctx}{key} must be a number of seconds, not {value!r}")
    if not math.isfinite(value):
        raise InvalidConfig(
            f"{ctx}{key} = {value} is not a usable number of seconds; give a finite number"
        )
    low, high = SECONDS_LIMITS[key]
    if not low <= value <= high:
        raise InvalidConfig(
            f"{ctx}{key} = {value:g} is out of range; give {low:g} to {high:g} seconds"
        )
    return float(value)


def mask_secret(value: str | None) -> str:
    """What a listing shows instead of a secret: nothing of the secret itself."""
    return "********" if value else "(none)"


def check_profile_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InvalidConfig(
            f"invalid profile name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_env_var_name(name: str) -> str:
    if not isinstance(name, str) or not _ENV_VAR_RE.match(name):
        raise InvalidConfig(f"invalid environment variable name {name!r}")
    return name


def check_base_url(url: str) -> str:
    url = url.strip().rstrip("/") if isinstance(url, str) else ""
    if not re.match(r"^https?://[^\s/]+", url):
        raise InvalidConfig(f"invalid base URL {url!r}: expected http(s)://host[:port]")
    return url


def check_server_url(url: str) -> str:
    """The base URL as the API client will accept it, checked before it is saved.

    Uses the client's own check (:func:`fleettui.api.auth.check_base_url`), so a profile
    can't be saved with a URL every later command would refuse (plain http to another
    machine, credentials or a query in the URL...). InvalidConfig names problem and fix.
    """
    from fleettui.api.auth import check_base_url as client_check

    try:
        return client_check(url)
    except ValueError as e:
        problem = str(e)
        if "plain http" in problem:
            text = url.strip().rstrip("/")
            fix = (
                f"use {'https://' + text[len('http://') :]!r}; plain http is only for a "
                "simulator on this machine (127.0.0.1 or localhost)"
            )
        else:
            fix = "give the server root, e.g. https://api.high-mobility.com"
        raise InvalidConfig(f"{problem}; {fix}") from None


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


@dataclass(frozen=True)
class Config:
    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: False when the file did not exist yet.
    exists: bool = False
    #: Things the user should know about the file (e.g. a secret others can read).
    warnings: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return sorted(self.profiles)

    def with_profile(self, profile: Profile, *, make_default: bool = False) -> Config:
        profiles = {**self.profiles, profile.name: profile}
        default = profile.name if make_default or not self.default_profile else self.default_profile
        return replace(self, profiles=profiles, default_profile=default)

    def without_profile(self, name: str) -> Config:
        profiles = {k: v for k, v in self.profiles.items() if k != name}
        default = self.default_profile if self.default_profile != name else None
        if default is None and len(profiles) == 1:
            default = next(iter(profiles))
        return replace(self, profiles=profiles, default_profile=default)

    def with_default(self, name: str) -> Config:
        return replace(self, default_profile=name)


def _read_text(path: Path) -> str | None:
    """The file's text; None when it does not exist. Refuses a file too big to be a
    config without reading it."""
    try:
        with open_regular(path, MAX_CONFIG_BYTES) as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except TooBig:
        size = path.stat().st_size
        raise InvalidConfig(
            f"{path} is {size:,} bytes, far more than a config file "
            f"(at most {MAX_CONFIG_BYTES:,}); check or move it"
        ) from None
    except (IsADirectoryError, NotAFile) as e:
        what = "a directory" if isinstance(e, IsADirectoryError) else e.strerror
        raise InvalidConfig(f"{path} is {what}, not a config file") from None
    except OSError as e:
        raise InvalidConfig(f"cannot read {path}: {e.strerror or e}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise InvalidConfig(f"{path} is more than {MAX_CONFIG_BYTES:,} bytes; check or move it")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigParseError(path, "not UTF-8 text") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # The message carries "(at line N, column M)"; no file content is echoed.
        raise ConfigParseError(path, str(e)) from None
    except RecursionError:
        raise ConfigParseError(path, "values nested too deeply") from None


def _read_toml(path: Path) -> dict[str, Any] | None:
    text = _read_text(path)
    return None if text is None else _parse(path, text)


def _exposure_warning(path: Path, profiles: dict[str, Profile]) -> str | None:
    """A warning when the file holds an inline secret and others may read it."""
    inline = sorted(n for n, p in profiles.items() if p.client_secret)
    if not inline:
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return (
        f"warning: {path} holds the client secret of profile {inline[0]!r} and other "
        f"users can read it (mode {stat.S_IMODE(mode):o}); run `chmod 600 {path}`"
    )


def load_config(path: Path | None = None) -> Config:
    """The config file as a :class:`Config`; an empty one when the file does not exist."""
    path = path or config_file()
    data = _read_toml(path)
    if data is None:
        return Config(path=path)
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise InvalidConfig(f"{path}: default_profile must be a string")
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise InvalidConfig(f"{path}: [profiles] must be a table")
    profiles = {n: Profile.from_toml(n, d, str(path)) for n, d in raw_profiles.items()}
    extra = {k: v for k, v in data.items() if k not in ("default_profile", "profiles")}
    warning = _exposure_warning(path, profiles)
    return Config(
        path, default or None, profiles, extra, exists=True, warnings=(warning,) if warning else ()
    )


def config_data(config: Config, written: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the file should hold. A profile that did not change keeps exactly what
    `written` (the file as it is) says for it, so an edit elsewhere does not add the
    defaults it left out."""
    written = written or {}
    listed = written.get("profiles")
    old_profiles: dict[str, Any] = listed if isinstance(listed, dict) else {}
    data: dict[str, Any] = {}
    if config.default_profile:
        data["default_profile"] = config.default_profile
    data.update(config.extra)
    profiles: dict[str, Any] = {}
    for name in sorted(config.profiles):
        profile = config.profiles[name]
        raw = old_profiles.get(name)
        try:
            same = raw is not None and Profile.from_toml(name, raw) == profile
        except InvalidConfig:
            same = False
        profiles[name] = raw if same else profile.to_toml()
    data["profiles"] = profiles
    return data


def dump_config(config: Config) -> str:
    return tomli_w.dumps(config_data(config))


def save_config(config: Config) -> None:
    """Write the config atomically with mode 0600, changing only what changed: comments,
    order and blank lines of the file stay as the user wrote them (see toml_edit).

    Refuses (ConfigParseError) when the file on disk does not parse: whatever is in it
    may be the only copy of someone's settings. A directory that cannot be written gives
    ConfigWriteError (one line), and the file is left as it was.
    """
    text = _read_text(config.path)
    written = _parse(config.path, text) if text is not None else {}
    data = config_data(config, written)
    new_text = toml_edit.edit(text, written, data) if text is not None else None
    if new_text is None:
        new_text = tomli_w.dumps(data)
    try:
        atomic_write_bytes(config.path, new_text.encode("utf-8"))
    except OSError as e:
        raise ConfigWriteError(config.path, e) from None
