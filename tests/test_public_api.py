from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import needling_facts as nf

# Modules whose public names make up the package's API, and names they export for the
# package's own use only.
FACADE_MODULES = (
    "models",
    "library",
    "problems",
    "citation_syntax",
    "loading",
    "effects",
    "risk_of_bias",
    "grading",
    "totals",
)
INTERNAL = {
    "CLAIM_ID_PATTERN",
    "CONTROLLED_DESIGNS",
    "RANDOMISED_DESIGNS",
    "REVIEW_DESIGNS",
    "ROB2_DOMAINS",
    "ROBINS_I_DOMAINS",
    "judgement_label",
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


def test_renamed_modules_keep_working_with_a_deprecation_warning() -> None:
    import importlib
    import sys
    import warnings

    sys.modules.pop("needling_facts.rendering.style", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = importlib.import_module("needling_facts.rendering.style")
    from needling_facts.rendering.stylesheet import STYLESHEET

    assert old.STYLESHEET is STYLESHEET
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    from needling_facts import exports, jsonld

    assert exports.claim_jsonld is jsonld.claim_jsonld
    assert exports.SOURCE_ARTICLE == jsonld.SOURCE_ARTICLE


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
        (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    declared = {(module, name) for module, names in nf._PUBLIC.items() for name in names}
    assert typed == declared
