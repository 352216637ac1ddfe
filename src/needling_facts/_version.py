"""The package and data versions, in a module that every layer may import."""

__version__ = "0.4.0"
DATA_VERSION = "2026.12.07.1"
"""Version of the bundled claims and references: the date of the last content change, with a
serial after a second dot when a day has more than one."""
