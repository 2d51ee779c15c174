"""Reading Eligo's own YAML data files (vocabularies, wording): libyaml's parser when PyYAML has it,
and `load_model` for the usual case, a file shipped in a package validated into one pydantic model.

`yaml.CSafeLoader` builds the same objects as `yaml.safe_load` (the same safe constructor and
resolver, the parser in C) about ten times faster; the vocabularies are read at every start.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Model = TypeVar("Model", bound=BaseModel)


def load_yaml(text: str) -> Any:
    """The data in `text`, as `yaml.safe_load` gives it."""
    return yaml.load(text, Loader=_LOADER)


def load_model(model: type[Model], package: str, name: str) -> Model:
    """The YAML file `name` shipped in `package` ("eligo.explain", "wording.yaml"), validated into `model`."""
    return model.model_validate(load_yaml(files(package).joinpath(name).read_text(encoding="utf-8")))
