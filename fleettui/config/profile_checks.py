"""Checks of a profile's values before they are used or saved: its name, the
environment variable holding its secret, its base URL, and each setting in seconds. Each
refusal is an InvalidConfig naming the key, the problem and the fix."""

from __future__ import annotations

import math
import re

from fleettui.config.errors import InvalidConfig

#: (smallest, largest) accepted value of each setting in seconds; a refresh under the
#: minimum is raised to it, anything outside these bounds is refused with the key's name.
SECONDS_LIMITS = {
    "refresh": (0.0, 86_400.0),
    "connect_timeout": (0.1, 600.0),
    "deadline": (1.0, 86_400.0),
    "full_list_every": (0.0, 86_400.0),
}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
