"""The repository carries everything its code and tests read: no path reaches the development data beside it.

A bare clone (CI clones into an empty temporary directory) has nothing next to it, so a path into
`../shared` or `/work/shared`, or one that climbs above the repository from `__file__`, only works
on a developer's machine. The scan reads code, not prose: comments and docstrings may cite where
a sample came from, Python string literals and `/` path joins may not point there, and YAML is
checked on its loaded values (comments are not values).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("src", "tests")
SKIPPED = (ROOT / "tests" / "data",)  # registry records copied verbatim, not code or configuration

# A path that names the development data: "/work/shared..." or a "../shared" segment. Written so
# that these patterns do not match their own source text.
_SHARED_PATH = re.compile(r"/work/share[d]\b|(?:^|[/\\])\.\.[/\\]share[d](?:[/\\]|$)")
_SHARED_PARTS = {"share" + "d", "share" + "d/data", "share" + "d/seeds"}


def _files(*suffixes: str) -> list[Path]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in suffixes and not any(path.is_relative_to(folder) for folder in SKIPPED):
                found.append(path)
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements (prose, never read)."""
    prose = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            prose.add(id(node.value))
    return prose


def _climb(node: ast.AST) -> int | None:
    """How many folders above the file's own an expression built from `__file__` points, or None."""
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in ("Path", "PurePath") and node.args:
            inner = _climb(node.args[0])
            return None if inner is None else inner - 1  # Path(__file__) is the file, one below its folder
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return _climb(node.func.value)
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _climb(node.value)
        return None if inner is None else inner + 1
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        inner = _climb(node.value.value)
        index = node.slice
        if inner is None or not (isinstance(index, ast.Constant) and isinstance(index.value, int)):
            return None
        return inner + index.value + 1
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        inner = _climb(node.left)
        if inner is not None and isinstance(node.right, ast.Constant) and node.right.value == "..":
            return inner + 1
        return inner
    return None


def python_findings(source: str, name: str, folders_below_root: int) -> list[str]:
    """Every place in `source` that builds a path to the development data or out of the repository.

    `folders_below_root` is how deep the file's folder is (tests/criteria: 2), so that a climb from
    `__file__` to above the repository root is recognised.
    """
    tree = ast.parse(source, name)
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            if _SHARED_PATH.search(node.value):
                found.append(f"{name}:{line}: string names the development data: {node.value!r}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            for operand in (node.left, node.right):
                if isinstance(operand, ast.Constant) and operand.value in _SHARED_PARTS:
                    found.append(f"{name}:{line}: path joins {operand.value!r}")
        climb = _climb(node)
        if climb is not None and climb > folders_below_root and not isinstance(node, ast.Name):
            found.append(f"{name}:{line}: path from __file__ climbs {climb} folder(s), above the repository")
    return sorted(set(found))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def yaml_findings(source: str, name: str) -> list[str]:
    """Every loaded YAML string (key or value, in any document) that names the development data."""
    return [
        f"{name}: value names the development data: {text!r}"
        for document in yaml.safe_load_all(source)
        for text in _strings(document)
        if _SHARED_PATH.search(text)
    ]


def test_no_code_or_data_file_reads_beside_the_repository() -> None:
    python = _files(".py")
    yamls = _files(".yaml", ".yml")
    assert len(python) > 100 and len(yamls) > 10  # the scan really ran over the sources
    found = []
    for path in python:
        relative = path.relative_to(ROOT)
        found += python_findings(path.read_text("utf-8"), str(relative), len(relative.parts) - 1)
    for path in yamls:
        found += yaml_findings(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)


# The scanner itself: these snippets are the reads this repository used to have. "shar" + "ed" keeps
# them from matching this file's own scan.
SHARED = "shar" + "ed"


@pytest.mark.parametrize(
    "snippet",
    [
        f'DATA = Path(__file__).resolve().parents[2] / ".." / "{SHARED}" / "data" / "ctgov-samples"',
        f'SAMPLES = Path(__file__).resolve().parents[2].parent / "{SHARED}" / "data" / "v2-json"',
        f'DATA = Path(__file__).resolve().parents[3] / "{SHARED}" / "data"',
        f'path = Path(__file__).resolve().parents[1].parent / "{SHARED}" / "data"',
        f'SEEDS = Path("/work/{SHARED}/seeds")',
        f'open(f"../{SHARED}/data/{{name}}")',
        f'ROOT = Path("..") / "{SHARED}/data"',
        "UP = Path(__file__).parent.parent.parent.parent",
    ],
)
def test_the_scan_flags_reads_of_the_development_data(snippet: str) -> None:
    assert python_findings(snippet, "tests/criteria/x.py", 2) != []


@pytest.mark.parametrize(
    "snippet",
    [
        f"# Sentences copied from the seed pages (/work/{SHARED}/seeds/00[0134]_*.txt).",
        f'"""Copied from ../{SHARED}/data/lct-criteria (LCT corpus)."""',
        f'def f() -> None:\n    """From ../{SHARED}/data."""',
        f'{SHARED} = json.loads(row["{SHARED}"])',
        f'url = f"{{public_url}}/{SHARED}/{{token}}"',
        'ROOT = Path(__file__).resolve().parents[2] / "docs"',
        'BUNDLED = Path(__file__).resolve().parent.parent.parent / "src"',
    ],
)
def test_the_scan_leaves_provenance_notes_and_other_words_alone(snippet: str) -> None:
    assert python_findings(snippet, "tests/criteria/x.py", 2) == []


def test_yaml_comments_may_cite_provenance_but_values_may_not() -> None:
    assert yaml_findings(f"# LCT texts from ../{SHARED}/data/lct-criteria\n- text: a\n", "a.yaml") == []
    assert yaml_findings(f"source: /work/{SHARED}/seeds/002.txt\n", "b.yaml") != []
    assert yaml_findings(f"files: [../{SHARED}/data/x.json]\n", "c.yaml") != []
    assert yaml_findings(f"note: '{{{SHARED}}} block'\n", "d.yaml") == []
