"""The one compiled part: `fleettui.cli._run_lines`, `list --json`'s reader of the usual
vehicles (fleettui/cli/_run_lines.c). Optional: without a C compiler the install goes on
without it, and the listing reads every vehicle the Python way (the same bytes)."""

from setuptools import Extension, setup

setup(
    ext_modules=[Extension("fleettui.cli._run_lines", ["fleettui/cli/_run_lines.c"], optional=True)]
)
