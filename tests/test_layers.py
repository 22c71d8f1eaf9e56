"""The package's layers, lowest first: `vocab` and `paths` (shared words and places), `core`
(a corpus -> scores), `analysis` (tables -> findings), `data` (pinned sources -> the committed
tables), `present` (findings -> people), `cli` (every command). A module imports only from
its own layer or lower ones, and no import cycle exists, counting imports inside functions
too. `openness/__init__.py` is the public face and may import any layer."""
from __future__ import annotations

import ast
from pathlib import Path

from openness import paths

LAYERS = {"vocab": 0, "paths": 0, "core": 1, "analysis": 2, "data": 3, "present": 4, "cli": 5}
FACADE = "openness"


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = paths.PACKAGE_DIR) -> dict[str, set[str]]:
    """Module -> the openness modules it imports (anywhere in the file)."""
    files = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names if alias.name.split(".")[0] == FACADE}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                if base.split(".")[0] != FACADE:
                    continue
                for alias in node.names:  # `from openness.x import y`: y may be a module of its own
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
        graph[name] = {target for target in targets if target in files} - {name}
    return graph


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS[parts[1]] if len(parts) > 1 else None  # None: the facade


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        if layer(module) is None:
            continue
        for target in sorted(targets):
            if layer(target) is None:
                problems.append(f"{module} imports the package facade `openness`; import the module itself")
            elif layer(target) > layer(module):
                problems.append(f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first search (each reported once, from its first module)."""
    found, state = [], {}

    def visit(module: str, stack: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_every_module_belongs_to_a_layer():
    graph = import_graph()
    assert len(graph) > 30
    assert {module.split(".")[1] for module in graph if module != FACADE} == set(LAYERS)


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports(import_graph()) == []


def test_no_import_cycle():
    graph = import_graph()
    graph.pop(FACADE)  # importing any submodule runs the facade first; it imports the API only
    assert cycles(graph) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    graph = {"openness.core.a": {"openness.present.b"}, "openness.present.b": {"openness.core.a"},
             "openness.vocab": set()}
    assert upward_imports(graph) == ["openness.core.a (layer 1) imports openness.present.b (layer 4)"]
    assert cycles(graph) == [["openness.core.a", "openness.present.b", "openness.core.a"]]


def test_the_graph_sees_relative_and_late_imports(tmp_path):
    package = tmp_path / "openness"
    (package / "core").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "a.py").write_text("from .b import x\n\ndef f():\n    from openness.present import c\n")
    (package / "core" / "b.py").write_text("x = 1\n")
    (package / "present").mkdir()
    (package / "present" / "__init__.py").write_text("")
    (package / "present" / "c.py").write_text("")
    graph = import_graph(package)
    assert graph["openness.core.a"] == {"openness.core.b", "openness.present.c"}
