"""The layering rules of DESIGN.md, checked on the source with ``ast``: no import cycle
among project modules, and consumers that never pay for z3 or the generators at import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("generators", "verifiers", "templates", "cards", "trainers", "benchmarks")


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every project module (packages as their __init__)."""
    out = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(f.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = f
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str, module_level_only: bool = False) -> set[str]:
    """Dotted names ``name`` imports (all of them: inside functions too, unless asked)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    base = name if _is_package(name) else name.rpartition(".")[0]
    nodes = _outside_functions(tree) if module_level_only else ast.walk(tree)
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = base.split(".")
                pkg = pkg[: len(pkg) - (node.level - 1)]
                mod = ".".join([*pkg, node.module] if node.module else pkg)
            else:
                mod = node.module or ""
            subs = {f"{mod}.{a.name}" for a in node.names} & MODULES.keys()
            out.update(subs)
            if len(subs) < len(node.names):  # some names are attributes of ``mod`` itself
                out.add(mod)
    return out


def _outside_functions(tree: ast.Module) -> list[ast.AST]:
    """Every node that runs at import: module level, inside if/try blocks too, not in functions."""
    out, stack = [], list(tree.body)
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))
    return out


def _graph() -> dict[str, set[str]]:
    return {m: {i for i in _imports(m) if i in MODULES and i != m} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    """Every import counts, lazy ones inside functions too: a lazy import hides a cycle."""
    assert _cycles(_graph()) == []


CONSUMERS = [
    m
    for m in MODULES
    if m.split(".")[0] in ("trainers", "benchmarks", "verifiers")
    and not m.startswith("verifiers.solver")
]


@pytest.mark.parametrize("module", CONSUMERS)
def test_consumers_import_neither_z3_nor_generators(module):
    bad = {
        i
        for i in _imports(module, module_level_only=True)
        if i.split(".")[0] == "z3"
        or i.split(".")[0] == "generators"
        or i.startswith("verifiers.solver")
    }
    assert not bad, f"{module} imports {sorted(bad)} at module level"
