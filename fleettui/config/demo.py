"""The demo's defaults: the fleet `fleettui --demo` (and the setup screen's "open the
demo") runs the in-process simulator with. Here, not in the CLI, so the app and the CLI
both read them without importing each other or the simulator."""

from __future__ import annotations

#: Vehicles in the demo fleet.
DEMO_VEHICLES = 300
#: Simulated seconds per real second: vehicles visibly move from pending while you watch.
DEMO_SPEED = 600.0
