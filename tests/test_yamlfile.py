"""Every YAML data file Eligo ships reads the same through libyaml as through PyYAML's own parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from eligo.explain.verdicts import Wording, wording
from eligo.yamlfile import load_model, load_yaml

SRC = Path(__file__).resolve().parents[1] / "src" / "eligo"


def test_shipped_yaml_reads_the_same_with_the_fast_loader() -> None:
    paths = sorted(SRC.rglob("*.yaml"))
    assert len(paths) >= 10
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.safe_load(text), path.name


def _duplicate_keys(node: yaml.Node, where: str) -> list[str]:
    """Keys a mapping in `node` (at any depth) gives twice: YAML keeps the last silently."""
    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                found.append(f"{where}:{key.start_mark.line + 1}: {name}")
            seen.add(name)
            found += _duplicate_keys(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item, where)
    return found


def test_shipped_yaml_names_no_key_twice() -> None:
    # Two rounds of vocabulary work once both added "ureteral_stent" to one file: the second entry silently
    # replaced the first, and with it the narrower term it held.
    duplicates: list[str] = []
    for path in sorted(SRC.rglob("*.yaml")):
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        if root is not None:
            duplicates += _duplicate_keys(root, path.relative_to(SRC).as_posix())
    assert duplicates == []


def test_a_repeated_key_is_found() -> None:
    root = yaml.compose("a:\n  b: 1\n  b: 2\n", Loader=yaml.SafeLoader)
    assert root is not None and _duplicate_keys(root, "x") == ["x:3: b"]


def test_the_fast_loader_is_still_safe() -> None:
    hostile = "!!python/object/apply:os.system ['echo pwned']"
    try:
        load_yaml(hostile)
    except yaml.YAMLError:
        return
    raise AssertionError("a python/object tag was constructed")


def test_load_model_validates_a_shipped_file() -> None:
    assert load_model(Wording, "eligo.explain", "wording.yaml") == wording()

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        nothing: str

    with pytest.raises(ValidationError):
        load_model(Strict, "eligo.explain", "wording.yaml")
