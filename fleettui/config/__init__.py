"""Configuration and local state: profiles (config.toml), snapshot cache, audit log.

The config file is read and written by `config_file`; one profile's shape is `profiles`,
its values' checks `profile_checks`. The snapshot cache's file is written by `cache`,
read back by `cache_read`.

The main entry points::

    from fleettui.config import resolve_profile, load_config, save_config
    from fleettui.config.cache import save_snapshot
    from fleettui.config.cache_read import load_snapshot
    from fleettui.config.audit import record_write, AuditResult
"""

from fleettui.config.config_file import Config, load_config, save_config
from fleettui.config.errors import (
    ConfigError,
    ConfigParseError,
    ConfigWriteError,
    InvalidConfig,
    MissingSecret,
    NoProfile,
    ProfileNotFound,
)
from fleettui.config.profiles import Profile, mask_secret
from fleettui.config.resolve import ResolvedProfile, resolve_profile

__all__ = [
    "Config",
    "ConfigError",
    "ConfigParseError",
    "ConfigWriteError",
    "InvalidConfig",
    "MissingSecret",
    "NoProfile",
    "Profile",
    "ProfileNotFound",
    "ResolvedProfile",
    "load_config",
    "mask_secret",
    "resolve_profile",
    "save_config",
]
