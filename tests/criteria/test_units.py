"""Unit handling: equivalent units compare equal, conversions round-trip, thresholds are exact
at the boundary in any equivalent unit, and unknown units raise UnitError."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligo.units import (
    UnitError,
    convert,
    display_unit,
    format_number,
    lab_spec,
    satisfies,
    to_canonical,
    vocabulary,
)

# Units that mean the same for counts per volume, with the factor from "/µL".
COUNT_UNITS = {
    "/mcL": Decimal(1),
    "/µL": Decimal(1),
    "/uL": Decimal(1),
    "/mm3": Decimal(1),
    "/mm^3": Decimal(1),
    "cells/mm³": Decimal(1),
    "x10^9/L": Decimal("0.001"),
    "x 10E9/L": Decimal("0.001"),
    "10^9/L": Decimal("0.001"),
    "G/L": Decimal("0.001"),
    "× 10⁹/L": Decimal("0.001"),
    "x10^3/uL": Decimal("0.001"),
    "/L": Decimal(10) ** 6,
}
HB_UNITS = {"g/dL": Decimal(1), "g/dl": Decimal(1), "g/L": Decimal(10), "gm%": Decimal(1)}
ENZYME_UNITS = ["U/L", "IU/L", "units/L"]

count_unit = st.sampled_from(sorted(COUNT_UNITS))
hb_unit = st.sampled_from(sorted(HB_UNITS))
# Thresholds as trials write them: up to 6 digits before the point and 3 after.
written_value = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999999), places=3)
comparator = st.sampled_from([">=", ">", "<=", "<"])


@settings(deadline=None)  # the first call loads Pint's registry
@given(value=written_value, written=count_unit, other=count_unit)
def test_count_units_round_trip(value: Decimal, written: str, other: str) -> None:
    there = convert("anc", float(value), written, other)
    back = convert("anc", there, other, written)
    assert satisfies(back, ">=", float(value)) and satisfies(back, "<=", float(value))


@settings(deadline=None)  # the first call loads Pint's registry
@given(value=written_value, written=count_unit, other=count_unit)
def test_equivalent_units_compare_equal(value: Decimal, written: str, other: str) -> None:
    """The same count written in two units meets a threshold set in either, exactly at the boundary."""
    in_other = value / COUNT_UNITS[written] * COUNT_UNITS[other]
    converted = convert("platelets", float(in_other), other, written)
    assert satisfies(converted, ">=", float(value))
    assert satisfies(converted, "<=", float(value))
    assert not satisfies(converted, ">", float(value))
    assert not satisfies(converted, "<", float(value))


@settings(deadline=None)  # the first call loads Pint's registry
@given(value=written_value, written=hb_unit, other=hb_unit, op=comparator)
def test_boundary_is_exact_in_any_equivalent_unit(value: Decimal, written: str, other: str, op: str) -> None:
    in_other = value / HB_UNITS[written] * HB_UNITS[other]
    converted = convert("hemoglobin", float(in_other), other, written)
    inclusive = op in (">=", "<=")
    assert satisfies(converted, op, float(value)) is inclusive  # type: ignore[arg-type]


@settings(deadline=None)  # the first call loads Pint's registry
@given(
    value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2),
    written=st.sampled_from(ENZYME_UNITS),
)
def test_u_per_l_and_iu_per_l_are_the_same(value: Decimal, written: str) -> None:
    assert satisfies(convert("alt", float(value), written, "U/L"), ">=", float(value))
    assert not satisfies(convert("alt", float(value), written, "U/L"), ">", float(value))


@settings(deadline=None)  # the first call loads Pint's registry
@given(value=st.floats(min_value=0.01, max_value=30, allow_nan=False))
def test_creatinine_molar_round_trip(value: float) -> None:
    micromolar = convert("creatinine", value, "mg/dL", "µmol/L")
    assert satisfies(convert("creatinine", micromolar, "µmol/L", "mg/dL"), ">=", value)
    assert satisfies(convert("creatinine", micromolar, "µmol/L", "mg/dL"), "<=", value)


@settings(deadline=None)  # the first call loads Pint's registry
@given(value=written_value, op=comparator)
def test_strict_and_inclusive_differ_only_at_the_boundary(value: Decimal, op: str) -> None:
    above = float(value + Decimal("0.001"))
    below = float(value - Decimal("0.001"))
    assert satisfies(above, ">", float(value)) and satisfies(above, ">=", float(value))
    assert satisfies(below, "<", float(value)) and satisfies(below, "<=", float(value))
    assert satisfies(float(value), ">=", float(value)) and not satisfies(float(value), ">", float(value))


def test_clinical_conversion_factors() -> None:
    # 10 dL/L ÷ 113.12 g/mol = 88.40 µmol/L per mg/dL (often quoted as 88.4 or 88.42).
    assert convert("creatinine", 1, "mg/dL", "µmol/L") == pytest.approx(88.42, abs=0.05)
    assert convert("total_bilirubin", 1, "mg/dL", "µmol/L") == pytest.approx(17.1, abs=0.01)
    assert convert("anc", 0.75, "x 10E9/L", "/mm^3") == pytest.approx(750)
    assert convert("hemoglobin", 6, "mmol/L", "g/dL") == pytest.approx(9.67, abs=0.01)
    assert to_canonical("gfr", 60, "cc/min/1.73 m^2").magnitude == pytest.approx(60)
    assert to_canonical("platelets", 100, "x109/L").magnitude == pytest.approx(100_000)


@pytest.mark.parametrize(
    ("test", "unit"),
    [("anc", "furlongs"), ("anc", "bogus/L"), ("anc", "mg/dL"), ("gfr", "mL/min"), ("hemoglobin", ""), ("alt", "%")],
)
def test_unknown_or_incompatible_units_raise_and_name_the_unit(test: str, unit: str) -> None:
    with pytest.raises(UnitError) as error:
        to_canonical(test, 1.0, unit)
    assert (unit and unit in str(error.value)) or "no unit" in str(error.value)


def test_unknown_test_and_non_numbers_raise() -> None:
    with pytest.raises(UnitError):
        to_canonical("sodium-ish", 1.0, "mmol/L")
    with pytest.raises(UnitError):
        to_canonical("anc", float("nan"), "/µL")


def test_display_units() -> None:
    assert display_unit("/mcL") == "/µL"
    assert display_unit("x 10E9/L") == "× 10⁹/L"
    assert display_unit("g/dl") == "g/dL"
    assert display_unit("cc/min/1.73 m^2") == "mL/min/1.73 m²"


def test_numbers_for_evidence() -> None:
    assert format_number(100000) == "100,000"
    assert format_number(0.75) == "0.75"
    assert format_number(1000.0000000001) == "1,000"


def test_vocabulary_loads_and_every_test_has_a_convertible_canonical_unit() -> None:
    for name in vocabulary().tests:
        spec = lab_spec(name)
        assert convert(name, 1.0, spec.display, spec.display) == pytest.approx(1.0)
