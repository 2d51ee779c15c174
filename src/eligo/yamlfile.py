"""Reading Eligo's own YAML data files (vocabularies, wording): libyaml's parser when PyYAML has it.

`yaml.CSafeLoader` builds the same objects as `yaml.safe_load` (the same safe constructor and
resolver, the parser in C) about ten times faster; the vocabularies are read at every start.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data in `text`, as `yaml.safe_load` gives it."""
    return yaml.load(text, Loader=_LOADER)
