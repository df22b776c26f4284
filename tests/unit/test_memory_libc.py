"""The C library for giving memory back is found without a child process."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from fleettui.core import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_glibc_is_found_without_running_ldconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_search(name: str) -> str | None:
        raise AssertionError(f"find_library({name!r}) runs ldconfig -p in a child process")

    monkeypatch.setattr(ctypes.util, "find_library", no_search)
    libc = memory._libc()
    assert libc is not None
    assert libc.malloc_trim(0) in (0, 1)


def test_no_c_library_found_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctypes.CDLL

    def no_glibc(name: str | None, *args: object, **kwargs: object) -> ctypes.CDLL:
        if name == "libc.so.6":
            raise OSError("libc.so.6: cannot open shared object file")
        return real(name)

    monkeypatch.setattr(ctypes, "CDLL", no_glibc)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert memory._libc() is None  # memory is then left to malloc's own ways
