"""Write the JSON Schemas generated from Eligo's input models into docs/schemas/ (tests check they are current)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from eligo.patients.profile import PatientProfile
from eligo.schedule.payload import schedule_schema

GENERATED = {"patient-profile.json": PatientProfile}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    target = Path(__file__).resolve().parents[1] / "docs" / "schemas"
    for name, model in GENERATED.items():
        (target / name).write_text(render(model), encoding="utf-8")
    # The output of `eligo schedule --format json` (issue #16), generated from its payload model.
    (target / "schedule.json").write_text(json.dumps(schedule_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    sys.stdout.write(f"wrote {', '.join(GENERATED)}, schedule.json to {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
