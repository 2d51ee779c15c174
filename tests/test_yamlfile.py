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
