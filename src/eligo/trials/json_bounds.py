"""Bounded JSON: depth and number-size limits checked on raw bytes before any object is built, and a splitter
that cuts a top-level array of studies into one byte slice per study, so one bad study costs only itself.

Why not ijson: its prefixes cost memory with the square of the nesting depth (80 KB of `[` took 4 GB), its C
backend crashes on a number of more than 4,300 digits, and one bad byte ends the stream, silently dropping
every later study of the file. The scanner here holds one study at a time, counts depth with an integer,
never converts a number, and lets `json.loads` decode each study slice only once the slice is known to be
within bounds (so `json.loads` can neither recurse too deep nor be asked to convert a huge number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

# A ClinicalTrials.gov study (with results) nests about 12 levels; 64 leaves room for any honest exporter.
MAX_DEPTH = 64
# No registry value needs more digits than this (a latitude with 17 decimals has 19); a longer number is hostile.
MAX_NUMBER_DIGITS = 40
# One study, even with results, is a few MB; anything bigger read whole would be a memory hazard.
MAX_RECORD_BYTES = 50 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_LONGEST_KEY = 1024

_DIGITS = rb"[0-9]{1,%d}(?![0-9])" % MAX_NUMBER_DIGITS
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
# Inside a study only brackets matter: strings, short numbers and everything else are skipped in C.
_SKIP_INSIDE = re.compile(rb"(?:[^\"\[\]{}0-9]+|%s|%s)*" % (_STRING, _DIGITS), re.DOTALL)
# Around the studies, commas end studies and strings may be the keys of the path to them.
_SKIP_OUTSIDE = re.compile(rb"(?:[^\"\[\]{},0-9]+|%s)*" % _DIGITS, re.DOTALL)
# The rest of a string after its opening quote, up to (not including) the closing quote or the buffer's end.
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
_DIGIT_RUN = re.compile(rb"[0-9]*")
_WHITESPACE = b" \t\r\n"


def _end(pattern: re.Pattern[bytes], data: bytes, pos: int) -> int:
    """Where `pattern` (which may match nothing, so always matches) stops matching from `pos`."""
    match = pattern.match(data, pos)
    return pos if match is None else match.end()


class JsonBoundsError(Exception):
    """JSON that is invalid or out of bounds; the message says what and where, for a person to fix it."""


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels"


def _too_long_number() -> str:
    return f"a number longer than {MAX_NUMBER_DIGITS} digits"


def check_bounds(data: bytes) -> None:
    """Raise `JsonBoundsError` when `data` nests deeper than `MAX_DEPTH` or holds a number that is too long."""
    problem = _scan(data)
    if problem is not None:
        raise JsonBoundsError(problem)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JsonBoundsError(_too_long_number())
    return int(text)


def _bounded_float(text: str) -> float:
    if sum(ch.isdigit() for ch in text) > MAX_NUMBER_DIGITS:
        raise JsonBoundsError(_too_long_number())
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonBoundsError(f"a number too large to represent: {text[:20]}")
    return value


def _no_constant(name: str) -> object:
    raise JsonBoundsError(f"{name} is not JSON")


def decode(data: bytes, *, checked: bool = False) -> object:
    """Decode one JSON value held whole in memory, bounds checked first; `JsonBoundsError` names any fault.

    `checked` skips the scan for bytes that came from `split_array`, which has already bounded them.
    """
    data = data.removeprefix(_BOM)
    if not checked:
        check_bounds(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise JsonBoundsError(f"not UTF-8 text (byte {err.start})") from None
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise JsonBoundsError(f"truncated or invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None


def _scan(data: bytes) -> str | None:
    """What is out of bounds in bytes already in memory (a study, a JSON Lines line), or None."""
    pos, depth = 0, 0
    while True:
        pos = _end(_SKIP_INSIDE, data, pos)
        if pos >= len(data):
            return None
        char = data[pos]
        if char in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _too_deep()
        elif char in b"]}":
            depth -= 1
        elif char in b"0123456789":
            return _too_long_number()
        else:  # an unclosed string: the decoder names it precisely
            return None
        pos += 1


@dataclass
class Item:
    """One element of the array being split: its raw bytes, or why they were not kept."""

    index: int
    data: bytes | None
    problem: str | None = None
    # Absolute offsets of the element in the stream (after the "[" or "," before it, up to the "," or "]").
    start: int = 0
    end: int = 0


@dataclass
class _Frame:
    kind: int  # ord("{") or ord("[")
    via_key: bytes | None  # the key that led here from the enclosing object
    expect_key: bool = True
    last_key: bytes | None = None


@dataclass
class _Record:
    start: int  # absolute offset just after the "[" or "," before it
    kept: bool = True
    problem: str | None = None
    depth: int = 0


@dataclass
class _Splitter:
    stream: IO[bytes]
    path: tuple[bytes, ...]
    buf: bytes = b""
    base: int = 0  # absolute offset of buf[0]
    pos: int = 0
    eof: bool = False
    depth: int = 0
    frames: list[_Frame] = field(default_factory=list)
    record: _Record | None = None
    index: int = 0
    in_string: bool = False
    key_start: int | None = None
    done_target: bool = False
    report_keys: bool = False
    keys: list[str] = field(default_factory=list)

    @property
    def target_depth(self) -> int:
        return len(self.path) + 1

    def _in_target(self) -> bool:
        if self.done_target or len(self.frames) != self.target_depth or self.frames[-1].kind != ord("["):
            return False
        if any(frame.kind != ord("{") for frame in self.frames[:-1]):
            return False
        return tuple(frame.via_key for frame in self.frames[1:]) == self.path

    def _more(self) -> bool:
        """Read the next chunk, dropping bytes no longer needed; False at the end of the stream."""
        if self.eof:
            return False
        keep = self.pos
        if self.record is not None and self.record.kept:
            keep = min(keep, self.record.start - self.base)
        if self.key_start is not None:
            keep = min(keep, self.key_start - self.base)
        self.buf = self.buf[keep:]
        self.base += keep
        self.pos -= keep
        chunk = self.stream.read(_CHUNK_BYTES)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _here(self) -> int:
        return self.base + self.pos

    def _record_size_check(self) -> None:
        record = self.record
        if record is not None and record.kept and self._here() - record.start > MAX_RECORD_BYTES:
            record.kept = False
            record.problem = record.problem or f"a study larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB"

    def _finish_record(self, end: int) -> Item | None:
        record, self.record = self.record, None
        if record is None:
            return None
        if not record.kept:
            item = Item(self.index, None, record.problem, record.start, end)
        else:
            data = self.buf[record.start - self.base : end - self.base].strip(_WHITESPACE)
            if not data:
                return None  # "[]" or a trailing comma: nothing there
            item = Item(self.index, data if record.problem is None else None, record.problem, record.start, end)
        self.index += 1
        return item

    def items(self) -> Iterator[Item | str]:
        self.buf = self.stream.read(_CHUNK_BYTES)
        self.eof = not self.buf
        if self.buf.startswith(_BOM):
            self.pos = len(_BOM)
        while True:
            if self.in_string:
                end = _end(_STRING_REST, self.buf, self.pos)
                if end < len(self.buf) and self.buf[end] == ord('"'):
                    self._end_string(end)
                    yield from self.keys
                    self.keys.clear()
                    continue
                self.pos = end
                self._limit_key()
                self._record_size_check()
                if not self._more():
                    raise JsonBoundsError(self._truncated("inside a string"))
                continue
            inside = self.record is not None and self.depth > self.target_depth
            skip = _SKIP_INSIDE if inside else _SKIP_OUTSIDE
            end = _end(skip, self.buf, self.pos)
            if end >= len(self.buf):
                # Digits at the buffer's end may go on in the next chunk: look at them again then.
                while not self.eof and end > self.pos and self.buf[end - 1] in b"0123456789":
                    end -= 1
                self.pos = end
                self._record_size_check()
                if not self._more():
                    break
                continue
            self.pos = end
            token = self.buf[end]
            if token == ord('"'):
                self._start_string()
            elif token in b"0123456789":
                self._fault(_too_long_number())
                # Skip the rest of the number so the scan goes on after it.
                self.pos = _end(_DIGIT_RUN, self.buf, end)
            elif token in b"[{":
                yield from self._open(token)
            elif token in b"]}":
                yield from self._close(token)
            else:  # a comma around the studies
                yield from self._comma()
        if self.depth > 0:
            raise JsonBoundsError(self._truncated("before the end of the document"))

    def _truncated(self, where: str) -> str:
        return f"truncated JSON: the file ends {where} after {self.index} complete record(s)"

    def _fault(self, problem: str) -> None:
        """A bound exceeded: the study it is in is refused; outside any study, the whole document is."""
        if self.record is not None:
            self.record.problem = self.record.problem or problem
            self.record.kept = False
        else:
            raise JsonBoundsError(f"{problem} (at byte {self._here():,})")

    def _start_string(self) -> None:
        self.in_string = True
        frame = self.frames[-1] if self.frames else None
        is_key = frame is not None and frame.kind == ord("{") and frame.expect_key and self.record is None
        self.key_start = self._here() + 1 if is_key else None
        self.pos += 1

    def _limit_key(self) -> None:
        if self.key_start is not None and self._here() - self.key_start > _LONGEST_KEY:
            self.key_start = None
            if self.frames:
                self.frames[-1].expect_key = False
                self.frames[-1].last_key = None

    def _end_string(self, end: int) -> None:
        self.in_string = False
        if self.key_start is not None and self.frames:
            frame = self.frames[-1]
            frame.last_key = self.buf[self.key_start - self.base : end]
            if self.report_keys and len(self.frames) == 1:
                self.keys.append(frame.last_key.decode("utf-8", "replace"))
            frame.expect_key = False
            self.key_start = None
        elif self.frames and self.frames[-1].kind == ord("{") and self.record is None:
            self.frames[-1].expect_key = False
        self.pos = end + 1

    def _open(self, token: int) -> Iterator[Item]:
        self.depth += 1
        self.pos += 1
        if self.record is not None:
            self.record.depth += 1
            if self.record.depth > MAX_DEPTH:
                self._fault(_too_deep())
            return
        if self.depth > self.target_depth:
            # A container beside the studies (not on the path): skipped as one opaque value.
            self.record = None
            self._skip_value(token)
            return
        parent = self.frames[-1] if self.frames else None
        via = parent.last_key if parent is not None and parent.kind == ord("{") else None
        if parent is not None and parent.kind == ord("{"):
            parent.expect_key = False
        self.frames.append(_Frame(token, via, expect_key=token == ord("{")))
        if self._in_target():
            self.record = _Record(self._here())
        yield from ()

    def _skip_value(self, token: int) -> None:
        """Walk past a container that is not on the path to the studies, bounding its depth like a study's."""
        depth = 1
        while depth:
            end = _end(_SKIP_INSIDE, self.buf, self.pos)
            if end >= len(self.buf):
                self.pos = end
                if not self._more():
                    raise JsonBoundsError(self._truncated("before the end of the document"))
                continue
            self.pos = end
            char = self.buf[end]
            if char == ord('"'):
                # An unclosed string in this chunk: read past it.
                rest = _end(_STRING_REST, self.buf, end + 1)
                while rest >= len(self.buf) or self.buf[rest] != ord('"'):
                    self.pos = rest
                    if not self._more():
                        raise JsonBoundsError(self._truncated("inside a string"))
                    rest = _end(_STRING_REST, self.buf, self.pos)
                self.pos = rest + 1
                continue
            if char in b"0123456789":
                raise JsonBoundsError(f"{_too_long_number()} (at byte {self._here():,})")
            depth += 1 if char in b"[{" else -1
            if self.depth + depth - 1 > MAX_DEPTH + self.target_depth:
                raise JsonBoundsError(f"{_too_deep()} (at byte {self._here():,})")
            self.pos += 1
        self.depth -= 1

    def _close(self, token: int) -> Iterator[Item]:
        if self.depth == 0:
            raise JsonBoundsError(f"invalid JSON: an unmatched {chr(token)!r} at byte {self._here():,}")
        if self.record is not None and self.depth > self.target_depth:
            self.depth -= 1
            self.record.depth -= 1
            self.pos += 1
            return
        frame = self.frames.pop()
        if (frame.kind == ord("[")) != (token == ord("]")):
            raise JsonBoundsError(f"invalid JSON: {chr(token)!r} closes {chr(frame.kind)!r} at byte {self._here():,}")
        if self.record is not None:
            item = self._finish_record(self._here())
            if item is not None:
                yield item
            self.done_target = True
        self.depth -= 1
        self.pos += 1

    def _comma(self) -> Iterator[Item]:
        if self.record is not None:
            item = self._finish_record(self._here())
            if item is not None:
                yield item
            self.record = _Record(self._here() + 1)
        elif self.frames and self.frames[-1].kind == ord("{"):
            self.frames[-1].expect_key = True
        self.pos += 1


def split_array(stream: IO[bytes], path: tuple[str, ...]) -> Iterator[Item]:
    """Each element of the array at `path` (keys from the top-level object; () for a top-level array).

    An element too deep, too large or holding too long a number comes back with `problem` set and no bytes;
    the scan goes on to the next one. A document that ends early or breaks the structure around the
    elements raises `JsonBoundsError` after the elements read so far.
    """
    for item in _Splitter(stream, tuple(key.encode() for key in path)).items():
        if isinstance(item, Item):
            yield item


def top_level_keys(stream: IO[bytes]) -> Iterator[str]:
    """The keys of a top-level object, in order, without building any value (bounded like `split_array`)."""
    # A path no document has: nothing is split, every value is walked past with its depth bounded.
    for item in _Splitter(stream, (b"\0",), report_keys=True).items():
        if isinstance(item, str):
            yield item
