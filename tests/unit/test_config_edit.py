"""config.toml as the user wrote it: profile commands change only what they change, and
bad local files give one line naming the problem, never a traceback."""

from __future__ import annotations

import os
import tomllib

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from fleettui.config import load_config, resolve_profile
from fleettui.config.errors import ConfigError
from fleettui.config.paths import config_file
from fleettui.config.toml_edit import edit
from tests.support.cli import run

HAND_WRITTEN = """\
# fleettui settings, kept by hand
# (this comment must survive every command)

default_profile = "sim"   # the one I use most

# the local simulator
[profiles.sim]
environment = "custom"
base_url = "http://127.0.0.1:8765"   # port from `fleettui simulator`
client_id = "demo-client"
client_secret_env = "SIM_SECRET"
refresh = 10

# production: careful
[profiles.prod]
environment = "production"
client_id = "abc"  # from the console
client_secret_env = "PROD_SECRET"
# client_secret = "never inline"

# settings of another tool, keep
[elsewhere]
answer = 42
"""


@pytest.fixture
def hand_written():
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN)
    path.chmod(0o600)
    return path


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith("#")]


def test_use_changes_one_value_and_keeps_everything_else(capsys, hand_written):
    assert run(capsys, "profile", "use", "prod")[0] == 0
    text = hand_written.read_text()
    assert text == HAND_WRITTEN.replace('default_profile = "sim"', 'default_profile = "prod"')
    assert oct(hand_written.stat().st_mode & 0o777) == "0o600"


def test_add_appends_a_table_and_keeps_the_rest_byte_for_byte(capsys, hand_written):
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "sandbox",
        "--environment",
        "sandbox",
        "--client-id",
        "sb",
        "--client-secret-env",
        "SB_SECRET",
        "--deadline",
        "120",
    )
    assert code == 0, err
    text = hand_written.read_text()
    assert text.startswith(HAND_WRITTEN)
    assert tomllib.loads(text)["profiles"]["sandbox"]["deadline"] == 120
    assert load_config().profiles["sandbox"].deadline == 120


def test_remove_takes_the_table_and_its_own_comments_only(capsys, hand_written):
    assert run(capsys, "profile", "remove", "prod")[0] == 0
    text = hand_written.read_text()
    assert "[profiles.prod]" not in text and "# production: careful" not in text
    assert "never inline" not in text
    for kept in (
        "# fleettui settings, kept by hand",
        "# the one I use most",
        "# port from `fleettui simulator`",
        "# settings of another tool, keep",
        "[elsewhere]",
    ):
        assert kept in text
    assert text.index("[profiles.sim]") < text.index("[elsewhere]")
    assert tomllib.loads(text)["elsewhere"] == {"answer": 42}


def test_replace_edits_the_changed_keys_in_place(capsys, hand_written, monkeypatch):
    monkeypatch.setenv("SIM_SECRET", "x")
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "sim",
        "--replace",
        "--base-url",
        "http://127.0.0.1:9999",
        "--client-id",
        "demo-client",
        "--client-secret-env",
        "SIM_SECRET",
        "--refresh",
        "10",
    )
    assert code == 0, err
    text = hand_written.read_text()
    assert 'base_url = "http://127.0.0.1:9999"   # port from `fleettui simulator`' in text
    assert comments(text) == comments(HAND_WRITTEN)


def test_a_read_only_config_directory_is_one_line(capsys, hand_written):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    hand_written.parent.chmod(0o500)
    try:
        code, out, err = run(capsys, "profile", "use", "prod")
    finally:
        hand_written.parent.chmod(0o700)
    assert code == 2 and out == ""
    assert err.startswith("fleettui: cannot save ") and "nothing was changed" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert hand_written.read_text() == HAND_WRITTEN


def test_a_full_disk_is_one_line_and_the_file_stays(capsys, hand_written, monkeypatch):
    import errno

    def full(path, data, **kw):  # noqa: ANN001, ANN003, ANN202
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("fleettui.config.config_file.atomic_write_bytes", full)
    code, out, err = run(capsys, "profile", "remove", "prod")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "No space left on device; nothing was changed" in err
    assert hand_written.read_text() == HAND_WRITTEN


def test_a_config_directory_that_is_a_file_is_one_line(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("FLEETTUI_CONFIG_DIR", str(blocker / "fleettui"))
    code, _, err = run(
        capsys, "profile", "add", "x", "--client-id", "c", "--client-secret-env", "V"
    )
    assert code == 2 and err.startswith("fleettui: cannot read ") and "Not a directory" in err


def test_an_inline_secret_others_can_read_is_warned_about(capsys, hand_written, sim):
    hand_written.write_text(
        HAND_WRITTEN.replace(
            'client_secret_env = "SIM_SECRET"', f'client_secret = "{sim.client_secret}"'
        ).replace("http://127.0.0.1:8765", sim.base_url)
    )
    hand_written.chmod(0o644)
    code, _, err = run(capsys, "list")
    assert code == 0
    assert "other users can read it (mode 644)" in err and "chmod 600" in err
    assert sim.client_secret not in err
    assert "other users" in run(capsys, "profile", "list")[2]
    hand_written.chmod(0o600)
    assert "other users" not in run(capsys, "list")[2]


@pytest.mark.parametrize(
    "value, words",
    [
        ("inf", "refresh = inf is not a usable number"),
        ("nan", "refresh = nan is not"),
        ("1e30", "refresh = 1e+30 is out of range"),
        ("-5", "refresh = -5 is out of range"),
        ('"soon"', "refresh must be a number of seconds"),
    ],
)
def test_absurd_numbers_are_refused_naming_the_key(capsys, hand_written, value, words):
    hand_written.write_text(HAND_WRITTEN.replace("refresh = 10", f"refresh = {value}"))
    code, _, err = run(capsys, "profile", "list")
    assert code == 2 and words in err and "profile 'sim'" in err


@pytest.mark.parametrize("key", ["deadline", "connect_timeout"])
def test_deadline_settings_are_checked_too(capsys, hand_written, key):
    hand_written.write_text(HAND_WRITTEN.replace("refresh = 10", f"{key} = inf"))
    code, _, err = run(capsys, "profile", "list")
    assert code == 2 and f"{key} = inf" in err


def test_deadlines_come_from_the_profile_or_the_environment(hand_written, monkeypatch):
    hand_written.write_text(
        HAND_WRITTEN.replace("refresh = 10", "deadline = 42\nconnect_timeout = 3")
    )
    monkeypatch.setenv("SIM_SECRET", "s")
    profile = resolve_profile()
    assert (profile.deadline, profile.connect_timeout) == (42, 3)
    monkeypatch.setenv("FLEETTUI_DEADLINE", "7")
    assert resolve_profile().client_options() == {"connect_timeout": 3, "deadline": 7}
    monkeypatch.setenv("FLEETTUI_DEADLINE", "forever")
    with pytest.raises(ConfigError, match="FLEETTUI_DEADLINE='forever' is not a number"):
        resolve_profile()


def test_cli_flags_refuse_non_finite_numbers(capsys):
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "x",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
        "--refresh",
        "inf",
    )
    assert code == 2 and "--refresh" in err and "finite" in err
    code, _, err = run(capsys, "--refresh", "nan")
    assert code == 2 and "not a finite number" in err


def test_an_oversized_config_is_refused_without_reading_it(capsys, hand_written):
    with hand_written.open("a") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB that cost nothing to make
    code, _, err = run(capsys, "profile", "list")
    assert code == 2 and "50,000,000 bytes, far more than a config file" in err


def test_a_config_nested_too_deeply_is_a_parse_error(capsys, hand_written):
    hand_written.write_text("x = " + "[" * 50_000)
    code, _, err = run(capsys, "profile", "list")
    assert code == 2 and "cannot read" in err and "Traceback" not in err


names = st.from_regex(r"[a-z][a-z0-9_.-]{0,8}", fullmatch=True)
profiles = st.fixed_dictionaries(
    {"client_id": st.text(min_size=1, max_size=8), "refresh": st.integers(5, 100)},
    optional={"read_only": st.booleans()},
)


@given(
    st.dictionaries(names, profiles, min_size=1, max_size=4),
    st.dictionaries(names, profiles, max_size=4),
    st.data(),
)
def test_edit_gives_exactly_the_new_data_and_keeps_comments_of_kept_tables(old_p, new_p, data):
    default = data.draw(st.sampled_from(sorted(old_p)))
    old = {"default_profile": default, "profiles": old_p}
    body = [f"# top comment\ndefault_profile = {tomli_w.dumps({'x': default})[4:]}"]
    for name, p in old_p.items():
        body.append(f"# about {name}\n" + tomli_w.dumps({"profiles": {name: p}}))
    text = "\n".join(body)
    assert tomllib.loads(text) == old
    new = {
        "default_profile": data.draw(st.sampled_from(sorted({**old_p, **new_p}))),
        "profiles": {**{k: v for k, v in old_p.items() if data.draw(st.booleans())}, **new_p},
    }
    result = edit(text, old, new)
    assert result is not None
    assert {"profiles": {}, **tomllib.loads(result)} == new
    assert "# top comment" in result
    for name in old_p:
        if name in new["profiles"]:
            assert f"# about {name}\n" in result
        else:
            assert f"# about {name}\n" not in result


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\x0c", "\x1c"])
def test_a_value_holding_a_character_python_splits_lines_at_is_edited_in_place(odd):
    # Found by the property test above: str.splitlines breaks at NEL, LS, FF... inside a
    # value, which made the line editor give up (the whole file was rewritten instead).
    old = {"default_profile": "a", "profiles": {"a": {"client_id": odd, "refresh": 5}}}
    text = '# top comment\ndefault_profile = "a"\n# about a\n' + tomli_w.dumps(
        {"profiles": old["profiles"]}
    )
    new = {"default_profile": "a", "profiles": {"a": {"client_id": "0", "refresh": 5}}}
    result = edit(text, old, new)
    assert result is not None and tomllib.loads(result) == new
    assert "# top comment" in result and "# about a\n" in result
