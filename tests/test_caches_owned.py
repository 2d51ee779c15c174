"""Caches have one owner (issue #10): no module of src/eligo keeps a cache of store data or of visitors at
module level; `eligo.process.Caches`, made by the entry points, holds them all."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "eligo"
CACHE_TYPES = {"BoundedCache", "ParsedCriteriaCache"}


def _called_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return None


def test_no_module_level_cache_outside_the_owner() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if value is not None and _called_name(value) in CACHE_TYPES:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
        found.extend(
            f"{path.relative_to(SRC)}:{node.lineno} global" for node in ast.walk(tree) if isinstance(node, ast.Global)
        )
    assert found == []
