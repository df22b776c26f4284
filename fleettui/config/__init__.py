"""Configuration and local state: profiles (config.toml), snapshot cache, audit log.

The main entry points::

    from fleettui.config import resolve_profile, load_config, save_config
    from fleettui.config.cache import save_snapshot, load_snapshot
    from fleettui.config.audit import record_write, AuditResult
"""

from fleettui.config.errors import (
    ConfigError,
    ConfigParseError,
    ConfigWriteError,
    InvalidConfig,
    MissingSecret,
    NoProfile,
    ProfileNotFound,
)
from fleettui.config.profiles import Config, Profile, load_config, mask_secret, save_config
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
