"""Laboratory units: reading units as trials and parents write them, converting values into
each test's canonical unit with Pint, and comparing thresholds exactly at the boundary.

The lab vocabulary (`criteria/vocab/labs.yaml`) and the extra Pint definitions
(`criteria/vocab/units.txt`) are loaded and validated once. It sits below both the criteria and the
child's profile, which convert with it, so neither imports the other for units. Anything Eligo
cannot convert raises `UnitError`, which callers turn into an `unknown` verdict with the reason;
a unit is never guessed silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import platform
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pint
from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.cache_dir import cache_dir
from eligo.terms import Comparator
from eligo.yamlfile import load_yaml

# Converted values are compared after rounding both sides to this many significant digits,
# so that 1.0 × 10⁹/L and 1,000/µL meet a "≥ 1,000/µL" threshold exactly despite binary
# floating-point artefacts (~1e-16 relative); no laboratory reports anywhere near 9 digits.
SIGNIFICANT_DIGITS = 9


_REGISTRY_LOCK = threading.RLock()


class UnitError(ValueError):
    """A unit Eligo does not know, or one that cannot be converted to the test's unit."""


class LabSpec(BaseModel):
    """One laboratory test as the vocabulary describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    test: str
    label: str
    name: str
    synonyms: tuple[str, ...]
    not_followed_by: str | None = None
    canonical_unit: str
    display: str
    assumed_unit: str | None = None
    plausible: tuple[float, float]
    molar_mass_g_per_mol: float | None = Field(default=None, gt=0)
    # The ion's charge, so that mEq/L can be read as mmol/L (1 mEq/L of Ca²⁺ is 0.5 mmol/L).
    valence: int | None = Field(default=None, gt=0)
    transfusion_product: str | None = None
    # The test a threshold in an unadjusted unit reads as ("creatinine clearance ≥ 60 mL/min" is not
    # the body-size-adjusted GFR); a test reached only this way has no synonyms of its own.
    unadjusted_test: str | None = None
    # The only units the test is read in, where others would convert wrongly: HbA1c in % (48 mmol/mol
    # is 6.5 %, not 4.8 %; both are plain numbers to Pint), INR as a bare ratio.
    only_units: tuple[str, ...] | None = None
    # A bare number ("Triglycerides > 400") is read in the one unit of `bare_units` that puts it inside
    # `threshold_range` (canonical units: the limits trials set for this test); when none or several
    # do, it is not read. An `assumed_unit` is then not set.
    bare_units: tuple[str, ...] = ()
    threshold_range: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _range(self) -> LabSpec:
        low, high = self.plausible
        if low >= high:
            raise ValueError(f"{self.test}: plausible range is empty")
        if self.bare_units and (self.threshold_range is None or self.assumed_unit is not None):
            raise ValueError(f"{self.test}: bare_units need a threshold_range and no assumed_unit")
        return self


class LabGroup(BaseModel):
    """Words naming several tests at once ("hepatic enzymes": AST and ALT), each test then limited alike."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tests: tuple[str, ...]
    synonyms: tuple[str, ...]


class UnitAlias(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    display: str
    pint: str
    written: tuple[str, ...]


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    transfusion_independence_default_days: int = Field(gt=0)
    stale_after_days: int = Field(gt=0)


class LabVocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tests: Mapping[str, LabSpec]
    groups: Mapping[str, LabGroup] = {}
    units: tuple[UnitAlias, ...]
    policy: Policy
    questions: Mapping[str, str]
    comparators: Mapping[str, str]


@cache
def _load() -> LabVocabulary:
    raw: dict[str, Any] = load_yaml(resources.files("eligo.criteria").joinpath("vocab/labs.yaml").read_text())
    raw["tests"] = {name: {"test": name, **spec} for name, spec in raw["tests"].items()}
    return LabVocabulary.model_validate(raw)


@cache
def vocabulary() -> LabVocabulary:
    """The lab vocabulary, loaded once; every unit in it is checked against the registry."""
    vocab = _load()
    reached = {spec.unadjusted_test for spec in vocab.tests.values() if spec.unadjusted_test}
    for spec in vocab.tests.values():
        if spec.unadjusted_test is not None and spec.unadjusted_test not in vocab.tests:
            raise ValueError(f"labs.yaml: {spec.test}: unadjusted_test {spec.unadjusted_test!r} is not a test")
        if not spec.synonyms and spec.test not in reached:
            raise ValueError(f"labs.yaml: {spec.test} has no synonyms and no test reads into it")
    ureg = registry()
    for spec in vocab.tests.values():
        ureg.parse_expression(spec.canonical_unit)
        if spec.assumed_unit is not None:
            _parse(spec.assumed_unit)
        for unit in spec.bare_units:
            _parse(unit)
    for name, group in vocab.groups.items():
        unknown = [test for test in group.tests if test not in vocab.tests]
        if unknown or len(group.tests) < 2:
            raise ValueError(f"labs.yaml: group {name} names unknown tests {unknown} or fewer than two")
    for alias in vocab.units:
        ureg.parse_expression(alias.pint)
    return vocab


_DEFINITIONS = resources.files("eligo.criteria").joinpath("vocab/units.txt")


@cache
def registry() -> Any:
    """Pint's default registry plus Eligo's laboratory definitions (`vocab/units.txt`).

    Parsing Pint's definition files takes a new process about 0.25 s; Pint's own cache of the
    parsed files, kept in the Eligo cache directory, brings that to about 0.05 s. From the cache Pint
    works out each unit's base units on first use rather than all up front (Pint 0.25 drops the cached
    table): conversions are the same, but `get_compatible_units()` finds nothing, so Eligo never uses it.
    """
    folder = _pint_cache_folder()
    if folder.is_dir():
        try:
            return new_registry(folder)
        except Exception:  # a damaged cache (Pint unpickles it): start it again, and do without it now
            shutil.rmtree(folder, ignore_errors=True)
            return new_registry(None)
    try:
        return _fill_pint_cache(folder)
    except OSError:  # the cache directory cannot be written
        return new_registry(None)


def new_registry(cache_folder: Path | None) -> Any:
    """A registry with Eligo's definitions; Pint reads, or else writes, its parsed files in `cache_folder`."""
    ureg: Any = pint.UnitRegistry(cache_folder=cache_folder)
    with resources.as_file(_DEFINITIONS) as path:
        ureg.load_definitions(str(path))
    return ureg


def _pint_cache_folder() -> Path:
    # Pint names its files after what they were parsed from, and writes a missing one in place; a folder
    # per (Pint, Python, units.txt) is filled once, then only read, so no process sees a half-written file.
    digest = hashlib.sha256(_DEFINITIONS.read_bytes()).hexdigest()[:16]
    return cache_dir() / f"pint-{pint.__version__}-py{platform.python_version()}-{digest}"


def _fill_pint_cache(folder: Path) -> Any:
    """A registry built while Pint writes its cache under a temporary name, then renamed to `folder`."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pint-", dir=folder.parent))
    try:
        ureg = new_registry(staging)
        with contextlib.suppress(OSError):  # another process filled it first; its copy is as good
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ureg


def lab_spec(test: str) -> LabSpec:
    spec = vocabulary().tests.get(test)
    if spec is None:
        raise UnitError(f"'{test}' is not a laboratory test Eligo knows")
    return spec


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER_OF_TEN = re.compile(r"^(?:x|\*)?10(?:\^|e|E|\*\*)?(\d{1,2})/(L|l|uL|ul|mm\^?3)$")
_LOST_SUPERSCRIPT = re.compile(r"^x10(9|12|3)/(L|l)$")  # "x109/L": "× 10⁹/L" with the superscript lost


def _clean(written: str) -> str:
    text = written.strip().translate(_SUPERSCRIPTS)
    text = text.replace("µ", "u").replace("μ", "u").replace("×", "x").replace("X", "x").replace("\\", "")
    text = re.sub(r"\b(?:cells?|cell count)\b", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\bmc(?=[lLg]|mol)", "u", text)
    text = re.sub(r"^per", "/", text)
    return text.rstrip(".")


@cache
def _alias_table() -> Mapping[str, UnitAlias]:
    return {_clean(written): alias for alias in _load().units for written in alias.written}


def _superscript(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


@cache
def _parse(written: str) -> tuple[Any, str]:
    """(Pint quantity for one `written` unit, display string), or UnitError."""
    ureg = registry()
    key = _clean(written)
    if not key:
        raise UnitError("no unit was given")
    alias = _alias_table().get(key)
    if alias is not None:
        return ureg.parse_expression(alias.pint), alias.display
    match = _POWER_OF_TEN.match(key) or _LOST_SUPERSCRIPT.match(key)
    if match:
        exponent, volume = match.groups()
        per = "liter" if volume in ("L", "l") else "microliter" if volume in ("uL", "ul") else "millimeter ** 3"
        shown = "L" if per == "liter" else "µL" if per == "microliter" else "mm³"
        return ureg.parse_expression(f"1e{exponent} / {per}"), f"× 10{_superscript(exponent)}/{shown}"
    try:
        quantity = ureg.parse_expression(key)
    except Exception as error:  # Pint's parser raises many kinds (tokenize, syntax, undefined) on free text
        raise UnitError(f"'{written}' is not a unit Eligo recognises") from error
    if not isinstance(quantity, ureg.Quantity):
        raise UnitError(f"'{written}' is not a unit Eligo recognises")
    magnitude = float(quantity.magnitude)
    if not math.isfinite(magnitude) or magnitude <= 0:
        # "0 mg/dL", "1e999/L": a number where the unit should be; dividing by it would fail later.
        raise UnitError(f"'{written}' is not a unit Eligo recognises")
    return quantity, key


def parse_unit(written: str) -> Any:
    """The Pint quantity one `written` unit stands for ("x 10E9/L" -> 1e9 / liter)."""
    return _parse(written)[0]


def display_unit(written: str) -> str:
    """How Eligo writes a unit: "/mcL" -> "/µL", "x 10E9/L" -> "× 10⁹/L", "g/dl" -> "g/dL"."""
    return _parse(written)[1]


def is_unit(written: str) -> bool:
    try:
        _parse(written)
    except UnitError:
        return False
    return True


def _molar_context(spec: LabSpec) -> dict[str, Any]:
    if spec.molar_mass_g_per_mol is None:
        return {}
    return {"mw": registry().Quantity(spec.molar_mass_g_per_mol, "g/mol")}


def convert(test: str, value: float, from_unit: str, to_unit: str) -> float:
    """`value` of `test` written in `from_unit`, expressed in `to_unit` (both as written)."""
    return _convert(lab_spec(test), value, from_unit, parse_unit(to_unit), to_unit)


def _convert(spec: LabSpec, value: float, from_unit: str, target: Any, to_unit: str) -> float:
    # Pint enables a context by mutating the shared registry, so conversions from concurrent web
    # requests (FastAPI's thread pool) must not interleave.
    with _REGISTRY_LOCK:
        return _convert_unlocked(spec, value, from_unit, target, to_unit)


def _convert_unlocked(spec: LabSpec, value: float, from_unit: str, target: Any, to_unit: str) -> float:
    if not math.isfinite(value):
        raise UnitError(f"{spec.label} value {value} is not a number")
    if spec.only_units is not None and not {_parse(from_unit)[1], _parse(to_unit)[1]} <= set(spec.only_units):
        raise UnitError(f"{spec.label} is read only in {', '.join(spec.only_units)}, not '{from_unit}'")
    value *= _equivalents(spec, from_unit)
    target = target * _equivalents(spec, to_unit)
    source = parse_unit(from_unit) * value
    try:
        if source.dimensionality == target.dimensionality:
            result = source.to(target.units)
        else:
            context = _molar_context(spec)
            if not context:
                raise pint.errors.DimensionalityError(source.units, target.units)
            result = source.to(target.units, "chemistry", **context)
        return float(result.magnitude / target.magnitude)
    except (pint.errors.DimensionalityError, ZeroDivisionError) as error:
        # ZeroDivisionError: a "unit" that is a number of its own ("≤0'1" read as 0 × '1).
        raise UnitError(f"{spec.label} in '{from_unit}' cannot be converted to '{to_unit}'") from error


def _equivalents(spec: LabSpec, written: str) -> float:
    """mmol per mEq of this test's ion when `written` is in milliequivalents, else 1."""
    if _parse(written)[1] != "mEq/L":
        return 1.0
    if spec.valence is None:
        raise UnitError(f"{spec.label} cannot be given in '{written}'")
    return 1.0 / spec.valence


def to_canonical(test: str, value: float, unit: str) -> Any:
    """`value` of `test` written in `unit`, as a Pint quantity in the test's canonical unit.

    Raises UnitError naming the unit when it is unknown or cannot measure this test.
    """
    spec = lab_spec(test)
    with _REGISTRY_LOCK:
        target = registry().parse_expression(spec.canonical_unit)
        return registry().Quantity(_convert_unlocked(spec, value, unit, target, spec.display), spec.canonical_unit)


def plausible(test: str, canonical_value: float) -> bool:
    low, high = lab_spec(test).plausible
    return math.isfinite(canonical_value) and low <= canonical_value <= high


def _rounded(value: float) -> Decimal:
    return Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}")


def satisfies(value: float, comparator: Comparator, threshold: float) -> bool:
    """`value comparator threshold`, exact at the boundary after unit conversion."""
    left, right = _rounded(value), _rounded(threshold)
    if comparator == ">=":
        return left >= right
    if comparator == ">":
        return left > right
    if comparator == "<=":
        return left <= right
    return left < right


def format_number(value: float) -> str:
    """A value for evidence: thousands separators, at most 3 decimals (6 significant digits
    for small values), never "e+06"."""
    rounded = Decimal(f"{value:.6g}")
    if abs(rounded) >= Decimal("0.01"):
        rounded = rounded.quantize(Decimal("0.001"))
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    text = f"{rounded:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
