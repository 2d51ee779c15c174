"""Streaming import of registry files: detect each file's format from its content and yield trials or problems."""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING

import ijson

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.legacy_xml import ROOT_TAG, clinical_study_to_trial
from eligo.trials.model import ImportProblem, Trial

if TYPE_CHECKING:
    from eligo.trials.overlay import OverlayPatch

# One study, even with results, is a few MB; anything bigger read whole would be a memory hazard.
MAX_WHOLE_DOCUMENT_BYTES = 50 * 1024 * 1024
# A JSON Lines line longer than this is not a study, and we will not buffer it to find out.
_MAX_LINE_BYTES = 16 * 1024 * 1024
_SNIFF_BYTES = 4096
_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_YAML_START = re.compile(r"^(---|%YAML|[A-Za-z_][\w .-]*:(\s|$)|-\s)")

Opener = Callable[[], IO[bytes]]
ReadResult = Iterator["Trial | OverlayPatch | ImportProblem"]


class Kind(StrEnum):
    """What a file's first bytes say it is."""

    EMPTY = "empty"
    ZIP = "zip"
    JSON = "json"
    XML = "xml"
    YAML = "yaml"
    UNKNOWN = "unknown"


def read_path(path: Path) -> ReadResult:
    """Yield every trial (and overlay patch) in a file, zip or directory (recursively, in sorted
    order), and a problem for each bad record.

    Never raises for bad input: an unreadable file or record becomes an `ImportProblem` and reading goes on.
    """
    if path.is_dir():
        for file in _files_under(path):
            yield from _read_file(file)
    elif path.exists():
        yield from _read_file(path)
    else:
        yield ImportProblem("no such file or directory", file=str(path))


def sniff(head: bytes) -> Kind:
    """Classify content by its first bytes: zip magic, then the first non-blank character."""
    if head.startswith(_ZIP_MAGIC):
        return Kind.ZIP
    text = head.removeprefix(_BOM).lstrip()
    if not text:
        return Kind.EMPTY
    if text[:1] in (b"{", b"["):
        return Kind.JSON
    if text[:1] == b"<":
        return Kind.XML
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as err:
        # The sniffed bytes may end inside a multi-byte character; anything earlier is binary.
        if err.start < len(text) - 3:
            return Kind.UNKNOWN
        decoded = text[: err.start].decode("utf-8")
    lines = (line for line in decoded.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    first = next(lines, "")
    return Kind.YAML if first and _YAML_START.match(first) else Kind.UNKNOWN


def _files_under(root: Path) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(root):
        # Hidden entries (.git, .DS_Store) are tool or OS metadata, never registry records.
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory) / name


def _head(opener: Opener) -> bytes:
    """The first bytes that are not whitespace (skipping leading blank space of any length), for sniffing."""
    with opener() as stream:
        start = stream.read(_SNIFF_BYTES)
        if not start.startswith(_ZIP_MAGIC):
            while start and not start.removeprefix(_BOM).strip():
                start = stream.read(_SNIFF_BYTES)
        return start


def _read_file(path: Path) -> ReadResult:
    name = str(path)

    def opener() -> IO[bytes]:
        return path.open("rb")

    try:
        kind = sniff(_head(opener))
    except OSError as err:
        yield ImportProblem(f"cannot read: {err.strerror or err}", file=name)
        return
    if kind is Kind.ZIP:
        yield from _read_zip(path)
    elif kind is Kind.YAML:
        yield from _read_overlay(path)
    else:
        yield from _read_content(kind, opener, name, None)


def _read_content(kind: Kind, opener: Opener, file: str, member: str | None) -> ReadResult:
    """Dispatch one file or zip member that is not itself an archive."""
    try:
        if kind is Kind.JSON:
            yield from _read_json(opener, file, member)
        elif kind is Kind.XML:
            yield from _read_xml(opener, file, member)
        elif kind is Kind.EMPTY:
            yield _problem("empty file", file, member)
        elif kind is Kind.ZIP:
            yield _problem("a zip inside a zip is not read; unpack it first", file, member)
        elif kind is Kind.YAML:
            yield _problem("overlay YAML is read from a file, not from inside a zip", file, member)
        else:
            yield _problem("not a registry record (expected JSON, XML, YAML or zip content)", file, member)
    except OSError as err:
        yield _problem(f"cannot read: {err.strerror or err}", file, member)


def _problem(message: str, file: str, member: str | None, record: str | None = None) -> ImportProblem:
    """A problem in a file, or in a zip member (which then is the record, unless a record inside it is named)."""
    if member and record:
        message = f"{member}: {message}"
    return ImportProblem(message, file=file, record=record or member)


def _placed(problem: ImportProblem, file: str, member: str | None, position: str | None) -> ImportProblem:
    """Fill in where a problem raised by a mapper came from, keeping the NCT id it already names."""
    problem.file = problem.file or file
    if problem.record is None:
        problem.record = member or position
    elif member:
        problem.message = f"{member}: {problem.message}"
    return problem


def _convert(study: object, file: str, member: str | None, position: str | None) -> Trial | ImportProblem:
    if not isinstance(study, dict):
        return _problem(f"expected a study object, got {type(study).__name__}", file, member, position)
    try:
        return study_to_trial(study, source_file=file, member=member)
    except ImportProblem as problem:
        return _placed(problem, file, member, position)


# --- JSON ---------------------------------------------------------------------------------------


class _JsonShape(StrEnum):
    STUDY = "study"
    PAGE = "page"  # API v2 search page: {"studies": [...], "nextPageToken": ...}
    V1_ENVELOPE = "v1"  # {"FullStudiesResponse": {"FullStudies": [...]}}
    ARRAY = "array"  # [study, study, ...]
    LINES = "lines"  # JSON Lines: one study per line


def _read_json(opener: Opener, file: str, member: str | None) -> ReadResult:
    shape = _json_shape(opener)
    if shape is _JsonShape.LINES:
        yield from _read_json_lines(opener, file, member)
    elif shape is _JsonShape.STUDY:
        yield from _read_json_document(opener, file, member)
    else:
        prefix = {
            _JsonShape.PAGE: "studies.item",
            _JsonShape.V1_ENVELOPE: "FullStudiesResponse.FullStudies.item",
            _JsonShape.ARRAY: "item",
        }[shape]
        yield from _read_json_stream(opener, prefix, file, member)


def _json_shape(opener: Opener) -> _JsonShape:
    """Decide the JSON layout without reading a large file whole: first line, then top-level keys."""
    with opener() as stream:
        first_line = stream.readline(_MAX_LINE_BYTES).strip().removeprefix(_BOM)
        rest = stream.read(_SNIFF_BYTES).lstrip()
    if first_line.startswith(b"{") and first_line.endswith(b"}") and rest.startswith(b"{"):
        return _JsonShape.LINES
    with opener() as stream:
        try:
            for prefix, event, value in ijson.parse(_skip_bom(stream)):
                if prefix == "" and event == "start_array":
                    return _JsonShape.ARRAY
                if prefix == "" and event == "map_key":
                    if value == "studies":
                        return _JsonShape.PAGE
                    if value == "FullStudiesResponse":
                        return _JsonShape.V1_ENVELOPE
                    if value in ("protocolSection", "ProtocolSection", "Study"):
                        return _JsonShape.STUDY
                elif prefix == "" and event == "end_map":
                    break
        except ijson.JSONError:
            pass  # reading it as one document reports the error with its position
    return _JsonShape.STUDY


def _skip_bom(stream: IO[bytes]) -> IO[bytes]:
    if stream.read(len(_BOM)) != _BOM:
        stream.seek(0)
    return stream


def _read_json_document(opener: Opener, file: str, member: str | None) -> ReadResult:
    with opener() as stream:
        data = stream.read(MAX_WHOLE_DOCUMENT_BYTES + 1)
    if len(data) > MAX_WHOLE_DOCUMENT_BYTES:
        limit = MAX_WHOLE_DOCUMENT_BYTES // (1024 * 1024)
        yield _problem(f"a single JSON study larger than {limit} MB is not read", file, member)
        return
    try:
        document = json.loads(data.removeprefix(_BOM))
    except json.JSONDecodeError as err:
        yield _problem(f"truncated or invalid JSON at line {err.lineno} column {err.colno}: {err.msg}", file, member)
        return
    except UnicodeDecodeError:
        yield _problem("not UTF-8 text", file, member)
        return
    yield _convert(document, file, member, None)


def _read_json_stream(opener: Opener, prefix: str, file: str, member: str | None) -> ReadResult:
    """Yield each study of a page, envelope or array as ijson completes it; memory holds one study."""
    count = 0
    with opener() as stream:
        try:
            for count, study in enumerate(ijson.items(_skip_bom(stream), prefix, use_float=True), start=1):
                yield _convert(study, file, member, f"{prefix.removesuffix('.item')}[{count - 1}]")
        except ijson.JSONError as err:
            yield _problem(f"truncated or invalid JSON after {count} complete record(s): {err}", file, member)


def _read_json_lines(opener: Opener, file: str, member: str | None) -> ReadResult:
    with opener() as stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.strip().removeprefix(_BOM) if number == 1 else raw.strip()
            if not line:
                continue
            where = f"{member} line {number}" if member else f"line {number}"
            try:
                study = json.loads(line)
            except json.JSONDecodeError as err:
                yield ImportProblem(f"invalid JSON at column {err.colno}: {err.msg}", file=file, record=where)
                continue
            except UnicodeDecodeError:
                yield ImportProblem("not UTF-8 text", file=file, record=where)
                continue
            if not isinstance(study, dict):
                yield ImportProblem(f"expected a study object, got {type(study).__name__}", file=file, record=where)
                continue
            try:
                yield study_to_trial(study, source_file=file, member=where)
            except ImportProblem as problem:
                # The line number is what a person needs to find the record; the NCT id goes in the message.
                if problem.record and problem.record != where:
                    problem.message = f"{problem.record}: {problem.message}"
                problem.record = where
                problem.file = problem.file or file
                yield problem


# --- XML ----------------------------------------------------------------------------------------


def _read_xml(opener: Opener, file: str, member: str | None) -> ReadResult:
    """Yield each `<clinical_study>` as it closes, then drop it so a large wrapper file never sits in memory."""
    count = 0
    open_elements: list[ET.Element] = []
    with opener() as stream:
        try:
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    open_elements.append(element)
                    continue
                open_elements.pop()
                if element.tag != ROOT_TAG:
                    continue
                count += 1
                try:
                    yield clinical_study_to_trial(element, source_file=file, member=member)
                except ImportProblem as problem:
                    yield _placed(problem, file, member, f"{ROOT_TAG}[{count - 1}]")
                if open_elements:
                    open_elements[-1].remove(element)
                element.clear()
        except ET.ParseError as err:
            line, column = err.position
            message = f"truncated or malformed XML at line {line} column {column} after {count} complete record(s)"
            yield _problem(message, file, member)
            return
    if count == 0:
        yield _problem(f"XML without a <{ROOT_TAG}> element", file, member)


# --- zip ----------------------------------------------------------------------------------------


def _read_zip(path: Path) -> ReadResult:
    """The registry's bulk download: every member is read by its content; a bad member is one problem."""
    file = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        yield ImportProblem(f"unreadable zip: {err}", file=file)
        return
    with archive:
        for info in archive.infolist():
            # Directory entries and macOS resource forks carry no records.
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            yield from _read_member(archive, info, file)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> ReadResult:
    member = info.filename
    if info.file_size > MAX_WHOLE_DOCUMENT_BYTES:
        yield _problem(f"member larger than {MAX_WHOLE_DOCUMENT_BYTES // (1024 * 1024)} MB is not read", file, member)
        return
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError) as err:
        yield _problem(f"cannot unpack member: {err}", file, member)
        return

    def opener() -> IO[bytes]:
        return io.BytesIO(data)

    yield from _read_content(sniff(data[:_SNIFF_BYTES]), opener, file, member)


# --- overlay YAML (another module owns the format) ----------------------------------------------


def _read_overlay(path: Path) -> ReadResult:
    from eligo.trials.overlay import read_overlay

    try:
        yield from read_overlay(path)
    except ImportProblem as problem:
        problem.file = problem.file or str(path)
        yield problem
