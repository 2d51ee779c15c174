"""Registry studies generated from a bundled record for the import tests: any NCT id, and hostile variants."""

from __future__ import annotations

import json
from typing import Any

from eligo.trials.bundled import bundled_paths

_TEMPLATE = next(path for path in bundled_paths() if path.name == "NCT01370330.json")


def study(number: int) -> dict[str, Any]:
    """A real bundled API v2 study under another NCT id."""
    record: dict[str, Any] = json.loads(_TEMPLATE.read_text(encoding="utf-8"))
    record["protocolSection"]["identificationModule"]["nctId"] = f"NCT{number:08d}"
    return record


def study_bytes(number: int) -> bytes:
    return json.dumps(study(number)).encode()


def with_raw_enrollment(number: int, raw: bytes) -> bytes:
    """A study whose enrollment count is `raw` bytes, as a hostile exporter would write them."""
    record = study(number)
    record["protocolSection"].setdefault("designModule", {})["enrollmentInfo"] = {"count": 12345}
    return json.dumps(record).encode().replace(b'"count": 12345', b'"count": ' + raw)


def deep(levels: int) -> bytes:
    """`levels` nested empty arrays."""
    return b"[" * levels + b"]" * levels
