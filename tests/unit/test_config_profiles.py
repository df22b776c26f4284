"""config.toml: round trips, permissions, atomic writes, corrupt files, precedence."""

from __future__ import annotations

import os
import stat

import pytest

from fleettui.config import (
    ConfigParseError,
    InvalidConfig,
    MissingSecret,
    NoProfile,
    Profile,
    ProfileNotFound,
    load_config,
    resolve_profile,
    save_config,
)
from fleettui.config.paths import cache_dir, config_dir, config_file, log_dir
from fleettui.config.profiles import PRODUCTION_URL, SANDBOX_URL

SECRET = "s3cr3t-value-xyz"


def _profile(name="sim", **kw) -> Profile:
    base = dict(
        environment="custom",
        base_url="http://127.0.0.1:9",
        client_id="cid",
        client_secret_env="SIM_SECRET",
    )
    base.update(kw)
    return Profile(name=name, **base)


def test_paths_honour_env_overrides(isolated_dirs):
    assert str(config_dir()) == isolated_dirs["config"]
    assert str(cache_dir()) == isolated_dirs["cache"]
    assert str(log_dir()) == isolated_dirs["log"]
    assert config_file().name == "config.toml"


def test_missing_file_is_an_empty_config():
    cfg = load_config()
    assert cfg.profiles == {} and not cfg.exists


def test_round_trip_keeps_every_field_and_unknown_keys():
    p = _profile(
        read_only=True, refresh=12, default_filter="state:pending", extra={"future_key": "kept"}
    )
    cfg = (
        load_config()
        .with_profile(p)
        .with_profile(Profile(name="prod", client_id="x", client_secret=SECRET))
    )
    save_config(cfg)
    again = load_config()
    assert again.default_profile == "sim"
    assert again.profiles["sim"] == p
    assert again.profiles["prod"].client_secret == SECRET
    assert again.profiles["prod"].effective_base_url == PRODUCTION_URL


def test_file_is_0600_and_no_temp_files_left():
    save_config(load_config().with_profile(Profile(name="a", client_id="x", client_secret=SECRET)))
    path = config_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    save_config(load_config().with_default("a"))
    assert sorted(os.listdir(path.parent)) == ["config.toml"]


def test_corrupt_file_is_never_overwritten():
    path = config_file()
    path.write_text('default_profile = "a"\n[profiles.a\nclient_id = 1\n')
    before = path.read_bytes()
    with pytest.raises(ConfigParseError) as err:
        load_config()
    assert str(path) in str(err.value) and "line 2" in str(err.value)
    from fleettui.config import Config

    with pytest.raises(ConfigParseError):
        save_config(Config(path=path).with_profile(_profile()))
    assert path.read_bytes() == before


def test_invalid_values_are_named():
    config_file().write_text('[profiles.a]\nenvironment = "moon"\n')
    with pytest.raises(InvalidConfig, match="environment must be one of"):
        load_config()
    config_file().write_text('[profiles.a]\nenvironment = "custom"\n')
    with pytest.raises(InvalidConfig, match="needs base_url"):
        load_config()


def test_refresh_has_a_floor():
    config_file().write_text('[profiles.a]\nclient_id = "x"\nrefresh = 1\n')
    assert load_config().profiles["a"].refresh == 5


def test_reprs_never_show_the_secret():
    p = Profile(name="a", client_id="x", client_secret=SECRET)
    assert SECRET not in repr(p) and SECRET not in str(p)
    save_config(load_config().with_profile(p))
    r = resolve_profile(environ={})
    assert r.client_secret == SECRET
    assert SECRET not in repr(r) and SECRET not in str(r)


def test_secret_from_named_env_var_and_missing_var_is_named():
    save_config(load_config().with_profile(_profile()))
    r = resolve_profile(environ={"SIM_SECRET": SECRET})
    assert r.client_secret == SECRET and r.secret_source == "env SIM_SECRET"
    with pytest.raises(MissingSecret, match="SIM_SECRET"):
        resolve_profile(environ={})


def test_unknown_profile_names_the_available_ones():
    save_config(load_config().with_profile(_profile("one")).with_profile(_profile("two")))
    with pytest.raises(ProfileNotFound) as err:
        resolve_profile("three", environ={"SIM_SECRET": "x"})
    assert "one, two" in str(err.value)


def test_no_profile_and_no_env_is_a_clear_error():
    with pytest.raises(NoProfile, match="profile add"):
        resolve_profile(environ={})


def test_precedence_flags_over_env_over_file_over_defaults():
    save_config(
        load_config()
        .with_profile(_profile("a", refresh=20))
        .with_profile(_profile("b", environment="sandbox", base_url=None, client_id="b-id"))
    )
    env = {"SIM_SECRET": "file-secret"}
    # file (default profile a)
    r = resolve_profile(environ=env)
    assert (r.name, r.base_url, r.client_id, r.client_secret, r.refresh) == (
        "a",
        "http://127.0.0.1:9",
        "cid",
        "file-secret",
        20,
    )
    # env beats file
    env2 = {
        **env,
        "FLEETTUI_PROFILE": "b",
        "FLEETTUI_CLIENT_ID": "env-id",
        "FLEETTUI_CLIENT_SECRET": "env-secret",
    }
    r = resolve_profile(environ=env2)
    assert (r.name, r.base_url, r.client_id, r.client_secret) == (
        "b",
        SANDBOX_URL,
        "env-id",
        "env-secret",
    )
    assert r.environment == "sandbox"
    env2["FLEETTUI_BASE_URL"] = "http://proxy:8080/"
    assert resolve_profile(environ=env2).base_url == "http://proxy:8080"
    # flags beat env
    r = resolve_profile(
        "a",
        client_id="flag-id",
        client_secret="flag-secret",
        read_only=True,
        refresh=7,
        environ=env2,
    )
    assert (r.name, r.client_id, r.client_secret, r.read_only, r.refresh) == (
        "a",
        "flag-id",
        "flag-secret",
        True,
        7,
    )
    # defaults
    assert r.default_filter == ""
    assert resolve_profile("b", environ=env).refresh == 15


def test_environment_alone_is_enough():
    r = resolve_profile(environ={"FLEETTUI_CLIENT_ID": "id", "FLEETTUI_CLIENT_SECRET": "sec"})
    assert (r.name, r.base_url, r.environment) == ("env", PRODUCTION_URL, "production")


def test_read_only_from_profile_and_removal_moves_default():
    cfg = load_config().with_profile(_profile("a", read_only=True)).with_profile(_profile("b"))
    assert resolve_profile(config=cfg, environ={"SIM_SECRET": "x"}).read_only is True
    cfg = cfg.without_profile("a")
    assert cfg.default_profile == "b"
