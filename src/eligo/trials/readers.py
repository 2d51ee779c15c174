"""Streaming import of registry files: detect each file's format from its content and yield trials or problems."""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.json_bounds import JsonBoundsError, decode, split_array, top_level_keys
from eligo.trials.legacy_xml import ROOT_TAG, clinical_study_to_trial
from eligo.trials.limits import bounded
from eligo.trials.model import ImportNote, ImportProblem, Trial, printable

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
ReadResult = Iterator["Trial | OverlayPatch | ImportProblem | ImportNote"]


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
        yield ImportProblem("no such file or directory", file=printable(str(path)))


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
    name = printable(str(path))

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


def _convert(
    study: object, file: str, member: str | None, position: str | None, source_member: str | None = None
) -> ReadResult:
    """The trial a decoded study maps to, after any notes about what was left out; or the problem."""
    if not isinstance(study, dict):
        yield _problem(f"expected a study object, got {type(study).__name__}", file, member, position)
        return
    notes: list[ImportNote] = []
    try:
        trial = study_to_trial(study, source_file=file, member=source_member or member, notes=notes)
    except ImportProblem as problem:
        yield _placed(problem, file, member, position)
        return
    yield from bounded(trial, notes, file=file, record=trial.nct_id)


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
        path = {
            _JsonShape.PAGE: ("studies",),
            _JsonShape.V1_ENVELOPE: ("FullStudiesResponse", "FullStudies"),
            _JsonShape.ARRAY: (),
        }[shape]
        yield from _read_json_stream(opener, path, file, member)


def _json_shape(opener: Opener) -> _JsonShape:
    """Decide the JSON layout without building any value: first line, then the top-level keys."""
    with opener() as stream:
        first_line = stream.readline(_MAX_LINE_BYTES).strip().removeprefix(_BOM)
        rest = stream.read(_SNIFF_BYTES).lstrip()
    if first_line.startswith(b"{") and first_line.endswith(b"}") and rest.startswith(b"{"):
        return _JsonShape.LINES
    if _head(opener).removeprefix(_BOM).lstrip().startswith(b"["):
        return _JsonShape.ARRAY
    with opener() as stream:
        try:
            for key in top_level_keys(stream):
                if key == "studies":
                    return _JsonShape.PAGE
                if key == "FullStudiesResponse":
                    return _JsonShape.V1_ENVELOPE
                if key in ("protocolSection", "ProtocolSection", "Study"):
                    return _JsonShape.STUDY
        except JsonBoundsError:
            pass  # reading it as one document reports the fault
    return _JsonShape.STUDY


def _read_json_document(opener: Opener, file: str, member: str | None) -> ReadResult:
    with opener() as stream:
        data = stream.read(MAX_WHOLE_DOCUMENT_BYTES + 1)
    if len(data) > MAX_WHOLE_DOCUMENT_BYTES:
        limit = MAX_WHOLE_DOCUMENT_BYTES // (1024 * 1024)
        yield _problem(f"a single JSON study larger than {limit} MB is not read", file, member)
        return
    try:
        document = decode(data)
    except JsonBoundsError as err:
        yield _problem(str(err), file, member)
        return
    yield from _convert(document, file, member, None)


_NCT_IN_BYTES = re.compile(rb'"(?:nctId|NCTId)"\s*:\s*"(NCT\d{8})"')


def _record_name(position: str, data: bytes | None) -> str:
    """Where a refused record was, with its NCT id when one can be seen in its bytes."""
    found = _NCT_IN_BYTES.search(data) if data is not None else None
    return f"{position} ({found.group(1).decode()})" if found else position


def _read_json_stream(opener: Opener, path: tuple[str, ...], file: str, member: str | None) -> ReadResult:
    """Yield each study of a page, envelope or array as the splitter cuts it out; memory holds one study.

    A study that is too deep, too large, not UTF-8 or not valid JSON is named by its index and skipped.
    """
    name = ".".join(path) or "item"
    count = 0
    with opener() as stream:
        try:
            for item in split_array(stream, path):
                count = item.index + 1
                position = f"{name}[{item.index}]"
                if item.data is None:
                    yield _problem(item.problem or "unreadable", file, member, position)
                    continue
                try:
                    study = decode(item.data, checked=True)
                except JsonBoundsError as err:
                    yield _problem(str(err), file, member, _record_name(position, item.data))
                    continue
                yield from _convert(study, file, member, position)
        except JsonBoundsError as err:
            yield _problem(f"{err} (after {count} record(s))", file, member)


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """Each line, or None for one longer than `_MAX_LINE_BYTES` (read past in pieces, never held whole)."""
    number = 0
    while True:
        line = stream.readline(_MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) <= _MAX_LINE_BYTES or line.endswith(b"\n"):
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(_MAX_LINE_BYTES)
        yield number, None


def _read_json_lines(opener: Opener, file: str, member: str | None) -> ReadResult:
    with opener() as stream:
        for number, raw in _lines(stream):
            where = f"{member} line {number}" if member else f"line {number}"
            if raw is None:
                limit = _MAX_LINE_BYTES // (1024 * 1024)
                yield ImportProblem(f"a line longer than {limit} MB is not read", file=file, record=where)
                continue
            line = raw.strip()
            if not line:
                continue
            try:
                study = decode(line)
            except JsonBoundsError as err:
                yield ImportProblem(str(err), file=file, record=_record_name(where, line))
                continue
            for result in _convert(study, file, None, None, where):
                if isinstance(result, ImportProblem):
                    # The line number is what a person needs to find the record; the NCT id goes in the message.
                    if result.record and result.record != where:
                        result.message = f"{result.record}: {result.message}"
                    result.record = where
                yield result


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
                    trial = clinical_study_to_trial(element, source_file=file, member=member)
                except ImportProblem as problem:
                    yield _placed(problem, file, member, f"{ROOT_TAG}[{count - 1}]")
                else:
                    yield from bounded(trial, [], file=file, record=trial.nct_id)
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
    file = printable(str(path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        yield ImportProblem(f"unreadable zip: {err}", file=file)
        return
    with archive:
        overlap = _overlapping(archive.infolist())
        if overlap is not None:
            yield ImportProblem(overlap, file=file)
            return
        for info in archive.infolist():
            # Directory entries and macOS resource forks carry no records.
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            yield from _read_member(archive, info, file)


def _overlapping(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why the archive is refused when two entries share bytes, else None.

    No archiver writes overlapping entries; a zip bomb does, so that 60 KB of one compressed member is read
    over and over (9.8 GB of reading). Each entry takes at least its 30-byte local header and its
    compressed data from where it starts, so the next entry may not start before that.
    """
    previous: zipfile.ZipInfo | None = None
    for info in sorted(infos, key=lambda entry: entry.header_offset):
        if previous is not None and info.header_offset < previous.header_offset + 30 + previous.compress_size:
            first, second = printable(previous.filename), printable(info.filename)
            return f"entries overlap ({first!r} and {second!r} share bytes), as in a zip bomb: the archive is not read"
        previous = info
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> ReadResult:
    member = printable(info.filename)
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
