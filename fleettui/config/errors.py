"""Configuration errors. ``str(e)`` is one line a person can act on, never a secret."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """Something is wrong with the configuration or the choice of profile (CLI exit 2)."""


class ConfigParseError(ConfigError):
    """config.toml exists but is not valid TOML; fleettui will not overwrite it."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"cannot read {path}: {detail}; fix or move the file "
            "(fleettui will not overwrite a file it cannot parse)"
        )


class ConfigWriteError(ConfigError):
    """config.toml could not be written (read-only or full disk...); nothing changed."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        reason = error.strerror or str(error)
        super().__init__(
            f"cannot save {path}: {reason}; nothing was changed (check that "
            f"{path.parent} is writable and the disk has room)"
        )


class InvalidConfig(ConfigError):
    """The file parses but a value is wrong (bad environment, URL, type...)."""


class NoProfile(ConfigError):
    """Nothing to connect with: no profile in the file and no credentials in the environment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"no profile configured in {path}; add one with "
            "`fleettui profile add NAME --client-id ID --client-secret-env VAR`, "
            "or set FLEETTUI_CLIENT_ID and FLEETTUI_CLIENT_SECRET"
        )


class ProfileNotFound(ConfigError):
    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = list(available)
        known = ", ".join(self.available) if self.available else "none yet"
        super().__init__(f"unknown profile {name!r}; available profiles: {known}")


class MissingSecret(ConfigError):
    """The profile's secret lives in an environment variable that is not set."""

    def __init__(self, profile: str, variable: str | None) -> None:
        self.profile = profile
        self.variable = variable
        if variable:
            msg = (
                f"profile {profile!r} reads its client secret from the environment variable "
                f"{variable}, which is not set; export {variable}=... and try again"
            )
        else:
            msg = (
                f"profile {profile!r} has no client secret; set client_secret_env in the "
                "profile or FLEETTUI_CLIENT_SECRET in the environment"
            )
        super().__init__(msg)
