"""The package and data versions, in a module that every layer may import."""

__version__ = "0.1.0"
DATA_VERSION = "2026.11.24"
"""Version of the bundled claims and references (date of the last content change)."""
