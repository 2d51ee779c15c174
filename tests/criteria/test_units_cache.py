"""Pint's definition cache changes nothing: registries built without it, while filling it and from it
convert every laboratory unit alike, and a damaged or unwritable cache only costs time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pint
import pytest

from eligo import units
from eligo.cache_dir import CACHE_DIR_ENV
from eligo.units import new_registry, vocabulary

# Units that reach Pint's own parser rather than the alias table (see units._parse).
FREE_TEXT = ["mL/min/1.73m^2", "mL/min/std_bsa", "1e9 / liter", "1e3 / microliter", "IU/L", "gm/dL", "mg/kg", "pmol/L"]


def _readings(ureg: Any) -> list[tuple[object, ...]]:
    """What each unit means to `ureg`, and every lab test's value of 1 in every unit, in its canonical unit."""
    vocab = vocabulary()
    expressions = [alias.pint for alias in vocab.units] + FREE_TEXT
    readings: list[tuple[object, ...]] = []
    for expression in expressions:
        quantity = ureg.parse_expression(expression)
        base = quantity.to_base_units()
        readings.append((expression, str(quantity), str(quantity.dimensionality), base.magnitude, str(base.units)))
    for spec in vocab.tests.values():
        target = ureg.parse_expression(spec.canonical_unit)
        for expression in expressions:
            source = ureg.parse_expression(expression) * 1.0
            try:
                if source.dimensionality == target.dimensionality:
                    value: object = source.to(target.units).magnitude
                elif spec.molar_mass_g_per_mol is not None:
                    molar_mass = ureg.Quantity(spec.molar_mass_g_per_mol, "g/mol")
                    value = source.to(target.units, "chemistry", mw=molar_mass).magnitude
                else:
                    value = "not convertible"
            except (pint.errors.DimensionalityError, ZeroDivisionError) as error:  # the same failure either way
                value = type(error).__name__
            readings.append((spec.test, expression, value))
    return readings


def test_cached_registries_convert_exactly_as_an_uncached_one(tmp_path: Path) -> None:
    folder = tmp_path / "pint"
    uncached = _readings(new_registry(None))
    filling = units._fill_pint_cache(folder)
    assert sorted(path.suffix for path in folder.iterdir()) == [".json"] * 4 + [".pickle"] * 4
    assert _readings(filling) == uncached
    assert _readings(new_registry(folder)) == uncached
    # Enough conversions, molar <-> mass ones included, to mean something.
    assert sum(1 for reading in uncached if isinstance(reading[-1], float)) > 40
    creatinine = {reading[1]: reading[2] for reading in uncached if reading[0] == "creatinine"}
    assert creatinine["micromole / liter"] == pytest.approx(1 / 88.42, rel=1e-3)


def test_registry_uses_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    first = units.registry.__wrapped__()
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith(f"pint-{pint.__version__}-")
    assert _readings(units.registry.__wrapped__()) == _readings(first)
    assert list(tmp_path.iterdir()) == [folder]  # read from, not written again


def test_a_damaged_cache_is_dropped_and_the_registry_still_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    expected = _readings(units.registry.__wrapped__())
    (folder,) = tmp_path.iterdir()
    for pickle_file in folder.glob("*.pickle"):
        pickle_file.write_bytes(pickle_file.read_bytes()[:40])  # cut short, as by a crash mid-write
    assert _readings(units.registry.__wrapped__()) == expected
    assert not folder.exists()
    assert _readings(units.registry.__wrapped__()) == expected  # filled again
    assert folder.is_dir()


def test_an_unwritable_cache_dir_builds_without_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    assert _readings(units.registry.__wrapped__()) == _readings(new_registry(None))


def test_nothing_asks_pint_for_compatible_units() -> None:
    # A registry built from Pint's cache answers get_compatible_units() with nothing (see units.registry).
    units_module = Path(units.__file__).resolve()
    callers = [
        path
        for path in units_module.parents[1].rglob("*.py")
        if path != units_module and "compatible_units" in path.read_text(encoding="utf-8")
    ]
    assert callers == []
