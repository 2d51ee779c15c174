"""The import graph of src/eligo, read from the source with `ast`, has no cycle (issues #10, #14).

No cycle among the packages of src/eligo; the store imports no people feature, and no feature reads
another feature's rows (it asks that feature's service). Every import counts: module level, inside
functions (the lazy imports the CLI uses for start-up time) and under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "eligo"
# The packages the rule engine is made of. `rules` (the rule kinds, one module each, and what they share:
# base models, composites, the drug vocabulary, the prefilter) sits below `criteria` (criteria text:
# sections, the tree, parsing a trial, questions, stats), which uses the kinds and never the reverse.
ENGINE = frozenset({"trials", "criteria", "rules", "patients", "matching", "explain"})
# The people features: each owns its records, its rows (`rows.py`, SQLAlchemy Core) and its service (issue #14).
PEOPLE_FEATURES = frozenset({"accounts", "alerts", "compare", "notes", "referrals"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, modules: Iterable[str]) -> set[str]:
    """Every eligo module `path` imports, wherever the import statement is."""
    known = set(modules)
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            # `from eligo.store import rows` imports the module eligo.store.rows.
            found.update(f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in known)
    return {module for module in found if module in known}


def package_of(module: str) -> str:
    """The folder (or top-level module) under eligo a module belongs to: eligo.criteria.parse -> criteria."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        source = package_of(module_name(path))
        graph.setdefault(source, set())
        for target in imported_modules(path, modules):
            if package_of(target) != source:
                graph[source].add(package_of(target))
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """The strongly connected sets of more than one node (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.add(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(frozenset(members))
    return found


def test_the_graph_is_read_from_every_kind_of_import() -> None:
    graph = package_graph()
    assert {"criteria", "trials"} <= graph["matching"]  # module level
    assert "web" in graph["cli"]  # only inside a function: `eligo serve` imports the web lazily
    assert "matching" in graph["explain"]


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_cycle_among_the_engine_packages() -> None:
    graph = package_graph()
    engine = {source: targets & ENGINE for source, targets in graph.items() if source in ENGINE}
    found = cycles(engine)
    assert not found, f"import cycles among the engine packages: {[sorted(c) for c in found]}"


def test_the_rule_kinds_sit_below_the_criteria_text() -> None:
    """criteria (sections, tree, parse, questions) uses the rule kinds; the kinds never import criteria."""
    graph = package_graph()
    assert "rules" in graph["criteria"]
    assert "criteria" not in graph["rules"], "eligo.rules imports eligo.criteria"
    assert not graph["rules"] & {"matching", "explain"}


def test_no_cycle_among_the_packages() -> None:
    found = cycles(package_graph())
    assert not found, f"import cycles among the packages of src/eligo: {[sorted(c) for c in found]}"


def module_imports() -> dict[str, set[str]]:
    """{module: the eligo modules it imports}, for every module of src/eligo."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imported_modules(path, modules) for path in paths}


def test_the_store_imports_no_people_feature() -> None:
    graph = package_graph()
    assert set(graph) >= PEOPLE_FEATURES, "a people feature is missing: is PEOPLE_FEATURES out of date?"
    assert not graph["store"] & PEOPLE_FEATURES, sorted(graph["store"] & PEOPLE_FEATURES)


def test_the_store_only_writes_what_the_import_pipeline_finished() -> None:
    """Overlays, geocoding and criteria parsing are the import pipeline's (`eligo.finish`); the store only
    declares the finisher it calls (issue #14). Its distance SQL may use `eligo.geo.distance`, the plain maths."""
    imports = module_imports()
    assert "eligo.store.writer" in imports
    finishing = {"eligo.geo", "eligo.geo.places", "eligo.geo.gazetteer", "eligo.geo.city_index", "eligo.trials.overlay"}
    found = [
        f"{module} -> {target}"
        for module, targets in imports.items()
        if package_of(module) == "store"
        for target in targets
        if target in finishing or package_of(target) == "criteria"
    ]
    assert found == []
    assert {"eligo.trials.overlay", "eligo.geo", "eligo.criteria.parse"} <= imports["eligo.finish"]


def test_no_feature_imports_another_features_rows() -> None:
    found = [
        f"{module} -> {target}"
        for module, targets in module_imports().items()
        for target in targets
        if target.endswith(".rows")
        and package_of(target) in PEOPLE_FEATURES
        and package_of(module) in PEOPLE_FEATURES
        and package_of(module) != package_of(target)
    ]
    assert found == []


def test_each_people_feature_owns_its_rows() -> None:
    for feature in PEOPLE_FEATURES:
        assert (PACKAGE / feature / "rows.py").is_file(), feature


# The web shell (issue #14): a route module imports eligo.web.* and its own feature (with accounts, which
# every feature builds on), never another route module; shared pages ask the registered features instead.
ROUTE_FEATURES = {
    "account": "accounts",
    "admin": "referrals",
    "alerts": "alerts",
    "compare": "compare",
    "notes": "notes",
    "referrals": "referrals",
}


def test_no_route_module_imports_another() -> None:
    imports = module_imports()
    routes = [module for module in imports if module.startswith("eligo.web.routes.")]
    assert {"eligo.web.routes.account", "eligo.web.routes.notes", "eligo.web.routes.pages"} <= set(routes)
    found = [
        f"{module} -> {target}"
        for module in routes
        for target in imports[module]
        if target.startswith("eligo.web.routes") and target != module
    ]
    assert found == []


def test_a_route_module_imports_only_its_own_people_feature() -> None:
    imports = module_imports()
    found = []
    for module, targets in imports.items():
        if not module.startswith("eligo.web.routes."):
            continue
        own = {"accounts", ROUTE_FEATURES.get(module.rsplit(".", 1)[1], "accounts")}
        found.extend(f"{module} -> {target}" for target in targets if package_of(target) in PEOPLE_FEATURES - own)
    assert found == []


def test_sqlalchemy_only_in_the_store_and_the_features_rows() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if package_of(name) == "store" or name.endswith(".rows"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules = [node.module or ""]
            else:
                continue
            found.extend(f"{name}: {module}" for module in modules if module.split(".")[0] == "sqlalchemy")
    assert found == []
