"""Deprecated: renamed `needling_facts.rendering.stylesheet` ("style" means the citation style)."""

import warnings

from .stylesheet import STYLESHEET

__all__ = ["STYLESHEET"]

warnings.warn(
    "needling_facts.rendering.style is renamed needling_facts.rendering.stylesheet",
    DeprecationWarning,
    stacklevel=2,
)
