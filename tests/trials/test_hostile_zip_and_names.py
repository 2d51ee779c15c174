"""Hostile archives and names (issue #11, item 20): an overlapping-entry zip bomb is refused before any
member is read, and names with terminal escapes or bytes that are not UTF-8 are shown escaped, on the
terminal and in `--format json`."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

from tests.support.confined import read_confined
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.trials.model import ImportProblem
from eligo.trials.readers import read_path

MiB = 1024 * 1024


def overlapping_zip(copies: int) -> bytes:
    """One 49 MB member (about 50 KB deflated) listed `copies` times in the central directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("studies.json", b" " * (49 * MiB))
    data = buffer.getvalue()
    end = data.rindex(b"PK\x05\x06")
    (directory_offset,) = struct.unpack("<I", data[end + 16 : end + 20])
    directory = data[directory_offset:end] * copies
    record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, copies, copies, len(directory), directory_offset, 0)
    return data[:directory_offset] + directory + record


def test_a_zip_whose_entries_overlap_is_refused_without_reading_them(tmp_path: Path) -> None:
    # 200 entries over one member: 60 KB that read as 9.8 GB.
    bomb = overlapping_zip(200)
    assert len(bomb) < 70_000
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb)
    items = read_confined(path, memory_bytes=512 * MiB, cpu_seconds=60)
    assert [item["kind"] for item in items] == ["ImportProblem"]
    assert "entries overlap" in items[0]["text"] and "bomb.zip" in items[0]["text"]


def test_an_ordinary_zip_is_not_taken_for_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.json", "{}")
        archive.writestr("b/", "")
        archive.writestr("c.json", "[]")
    assert not any("overlap" in str(item) for item in read_path(path))


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9bevil.json"


def test_member_names_with_terminal_escapes_are_printed_escaped(tmp_path: Path) -> None:
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(ESCAPES, "{not json")
    [problem] = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    text = str(problem)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text)
    assert "\\x1b]0;owned\\x07\\x1b[2J\\x9bevil.json" in text

    result = CliRunner().invoke(app, ["import", str(path), "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\\x1b]0;owned" in result.output


def test_json_output_stays_utf8_for_a_file_name_that_is_not(tmp_path: Path) -> None:
    directory = tmp_path / "in"
    directory.mkdir()
    (directory / os.fsdecode(b"caf\xe9-\x1b[31m.json")).write_bytes(b"{not json")
    result = CliRunner().invoke(
        app, ["import", str(directory), "--db", f"sqlite:///{tmp_path / 'e.db'}", "--format", "json"]
    )
    assert result.exit_code == 1
    payload = json.loads(result.stdout_bytes.decode("utf-8"))
    [problem] = payload["problems"]
    assert "caf\\udce9-\\x1b[31m.json" in problem
