"""The web tests' fixtures: `fleettui serve --demo` running in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.web import Served


@pytest.fixture
def served(tmp_path: Path, isolated_dirs: dict[str, str]) -> Iterator[Served]:
    """`fleettui serve --demo --demo-speed 0` on a free loopback port, stopped after the test
    (imported here, not at the top: without the web extra the test skips and says why)."""
    from tests.support.web import serving

    with serving(tmp_path, isolated_dirs, "--demo", "--demo-speed", "0") as s:
        yield s
