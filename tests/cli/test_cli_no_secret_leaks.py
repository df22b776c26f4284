"""No secret reaches stdout, stderr, logs, the audit file, the cache or the config file
(when the secret is kept in an environment variable)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from fleettui.config import resolve_profile
from fleettui.config.cache import save_snapshot
from fleettui.sim import SimConfig, Simulator
from tests.support.cli import run
from tests.support.sim import SIM_START

SECRET = "Zq9-UNIQUE-secret-Xw7"
WRONG = "Kp2-WRONG-secret-Lm4"
INLINE_NAME = "inl"
START = SIM_START
VIN_OK = "WBAXX000000000007"
VIN_PEUGEOT = "VF3XX000000000008"


@pytest.fixture
def secret_sim():
    with Simulator(
        SimConfig(vehicles=20, seed=3, speed=0.0, start=START, client_secret=SECRET)
    ) as sim:
        yield sim


def _all_files(dirs: dict[str, str]) -> dict[Path, bytes]:
    out = {}
    for d in dirs.values():
        for path in Path(d).rglob("*"):
            if path.is_file():
                out[path] = path.read_bytes()
    return out


def test_no_secret_anywhere(secret_sim, capsys, caplog, monkeypatch, isolated_dirs, tmp_path):
    sim = secret_sim
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("LEAK_TEST_SECRET", SECRET)
    seen_out: list[str] = []

    def cli(*argv: str) -> int:
        code, out, err = run(capsys, *argv)
        seen_out.extend([out, err])
        return code

    assert (
        cli(
            "profile",
            "add",
            "sim",
            "--base-url",
            sim.base_url,
            "--client-id",
            sim.client_id,
            "--client-secret-env",
            "LEAK_TEST_SECRET",
        )
        == 0
    )
    sim.engine.seed_vehicle(VIN_PEUGEOT, "peugeot", "pending", 3 * 86400, hold=True)
    sim.engine.seed_vehicle(VIN_OK, "bmw", "approved", 3 * 86400)
    csv_file = tmp_path / "v.csv"
    csv_file.write_text("WBAXX000000000009,bmw\nBAD,bmw\n")
    for argv in (
        ("profile", "list"),
        ("profile", "list", "--json"),
        ("profile", "test"),
        ("list",),
        ("list", "--json"),
        ("list", "--csv"),
        ("show", VIN_OK),
        ("show", VIN_OK, "--json"),
        ("add", "WBAXX000000000010", "bmw"),
        ("add", "--file", str(csv_file)),
        ("cancel", VIN_PEUGEOT),
        ("revoke", VIN_OK, "--yes"),
        ("revoke", VIN_OK),
    ):
        cli(*argv)
    # A wrong secret and an unreachable server: error paths print nothing secret either.
    monkeypatch.setenv("LEAK_TEST_SECRET", WRONG)
    assert cli("list") == 1
    assert cli("profile", "test") == 1
    monkeypatch.setenv("FLEETTUI_CLIENT_SECRET", WRONG)
    monkeypatch.setenv("FLEETTUI_BASE_URL", "http://127.0.0.1:9")
    assert cli("list") == 1
    monkeypatch.delenv("FLEETTUI_CLIENT_SECRET")
    monkeypatch.delenv("FLEETTUI_BASE_URL")
    monkeypatch.setenv("LEAK_TEST_SECRET", SECRET)
    # An inline secret read from stdin: only config.toml may hold it.
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert (
        cli(
            "profile",
            "add",
            INLINE_NAME,
            "--base-url",
            sim.base_url,
            "--client-id",
            sim.client_id,
            "--client-secret-stdin",
        )
        == 0
    )
    assert cli("profile", "list") == 0
    assert cli("list", "--profile", INLINE_NAME, "--json") == 0
    # The snapshot cache, as the monitor writes it.
    from fleettui.api.client import FleetClient

    profile = resolve_profile("sim")
    with FleetClient(profile.credentials()) as client:
        save_snapshot("sim", profile.base_url, client.list_vehicles_raw())
    assert repr(profile).count(SECRET) == 0

    text = "\n".join(seen_out)
    assert "WBAXX000000000010" in text  # the commands really ran
    for secret in (SECRET, WRONG):
        assert secret not in text
        assert secret not in caplog.text
        for path, data in _all_files(isolated_dirs).items():
            if path.name == "config.toml" and secret == SECRET:
                continue
            assert secret.encode() not in data, path
    config_text = (Path(isolated_dirs["config"]) / "config.toml").read_text()
    assert config_text.count(SECRET) == 1  # the inline profile only, not the env-var one
    assert (Path(isolated_dirs["log"]) / "audit.jsonl").exists()
    assert any(Path(isolated_dirs["cache"]).iterdir())
