"""The city name index on disk: one SQLite file of folded name -> GeoNames cities, built once per version.

A new process then finds a town with one query instead of reading and folding every GeoNames
city (about 1.5 s, and another 1.3 s for alternate names). The file is only ever replaced whole:
it is written under a temporary name and renamed into place, so a crash or two processes
building at once never leave a half-built index behind.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# One city as stored: name, lat, lon, country, admin1, population (the fields of gazetteer.City).
CityRow = tuple[str, float, float, str, str, int]
# What the gazetteer hands over for each city, in GeoNames order: the row, its official name key,
# and its alternate name keys.
CityEntry = tuple[CityRow, str, Iterable[str]]

FILE_NAME = "gazetteer.sqlite3"

_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE city (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    population INTEGER NOT NULL
);
CREATE TABLE name (key TEXT NOT NULL, official INTEGER NOT NULL, city INTEGER NOT NULL);
"""

# Cities in GeoNames order, as the in-memory index lists them: ties on population go the same way.
_LOOKUP = """
SELECT city.name, city.lat, city.lon, city.country, city.admin1, city.population
FROM name JOIN city ON city.number = name.city
WHERE name.key = ? AND name.official = ?
ORDER BY name.city
"""


class CityIndexFile:
    """Read-only look-ups in a built index file; one connection per process, shared by its threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._connection = _connect_read_only(path)

    def version(self) -> str | None:
        row = self._execute("SELECT value FROM meta WHERE key = 'version'", ())
        return str(row[0][0]) if row else None

    def cities(self, key: str, official: bool) -> list[CityRow]:
        """Cities whose official (or else alternate) name folds to `key`, in GeoNames order."""
        # The columns' declared types give back str, float and int exactly as they were stored.
        rows: list[CityRow] = self._execute(_LOOKUP, (key, int(official)))
        return rows

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _execute(self, sql: str, parameters: tuple[object, ...]) -> list[Any]:
        with self._lock:
            if self._pid != os.getpid():
                # SQLite connections must not cross a fork: a forked web worker opens its own.
                self._pid = os.getpid()
                self._connection = _connect_read_only(self.path)
            return self._connection.execute(sql, parameters).fetchall()


def open_city_index(directory: Path, version: str, entries: Callable[[], Iterable[CityEntry]]) -> CityIndexFile | None:
    """The index in `directory` for `version`, built from `entries()` first if missing or of another version.

    None when it can be neither read nor written there; callers then index in memory.
    """
    path = directory / FILE_NAME
    index = _open_current(path, version)
    if index is not None:
        return index
    try:
        _build(path, version, entries())
    except (OSError, sqlite3.Error):
        return None
    return _open_current(path, version)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _open_current(path: Path, version: str) -> CityIndexFile | None:
    if not path.is_file():
        return None
    try:
        index = CityIndexFile(path)
    except sqlite3.Error:
        return None
    try:
        if index.version() == version:
            return index
    except sqlite3.Error:
        pass  # not an index, or a damaged one: rebuilt in its place
    index.close()
    return None


def _build(path: Path, version: str, entries: Iterable[CityEntry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        connection = sqlite3.connect(temp)
        try:
            _write(connection, version, entries)
        finally:
            connection.close()
        # On disk before it takes the real name, so a power cut cannot leave a renamed empty file.
        with temp.open("r+b") as written:
            os.fsync(written.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write(connection: sqlite3.Connection, version: str, entries: Iterable[CityEntry]) -> None:
    connection.executescript(_SCHEMA)
    cities: list[tuple[object, ...]] = []
    names: list[tuple[str, int, int]] = []
    for number, (row, official_key, alternate_keys) in enumerate(entries):
        cities.append((number, *row))
        names.append((official_key, 1, number))
        names.extend((key, 0, number) for key in alternate_keys)
    with connection:
        connection.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?)", cities)
        connection.executemany("INSERT INTO name VALUES (?, ?, ?)", names)
        connection.execute("CREATE INDEX name_lookup ON name (key, official, city)")
        connection.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
