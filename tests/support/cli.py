"""Running the CLI in-process, as the CLI tests and the setup screen's tests do."""

from __future__ import annotations

from fleettui.cli.main import main

SECRET_VAR = "FLEETTUI_TEST_SIM_SECRET"


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001 - pytest's capsys
    """Run the CLI in-process; (exit code, stdout, stderr). Argparse exits count too."""
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def add_sim_profile(capsys, monkeypatch, sim, name: str = "sim") -> None:  # noqa: ANN001
    """`fleettui profile add NAME` for a running simulator, its secret in SECRET_VAR (the
    first profile added becomes the default); fails the test if the CLI refuses it."""
    monkeypatch.setenv(SECRET_VAR, sim.client_secret)
    code, _, err = run(
        capsys,
        "profile",
        "add",
        name,
        "--base-url",
        sim.base_url,
        "--client-id",
        sim.client_id,
        "--client-secret-env",
        SECRET_VAR,
    )
    assert code == 0, err
