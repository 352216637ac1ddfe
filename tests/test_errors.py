"""One exception tree: every exception class the package defines descends from the root, and
the drawing in ``errors``' docstring is that tree (names, parents and defining modules)."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import needling_facts
from needling_facts import errors
from needling_facts.errors import NeedlingFactsError

# Imported by the walk only if importable: `__main__` runs the command line when imported.
_NOT_IMPORTED = {"needling_facts.__main__"}

# A drawn line: the box-drawing prefix, the class name, its description, its module.
_TREE_LINE = re.compile(r"^(?P<prefix>(?:[│ ]   )*(?:[├└]── )?)(?P<name>\w+)\s.*\s(?P<module>\S+)$")


def _package_modules() -> list[str]:
    names = [needling_facts.__name__]
    for info in pkgutil.walk_packages(needling_facts.__path__, prefix="needling_facts."):
        if info.name not in _NOT_IMPORTED:
            names.append(info.name)
    return names


def _defined_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _package_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                found[value.__name__] = value
    return found


def _drawn_tree() -> dict[str, tuple[str | None, str]]:
    """Each drawn class -> (its drawn parent, its drawn module)."""
    doc = errors.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    drawn: dict[str, tuple[str | None, str]] = {}
    ancestors: list[str] = []
    for line in block.splitlines():
        match = _TREE_LINE.match(line.removeprefix("    "))
        assert match, f"not a tree line: {line!r}"
        depth = len(match["prefix"]) // 4
        del ancestors[depth:]
        drawn[match["name"]] = (ancestors[-1] if ancestors else None, match["module"])
        ancestors.append(match["name"])
    return drawn


@pytest.fixture(scope="module")
def defined() -> dict[str, type[BaseException]]:
    return _defined_exceptions()


def test_the_walk_finds_exceptions_in_every_layer(defined: dict[str, type[BaseException]]) -> None:
    # Guards the tests below against a walk that imports too little to find anything.
    modules = {cls.__module__ for cls in defined.values()}
    assert {
        "needling_facts.errors",
        "needling_facts.library",
        "needling_facts.network.client",
        "needling_facts.sources.safe_yaml",
    } <= modules


def test_every_exception_the_package_defines_descends_from_the_root(
    defined: dict[str, type[BaseException]],
) -> None:
    outside = sorted(
        f"{cls.__module__}.{name}"
        for name, cls in defined.items()
        if not issubclass(cls, NeedlingFactsError)
    )
    assert outside == []


def test_the_docstring_draws_exactly_the_defined_classes(
    defined: dict[str, type[BaseException]],
) -> None:
    assert sorted(_drawn_tree()) == sorted(defined)


def test_each_drawn_parent_and_module_is_the_real_one(
    defined: dict[str, type[BaseException]],
) -> None:
    for name, (parent, module) in _drawn_tree().items():
        cls = defined[name]
        ours = [base.__name__ for base in cls.__bases__ if base.__name__ in defined]
        assert ours == ([parent] if parent else []), name
        assert cls.__module__ == f"needling_facts.{module}", name


def test_former_builtin_bases_are_kept_for_existing_except_clauses(
    defined: dict[str, type[BaseException]],
) -> None:
    assert issubclass(defined["UnknownClaimError"], KeyError)
    assert issubclass(defined["UnknownReferenceError"], KeyError)
    assert issubclass(defined["ResponseFormatError"], ValueError)


def test_exit_codes_one_for_errors_two_for_usage() -> None:
    assert NeedlingFactsError("x").exit_code == 1
    assert errors.UsageError("x").exit_code == 2
    assert errors.MissingExtraError("pages", "docs").exit_code == 1


def test_an_unknown_claim_is_caught_as_a_key_error_and_as_ours(
    bundled: needling_facts.Library,
) -> None:
    with pytest.raises(KeyError):
        bundled.claim("no-such-claim")
    with pytest.raises(NeedlingFactsError, match="no claim 'no-such-claim'"):
        bundled.claim("no-such-claim")
