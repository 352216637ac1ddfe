"""The handbook's CSS (not a citation style: those are CSL styles, see `csl`), shipped with the
plugin so a site needs no extra files.

The rules live in one file, ``handbook.css`` beside this module; `STYLESHEET` is its text.
"""

from importlib.resources import files

__all__ = ["STYLESHEET"]

STYLESHEET = files("needling_facts.render").joinpath("handbook.css").read_text(encoding="utf-8")
"""Every rule the generated pages need, read once from the shipped ``handbook.css``."""
