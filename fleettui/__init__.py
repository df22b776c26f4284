"""fleettui: watch and act on a High Mobility fleet's vehicle clearances from a terminal."""

__version__ = "0.1.0"
