"""The config file, ``config.toml``: read with tomllib, written atomically with tomli-w.

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

import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.errors import ConfigParseError, ConfigWriteError, InvalidConfig
from fleettui.config.paths import config_file
from fleettui.config.profiles import Profile
from fleettui.core.localfile import NotAFile, TooBig, open_regular

#: A config file is a few KB; anything this big is not one (and is not read whole).
MAX_CONFIG_BYTES = 1_000_000


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
    import tomli_w  # (the writers are loaded by a write: every command reads the file)

    return tomli_w.dumps(config_data(config))


def save_config(config: Config) -> None:
    """Write the config atomically with mode 0600, changing only what changed: comments,
    order and blank lines of the file stay as the user wrote them (see toml_edit).

    Refuses (ConfigParseError) when the file on disk does not parse: whatever is in it
    may be the only copy of someone's settings. A directory that cannot be written gives
    ConfigWriteError (one line), and the file is left as it was.
    """
    import tomli_w

    from fleettui.config import toml_edit

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
