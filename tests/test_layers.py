"""The package's imports follow the data flow: no cycle, and no layer imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import needling_facts

PACKAGE = Path(needling_facts.__file__).parent

# Lowest first; a module may import its own layer's modules and every layer before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version", "_cache", "errors", "diagnostics", "_renamed"),
    ("evidence",),
    ("sources",),
    ("checks",),
    ("library", "loading"),
    ("export",),
    ("render",),
    ("site",),
    ("engines", "edit", "network"),
    ("cli",),
    ("__init__", "__main__", "markdown_ext"),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name.replace('.', '/')}.py").is_file() or (
        PACKAGE / name.replace(".", "/") / "__init__.py"
    ).is_file()


def _imports(path: Path) -> set[str]:
    """Package-internal modules ``path`` imports, as dotted names relative to the package."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package and package != "__init__" else []
                base = base[: len(base) - (node.level - 1)]
                modules = [".".join([*base, node.module] if node.module else base)]
                modules = ["needling_facts." + m if m else "needling_facts" for m in modules]
            else:
                modules = [node.module or ""]
            modules += [f"{modules[0]}.{a.name}" for a in node.names]
        else:
            continue
        for module in modules:
            if module.startswith("needling_facts."):
                inner = module.removeprefix("needling_facts.")
                if _is_module(inner):
                    found.add(inner)
    return found


def _graph() -> dict[str, set[str]]:
    return {
        _module_name(path): _imports(path) - {_module_name(path)}
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _layer(module: str) -> int:
    top = module.split(".", maxsplit=1)[0]
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add its folder to LAYERS")


def test_every_module_belongs_to_a_layer() -> None:
    for module in _graph():
        _layer(module)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, targets in _graph().items()
        for target in targets
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    graph = {
        m: {t for t in ts if graph.get(t) is not None and not m.startswith(t + ".")}
        for m, ts in graph.items()
    }
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            raise AssertionError(
                "import cycle: " + " -> ".join([*path[path.index(module) :], module])
            )
        if module in done:
            return
        path.append(module)
        for target in sorted(graph.get(module, ())):
            visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_graph_sees_imports() -> None:
    # Guards the tests above against a parser that finds nothing (they would pass vacuously).
    graph = _graph()
    assert "evidence.claim" in graph["library"]
    assert "sources.links" in graph["render.sanitize"]
    assert "engines.markdown" in graph["markdown_ext"]
    assert _layer("cli.commands") > _layer("render.pages") > _layer("library")
