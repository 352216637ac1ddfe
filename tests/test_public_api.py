from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import needling_facts as nf
from needling_facts import _renamed

# Modules whose public names make up the package's API, and names they export for the
# package's own use only.
FACADE_MODULES = tuple(nf._PUBLIC)
INTERNAL = {
    "DOMAINS_OF",
    "CLAIM_ID_PATTERN",
    "HIGH_START_DESIGNS",
    "REVIEW_DESIGNS",
    "ROB2_DOMAINS",
    "ROBINS_I_DOMAINS",
    "judgement_label",
    "declare_code",
    "replace_citations",
    "bundled_paths",
    "load_from",
    "repository_paths",
}


@pytest.mark.parametrize("module_name", FACADE_MODULES)
def test_facade_is_complete(module_name: str) -> None:
    module = importlib.import_module(f"needling_facts.{module_name}")
    missing = set(module.__all__) - set(nf.__all__) - INTERNAL
    assert not missing, f"add to needling_facts.__all__: {sorted(missing)}"


def test_every_exported_name_resolves_to_its_module_object() -> None:
    for name in nf.__all__:
        value = getattr(nf, name)
        assert value is not None
        for module_name in FACADE_MODULES:
            module = importlib.import_module(f"needling_facts.{module_name}")
            if name in getattr(module, "__all__", ()):
                assert value is getattr(module, name)
    assert sorted(nf.__all__) == sorted(set(nf.__all__))
    assert set(nf.__all__) <= set(dir(nf))


def test_import_parses_nothing_and_loads_no_heavy_module() -> None:
    code = (
        "import sys, needling_facts; "
        "heavy = ('pydantic', 'bibtexparser', 'yaml', 'mkdocs', 'citeproc'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="does_not_exist"):
        getattr(nf, "does_not_exist")  # noqa: B009


@pytest.mark.parametrize("old", sorted(_renamed.RENAMED))
def test_renamed_modules_keep_working_with_a_deprecation_warning(old: str) -> None:
    sys.modules.pop(f"needling_facts.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"needling_facts.{old} is deprecated"):
        module = importlib.import_module(f"needling_facts.{old}")
    for new in _renamed.RENAMED[old]:
        target = importlib.import_module(f"needling_facts.{new}")
        for name in target.__all__:
            assert getattr(module, name) is getattr(target, name)


def test_old_model_imports_still_resolve() -> None:
    sys.modules.pop("needling_facts.models", None)
    with pytest.warns(DeprecationWarning, match="needling_facts.models is deprecated"):
        from needling_facts.models import Claim, Outcome, Reference  # type: ignore[import-not-found,import-untyped,unused-ignore]

    assert (Claim, Outcome, Reference) == (nf.Claim, nf.Outcome, nf.Reference)


def test_type_checking_imports_match_the_runtime_declaration() -> None:
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(nf))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    )
    typed = {
        (str(node.module).removeprefix("needling_facts."), alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    declared = {(module, name) for module, names in nf._PUBLIC.items() for name in names}
    assert typed == declared
