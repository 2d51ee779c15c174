"""Running hostile input in a child process under a memory and CPU cap, so a regression fails one test
instead of taking the machine down."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

_SRC = Path(__file__).resolve().parents[2] / "src"
_READER = Path(__file__).resolve().parent / "read_path_child.py"
MEMORY_CAP_BYTES = 1024 * 1024 * 1024


def _caps(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_confined(
    args: list[str], *, memory_bytes: int = MEMORY_CAP_BYTES, cpu_seconds: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python args...` with this checkout's src first on the path, under the caps."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(_SRC), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=cpu_seconds * 3,
        preexec_fn=lambda: _caps(memory_bytes, cpu_seconds),
        check=False,
    )


def read_confined(path: Path, **caps: int) -> list[dict[str, Any]]:
    """What `read_path` yields for `path`, read in a capped child: one dict per item (kind, id, text)."""
    done = run_confined([str(_READER), str(path)], **caps)
    if done.returncode != 0:
        raise AssertionError(
            f"reading {path.name} under a {caps.get('memory_bytes', MEMORY_CAP_BYTES) >> 20} MiB cap failed "
            f"with exit status {done.returncode}:\n{done.stderr[-3000:]}"
        )
    items: list[dict[str, Any]] = json.loads(done.stdout)
    return items
