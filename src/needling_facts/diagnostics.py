"""Diagnostics: every problem has a stable code, a severity and the place it is about.

A code is declared once, at the top of the module that emits it (the lowest one, when several
do), and emitted through the object the declaration returns::

    BIB_DUPLICATE_KEY = declare_code(
        "bib.duplicate-key", Severity.ERROR, "Two entries share a citation key.", "@article{K,}..."
    )
    ...
    problems.append(BIB_DUPLICATE_KEY.at(path, line, col, "message"))

A misspelt code is then a name that mypy and ruff reject, not a run-time surprise on one rare
path. The declarations fill `CODES`, the registry the handbook's Diagnostics page is generated
from; declaring a code twice raises while the second module is imported.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CODES", "CodeInfo", "Problem", "Severity", "declare_code"]


class Severity(StrEnum):
    """How bad a problem is: errors fail ``check`` and the strict build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a diagnostic code means, with a minimal input that triggers it (for the handbook)."""

    code: str
    severity: Severity
    summary: str
    example: str

    def at(self, path: str, line: int, col: int, message: str) -> Problem:
        """A problem with this code at ``path``, ``line`` and ``col`` (1-based)."""
        return Problem(path, line, col, self.code, message)


DECLARING_MODULES = (
    "sources.links",
    "sources.citation_syntax",
    "sources.safe_yaml",
    "sources.records",
    "sources.searches",
    "sources.claim_files",
    "sources.bibtex.read",
    "checks.claims",
    "checks.bodies",
    "checks.evidence",
    "checks.statistics",
    "checks.records",
    "checks.searches",
    "loading",
    "site.files",
    "site.handbook",
)
"""Every module (below ``needling_facts``) that declares codes; a test keeps the list whole."""


class _Registry(Mapping[str, CodeInfo]):
    """Every declared code, in code order; reading all of it imports `DECLARING_MODULES`.

    The declaring modules sit in higher layers than this one, so they cannot be imported here
    at import time; they are imported on the first read that needs every code (the handbook
    page, an unknown code). Looking up a code whose module is already imported (every problem
    a check emits) imports nothing.
    """

    def __init__(self) -> None:
        self._declared: dict[str, CodeInfo] = {}
        self._declared_in: dict[str, str] = {}
        self._complete = False

    def declare(self, info: CodeInfo, module: str) -> CodeInfo:
        existing = self._declared.get(info.code)
        if existing is not None:
            if existing == info and self._declared_in[info.code] == module:
                return existing  # the same module imported again (importlib.reload)
            raise ValueError(
                f"diagnostic code {info.code!r} is declared twice: in "
                f"{self._declared_in[info.code]} and in {module}"
            )
        self._declared[info.code] = info
        self._declared_in[info.code] = module
        return info

    def _every_code(self) -> dict[str, CodeInfo]:
        if not self._complete:
            for name in DECLARING_MODULES:
                importlib.import_module(f"needling_facts.{name}")
            self._complete = True
        return self._declared

    def __getitem__(self, code: str) -> CodeInfo:
        info = self._declared.get(code)
        return info if info is not None else self._every_code()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._every_code()))

    def __len__(self) -> int:
        return len(self._every_code())

    def __repr__(self) -> str:
        return f"CODES({sorted(self._every_code())!r})"


_REGISTRY = _Registry()
CODES: Mapping[str, CodeInfo] = _REGISTRY
"""Every diagnostic code, sorted (so namespaces stay together), to what it means."""


def declare_code(code: str, severity: Severity, summary: str, example: str) -> CodeInfo:
    """Register a diagnostic code; its emitting sites use the returned `CodeInfo`.

    ``summary`` and ``example`` are the handbook's Diagnostics page. A code that another
    declaration already holds raises `ValueError`, naming both modules.
    """
    # The caller's module names where the code lives, for the duplicate-declaration message.
    module = sys._getframe(1).f_globals.get("__name__", "?")
    return _REGISTRY.declare(CodeInfo(code, severity, summary, example), module)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located diagnostic. Lines and columns are 1-based."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered diagnostic code {self.code!r}")

    @property
    def severity(self) -> Severity:
        """The severity its code is declared with."""
        return CODES[self.code].severity

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {self.code} {prefix}{self.message}"
