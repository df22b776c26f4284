"""The demo's defaults: the fleet `fleettui --demo` (and the setup screen's "open the
demo") runs the in-process simulator with. Here, not in the CLI, so the app and the CLI
both read them without importing each other or the simulator."""

from __future__ import annotations

#: Vehicles in the demo fleet.
DEMO_VEHICLES = 300
#: Simulated seconds per real second: vehicles visibly move from pending while you watch.
DEMO_SPEED = 600.0
#: Vehicle data calls a minute the demo's simulator takes before 429: above the demo's
#: data-check budget (config.data_checks.DEMO_PER_SECOND, 4 a second), so its 300 cars are
#: all seen in about a minute.
DEMO_DATA_LIMIT = 300
