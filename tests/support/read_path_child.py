"""Child process for tests.support.confined: read one path and print what the reader yields as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eligo.trials.readers import read_path


def main() -> None:
    items = [
        {"kind": type(item).__name__, "id": getattr(item, "nct_id", None), "text": str(item)}
        for item in read_path(Path(sys.argv[1]))
    ]
    sys.stdout.write(json.dumps(items))


if __name__ == "__main__":
    main()
