"""Old module paths (0.2) keep importing, with a DeprecationWarning naming the new place.

``import needling_facts.models`` still works: a meta-path finder answers for each old name with
a module that holds the public names of the module(s) that replaced it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence

__all__ = ["RENAMED", "install"]

_P = "needling_facts."

RENAMED: dict[str, tuple[str, ...]] = {
    "models": ("evidence.vocabulary", "evidence.reference", "evidence.item", "evidence.claim"),
    "effects": ("evidence.effects",),
    "risk_of_bias": ("evidence.risk_of_bias",),
    "grading": ("evidence.grade",),
    "totals": ("evidence.totals",),
    "wording": ("evidence.hedging",),
    "problems": ("diagnostics",),
    "citation_syntax": ("sources.citation_syntax",),
    "bibliography": ("sources.bibtex.read",),
    "bibformat": ("sources.bibtex.layout",),
    "claim_files": ("sources.claim_files",),
    "records": ("sources.records",),
    "safe_read": ("sources.safe_read",),
    "safe_write": ("sources.safe_write",),
    "sanitize": ("render.sanitize", "sources.links"),
    "csl": ("render.csl", "export.csl_json"),
    "jsonld": ("export.jsonld",),
    "exports": ("export.library_json", "export.json_schema", "export.csl_json", "export.jsonld"),
    "rendering": ("render",),
    "rendering.style": ("render.stylesheet",),
    "rendering.stylesheet": ("render.stylesheet",),
    "plugin": ("engines.mkdocs",),
    "contrib": ("edit.fmt", "edit.add", "edit.new_claim"),
}
"""Old module name -> the modules that now hold its public names (relative to the package).

``checks`` and ``site`` are not here: those names are packages now."""


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        old = fullname.removeprefix(_P)
        if not fullname.startswith(_P) or old not in RENAMED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        new = RENAMED[module.__name__.removeprefix(_P)]
        warnings.warn(
            f"{module.__name__} is deprecated; import from "
            + " or ".join(_P + name for name in new),
            DeprecationWarning,
            stacklevel=2,
        )
        names: list[str] = []
        for name in new:
            target = importlib.import_module(_P + name)
            for attr in getattr(target, "__all__", ()):
                setattr(module, attr, getattr(target, attr))
                names.append(attr)
        module.__all__ = names  # type: ignore[attr-defined]
        module.__path__ = []  # so that old submodule names (``rendering.style``) resolve too


def install() -> None:
    """Answer for the old names (once per interpreter)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
