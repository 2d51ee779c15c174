"""Laboratory threshold rules: absolute values with units, multiples of the upper limit of
normal, age/sex-adjusted tables, and alternatives such as creatinine or GFR."""

from __future__ import annotations

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.criteria.rules.base import RuleBase, Section
from eligo.terms import Comparator
from eligo.units import format_number, lab_spec, vocabulary

# A lab requirement that applies only in one situation ("Platelets > 50 × 10⁹/L if stem cells
# are not available"); settled from `PatientProfile.stored_stem_cells_cd34_per_kg`.
LabCondition = Literal["stem_cells_available", "no_stem_cells_available"]


def _question(key: str, **values: str) -> str:
    return vocabulary().questions[key].format(**values)


class LabThresholdRule(RuleBase):
    """The most recent result of one test compared with a threshold.

    Exactly one of `value` (absolute, in `unit` as the trial wrote it, normalised for display:
    "/µL", "× 10⁹/L", "g/dL") or `uln_multiple` (× the upper limit of normal reported with the
    result; "=< institutional ULN" is 1.0) is set.
    """

    kind: Literal["lab_threshold"] = "lab_threshold"
    test: str  # canonical name from vocab/labs.yaml
    comparator: Comparator
    value: float | None = None
    unit: str | None = None
    # The trial gave a bare number and the unit is the vocabulary's convention for the test.
    unit_assumed: bool = False
    uln_multiple: float | None = Field(default=None, gt=0)
    for_age: bool = False  # "ULN for age": the age-appropriate ULN reported with the result
    # "independent": no transfusion of the product within `transfusion_window_days` before the
    # test (None = the window was not stated; the evaluator applies the vocabulary default).
    # "allowed": the value may be reached with transfusion support.
    transfusion: Literal["independent", "allowed"] | None = None
    transfusion_window_days: int | None = Field(default=None, gt=0)
    max_age_days: int | None = Field(default=None, gt=0)  # the result must be this recent
    condition: LabCondition | None = None

    @model_validator(mode="after")
    def _shape(self) -> LabThresholdRule:
        lab_spec(self.test)  # an unknown test name is an error, not a silent unknown later
        if (self.value is None) == (self.uln_multiple is None):
            raise ValueError("give exactly one of value or uln_multiple")
        if self.value is not None and not self.unit:
            raise ValueError("an absolute threshold needs its unit")
        if self.uln_multiple is not None and (self.unit is not None or self.unit_assumed):
            raise ValueError("a ULN multiple has no unit")
        if self.for_age and self.uln_multiple is None:
            raise ValueError("for_age qualifies a ULN multiple")
        if self.transfusion_window_days is not None and self.transfusion != "independent":
            raise ValueError("a transfusion window belongs to transfusion independence")
        return self

    def threshold_text(self) -> str:
        """The threshold for display: "≥ 1,000/µL", "≤ 1.5 × ULN for age", "≤ ULN"."""
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}[self.comparator]
        if self.uln_multiple is not None:
            multiple = "" if self.uln_multiple == 1 else f"{format_number(self.uln_multiple)} × "
            return f"{symbol} {multiple}ULN{' for age' if self.for_age else ''}"
        unit = self.unit or ""
        joiner = " " if unit[:1].isalpha() or unit.startswith("×") else ""
        return f"{symbol} {format_number(self.value or 0)}{joiner}{unit}"

    def question(self, section: Section) -> str:
        spec = lab_spec(self.test)
        comparator = vocabulary().comparators[self.comparator]
        if self.uln_multiple is not None:
            multiple = "" if self.uln_multiple == 1 else f"{format_number(self.uln_multiple)} times"
            text = _question(
                "uln",
                label=spec.label,
                comparator=comparator,
                multiple=multiple,
                for_age=" for their age" if self.for_age else "",
            ).replace("  ", " ")
        else:
            threshold = self.threshold_text().split(" ", 1)[1]
            text = _question("threshold", label=spec.label, comparator=comparator, threshold=threshold)
        if self.transfusion == "independent" and spec.transfusion_product:
            window = self.transfusion_window_days or vocabulary().policy.transfusion_independence_default_days
            text = text[:-1] + _question(
                "transfusion_independent", product=spec.transfusion_product, window=str(window)
            )
            text += "?"
        elif self.transfusion == "allowed":
            text = text[:-1] + _question("transfusion_allowed") + "?"
        if self.condition is not None:
            text = _question(f"condition_{self.condition}") + text[0].lower() + text[1:]
        return text


class AgeSexLimit(BaseModel):
    """One row of an age/sex table: the limit for ages in [min_months, max_months)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_months: int = Field(ge=0)
    max_months: int | None = Field(default=None, gt=0)  # None: no upper age bound
    male: float = Field(gt=0)
    female: float = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> AgeSexLimit:
        if self.max_months is not None and self.max_months <= self.min_months:
            raise ValueError("an age row must end after it starts")
        return self


class CreatinineForAgeRule(RuleBase):
    """Serum creatinine at or below an age- and sex-specific limit (the COG/NANT table).

    The rows are the *maximum allowed* values: in the COG protocols the same table is headed
    "Maximum Serum Creatinine (mg/dL)" and was derived from the Schwartz formula as about
    1.5 × the normal for age. `stated_multiple` keeps the "1.5 x normal for age" the trial
    wrote, for display; it is not applied again to the rows.
    """

    kind: Literal["creatinine_for_age"] = "creatinine_for_age"
    test: Literal["creatinine"] = "creatinine"
    comparator: Literal["<=", "<"] = "<="
    rows: tuple[AgeSexLimit, ...] = Field(min_length=1)
    unit: str = "mg/dL"
    stated_multiple: float | None = Field(default=None, gt=0)

    def limits_text(self) -> str:
        parts = []
        for row in self.rows:
            end = "" if row.max_months is None else f"–{row.max_months}"
            limit = (
                format_number(row.male)
                if row.male == row.female
                else f"{format_number(row.male)} boys / {format_number(row.female)} girls"
            )
            parts.append(f"{row.min_months}{end or '+'} months: {limit}")
        return f"{'; '.join(parts)} {self.unit}"

    def question(self, section: Section) -> str:
        return _question("creatinine_for_age", limits=self.limits_text())


class TransfusionDependenceRule(RuleBase):
    """Transfusion dependence: more than `min_units_exclusive` units of a blood product within
    `window_days` ("more than 2 units of RBCs transfused during the 4-week period prior to
    screening"). The profile records only the days since the last transfusion (on the matching
    lab result), so Eligo can say "not dependent" when no transfusion fell in the window and
    otherwise asks."""

    kind: Literal["transfusion_dependence"] = "transfusion_dependence"
    test: Literal["hemoglobin", "platelets"] = "hemoglobin"  # whose result carries the product's history
    min_units_exclusive: int = Field(ge=0)
    window_days: int = Field(gt=0)

    def question(self, section: Section) -> str:
        product = lab_spec(self.test).transfusion_product or self.test
        return _question(
            "transfusion_dependence", units=str(self.min_units_exclusive), product=product, window=str(self.window_days)
        )


LabRule = Union[LabThresholdRule, CreatinineForAgeRule, TransfusionDependenceRule]
